import { secondsLeft, type CooldownStore } from "../cooldowns.js";
import type { Pool } from "./pool.js";

/** Cooldowns in PostgreSQL, shared by every machine. */
export class PostgresCooldownStore implements CooldownStore {
  private takes = 0;

  constructor(private readonly pool: Pool) {}

  /**
   * One statement: the row is written only when there is none or it ran out (the conflicting row is locked
   * meanwhile), so of takes at once from any machines exactly one starts the cooldown.
   */
  async take(key: string, seconds: number, now = new Date()): Promise<number> {
    const at = now.getTime();
    const taken = await this.pool.query(
      `INSERT INTO cooldowns (key, until) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET until = excluded.until WHERE cooldowns.until <= $3
       RETURNING until`,
      [key, at + seconds * 1000, at],
    );
    if (taken.rowCount) {
      // Now and then, the cooldowns that ran out go.
      if (++this.takes % 1000 === 0) await this.pool.query("DELETE FROM cooldowns WHERE until <= $1", [at]);
      return 0;
    }
    const { rows } = await this.pool.query<{ until: string }>("SELECT until FROM cooldowns WHERE key = $1", [key]);
    // Gone meanwhile (another machine's clean-up): it had just run out, so this one waits the least there is.
    return secondsLeft(rows[0] ? Number(rows[0].until) : at, at);
  }
}
