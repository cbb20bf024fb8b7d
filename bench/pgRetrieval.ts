import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AsyncLexicalRanker } from "../src/retrieval/asyncLexicalRanker.js";
import type { LexicalOptions } from "../src/retrieval/bm25f.js";
import { assessCoverage } from "../src/retrieval/coverage.js";
import { Retriever } from "../src/retrieval/retriever.js";
import type { LexicalIndexStore } from "../src/store/lexicalIndex.js";
import { bundledSeedPage } from "../src/config/paths.js";
import { hfItemToInput, parseHfItems } from "../src/ingest/hfItem.js";
import { parseSeedPage } from "../src/ingest/parseSeedPage.js";
import type { Paper, PaperInput } from "../src/store/paper.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { PostgresLexicalIndexStore } from "../src/store/postgres/lexicalIndex.js";
import { PostgresPaperRecords } from "../src/store/postgres/papers.js";
import type { Pool } from "../src/store/postgres/pool.js";
import { SqliteLexicalIndexStore } from "../src/store/sqlite/lexicalIndex.js";
import { postgresStores, sqliteStores, type Stores } from "../src/store/stores.js";
import { DEV_KINDS, type DevQuestion, type DevRun, loadDevSet, type Recall, scoreDev, type DevScores } from "./devSet.js";
import type { PaperRow } from "../src/store/paperRow.js";
import { corpusDir } from "./ingest.js";
import { pgSchema } from "./pgLoad.js";
import { benchCollection } from "./retrieval.js";
import { corpusVocabulary, syntheticPapers } from "./synthetic.js";

/** What the shipped search asks of the lexical ranker (`Retriever.retrieve` without vectors). */
const OPTIONS: LexicalOptions = { k: 10, prf: true };
const TIMING_PASSES = 3;

interface RankEngine {
  name: string;
  /** Ranked ids and the `covered` flag the shipped search would report. */
  search(q: string): Promise<DevRun>;
}

/** What `benchCollection` upserts into SQLite, in its order: the seed page's papers, then each feed file's items. */
export function benchInputs(): PaperInput[] {
  const inputs = [...parseSeedPage(fs.readFileSync(bundledSeedPage, "utf8")).papers];
  for (const file of fs
    .readdirSync(corpusDir)
    .filter((f) => f.endsWith(".json"))
    .sort())
    inputs.push(...parseHfItems(JSON.parse(fs.readFileSync(path.join(corpusDir, file), "utf8"))).items.map(hfItemToInput));
  return inputs;
}

/** A PostgreSQL server: PAPERBOT_BENCH_DATABASE_URL or PAPERBOT_TEST_DATABASE_URL, else a throw-away one from scripts/test-postgres.sh. */
export function postgresServer(): { url: string; stop: () => void } {
  const given = process.env.PAPERBOT_BENCH_DATABASE_URL ?? process.env.PAPERBOT_TEST_DATABASE_URL;
  if (given) return { url: given, stop: () => {} };
  const script = path.resolve(import.meta.dirname, "../scripts/test-postgres.sh");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paperbot-bench-pg-"));
  const started = spawnSync(script, ["start", dir], { encoding: "utf8" });
  if (started.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`no PostgreSQL: set PAPERBOT_BENCH_DATABASE_URL or install its binaries (${started.stderr.trim()})`);
  }
  return { url: started.stdout.trim(), stop: () => void spawnSync(script, ["stop", dir], { stdio: "inherit" }) };
}

/** `n` synthetic papers (bench/synthetic.ts, seed 42) upserted into SQLite after the bench collection, in one transaction. */
function addSynthetic(store: PaperStore, n: number): number {
  const t0 = performance.now();
  const vocabulary = corpusVocabulary(corpusDir);
  store.transaction(() => {
    for (const p of syntheticPapers(vocabulary, n))
      store.upsert({
        arxivId: p.id,
        title: p.title,
        abstract: p.abstract,
        authors: p.authors.split(", "),
        categories: [p.categories],
        source: "arxiv",
      });
  });
  return (performance.now() - t0) / 1000;
}

/**
 * A fresh schema with the migrations applied, and the bench collection upserted into it paper by paper; then the papers of
 * SQLite after the first `real` (the synthetic ones) copied in as `paperbot copy` does (`copyIn`, 1,000 a transaction).
 */
async function loadPostgres(
  url: string,
  papers: Paper[],
  store: PaperStore,
  real: number,
): Promise<{ pool: Pool; seconds: number; copySeconds: number; drop: () => Promise<void> }> {
  const { pool, drop } = await pgSchema(url);
  try {
    const records = new PostgresPaperRecords(pool);
    const t0 = performance.now();
    for (const input of benchInputs()) await records.upsert(input);
    const seconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const page = store.db.prepare("SELECT rowid, * FROM papers WHERE rowid > ? ORDER BY rowid LIMIT 1000");
    const keys = store.db.prepare("SELECT title_key FROM paper_titles WHERE paper_rowid = ?").pluck();
    for (let after = papers[real - 1]?.rowid ?? 0; ; ) {
      const rows = page.all(after) as PaperRow[];
      if (rows.length === 0) break;
      after = rows.at(-1)!.rowid;
      await records.copyIn(rows.map(({ rowid, ...r }) => ({ ...r, title_keys: keys.all(rowid) as string[] })));
    }
    const copySeconds = (performance.now() - t1) / 1000;
    // As autovacuum leaves the tables once it has run: statistics, and the visibility map that index-only scans need.
    await pool.query("VACUUM ANALYZE");
    // The same papers with the same ids and text, or the comparison means nothing.
    const stored = await records.getMany(papers.map((p) => p.id));
    const differs = papers.filter((p) => stored.get(p.id)?.title !== p.title || stored.get(p.id)?.abstract !== p.abstract);
    if (differs.length || (await records.count()) !== papers.length)
      throw new Error(`PostgreSQL holds other papers than SQLite (${differs.length} differ, e.g. ${differs[0]?.id})`);
    return { pool, seconds, copySeconds, drop };
  } catch (err) {
    await drop();
    throw err;
  }
}

/**
 * Whether spelling correction reads the same title vocabulary on both stores: SQLite's paper_title_vocab against
 * PostgreSQL's title_words as the upserts kept it, and against what migration 023's SQL backfill makes of the titles.
 */
async function vocabularies(store: PaperStore, pool: Pool): Promise<string> {
  const sqlite = new Map(
    (store.db.prepare("SELECT term, doc FROM paper_title_vocab").all() as { term: string; doc: number }[]).map((r) => [r.term, r.doc]),
  );
  const differing = (rows: { word: string; doc: number }[]) => {
    const pg = new Map(rows.map((r) => [r.word, Number(r.doc)]));
    return [...new Set([...sqlite.keys(), ...pg.keys()])].filter((w) => sqlite.get(w) !== pg.get(w));
  };
  const kept = differing((await pool.query<{ word: string; doc: number }>("SELECT word, doc FROM title_words WHERE doc > 0")).rows);
  const backfill = differing(
    (
      await pool.query<{ word: string; doc: number }>(
        `SELECT word, count(DISTINCT p.id) AS doc
         FROM papers p, regexp_split_to_table(lower(normalize(p.title, NFKC)), '[^[:alnum:]]+') AS word WHERE word <> '' GROUP BY word`,
      )
    ).rows,
  );
  const eg = (ws: string[]) => (ws.length ? ` (${ws.slice(0, 5).join(", ")})` : "");
  return `title vocabulary: ${sqlite.size} words in SQLite; PostgreSQL's title_words differs on ${kept.length}${eg(kept)}; migration 023's SQL backfill would differ on ${backfill.length}${eg(backfill)}`;
}

/** The shipped search (`Retriever`, no vectors) over a store bundle. */
function retrieverEngine(name: string, stores: Stores): RankEngine {
  const retriever = new Retriever(stores);
  return {
    name,
    async search(q) {
      const r = await retriever.retrieve(q, { k: OPTIONS.k, prf: OPTIONS.prf });
      return { ids: r.hits.map((h) => h.paper.id), covered: r.covered };
    },
  };
}

function asyncEngine(name: string, index: LexicalIndexStore, noSpelling = false): RankEngine {
  const ranker = new AsyncLexicalRanker(index, { noSpelling });
  let papers: number | undefined;
  return {
    name,
    async search(q) {
      const r = await ranker.rank(q, OPTIONS);
      papers ??= await index.paperCount();
      const ids = r.hits.map((h) => h.id);
      return { ids, covered: assessCoverage(q, r, papers).covered && ids.length > 0 };
    },
  };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

interface Measured {
  scores: DevScores;
  runs: Map<string, DevRun>;
  mean: number;
  p95: number;
}

async function measure(engine: RankEngine, questions: DevQuestion[]): Promise<Measured> {
  for (const q of questions.slice(0, 5)) await engine.search(q.q); // warm-up
  const ms: number[] = [];
  for (let pass = 0; pass < TIMING_PASSES; pass++)
    for (const q of questions) {
      const t0 = performance.now();
      await engine.search(q.q);
      ms.push(performance.now() - t0);
    }
  const runs = new Map<string, DevRun>();
  for (const q of questions) runs.set(q.id, await engine.search(q.q));
  return { scores: scoreDev(questions, runs), runs, mean: ms.reduce((a, b) => a + b, 0) / ms.length, p95: percentile(ms, 95) };
}

const f = (x: number) => x.toFixed(3);
const recall = (r: Recall) => `${f(r.r1)} | ${f(r.r5)} | ${f(r.mrr)}`;

/** The largest difference between two rows' figures, per kind. */
function differences(a: DevScores, b: DevScores): string {
  const d = (x: Recall, y: Recall) => Math.max(Math.abs(x.r1 - y.r1), Math.abs(x.r5 - y.r5), Math.abs(x.mrr - y.mrr));
  return `single ${f(d(a.single, b.single))}, hard ${f(d(a.hard, b.hard))}, multi ${f(Math.abs(a.multi.recall10 - b.multi.recall10))}, none flagged ${a.noneFlagged.flagged - b.noneFlagged.flagged}`;
}

/** Questions whose top 10 differ between two engines. */
function changed(questions: DevQuestion[], a: Map<string, DevRun>, b: Map<string, DevRun>): string[] {
  return questions.filter((q) => a.get(q.id)!.ids.join() !== b.get(q.id)!.ids.join()).map((q) => q.id);
}

/**
 * `npm run bench -- retrieval --postgres`: the bench collection in SQLite (as `benchCollection` loads it) and in a fresh
 * PostgreSQL schema (through `PaperRecords.upsert`), the dev set through the shipped search (`Retriever`) and the async ranker alone on both.
 */
export async function benchPgRetrieval(opts: { papers?: number } = {}): Promise<void> {
  const { store, cleanup } = await benchCollection();
  const server = postgresServer();
  try {
    const real = store.all().length;
    const synthetic = opts.papers ?? 0;
    const sqliteSeconds = synthetic ? addSynthetic(store, synthetic) : 0;
    const papers = store.all();
    const pg = await loadPostgres(server.url, papers, store, real);
    try {
      const questions = loadDevSet(store);
      console.log(
        `lexical ranking on PostgreSQL: ${real} papers (seed page + feed month) in SQLite and, upserted one by one (seed page, then the feed files, as there) in ${pg.seconds.toFixed(1)} s, in a fresh PostgreSQL schema`,
      );
      if (synthetic)
        console.log(
          `plus ${synthetic} synthetic papers (bench/synthetic.ts): upserted into SQLite in one transaction in ${sqliteSeconds.toFixed(1)} s, copied into PostgreSQL (copyIn, 1,000 a transaction) in ${pg.copySeconds.toFixed(1)} s; ${papers.length} papers in all`,
        );
      console.log(
        `dev set: ${questions.length} questions (${DEV_KINDS.map((k) => `${questions.filter((q) => q.kind === k).length} ${k}`).join(", ")}); ranking options as shipped (k 10, RM3)`,
      );
      console.log(await vocabularies(store, pg.pool));
      console.log(`ms/query: mean and p95 over ${TIMING_PASSES} passes of all questions after a 5-question warm-up, in this process\n`);
      const engines = [
        retrieverEngine("shipped Retriever, SQLite", sqliteStores(store)),
        retrieverEngine("shipped Retriever, PostgreSQL", await postgresStores(pg.pool, "bench")),
        asyncEngine("AsyncLexicalRanker, SQLite", new SqliteLexicalIndexStore(store.db)),
        asyncEngine("AsyncLexicalRanker without spelling correction, SQLite", new SqliteLexicalIndexStore(store.db), true),
        asyncEngine("AsyncLexicalRanker, PostgreSQL (candidates by BM25 from paper_terms, the default)", new PostgresLexicalIndexStore(pg.pool)),
        asyncEngine(
          "AsyncLexicalRanker, PostgreSQL (candidates by BM25 from ts_rank calls, before paper_terms)",
          new PostgresLexicalIndexStore(pg.pool, 2, "bm25_tsvector"),
        ),
        asyncEngine("AsyncLexicalRanker, PostgreSQL (candidates by ts_rank)", new PostgresLexicalIndexStore(pg.pool, 2, "ts_rank")),
      ];
      console.log(
        "| engine | single R@1 | R@5 | MRR@10 | hard R@1 | R@5 | MRR@10 | multi R@10 | none flagged | answerable flagged | mean ms | p95 ms |",
      );
      console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
      const results: Measured[] = [];
      for (const engine of engines) {
        const r = await measure(engine, questions);
        results.push(r);
        const s = r.scores;
        console.log(
          `| ${engine.name} | ${recall(s.single)} | ${recall(s.hard)} | ${f(s.multi.recall10)} | ${s.noneFlagged.flagged}/${s.noneFlagged.n} | ${s.answerableFlagged.flagged}/${s.answerableFlagged.n} | ${r.mean.toFixed(2)} | ${r.p95.toFixed(2)} |`,
        );
      }
      const [shipped, shippedPg, onSqlite, , onPostgres, byTsvector, byTsRank] = results as [
        Measured,
        Measured,
        Measured,
        Measured,
        Measured,
        Measured,
        Measured,
      ];
      console.log("\nlargest difference of R@1/R@5/MRR@10 (multi: R@10) per kind:");
      console.log(`- shipped Retriever, PostgreSQL vs SQLite: ${differences(shippedPg.scores, shipped.scores)}`);
      console.log(`- async PostgreSQL vs async SQLite: ${differences(onPostgres.scores, onSqlite.scores)}`);
      console.log(`- async PostgreSQL by ts_rank vs async SQLite: ${differences(byTsRank.scores, onSqlite.scores)}`);
      console.log(`- shipped Retriever, SQLite vs async SQLite: ${differences(shipped.scores, onSqlite.scores)}`);
      console.log(`\nquestions whose top 10 differ (ids or order):`);
      console.log(`- shipped Retriever, PostgreSQL vs SQLite: ${changed(questions, shippedPg.runs, shipped.runs).join(", ") || "none"}`);
      console.log(`- async PostgreSQL vs async SQLite: ${changed(questions, onPostgres.runs, onSqlite.runs).join(", ") || "none"}`);
      console.log(
        `- async PostgreSQL, BM25 from paper_terms vs from ts_rank calls: ${changed(questions, onPostgres.runs, byTsvector.runs).join(", ") || "none"}`,
      );
      console.log(`- async PostgreSQL by ts_rank vs async SQLite: ${changed(questions, byTsRank.runs, onSqlite.runs).length} questions`);
      console.log(`- shipped Retriever, SQLite vs async SQLite: ${changed(questions, shipped.runs, onSqlite.runs).join(", ") || "none"}`);
      const ratio = (a: Measured, b: Measured) => `${(a.p95 / b.p95).toFixed(2)}x`;
      console.log(
        `\np95 ratio, shipped Retriever PostgreSQL / SQLite: ${ratio(shippedPg, shipped)}; async ranker PostgreSQL / SQLite: ${ratio(onPostgres, onSqlite)} (BM25 from ts_rank calls: ${ratio(byTsvector, onSqlite)}; by ts_rank: ${ratio(byTsRank, onSqlite)})`,
      );
    } finally {
      await pg.drop();
    }
  } finally {
    server.stop();
    cleanup();
  }
}
