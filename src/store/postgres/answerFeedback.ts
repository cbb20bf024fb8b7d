import { MAX_REASON_CHARS, type AnswerFeedbackStore, type AnswerVote, type GivenAnswer, type Vote } from "../answerFeedback.js";
import { clip, userText } from "../../text/userText.js";
import { inTransaction, type Pool } from "./pool.js";

interface VoteRow {
  answer_id: string;
  guild_id: string | null;
  channel_id: string;
  question: string;
  source_ids: string[];
  mode: string;
  answered_at: Date;
  user_id: string;
  vote: Vote;
  reason: string | null;
  created_at: Date;
}

const toVote = (r: VoteRow): AnswerVote => ({
  answerId: Number(r.answer_id),
  answer: {
    guildId: r.guild_id ?? undefined,
    channelId: r.channel_id,
    question: r.question,
    sourceIds: r.source_ids,
    mode: r.mode,
    createdAt: r.answered_at.toISOString(),
  },
  userId: r.user_id,
  vote: r.vote,
  reason: r.reason ?? undefined,
  createdAt: r.created_at.toISOString(),
});

/** An id no answer can have (SQLite simply finds none; PostgreSQL would refuse it as a bigint). */
const notAnId = (id: number) => !Number.isSafeInteger(id) || id < 1;

/**
 * `since` as SQLite compares it with its ISO text times: a day is its start in UTC, and a time without a zone
 * is UTC too.
 */
export function sinceInstant(since: string): Date {
  const zoned = /^\d{4}-\d{2}-\d{2}$/.test(since) || /(Z|[+-]\d{2}:?\d{2})$/i.test(since) ? since : `${since}Z`;
  const at = new Date(zoned);
  if (Number.isNaN(at.getTime())) throw new RangeError(`Not an ISO date or time: ${since}`);
  return at;
}

/** The answers /ask gave and the 👍 / 👎 users gave them, in PostgreSQL: one vote per user and answer, the latest. */
export class PostgresAnswerFeedbackStore implements AnswerFeedbackStore {
  constructor(private readonly pool: Pool) {}

  async record(answer: GivenAnswer, now = new Date()): Promise<number> {
    const { rows } = await this.pool.query<{ id: string }>(
      "INSERT INTO given_answers (guild_id, channel_id, question, source_ids, mode, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      [answer.guildId ?? null, answer.channelId, answer.question, [...answer.sourceIds], answer.mode, now],
    );
    return Number(rows[0]!.id);
  }

  async has(answerId: number): Promise<boolean> {
    if (notAnId(answerId)) return false;
    const r = await this.pool.query("SELECT 1 FROM given_answers WHERE id = $1", [answerId]);
    return (r.rowCount ?? 0) > 0;
  }

  async voteOf(answerId: number, userId: string): Promise<Vote | undefined> {
    if (notAnId(answerId)) return undefined;
    const { rows } = await this.pool.query<{ vote: Vote }>("SELECT vote FROM answer_votes WHERE answer_id = $1 AND user_id = $2", [answerId, userId]);
    return rows[0]?.vote;
  }

  async vote(answerId: number, userId: string, vote: Vote, reason?: string, now = new Date()): Promise<boolean> {
    if (notAnId(answerId)) return false;
    const text = reason === undefined ? "" : clip(userText(reason), MAX_REASON_CHARS);
    const r = await this.pool.query(
      `INSERT INTO answer_votes (answer_id, user_id, vote, reason, created_at)
       SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM given_answers WHERE id = $1)
       ON CONFLICT (answer_id, user_id) DO UPDATE SET vote = excluded.vote, reason = excluded.reason, created_at = excluded.created_at`,
      [answerId, userId, vote, text || null, now],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /**
   * Copies answers and votes from another store as they are, ids and times kept (old messages' buttons carry
   * the ids), in one transaction; rows here already are left alone, and the id sequence is moved past the
   * highest id so a new answer never takes a copied one's. For `paperbot copy` (`record` makes a new id).
   */
  async copyIn(
    answers: readonly { id: number; answer: GivenAnswer; createdAt: string }[],
    votes: readonly { answerId: number; userId: string; vote: Vote; reason?: string; createdAt: string }[],
  ): Promise<{ answers: number; votes: number }> {
    return inTransaction(this.pool, async (c) => {
      let added = 0;
      if (answers.length) {
        const r = await c.query(
          `INSERT INTO given_answers (id, guild_id, channel_id, question, source_ids, mode, created_at) OVERRIDING SYSTEM VALUE
           SELECT id, guild_id, channel_id, question, ARRAY(SELECT jsonb_array_elements_text(source_ids)), mode, created_at
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::timestamptz[])
             AS a (id, guild_id, channel_id, question, source_ids, mode, created_at)
           ON CONFLICT DO NOTHING`,
          [
            answers.map((a) => a.id),
            answers.map((a) => a.answer.guildId ?? null),
            answers.map((a) => a.answer.channelId),
            answers.map((a) => a.answer.question),
            answers.map((a) => JSON.stringify(a.answer.sourceIds)),
            answers.map((a) => a.answer.mode),
            answers.map((a) => a.createdAt),
          ],
        );
        added = r.rowCount ?? 0;
        await c.query(
          `SELECT setval(s, greatest((SELECT max(id) FROM given_answers), coalesce(pg_sequence_last_value(s::regclass), 1)))
           FROM pg_get_serial_sequence('given_answers', 'id') AS s`,
        );
      }
      let voted = 0;
      if (votes.length) {
        const r = await c.query(
          `INSERT INTO answer_votes (answer_id, user_id, vote, reason, created_at)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
           ON CONFLICT DO NOTHING`,
          [
            votes.map((v) => v.answerId),
            votes.map((v) => v.userId),
            votes.map((v) => v.vote),
            votes.map((v) => v.reason ?? null),
            votes.map((v) => v.createdAt),
          ],
        );
        voted = r.rowCount ?? 0;
      }
      return { answers: added, votes: voted };
    });
  }

  async takeBack(answerId: number, userId: string): Promise<boolean> {
    if (notAnId(answerId)) return false;
    const r = await this.pool.query("DELETE FROM answer_votes WHERE answer_id = $1 AND user_id = $2", [answerId, userId]);
    return (r.rowCount ?? 0) > 0;
  }

  async votes(filter: { since?: string; guildId?: string } = {}): Promise<AnswerVote[]> {
    const { rows } = await this.pool.query<VoteRow>(
      `SELECT v.*, a.guild_id, a.channel_id, a.question, a.source_ids, a.mode, a.created_at AS answered_at
       FROM answer_votes v JOIN given_answers a ON a.id = v.answer_id
       WHERE ($1::timestamptz IS NULL OR v.created_at >= $1) AND ($2::text IS NULL OR a.guild_id = $2)
       ORDER BY v.created_at, v.answer_id, v.user_id`,
      [filter.since === undefined ? null : sinceInstant(filter.since), filter.guildId ?? null],
    );
    return rows.map(toVote);
  }
}
