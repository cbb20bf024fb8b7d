import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { AsyncLexicalRanker, type AsyncRankerVariant } from "../src/retrieval/asyncLexicalRanker.js";
import type { LexicalOptions } from "../src/retrieval/bm25f.js";
import { RELEVANCE_THRESHOLD, Retriever } from "../src/retrieval/retriever.js";
import { SqliteLexicalIndexStore } from "../src/store/sqlite/lexicalIndex.js";
import type { Engine } from "./yardsticks.js";
import { assistedSearchThroughCli } from "./assistedCli.js";
import { queryListEngine, readJsonl, type DevEngine, type DevRun } from "./devSet.js";
import { sqliteStores } from "../src/store/stores.js";

/** This project's retriever as it ships (offline: there is no embedding model here). */
export function ourEngine(store: PaperStore): Engine & { retriever: Retriever } {
  const retriever = new Retriever(sqliteStores(store));
  return {
    name: "**paperbot: two-stage BM25F + RM3 (default)**",
    retriever,
    search: async (q, k) => (await retriever.retrieve(q, { k })).hits.map((h) => h.paper.id),
  };
}

/** The default with one ingredient taken out or changed: each ingredient stays only if removing it hurts. */
export function ablations(store: PaperStore): Engine[] {
  const variant = (name: string, o: Omit<LexicalOptions, "k">, v: AsyncRankerVariant = {}): Engine => {
    // The index's candidates are ranked with the same title weight as the re-ranking.
    const ranker = new AsyncLexicalRanker(new SqliteLexicalIndexStore(store.db, o.titleWeight), v);
    return { name: `ablation: ${name}`, search: async (q, k) => (await ranker.rank(q, { prf: true, ...o, k })).hits.map((h) => h.id) };
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

/**
 * Model-assisted search as a user runs it: `paperbot search --assist --json` over all questions, with
 * the local fake OpenAI server replaying a strong model's recorded rewrites (bench/dev/rewrites.jsonl).
 */
export function recordedAssistEngine(): DevEngine {
  let runs: Promise<Map<string, DevRun>> | undefined;
  return {
    name: "**paperbot search --assist (recorded model)**",
    async run(q) {
      runs ??= Promise.resolve(readJsonl<{ id: string; q: string }>("questions.jsonl")).then(async (qs) => {
        const out = await assistedSearchThroughCli(qs.map((x) => x.q));
        return new Map(qs.map((x, i) => [x.id, out[i]!]));
      });
      return (await runs).get(q.id)!;
    },
  };
}

/** The yardstick: the question and its recorded rewrites fused by plain RRF (k 60) through today's search. */
export function plainRrfOfRecordings(retriever: Retriever): DevEngine {
  const recorded = new Map(readJsonl<{ id: string; queries: string[] }>("rewrites.jsonl").map((r) => [r.id, r.queries]));
  return queryListEngine(
    "plain RRF (k 60) of question + recorded rewrites",
    (q) => [q.q, ...(recorded.get(q.id) ?? [])],
    async (query) => {
      const r = await retriever.retrieve(query, { k: 10 });
      return { ids: r.hits.map((h) => h.paper.id), covered: r.covered };
    },
  );
}
