import { AnswerUsage, type AnswerUsageStore, type UsageScope } from "../answerUsage.js";
import { writeTransaction, type Db } from "../db.js";

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
