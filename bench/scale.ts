import fs from "node:fs";
import { sqliteStores } from "../src/store/stores.js";
import path from "node:path";
import { bundledSeedPage } from "../src/config/paths.js";
import { ingestHfFiles } from "../src/ingest/ingestHf.js";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { Retriever } from "../src/retrieval/retriever.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import { benchIngest, corpusDir } from "./ingest.js";
import { timeEach, type Percentiles } from "./latency.js";
import { benchNames } from "./names.js";
import { loadQuestions } from "./retrieval.js";
import { plainFts } from "./yardsticks.js";

const outDir = path.resolve(import.meta.dirname, "out");
const ms = (x: number) => x.toFixed(1);
const row = (name: string, p: Percentiles, extra = "") =>
  console.log(`| ${name} | ${p.calls} | ${ms(p.p50)} | ${ms(p.p95)} | ${ms(p.max)} | ${extra} |`);

/**
 * Latency of natural-language search at N synthetic papers (plus the real seed and feed papers, so
 * the development questions still have their answers in the haystack), in-process after warm-up.
 */
export async function benchScale(n: number, opts: { db?: string } = {}): Promise<void> {
  const dbFile = opts.db ?? path.join(outDir, `synthetic-${n}.db`);
  if (!fs.existsSync(dbFile)) {
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    await benchIngest(n, { keep: dbFile });
  }
  const store = openStore(dbFile);
  await ingestSeedPage(sqliteStores(store), bundledSeedPage);
  await ingestHfFiles(sqliteStores(store).papers, corpusDir);
  const total = store.count();
  const questions = loadQuestions(store);
  const answerable = questions.filter((q) => q.type !== "none");
  // More questions than the development set: titles of feed papers, as a user pastes them.
  const titles = store
    .byFeedDate("2026-02-10")
    .concat(store.byFeedDate("2026-02-11"))
    .map((p) => p.title.toLowerCase());
  const queries = [...questions.map((q) => q.question), ...titles];

  const retriever = new Retriever(sqliteStores(store));
  for (const q of titles.slice(0, 20)) await retriever.retrieve(q, { k: 10 }); // warm-up
  const ours = await timeEach(queries, (q) => retriever.retrieve(q, { k: 10 }));
  const plain = plainFts(store);
  const fts = await timeEach(queries.slice(0, 60), (q) => plain.search(q, 10));

  const quality = async (exhaustive: boolean) => {
    let r5 = 0;
    let mrr = 0;
    for (const q of answerable) {
      const ids = (await retriever.retrieve(q.question, { k: 10, exhaustive })).hits.map((h) => h.paper.id);
      const rank = ids.findIndex((id) => q.gold.includes(id));
      if (rank >= 0 && rank < 5) r5++;
      if (rank >= 0) mrr += 1 / (rank + 1);
    }
    return `R@5 ${(r5 / answerable.length).toFixed(3)}, MRR@10 ${(mrr / answerable.length).toFixed(3)}`;
  };
  const pruned = await quality(false);
  const full = await quality(true);
  store.db.close();

  console.log(`\nsearch at ${total} papers (synthetic + the real seed and feed papers), in-process, after warm-up`);
  console.log(`| query | calls | p50 ms | p95 ms | max ms | notes |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | --- |`);
  row("paperbot retriever (default)", ours, `dev questions: ${pruned}; without pruning: ${full}`);
  row("plain FTS5 OR query (yardstick)", fts, "first 60 queries only");
  await benchNames(dbFile);
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}
