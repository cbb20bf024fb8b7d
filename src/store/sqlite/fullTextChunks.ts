import { ftsOrQuery } from "../../text/queryTerms.js";
import type { Db } from "../db.js";
import { FullTextStore, type FullTextChunks, type ReadText, type StoredChunk, type TextSource, type TextStatus } from "../fullText.js";

/** The async `FullTextChunks` over the synchronous SQLite `FullTextStore` (FTS5, scores by BM25). */
export class SqliteFullTextChunks implements FullTextChunks {
  readonly texts: FullTextStore;

  constructor(db: Db) {
    this.texts = new FullTextStore(db);
  }

  async status(paperId: string): Promise<TextStatus | undefined> {
    return this.texts.status(paperId);
  }

  async withText(paperIds: readonly string[]): Promise<Set<string>> {
    return this.texts.withText(paperIds);
  }

  async save(paperId: string, text: ReadText, source: TextSource, now?: Date): Promise<void> {
    this.texts.save(paperId, text, source, now);
  }

  async recordFailure(paperId: string, source: TextSource, problem: string, detail: string, now?: Date): Promise<void> {
    this.texts.recordFailure(paperId, source, problem, detail, now);
  }

  async chunks(paperId: string): Promise<StoredChunk[]> {
    return this.texts.chunks(paperId);
  }

  async searchAll(terms: readonly string[], limit: number): Promise<(StoredChunk & { score: number })[]> {
    return this.texts.searchAll(ftsOrQuery([...terms]), limit);
  }

  async touch(paperIds: readonly string[], now?: Date): Promise<void> {
    this.texts.touch(paperIds, now);
  }

  async totalChars(): Promise<number> {
    return this.texts.totalChars();
  }

  async enforceCap(maxChars: number, keep?: string): Promise<string[]> {
    return this.texts.enforceCap(maxChars, keep);
  }

  async version(): Promise<string> {
    return this.texts.version();
  }
}
