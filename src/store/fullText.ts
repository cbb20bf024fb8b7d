/** A passage of a paper's body with the pages it is on (what the PDF reader's chunks are). */
export interface Chunk {
  page: number;
  pageEnd: number;
  section?: string;
  text: string;
}

/** Where a paper's full text came from. */
export type TextSource = "arxiv" | "attachment" | "file";

export type TextStatus =
  | { status: "read"; source: TextSource; pages: number; chars: number; readAt: string }
  | { status: "failed"; source: TextSource; problem: string; detail: string; readAt: string };

/** A stored passage of a paper's body. */
export interface StoredChunk extends Chunk {
  paperId: string;
  seq: number;
}

/** A paper's text as the PDF reader gives it: its page count, its body as passages, and its references kept apart. */
export interface ReadText {
  pageCount: number;
  chunks: readonly Chunk[];
  references?: string;
}

/**
 * Papers' full texts as passages, in either store (SQLite or PostgreSQL); see `FullTextStore` for what
 * each operation does. `searchAll` takes the query's terms (any of them matches) rather than one
 * backend's query syntax, and its scores are only comparable within one backend: callers use the order.
 */
export interface FullTextChunks {
  status(paperId: string): Promise<TextStatus | undefined>;
  withText(paperIds: readonly string[]): Promise<Set<string>>;
  save(paperId: string, text: ReadText, source: TextSource, now?: Date): Promise<void>;
  recordFailure(paperId: string, source: TextSource, problem: string, detail: string, now?: Date): Promise<void>;
  /** In order of `seq`. */
  chunks(paperId: string): Promise<StoredChunk[]>;
  /** Passages matching any of `terms`, best first; empty for no terms. */
  searchAll(terms: readonly string[], limit: number): Promise<(StoredChunk & { score: number })[]>;
  touch(paperIds: readonly string[], now?: Date): Promise<void>;
  totalChars(): Promise<number>;
  /** The ids dropped, least recently used first (papers that are no group's own before the rest). */
  enforceCap(maxChars: number, keep?: string): Promise<string[]>;
  version(): Promise<string>;
}

/** A `paper_chunks` row, on either backend. */
export interface ChunkRow {
  paper_id: string;
  seq: number;
  page: number;
  page_end: number;
  section: string | null;
  text: string;
}

export const toChunk = (r: ChunkRow): StoredChunk => ({
  paperId: r.paper_id,
  seq: r.seq,
  page: r.page,
  pageEnd: r.page_end,
  ...(r.section ? { section: r.section } : {}),
  text: r.text,
});
