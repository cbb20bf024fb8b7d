export type UsageScope = "user" | "guild";

/** Written answers per day, per user and per server, in either store (SQLite or PostgreSQL); see `AnswerUsage`. */
export interface AnswerUsageStore {
  /** Counts one more answer for each subject; counts made at once, from any process, all count. */
  bump(day: string, subjects: { scope: UsageScope; subject: string }[]): Promise<void>;
  answers(day: string, scope: UsageScope, subject: string): Promise<number>;
}
