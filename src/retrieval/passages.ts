import type { FullTextStore, StoredChunk } from "../store/fullText.js";
import { ftsOrQuery, queryTerms } from "./queryTerms.js";

/** A passage of a paper's full text found for a question. */
export interface FoundPassage extends StoredChunk {
  score: number;
}

/** Passages read per paper before the best are picked (a paper of 40 pages has about 150). */
const CANDIDATES_PER_PAPER = 40;

/**
 * The passages of `paperIds`' full texts that bear most on `question`, best first: at most `k` in
 * all and `perPaper` of any one paper. Papers earlier in `paperIds` (the retriever's order) win ties.
 */
export function findPassages(
  texts: FullTextStore,
  question: string,
  paperIds: readonly string[],
  opts: { k?: number; perPaper?: number } = {},
): FoundPassage[] {
  const { k = 5, perPaper = 3 } = opts;
  const query = ftsOrQuery(queryTerms(question));
  if (!query || !paperIds.length) return [];
  const found = texts.search(query, paperIds, CANDIDATES_PER_PAPER * paperIds.length);
  const rank = new Map(paperIds.map((id, i) => [id, i]));
  // BM25 across papers of different lengths is comparable enough; the paper's own rank breaks ties.
  const ordered = [...found].sort((a, b) => b.score - a.score || rank.get(a.paperId)! - rank.get(b.paperId)!);
  const taken = new Map<string, number>();
  const out: FoundPassage[] = [];
  for (const p of ordered) {
    const n = taken.get(p.paperId) ?? 0;
    if (n >= perPaper) continue;
    taken.set(p.paperId, n + 1);
    out.push(p);
    if (out.length >= k) break;
  }
  return out;
}
