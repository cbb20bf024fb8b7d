import fs from "node:fs";
import { sqliteStores } from "../src/store/stores.js";
import os from "node:os";
import path from "node:path";
import { ingestHfFiles } from "../src/ingest/ingestHf.js";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { bundledSeedPage } from "../src/config/paths.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { corpusDir } from "./ingest.js";
import { langchainBm25, miniSearch, orama, plainFts, type Engine } from "./yardsticks.js";
import { ablations, ourEngine, plainDevEngine, plainRrfOfRecordings, recordedAssistEngine } from "./ourEngines.js";
import { reportDev } from "./devSet.js";
import { RELEVANCE_THRESHOLD } from "../src/retrieval/retriever.js";

export interface Question {
  id: string;
  type: "single" | "multi" | "none";
  question: string;
  gold: string[];
}

export function loadQuestions(store: PaperStore): Question[] {
  const file = path.resolve(import.meta.dirname, "questions.jsonl");
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Question)
    .map((q) => ({ ...q, gold: [...new Set(q.gold.map((g) => store.get(g)?.id ?? g))] }));
}

/** The seed page plus the 776-paper month of the feed, in a fresh temporary database. */
export async function benchCollection(): Promise<{ store: PaperStore; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paperbot-retrieval-"));
  const store = openStore(path.join(dir, "bench.db"));
  await ingestSeedPage(sqliteStores(store), bundledSeedPage);
  await ingestHfFiles(sqliteStores(store).papers, corpusDir);
  const cleanup = () => {
    store.db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { store, cleanup };
}

interface Row {
  name: string;
  r1: number;
  r5: number;
  mrr: number;
  multiRecall: number;
  ms: number;
}

const TIMING_PASSES = 3;

async function evaluate(engine: Engine, questions: Question[]): Promise<Row> {
  const answerable = questions.filter((q) => q.type !== "none");
  let ms = 0;
  for (let pass = 0; pass < TIMING_PASSES; pass++)
    for (const q of questions) {
      const t0 = performance.now();
      await engine.search(q.question, 10);
      ms += performance.now() - t0;
    }
  let r1 = 0,
    r5 = 0,
    mrr = 0,
    multi = 0,
    multiN = 0;
  for (const q of questions) {
    const ids = await engine.search(q.question, 10);
    if (q.type === "none") continue;
    const rank = ids.findIndex((id) => q.gold.includes(id));
    if (rank === 0) r1++;
    if (rank >= 0 && rank < 5) r5++;
    if (rank >= 0) mrr += 1 / (rank + 1);
    if (q.type === "multi") {
      multi += q.gold.filter((g) => ids.includes(g)).length / q.gold.length;
      multiN++;
    }
  }
  const n = answerable.length;
  return { name: engine.name, r1: r1 / n, r5: r5 / n, mrr: mrr / n, multiRecall: multi / multiN, ms: ms / (questions.length * TIMING_PASSES) };
}

const f = (x: number) => x.toFixed(3);

export async function benchRetrieval(opts: { only?: string } = {}): Promise<void> {
  const { store, cleanup } = await benchCollection();
  const questions = loadQuestions(store);
  const papers = store.all();
  const ours = ourEngine(store);
  const engines: Engine[] = [
    ours,
    plainFts(store),
    miniSearch(papers, false),
    miniSearch(papers, true),
    await orama(papers),
    langchainBm25(papers),
    ...ablations(store),
  ];
  const counts = ["single", "multi", "none"].map((t) => `${questions.filter((q) => q.type === t).length} ${t}`).join(", ");
  console.log(`retrieval quality: ${papers.length} papers (seed page + 776-paper feed month), ${questions.length} questions (${counts})`);
  console.log("R@1, R@5, MRR@10 over answerable questions (a hit is any gold paper); multi-paper recall@10 over multi questions;");
  console.log(`ms/query: mean over ${TIMING_PASSES} passes of all questions after a 5-question warm-up, in-process\n`);
  console.log("| engine | R@1 | R@5 | MRR@10 | multi R@10 | ms/query |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const engine of engines) {
    if (opts.only && !engine.name.includes(opts.only)) continue;
    for (const q of questions.slice(0, 5)) await engine.search(q.question, 10); // warm-up
    const r = await evaluate(engine, questions);
    console.log(`| ${r.name} | ${f(r.r1)} | ${f(r.r5)} | ${f(r.mrr)} | ${f(r.multiRecall)} | ${r.ms.toFixed(2)} |`);
  }

  let noneFlagged = 0;
  let answerableFlagged = 0;
  for (const q of questions) {
    const { covered } = await ours.retriever.retrieve(q.question);
    if (!covered && q.type === "none") noneFlagged++;
    if (!covered && q.type !== "none") answerableFlagged++;
  }
  const nNone = questions.filter((q) => q.type === "none").length;
  console.log(
    `\n"nothing relevant" signal (src/retrieval/coverage.ts: best first-round score / ln(1 + papers) < ${RELEVANCE_THRESHOLD}, or missing named topic, or scattered vocabulary):`,
  );
  console.log(`- unanswerable questions flagged: ${noneFlagged}/${nNone}`);
  console.log(`- answerable questions wrongly flagged: ${answerableFlagged}/${questions.length - nNone}`);
  console.log(`- accuracy: ${((noneFlagged + questions.length - nNone - answerableFlagged) / questions.length).toFixed(3)}`);

  await reportDev(store, [
    plainDevEngine(ours.retriever),
    plainDevEngine(ours.retriever, { topScoreOnly: true }),
    recordedAssistEngine(),
    plainRrfOfRecordings(ours.retriever),
  ]);
  cleanup();
}
