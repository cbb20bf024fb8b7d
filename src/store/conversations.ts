/** The most recent turns a conversation's history gives. */
export const KEEP_TURNS = 20;

export interface Turn {
  question: string;
  answer: string;
}

/** The conversations in either store (SQLite or PostgreSQL); see `Conversations` for what each method does. */
export interface ConversationStore {
  history(conversation: string): Promise<Turn[]>;
  has(conversation: string): Promise<boolean>;
  paper(conversation: string): Promise<string | undefined>;
  keepToPaper(conversation: string, paperId: string, now?: Date): Promise<void>;
  append(conversation: string, turn: Turn, now?: Date): Promise<void>;
  copy(from: string, to: string): Promise<void>;
}
