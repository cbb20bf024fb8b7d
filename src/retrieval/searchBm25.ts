import type { PaperStore } from "../store/paperStore.js";
import { ftsOrQuery, queryTerms } from "./queryTerms.js";

import type { ScoredPaper } from "./retriever.js";

/** Title matches count this many times an abstract match. */
export const TITLE_WEIGHT = 3;

/** Plain BM25 over title and abstract: one OR query of the question's content words, best first. */
export function searchBm25(store: PaperStore, text: string, k = 10): ScoredPaper[] {
  const terms = queryTerms(text);
  if (!terms.length || k <= 0) return [];
  const rows = store.db
    .prepare(
      `SELECT rowid, -bm25(papers_fts, ${TITLE_WEIGHT}, 1.0) AS score FROM papers_fts
       WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, ${TITLE_WEIGHT}, 1.0) LIMIT ?`,
    )
    .all(ftsOrQuery(terms), k) as { rowid: number; score: number }[];
  const papers = store.getByRowids(rows.map((r) => r.rowid));
  return rows.flatMap((r) => {
    const paper = papers.get(r.rowid);
    return paper ? [{ paper, score: r.score }] : [];
  });
}
