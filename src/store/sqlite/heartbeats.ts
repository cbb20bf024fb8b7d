import { type Db, writeTransaction } from "./db.js";
import { type Heartbeat, type HeartbeatStore, beatShards } from "../heartbeat.js";

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

/** The async `HeartbeatStore` over SQLite's `meta` table. */
export class SqliteHeartbeatStore implements HeartbeatStore {
  constructor(private readonly db: Db) {}

  async write(beat: Heartbeat): Promise<void> {
    // The last beat, "stopped", may come after the store was closed at shutdown.
    if (this.db.open) writeHeartbeat(this.db, beat);
  }

  async all(): Promise<Heartbeat[]> {
    return readHeartbeats(this.db);
  }
}
