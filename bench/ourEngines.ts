import type { PaperStore } from "../src/store/paperStore.js";
import { LexicalRanker, type LexicalOptions, type RankerVariant } from "../src/retrieval/lexicalRanker.js";
import { RELEVANCE_THRESHOLD, Retriever } from "../src/retrieval/retriever.js";
import { TermStats } from "../src/retrieval/termStats.js";
import type { Engine } from "./yardsticks.js";
import type { DevEngine } from "./devSet.js";

/** This project's retriever as it ships (offline: there is no embedding model here). */
export function ourEngine(store: PaperStore): Engine & { retriever: Retriever } {
  const retriever = new Retriever(store);
  return {
    name: "**paperbot: two-stage BM25F + RM3 (default)**",
    retriever,
    search: async (q, k) => (await retriever.retrieve(q, { k })).hits.map((h) => h.paper.id),
  };
}

/** The default with one ingredient taken out or changed: each ingredient stays only if removing it hurts. */
export function ablations(store: PaperStore): Engine[] {
  const ids = (rowids: number[]) => {
    const papers = store.getByRowids(rowids);
    return rowids.map((r) => papers.get(r)!.id);
  };
  const variant = (name: string, o: Omit<LexicalOptions, "k">, v: RankerVariant = {}): Engine => {
    const ranker = new LexicalRanker(store, new TermStats(store), v);
    return { name: `ablation: ${name}`, search: (q, k) => ids(ranker.rank(q, { prf: true, ...o, k }).hits.map((h) => h.rowid)) };
  };
  return [
    variant("without RM3", { prf: false }),
    variant("without stop-word removal", {}, { keepStopWords: true }),
    variant("without stemming in re-ranking", {}, { noStemming: true }),
    variant("without spelling correction", {}, { noSpelling: true }),
    variant("title weight 1 (no title boost)", { titleWeight: 1 }),
    variant("title weight 3", { titleWeight: 3 }),
  ];
}

/**
 * The shipped search on a dev question, with the `covered` flag `paperbot ask --json` would report
 * (or, with `topScoreOnly`, the flag of the signal before issue 10: the best score alone).
 */
export function plainDevEngine(retriever: Retriever, opts: { topScoreOnly?: boolean } = {}): DevEngine {
  return {
    name: opts.topScoreOnly ? "paperbot plain, old signal (top score only)" : "**paperbot plain (offline, shipped signal)**",
    run: async (q) => {
      const r = await retriever.retrieve(q.q, { k: 10 });
      return { ids: r.hits.map((h) => h.paper.id), covered: opts.topScoreOnly ? r.coverage.relevance >= RELEVANCE_THRESHOLD : r.covered };
    },
  };
}
