import fs from "node:fs";
import path from "node:path";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";

/** The development set of bench/dev/ (a copy of the shared one; see its README for how it was written). */
export type DevKind = "single" | "hard" | "multi" | "none";
export const DEV_KINDS: DevKind[] = ["single", "hard", "multi", "none"];

export type DevHalf = "tune" | "held-out";
export const DEV_SPLITS = ["all", "tune", "held-out"] as const;
export type DevSplit = (typeof DEV_SPLITS)[number];

export interface DevQuestion {
  id: string;
  kind: DevKind;
  q: string;
  /** Gold title prefixes as written in the file. */
  gold: string[];
  /** The ids of the papers those prefixes name in this collection. */
  goldIds: string[];
  half: DevHalf;
}

const devDir = path.resolve(import.meta.dirname, "dev");

/**
 * Tune on one half, report the other: within each kind the odd-numbered ones (s01, s03, ..., h01, ...) are the tune half and the
 * even-numbered ones (s02, s04, ...) the held-out half.
 */
export function devHalf(id: string): DevHalf {
  return Number(id.replace(/\D/g, "")) % 2 === 1 ? "tune" : "held-out";
}

export function readJsonl<T>(name: string): T[] {
  return fs
    .readFileSync(path.join(devDir, name), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/**
 * The 150 questions with their gold resolved to paper ids. A paper matches a gold entry when its
 * title, lower-cased, starts with the entry, lower-cased; an entry that matches no paper or
 * several is an error.
 */
export function loadDevSet(store: PaperStore): DevQuestion[] {
  const titles = store.all().map((p) => ({ id: p.id, title: p.title.toLowerCase() }));
  const raw = readJsonl<{ id: string; kind: DevKind; q: string; gold: string[] }>("questions.jsonl");
  return raw.map((r) => {
    const goldIds = r.gold.map((g) => {
      const hits = titles.filter((t) => t.title.startsWith(g.toLowerCase()));
      if (hits.length !== 1) throw new Error(`dev gold "${g}" (${r.id}) matches ${hits.length} papers`);
      return hits[0]!.id;
    });
    return { ...r, goldIds, half: devHalf(r.id) };
  });
}

/** What a system returned for one question: paper ids best first, and whether it says the collection covers it. */
export interface DevRun {
  ids: string[];
  covered: boolean;
}

/** A system under test on the dev set. It gets the whole question, so a recorded-model engine can look up its rewrites. */
export interface DevEngine {
  name: string;
  run(q: DevQuestion): Promise<DevRun>;
}

export interface Recall {
  n: number;
  r1: number;
  r5: number;
  mrr: number;
}

export interface DevScores {
  single: Recall;
  hard: Recall;
  singleHard: Recall;
  multi: { n: number; recall10: number };
  /** none questions the system flagged "not covered", out of how many. */
  noneFlagged: { flagged: number; n: number };
  /** answerable questions (single, hard, multi) it wrongly flagged. */
  answerableFlagged: { flagged: number; n: number };
}

function recall(pairs: { q: DevQuestion; run: DevRun }[]): Recall {
  let r1 = 0,
    r5 = 0,
    mrr = 0;
  for (const { q, run } of pairs) {
    const rank = run.ids.slice(0, 10).findIndex((id) => q.goldIds.includes(id));
    if (rank === 0) r1++;
    if (rank >= 0 && rank < 5) r5++;
    if (rank >= 0) mrr += 1 / (rank + 1);
  }
  const n = pairs.length || 1;
  return { n: pairs.length, r1: r1 / n, r5: r5 / n, mrr: mrr / n };
}

/** Scores runs as the dev README says: R@1/R@5/MRR@10 for single and hard, recall@10 for multi, flags for none. */
export function scoreDev(questions: DevQuestion[], runs: Map<string, DevRun>): DevScores {
  const pairs = questions.map((q) => {
    const run = runs.get(q.id);
    if (!run) throw new Error(`no run for dev question ${q.id}`);
    return { q, run };
  });
  const of = (...kinds: DevKind[]) => pairs.filter((p) => kinds.includes(p.q.kind));
  const multi = of("multi");
  const multiRecall = multi.reduce((s, { q, run }) => s + q.goldIds.filter((g) => run.ids.slice(0, 10).includes(g)).length / q.goldIds.length, 0);
  const none = of("none");
  const answerable = of("single", "hard", "multi");
  return {
    single: recall(of("single")),
    hard: recall(of("hard")),
    singleHard: recall(of("single", "hard")),
    multi: { n: multi.length, recall10: multiRecall / (multi.length || 1) },
    noneFlagged: { flagged: none.filter((p) => !p.run.covered).length, n: none.length },
    answerableFlagged: { flagged: answerable.filter((p) => !p.run.covered).length, n: answerable.length },
  };
}

export function inSplit(questions: DevQuestion[], split: DevSplit): DevQuestion[] {
  return split === "all" ? questions : questions.filter((q) => q.half === split);
}

/** Runs an engine over every question once. */
export async function runDev(engine: DevEngine, questions: DevQuestion[]): Promise<Map<string, DevRun>> {
  const runs = new Map<string, DevRun>();
  for (const q of questions) runs.set(q.id, await engine.run(q));
  return runs;
}

/**
 * An engine that searches several queries per question (e.g. the question and a model's rewrites)
 * and fuses the lists by reciprocal rank; `covered` comes from the first query's search.
 */
export function queryListEngine(
  name: string,
  queriesFor: (q: DevQuestion) => string[] | Promise<string[]>,
  search: (query: string) => Promise<DevRun>,
  rrfK = 60,
): DevEngine {
  return {
    name,
    async run(q) {
      const queries = await queriesFor(q);
      const runs = await Promise.all(queries.map((x) => search(x)));
      const scores = new Map<string, number>();
      for (const r of runs) r.ids.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (rrfK + i + 1)));
      const ids = [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
      return { ids, covered: runs[0]?.covered ?? true };
    },
  };
}

const f = (x: number) => x.toFixed(3);

export const DEV_TABLE_HEADER = [
  "| engine | split | single R@1 | R@5 | MRR@10 | hard R@1 | R@5 | MRR@10 | single+hard R@1 | R@5 | MRR@10 | multi R@10 | none flagged | answerable flagged |",
  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
];

export function devTableRow(name: string, split: DevSplit, s: DevScores): string {
  const r = (x: Recall) => `${f(x.r1)} | ${f(x.r5)} | ${f(x.mrr)}`;
  return `| ${name} | ${split} | ${r(s.single)} | ${r(s.hard)} | ${r(s.singleHard)} | ${f(s.multi.recall10)} | ${s.noneFlagged.flagged}/${s.noneFlagged.n} | ${s.answerableFlagged.flagged}/${s.answerableFlagged.n} |`;
}

/** Prints the per-kind table for each engine, for all questions and each half. */
export async function reportDev(store: PaperStore, engines: DevEngine[]): Promise<void> {
  const questions = loadDevSet(store);
  const count = (kind: DevKind, half?: DevHalf) => questions.filter((q) => q.kind === kind && (!half || q.half === half)).length;
  console.log(`\ndev set (bench/dev/questions.jsonl): ${questions.length} questions, ${DEV_KINDS.map((k) => `${count(k)} ${k}`).join(", ")}`);
  console.log("tune half: the odd-numbered questions of each kind (s01, s03, ...); held-out half: the even-numbered ones");
  console.log("gold is matched by lower-cased title prefix; none/answerable flagged: `covered: false` at the shipped threshold\n");
  console.log(DEV_TABLE_HEADER.join("\n"));
  for (const engine of engines) {
    const runs = await runDev(engine, questions);
    for (const split of DEV_SPLITS) console.log(devTableRow(engine.name, split, scoreDev(inSplit(questions, split), runs)));
  }
}
