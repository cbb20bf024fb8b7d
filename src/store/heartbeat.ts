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
