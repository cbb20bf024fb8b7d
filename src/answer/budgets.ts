import { UserError } from "../config/errors.js";
import type { AnswerUsageStore, UsageScope } from "../store/answerUsage.js";

export class BudgetExceededError extends UserError {
  override name = "BudgetExceededError";
}

export interface BudgetLimits {
  userDaily?: number;
  guildDaily?: number;
}

/** Optional daily caps on written (model) answers, per user and per server, counted in the store (shared by every machine on it). */
export class Budgets {
  constructor(
    private readonly usage: AnswerUsageStore,
    private readonly limits: BudgetLimits,
  ) {}

  /** Throws a friendly error when either budget for today is spent. */
  async check(who: { userId?: string; guildId?: string }, now = new Date()): Promise<void> {
    const day = now.toISOString().slice(0, 10);
    const { userDaily, guildDaily } = this.limits;
    if (userDaily !== undefined && who.userId && (await this.usage.answers(day, "user", who.userId)) >= userDaily)
      throw new BudgetExceededError(`You have used your ${userDaily} written answers for today; the budget resets at 00:00 UTC.`);
    if (guildDaily !== undefined && who.guildId && (await this.usage.answers(day, "guild", who.guildId)) >= guildDaily)
      throw new BudgetExceededError(`This server has used its ${guildDaily} written answers for today. The budget resets at 00:00 UTC.`);
  }

  async record(who: { userId?: string; guildId?: string }, now = new Date()): Promise<void> {
    const day = now.toISOString().slice(0, 10);
    const subjects: { scope: UsageScope; subject: string }[] = [];
    if (who.userId) subjects.push({ scope: "user", subject: who.userId });
    if (who.guildId) subjects.push({ scope: "guild", subject: who.guildId });
    await this.usage.bump(day, subjects);
  }
}
