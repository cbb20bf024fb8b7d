import type { Db } from "./db.js";

export type UsageScope = "user" | "guild";

/** Written answers per day, per user and per server, in either store (SQLite or PostgreSQL); see `AnswerUsage`. */
export interface AnswerUsageStore {
  /** Counts one more answer for each subject; counts made at once, from any process, all count. */
  bump(day: string, subjects: { scope: UsageScope; subject: string }[]): Promise<void>;
  answers(day: string, scope: UsageScope, subject: string): Promise<number>;
}

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
