import type { Db } from "../db.js";
import { readHeartbeats, writeHeartbeat, type Heartbeat, type HeartbeatStore } from "../heartbeat.js";

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
