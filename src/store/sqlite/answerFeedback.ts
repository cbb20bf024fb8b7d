import { type AnswerFeedbackStore, type AnswerVote, type GivenAnswer, type Vote, MAX_REASON_CHARS } from "../answerFeedback.js";
import type { Db } from "./db.js";
import { clip, userText } from "../../text/userText.js";

interface VoteRow {
  answer_id: number;
  guild_id: string | null;
  channel_id: string;
  question: string;
  source_ids: string;
  mode: string;
  answered_at: string;
  user_id: string;
  vote: Vote;
  reason: string | null;
  created_at: string;
}

const toVote = (r: VoteRow): AnswerVote => ({
  answerId: r.answer_id,
  answer: {
    guildId: r.guild_id ?? undefined,
    channelId: r.channel_id,
    question: r.question,
    sourceIds: JSON.parse(r.source_ids) as string[],
    mode: r.mode,
    createdAt: r.answered_at,
  },
  userId: r.user_id,
  vote: r.vote,
  reason: r.reason ?? undefined,
  createdAt: r.created_at,
});

/** The answers /ask gave and the 👍 / 👎 users gave them: one vote per user and answer, the latest. */
export class AnswerFeedback {
  constructor(private readonly db: Db) {}

  /** Records an answer about to be sent; its id goes into the vote buttons. */
  record(answer: GivenAnswer, now = new Date()): number {
    const r = this.db
      .prepare("INSERT INTO given_answers (guild_id, channel_id, question, source_ids, mode, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(answer.guildId ?? null, answer.channelId, answer.question, JSON.stringify(answer.sourceIds), answer.mode, now.toISOString());
    return Number(r.lastInsertRowid);
  }

  has(answerId: number): boolean {
    return Boolean(this.db.prepare("SELECT 1 FROM given_answers WHERE id = ?").get(answerId));
  }

  voteOf(answerId: number, userId: string): Vote | undefined {
    return (
      (this.db.prepare("SELECT vote FROM answer_votes WHERE answer_id = ? AND user_id = ?").pluck().get(answerId, userId) as Vote | undefined) ??
      undefined
    );
  }

  /**
   * Sets a user's vote on an answer, replacing any earlier one (and its reason). The reason is
   * cleaned as typed text is and cut to MAX_REASON_CHARS; a blank one is none. False when there is
   * no such answer.
   */
  vote(answerId: number, userId: string, vote: Vote, reason?: string, now = new Date()): boolean {
    const text = reason === undefined ? "" : clip(userText(reason), MAX_REASON_CHARS);
    const r = this.db
      .prepare(
        `INSERT INTO answer_votes (answer_id, user_id, vote, reason, created_at)
         SELECT @answerId, @userId, @vote, @reason, @now WHERE EXISTS (SELECT 1 FROM given_answers WHERE id = @answerId)
         ON CONFLICT (answer_id, user_id) DO UPDATE SET vote = excluded.vote, reason = excluded.reason, created_at = excluded.created_at`,
      )
      .run({ answerId, userId, vote, reason: text || null, now: now.toISOString() });
    return r.changes > 0;
  }

  /** Takes back a user's vote; false when they had none. */
  takeBack(answerId: number, userId: string): boolean {
    return this.db.prepare("DELETE FROM answer_votes WHERE answer_id = ? AND user_id = ?").run(answerId, userId).changes > 0;
  }

  /** Every vote, oldest first; `since` (an ISO date or time) and `guildId` narrow them. */
  votes(filter: { since?: string; guildId?: string } = {}): AnswerVote[] {
    const rows = this.db
      .prepare(
        `SELECT v.*, a.guild_id, a.channel_id, a.question, a.source_ids, a.mode, a.created_at AS answered_at
         FROM answer_votes v JOIN given_answers a ON a.id = v.answer_id
         WHERE (@since IS NULL OR v.created_at >= @since) AND (@guildId IS NULL OR a.guild_id = @guildId)
         ORDER BY v.created_at, v.answer_id, v.user_id`,
      )
      .all({ since: filter.since ?? null, guildId: filter.guildId ?? null }) as VoteRow[];
    return rows.map(toVote);
  }
}

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
