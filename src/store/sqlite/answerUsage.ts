import type { AnswerUsageStore, UsageScope } from "../answerUsage.js";
import { writeTransaction, type Db } from "./db.js";

/** The `answer_usage` table: written answers per day, per user and per server. */
export class AnswerUsage {
  constructor(private readonly db: Db) {}

  /** Counts one more answer for each subject. */
  bump(day: string, subjects: { scope: UsageScope; subject: string }[]): void {
    const bump = this.db.prepare(
      `INSERT INTO answer_usage (day, scope, subject, answers) VALUES (?, ?, ?, 1)
       ON CONFLICT (day, scope, subject) DO UPDATE SET answers = answers + 1`,
    );
    for (const s of subjects) bump.run(day, s.scope, s.subject);
  }

  answers(day: string, scope: UsageScope, subject: string): number {
    const r = this.db.prepare("SELECT answers FROM answer_usage WHERE day = ? AND scope = ? AND subject = ?").get(day, scope, subject) as
      | { answers: number }
      | undefined;
    return r?.answers ?? 0;
  }
}

/** The async `AnswerUsageStore` over the synchronous SQLite `AnswerUsage`. */
export class SqliteAnswerUsageStore implements AnswerUsageStore {
  private readonly usage: AnswerUsage;

  constructor(private readonly db: Db) {
    this.usage = new AnswerUsage(db);
  }

  async bump(day: string, subjects: { scope: UsageScope; subject: string }[]): Promise<void> {
    // One write transaction: a user's and a server's counts move together, as on PostgreSQL.
    writeTransaction(this.db, () => this.usage.bump(day, subjects));
  }

  async answers(day: string, scope: UsageScope, subject: string): Promise<number> {
    return this.usage.answers(day, scope, subject);
  }
}
