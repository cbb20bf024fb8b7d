import { type ConversationStore, type Turn, KEEP_TURNS } from "../conversations.js";
import { writeTransaction, type Db } from "./db.js";

/**
 * Questions and answers of one conversation (an /ask answer, then the thread opened from it, or a
 * thread opened from a paper card), keyed by an opaque id: the answer message's id until a thread
 * takes over, then the thread's. A conversation may stay on one paper: its questions are answered
 * from that paper alone.
 */
export class Conversations {
  constructor(private readonly db: Db) {}

  history(conversation: string): Turn[] {
    return (
      this.db
        .prepare("SELECT question, answer FROM ask_turns WHERE conversation = ? ORDER BY turn DESC LIMIT ?")
        .all(conversation, KEEP_TURNS) as Turn[]
    ).reverse();
  }

  has(conversation: string): boolean {
    return Boolean(
      this.db
        .prepare("SELECT 1 FROM ask_turns WHERE conversation = ? UNION ALL SELECT 1 FROM conversation_papers WHERE conversation = ? LIMIT 1")
        .get(conversation, conversation),
    );
  }

  /** The paper the conversation stays on, if it does. */
  paper(conversation: string): string | undefined {
    return (
      (this.db.prepare("SELECT paper_id FROM conversation_papers WHERE conversation = ?").pluck().get(conversation) as string | undefined) ??
      undefined
    );
  }

  keepToPaper(conversation: string, paperId: string, now = new Date()): void {
    this.db
      .prepare("INSERT OR REPLACE INTO conversation_papers (conversation, paper_id, created_at) VALUES (?, ?, ?)")
      .run(conversation, paperId, now.toISOString());
  }

  append(conversation: string, turn: Turn, now = new Date()): void {
    this.db
      .prepare(
        `INSERT INTO ask_turns (conversation, turn, question, answer, created_at)
         VALUES (?, (SELECT coalesce(max(turn), 0) + 1 FROM ask_turns WHERE conversation = ?), ?, ?, ?)`,
      )
      .run(conversation, conversation, turn.question, turn.answer, now.toISOString());
  }

  /** A thread opened from an answer inherits the answer's turns, and its paper. */
  copy(from: string, to: string): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO ask_turns (conversation, turn, question, answer, created_at)
         SELECT ?, turn, question, answer, created_at FROM ask_turns WHERE conversation = ?`,
      )
      .run(to, from);
    this.db
      .prepare(
        `INSERT OR IGNORE INTO conversation_papers (conversation, paper_id, created_at)
         SELECT ?, paper_id, created_at FROM conversation_papers WHERE conversation = ?`,
      )
      .run(to, from);
  }
}

/** The async `ConversationStore` over the synchronous SQLite `Conversations`. */
export class SqliteConversationStore implements ConversationStore {
  private readonly conversations: Conversations;

  constructor(private readonly db: Db) {
    this.conversations = new Conversations(db);
  }

  async history(conversation: string): Promise<Turn[]> {
    return this.conversations.history(conversation);
  }

  async has(conversation: string): Promise<boolean> {
    return this.conversations.has(conversation);
  }

  async paper(conversation: string): Promise<string | undefined> {
    return this.conversations.paper(conversation);
  }

  async keepToPaper(conversation: string, paperId: string, now?: Date): Promise<void> {
    this.conversations.keepToPaper(conversation, paperId, now);
  }

  async append(conversation: string, turn: Turn, now?: Date): Promise<void> {
    this.conversations.append(conversation, turn, now);
  }

  async copy(from: string, to: string): Promise<void> {
    // One write transaction: the thread gets the turns and the paper together, as on PostgreSQL.
    writeTransaction(this.db, () => this.conversations.copy(from, to));
  }
}
