import { KEEP_TURNS, type ConversationStore, type Turn } from "../conversations.js";
import { inTransaction, type Pool } from "./pool.js";

/** A conversation's turn as stored, for `paperbot copy`. */
export interface TurnRow {
  conversation: string;
  turn: number;
  question: string;
  answer: string;
  createdAt: string;
}

/** The paper a conversation stays on, as stored, for `paperbot copy`. */
export interface ConversationPaperRow {
  conversation: string;
  paperId: string;
  createdAt: string;
}

/** The conversations in PostgreSQL: a thread's follow-ups may be answered by any machine. */
export class PostgresConversationStore implements ConversationStore {
  constructor(private readonly pool: Pool) {}

  async history(conversation: string): Promise<Turn[]> {
    const { rows } = await this.pool.query<Turn>("SELECT question, answer FROM ask_turns WHERE conversation = $1 ORDER BY turn DESC LIMIT $2", [
      conversation,
      KEEP_TURNS,
    ]);
    return rows.reverse();
  }

  async has(conversation: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ has: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ask_turns WHERE conversation = $1)
           OR EXISTS (SELECT 1 FROM conversation_papers WHERE conversation = $1) AS has`,
      [conversation],
    );
    return rows[0]!.has;
  }

  async paper(conversation: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ paper_id: string }>("SELECT paper_id FROM conversation_papers WHERE conversation = $1", [conversation]);
    return rows[0]?.paper_id;
  }

  async keepToPaper(conversation: string, paperId: string, now = new Date()): Promise<void> {
    await this.pool.query(
      `INSERT INTO conversation_papers (conversation, paper_id, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (conversation) DO UPDATE SET paper_id = excluded.paper_id, created_at = excluded.created_at`,
      [conversation, paperId, now],
    );
  }

  /** The next turn number; two machines appending at once both get theirs, the loser of a number takes the next. */
  async append(conversation: string, turn: Turn, now = new Date()): Promise<void> {
    for (;;) {
      const r = await this.pool.query(
        `INSERT INTO ask_turns (conversation, turn, question, answer, created_at)
         SELECT $1, coalesce(max(turn), 0) + 1, $2, $3, $4 FROM ask_turns WHERE conversation = $1
         ON CONFLICT DO NOTHING`,
        [conversation, turn.question, turn.answer, now],
      );
      if (r.rowCount) return;
    }
  }

  async copy(from: string, to: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO ask_turns (conversation, turn, question, answer, created_at)
         SELECT $1, turn, question, answer, created_at FROM ask_turns WHERE conversation = $2 ON CONFLICT DO NOTHING`,
        [to, from],
      );
      await client.query(
        `INSERT INTO conversation_papers (conversation, paper_id, created_at)
         SELECT $1, paper_id, created_at FROM conversation_papers WHERE conversation = $2 ON CONFLICT DO NOTHING`,
        [to, from],
      );
    });
  }

  /** Copies turns from another store as they are (rows here already are left alone); how many were new. For `paperbot copy`. */
  async copyTurnsIn(rows: readonly TurnRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const r = await this.pool.query(
      `INSERT INTO ask_turns (conversation, turn, question, answer, created_at)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::timestamptz[]) ON CONFLICT DO NOTHING`,
      [
        rows.map((x) => x.conversation),
        rows.map((x) => x.turn),
        rows.map((x) => x.question),
        rows.map((x) => x.answer),
        rows.map((x) => x.createdAt),
      ],
    );
    return r.rowCount ?? 0;
  }

  /** Copies conversations' papers as they are, as `copyTurnsIn`. */
  async copyPapersIn(rows: readonly ConversationPaperRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const r = await this.pool.query(
      `INSERT INTO conversation_papers (conversation, paper_id, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) ON CONFLICT DO NOTHING`,
      [rows.map((x) => x.conversation), rows.map((x) => x.paperId), rows.map((x) => x.createdAt)],
    );
    return r.rowCount ?? 0;
  }
}
