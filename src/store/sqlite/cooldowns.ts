import { secondsLeft, type CooldownStore } from "../cooldowns.js";
import { writeTransaction, type Db } from "./db.js";

/** Cooldowns in SQLite's `cooldowns` table: shared by the processes (shards) on one file. */
export class SqliteCooldownStore implements CooldownStore {
  private takes = 0;

  constructor(private readonly db: Db) {}

  async take(key: string, seconds: number, now = new Date()): Promise<number> {
    const at = now.getTime();
    return writeTransaction(this.db, () => {
      const until = this.db.prepare("SELECT until FROM cooldowns WHERE key = ?").pluck().get(key) as number | undefined;
      if (until !== undefined && until > at) return secondsLeft(until, at);
      this.db.prepare("INSERT OR REPLACE INTO cooldowns (key, until) VALUES (?, ?)").run(key, at + seconds * 1000);
      // Now and then, the cooldowns that ran out go.
      if (++this.takes % 1000 === 0) this.db.prepare("DELETE FROM cooldowns WHERE until <= ?").run(at);
      return 0;
    });
  }
}
