import fs from "node:fs";
import path from "node:path";
import { benchCollection } from "./retrieval.js";
import { loadDevSet } from "./devSet.js";
import { AsyncLexicalRanker, type AsyncLexicalResult } from "../src/retrieval/asyncLexicalRanker.js";
import { SqliteLexicalIndexStore } from "../src/store/sqlite/lexicalIndex.js";
import { assessCoverage, COVERAGE, type CoverageParams } from "../src/retrieval/coverage.js";

interface Labelled {
  id: string;
  q: string;
  none: boolean;
  set: "tune" | "held-out";
}

/**
 * How COVERAGE in src/retrieval/coverage.ts was picked: a grid over its weights and thresholds,
 * chosen on the tune half of the dev set plus bench/questions.jsonl; the dev held-out half is
 * printed beside each row and was never used to choose.
 */
export async function benchCoverageTuning(): Promise<void> {
  const { store, cleanup } = await benchCollection();
  const old = fs
    .readFileSync(path.resolve(import.meta.dirname, "questions.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; type: string; question: string });
  const questions: Labelled[] = [
    ...loadDevSet(store).map((q) => ({ id: q.id, q: q.q, none: q.kind === "none", set: q.half })),
    ...old.map((q) => ({ id: q.id, q: q.question, none: q.type === "none", set: "tune" as const })),
  ];
  const ranker = new AsyncLexicalRanker(new SqliteLexicalIndexStore(store.db));
  const n = await ranker.collectionSize();
  const results = new Map<string, AsyncLexicalResult>();
  for (const q of questions) results.set(q.id, await ranker.rank(q.q, { k: 10, prf: true }));
  const count = (qs: Labelled[], p: CoverageParams) => {
    const flagged = qs.filter((q) => !assessCoverage(q.q, results.get(q.id)!, n, p).covered);
    const dev = flagged.filter((q) => !q.id.startsWith("q"));
    return {
      none: flagged.filter((q) => q.none).length,
      answerable: flagged.filter((q) => !q.none).length,
      dev: `dev ${dev.filter((q) => q.none).length}/${dev.filter((q) => !q.none).length}`,
      ids: flagged.map((q) => q.id),
    };
  };
  const tune = questions.filter((q) => q.set === "tune");
  const held = questions.filter((q) => q.set === "held-out");
  const rows: { p: CoverageParams; t: ReturnType<typeof count>; h: ReturnType<typeof count> }[] = [];
  for (const unseenShare of [0.15, 0.18, 0.2, 0.22, 0.25, 0.3])
    for (const name of [0.25, 0.5, 0.75, 1])
      for (const noun of [0, 0.1, 0.2])
        for (const code of [0, 0.5])
          for (const scatteredTopThree of [0.9, 0.95, 1])
            for (const scatteredBest of [0.5, 0.6, 0.7]) {
              const p: CoverageParams = {
                ...COVERAGE,
                unseenShare,
                missing: { ...COVERAGE.missing, name, noun, code },
                scatteredTopThree,
                scatteredBest,
              };
              rows.push({ p, t: count(tune, p), h: count(held, p) });
            }
  rows.sort((a, b) => (a.t.answerable > 2 ? 1 : 0) - (b.t.answerable > 2 ? 1 : 0) || b.t.none - a.t.none || a.t.answerable - b.t.answerable);
  const nOf = (qs: Labelled[]) => `${qs.filter((q) => q.none).length} none, ${qs.filter((q) => !q.none).length} answerable`;
  console.log(`coverage grid, chosen on the dev tune half + bench/questions.jsonl (${nOf(tune)}); dev held-out (${nOf(held)}) beside it`);
  for (const r of rows.slice(0, 30))
    console.log(
      JSON.stringify({ ...r.p, relevance: undefined }),
      `tune ${r.t.none} none / ${r.t.answerable} ans (${r.t.dev})`,
      `held-out ${r.h.none} none / ${r.h.answerable} ans`,
    );
  const shipped = { t: count(tune, COVERAGE), h: count(held, COVERAGE) };
  console.log(
    "shipped",
    JSON.stringify(COVERAGE),
    `tune ${shipped.t.none}/${shipped.t.answerable} [${shipped.t.ids}]`,
    `held-out ${shipped.h.none}/${shipped.h.answerable} [${shipped.h.ids}]`,
  );
  cleanup();
}
