import { UserError } from "../config/errors.js";
import type { Db } from "../store/db.js";

export class BudgetExceededError extends UserError {
  override name = "BudgetExceededError";
}

export interface BudgetLimits {
  userDaily?: number;
  guildDaily?: number;
}

/** Optional daily caps on written (model) answers, per user and per server, counted in SQLite. */
export class Budgets {
  constructor(
    private readonly db: Db,
    private readonly limits: BudgetLimits,
  ) {}

  /** Throws a friendly error when either budget for today is spent. */
  check(who: { userId?: string; guildId?: string }, now = new Date()): void {
    const day = now.toISOString().slice(0, 10);
    const { userDaily, guildDaily } = this.limits;
    if (userDaily !== undefined && who.userId && this.used(day, "user", who.userId) >= userDaily)
      throw new BudgetExceededError(`You have used your ${userDaily} written answers for today; the budget resets at 00:00 UTC.`);
    if (guildDaily !== undefined && who.guildId && this.used(day, "guild", who.guildId) >= guildDaily)
      throw new BudgetExceededError(`This server has used its ${guildDaily} written answers for today. The budget resets at 00:00 UTC.`);
  }

  record(who: { userId?: string; guildId?: string }, now = new Date()): void {
    const day = now.toISOString().slice(0, 10);
    const bump = this.db.prepare(
      `INSERT INTO answer_usage (day, scope, subject, answers) VALUES (?, ?, ?, 1)
       ON CONFLICT (day, scope, subject) DO UPDATE SET answers = answers + 1`,
    );
    if (who.userId) bump.run(day, "user", who.userId);
    if (who.guildId) bump.run(day, "guild", who.guildId);
  }

  private used(day: string, scope: "user" | "guild", subject: string): number {
    const r = this.db.prepare("SELECT answers FROM answer_usage WHERE day = ? AND scope = ? AND subject = ?").get(day, scope, subject) as
      | { answers: number }
      | undefined;
    return r?.answers ?? 0;
  }
}
