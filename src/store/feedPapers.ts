import type { Db } from "./db.js";

export interface FeedPaperText {
  id: string;
  title: string;
  abstract: string;
  aiKeywords: string[];
}

type Row = { id: string; title: string; abstract: string; ai_keywords: string };

/** The text of the `limit` papers that most recently came in from the Hugging Face feed, newest first. */
export function newestFeedPapers(db: Db, limit: number): FeedPaperText[] {
  const rows = db.prepare("SELECT id, title, abstract, ai_keywords FROM papers WHERE source = 'hf' ORDER BY rowid DESC LIMIT ?").all(limit) as Row[];
  return rows.map((r) => ({ id: r.id, title: r.title, abstract: r.abstract, aiKeywords: JSON.parse(r.ai_keywords) as string[] }));
}
