import type { Retriever, Retrieval, RetrieveOptions, ScoredPaper } from "./retriever.js";

/**
 * Fusion of the question's own ranking with its rewrites' (`npm run bench -- retrieval`, dev set,
 * tuned on the tune half): a small rank constant trusts the top of each list, and the rewrites,
 * written in the vocabulary of abstracts, outweigh the user's everyday words. Hard paraphrases went
 * from R@1 0.36 to 1.00 on the tune half and 0.92 on the held-out half; a wide plateau around these
 * values (k 1-8, original weight 0.3-0.7) scores the same.
 */
export const REWRITE_FUSION = { k: 5, originalWeight: 0.5, rewriteWeight: 1 } as const;
/** How deep each query's list goes into the fusion. */
const DEPTH = 30;

export interface WeightedList<T> {
  items: T[];
  weight: number;
}

/** Weighted reciprocal rank fusion: an item gains weight / (k + rank) from every list that holds it. */
export function weightedFusion<T>(lists: WeightedList<T>[], k: number): { item: T; score: number }[] {
  const scores = new Map<T, number>();
  for (const { items, weight } of lists) items.forEach((item, i) => scores.set(item, (scores.get(item) ?? 0) + weight / (k + i + 1)));
  return [...scores.entries()].map(([item, score]) => ({ item, score })).sort((a, b) => b.score - a.score);
}

/**
 * Searches the question and each rewrite of it, and fuses the rankings. Whether the collection
 * covers the question is judged on the question itself: the offline signal was calibrated on what
 * users type, and a rewrite names a topic confidently whether or not the collection has it (on the
 * dev set, judging by any rewrite flagged 1 of 25 absent topics instead of 12).
 */
export async function retrieveRewritten(retriever: Retriever, question: string, rewrites: string[], opts: RetrieveOptions = {}): Promise<Retrieval> {
  const k = opts.k ?? 10;
  const runs = await Promise.all([question, ...rewrites].map((q) => retriever.retrieve(q, { ...opts, k: Math.max(k, DEPTH) })));
  const byId = new Map<string, ScoredPaper>();
  for (const run of runs) for (const h of run.hits) byId.set(h.paper.id, h);
  const fused = weightedFusion(
    runs.map((run, i) => ({
      items: run.hits.map((h) => h.paper.id),
      weight: i === 0 ? REWRITE_FUSION.originalWeight : REWRITE_FUSION.rewriteWeight,
    })),
    REWRITE_FUSION.k,
  );
  // A paper is close enough to the best to quote when any query's search found it so.
  const relevant = new Set(runs.flatMap((run) => run.hits.filter((h) => h.relevant).map((h) => h.paper.id)));
  return {
    hits: fused.slice(0, k).map(({ item, score }) => ({ paper: byId.get(item)!.paper, score, relevant: relevant.has(item) })),
    covered: runs[0]!.covered,
    coverage: runs[0]!.coverage,
    mode: runs[0]!.mode,
  };
}
