import type { AnswerUsageStore, UsageScope } from "../answerUsage.js";
import type { Pool } from "./pool.js";

/** Written answers per day, per user and per server, in PostgreSQL. */
export class PostgresAnswerUsageStore implements AnswerUsageStore {
  constructor(private readonly pool: Pool) {}

  /**
   * One statement, so one transaction: each count is read and raised under its row's lock, and counts made
   * at once from any number of processes all count. A subject named twice counts twice, as in SQLite. Rows
   * go in key order, so two bumps of the same pair of counters cannot deadlock.
   */
  async bump(day: string, subjects: { scope: UsageScope; subject: string }[]): Promise<void> {
    const times = new Map<string, { scope: UsageScope; subject: string; n: number }>();
    for (const s of subjects) {
      const key = JSON.stringify([s.scope, s.subject]);
      const had = times.get(key);
      if (had) had.n++;
      else times.set(key, { ...s, n: 1 });
    }
    if (times.size === 0) return;
    const rows = [...times.values()].sort((a, b) => (a.scope === b.scope ? cmp(a.subject, b.subject) : cmp(a.scope, b.scope)));
    await this.pool.query(
      `INSERT INTO answer_usage (day, scope, subject, answers)
       SELECT $1, scope, subject, n FROM unnest($2::text[], $3::text[], $4::int[]) WITH ORDINALITY AS s (scope, subject, n, i) ORDER BY i
       ON CONFLICT (day, scope, subject) DO UPDATE SET answers = answer_usage.answers + excluded.answers`,
      [day, rows.map((r) => r.scope), rows.map((r) => r.subject), rows.map((r) => r.n)],
    );
  }

  /** Copies counts from another store as they are; counts here already are left alone (`bump` would add). For `paperbot copy`. */
  async copyIn(rows: readonly { day: string; scope: UsageScope; subject: string; answers: number }[]): Promise<number> {
    if (rows.length === 0) return 0;
    const r = await this.pool.query(
      `INSERT INTO answer_usage (day, scope, subject, answers)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) ON CONFLICT DO NOTHING`,
      [rows.map((x) => x.day), rows.map((x) => x.scope), rows.map((x) => x.subject), rows.map((x) => x.answers)],
    );
    return r.rowCount ?? 0;
  }

  async answers(day: string, scope: UsageScope, subject: string): Promise<number> {
    const { rows } = await this.pool.query<{ answers: number }>("SELECT answers FROM answer_usage WHERE day = $1 AND scope = $2 AND subject = $3", [
      day,
      scope,
      subject,
    ]);
    return rows[0]?.answers ?? 0;
  }
}

/** One fixed order (code units) for the rows of a bump, the same in every process. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
