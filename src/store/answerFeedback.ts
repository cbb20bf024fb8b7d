export type Vote = "up" | "down";

/** The longest reason for a 👎 that is kept. */
export const MAX_REASON_CHARS = 300;

/** An answer as it was given: where, to what question, citing which papers. */
export interface GivenAnswer {
  /** Undefined in a DM. */
  guildId?: string;
  channelId: string;
  question: string;
  sourceIds: string[];
  /** As AskResult names it: "llm" or "offline". */
  mode: string;
}

/** One user's vote on one answer, with the answer it is on. */
export interface AnswerVote {
  answerId: number;
  answer: GivenAnswer & { createdAt: string };
  userId: string;
  vote: Vote;
  reason?: string;
  createdAt: string;
}

/** /ask answers and their votes in either store (SQLite or PostgreSQL); see `AnswerFeedback` for what each does. */
export interface AnswerFeedbackStore {
  record(answer: GivenAnswer, now?: Date): Promise<number>;
  has(answerId: number): Promise<boolean>;
  voteOf(answerId: number, userId: string): Promise<Vote | undefined>;
  vote(answerId: number, userId: string, vote: Vote, reason?: string, now?: Date): Promise<boolean>;
  takeBack(answerId: number, userId: string): Promise<boolean>;
  votes(filter?: { since?: string; guildId?: string }): Promise<AnswerVote[]>;
}
