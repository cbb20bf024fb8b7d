import { AnswerFeedback, type AnswerFeedbackStore, type AnswerVote, type GivenAnswer, type Vote } from "../answerFeedback.js";
import type { Db } from "../db.js";

/** The async `AnswerFeedbackStore` over the synchronous SQLite `AnswerFeedback`. */
export class SqliteAnswerFeedbackStore implements AnswerFeedbackStore {
  private readonly feedback: AnswerFeedback;

  constructor(db: Db) {
    this.feedback = new AnswerFeedback(db);
  }

  async record(answer: GivenAnswer, now?: Date): Promise<number> {
    return this.feedback.record(answer, now);
  }

  async has(answerId: number): Promise<boolean> {
    return this.feedback.has(answerId);
  }

  async voteOf(answerId: number, userId: string): Promise<Vote | undefined> {
    return this.feedback.voteOf(answerId, userId);
  }

  async vote(answerId: number, userId: string, vote: Vote, reason?: string, now?: Date): Promise<boolean> {
    return this.feedback.vote(answerId, userId, vote, reason, now);
  }

  async takeBack(answerId: number, userId: string): Promise<boolean> {
    return this.feedback.takeBack(answerId, userId);
  }

  async votes(filter?: { since?: string; guildId?: string }): Promise<AnswerVote[]> {
    return this.feedback.votes(filter);
  }
}
