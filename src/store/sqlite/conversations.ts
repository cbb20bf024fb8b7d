import { Conversations, type ConversationStore, type Turn } from "../conversations.js";
import { writeTransaction, type Db } from "../db.js";

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
