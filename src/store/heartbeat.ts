import { writeTransaction, type Db } from "./db.js";

/** What a running bot last said about itself, for `paperbot health` in another process. */
export interface Heartbeat {
  at: string;
  /** The machine the process runs on (absent in beats of older versions). */
  host?: string;
  pid: number;
  /** "ready" when every shard this process runs is connected to the gateway. */
  gateway: "ready" | "connecting" | "stopped";
  shards: number[];
  /** How many shards the bot runs in all; the beats of shards past it are from an earlier run and are dropped. */
  shardCount?: number;
}

/** The heartbeats in either store (SQLite or PostgreSQL, where several machines' bots beat into one database). */
export interface HeartbeatStore {
  /** Records `beat` as the last of each of its shards; with `shardCount`, drops the beats of shards past it. */
  write(beat: Heartbeat): Promise<void>;
  /** Every shard's last heartbeat. */
  all(): Promise<Heartbeat[]>;
}

/** The shards a beat speaks for: a bot without sharding is shard 0. */
export const beatShards = (beat: Heartbeat): number[] => (beat.shards.length ? beat.shards : [0]);

const key = (shard: number) => `bot_heartbeat_${shard}`;

export function writeHeartbeat(db: Db, beat: Heartbeat): void {
  const put = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  writeTransaction(db, () => {
    for (const shard of beatShards(beat)) put.run(key(shard), JSON.stringify(beat));
    if (beat.shardCount)
      db.prepare(`DELETE FROM meta WHERE key LIKE 'bot_heartbeat_%' AND CAST(substr(key, ${key(0).length}) AS INTEGER) >= ?`).run(beat.shardCount);
  });
}

/** Every shard's last heartbeat. */
export function readHeartbeats(db: Db): Heartbeat[] {
  const rows = db.prepare("SELECT value FROM meta WHERE key LIKE 'bot_heartbeat_%' ORDER BY key").pluck().all() as string[];
  return rows.map((v) => JSON.parse(v) as Heartbeat);
}
