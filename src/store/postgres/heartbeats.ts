import { beatShards, type Heartbeat, type HeartbeatStore } from "../heartbeat.js";
import { inTransaction, type Pool } from "./pool.js";

/** The heartbeats in PostgreSQL: one row per shard, from whichever machine runs it. */
export class PostgresHeartbeatStore implements HeartbeatStore {
  constructor(private readonly pool: Pool) {}

  async write(beat: Heartbeat): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO bot_heartbeats (shard, beat) SELECT shard, $2::jsonb FROM unnest($1::int[]) AS s (shard)
         ON CONFLICT (shard) DO UPDATE SET beat = excluded.beat`,
        [beatShards(beat), JSON.stringify(beat)],
      );
      if (beat.shardCount) await client.query("DELETE FROM bot_heartbeats WHERE shard >= $1", [beat.shardCount]);
    });
  }

  async all(): Promise<Heartbeat[]> {
    const { rows } = await this.pool.query<{ beat: Heartbeat }>("SELECT beat FROM bot_heartbeats ORDER BY shard");
    return rows.map((r) => r.beat);
  }
}
