import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { bundledSeedPage } from "../src/config/paths.js";
import { ingestHfFiles } from "../src/ingest/ingestHf.js";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { AsyncLexicalRanker } from "../src/retrieval/asyncLexicalRanker.js";
import { Retriever } from "../src/retrieval/retriever.js";
import { tokenize } from "../src/text/queryTerms.js";
import { stem } from "../src/text/stem.js";
import { sqliteStores } from "../src/store/stores.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import { orQuery, PostgresLexicalIndexStore } from "../src/store/postgres/lexicalIndex.js";
import type { Pool } from "../src/store/postgres/pool.js";
import { SqliteLexicalIndexStore } from "../src/store/sqlite/lexicalIndex.js";
import { benchIngest, corpusDir } from "./ingest.js";
import { percentiles, type Percentiles } from "./latency.js";
import { pgBulkLoad, pgBulkUpsert, pgSchema, schemaBytes } from "./pgLoad.js";
import { benchInputs, postgresServer } from "./pgRetrieval.js";
import { loadQuestions } from "./retrieval.js";
import { corpusVocabulary, writeSnapshot } from "./synthetic.js";
import { plainFts } from "./yardsticks.js";

const outDir = path.resolve(import.meta.dirname, "out");
const PASSES = 2;
const ms = (x: number) => x.toFixed(1);

/** The plain query on PostgreSQL: every stem of the question OR-ed against papers.lex (its GIN index), best by ts_rank. */
function plainTsRank(pool: Pool): (q: string, k: number) => Promise<string[]> {
  return async (q, k) => {
    const stems = [...new Set(tokenize(q).map(stem))];
    if (stems.length === 0) return [];
    const { rows } = await pool.query<{ id: string }>(
      "SELECT id FROM papers, CAST($1 AS tsquery) AS q WHERE lex @@ q ORDER BY ts_rank(lex, q) DESC LIMIT $2",
      [orQuery(stems), k],
    );
    return rows.map((r) => r.id);
  };
}

interface Row {
  name: string;
  search: (q: string) => Promise<string[]>;
  /** Only the first this many queries (the plain queries scan every match). */
  only?: number;
}

/**
 * `npm run bench -- scale --postgres [--papers N]`: N synthetic papers (bench/synthetic.ts) plus the seed page and the feed
 * month, in SQLite (bench/out/synthetic-N.db, built by the ingest bench the first time) and in a fresh PostgreSQL schema
 * (the same snapshot through the bulk upserts, then the same seed page and feed files); then the scale bench's queries
 * (development questions and feed titles typed as queries) through the shipped retriever on SQLite, the async ranker on
 * both stores and the plain FTS5 and ts_rank queries, one after the other in this process.
 */
export async function benchPgScale(n: number): Promise<void> {
  const dbFile = path.join(outDir, `synthetic-${n}.db`);
  const snapshot = path.join(outDir, `synthetic-${n}.jsonl`);
  fs.mkdirSync(outDir, { recursive: true });
  if (!fs.existsSync(dbFile)) await benchIngest(n, { keep: dbFile, onePassOnly: true });
  if (!fs.existsSync(snapshot)) await writeSnapshot(snapshot, corpusVocabulary(corpusDir), n);
  const store = openStore(dbFile);
  const sqlite = sqliteStores(store);
  await ingestSeedPage(sqlite, bundledSeedPage);
  await ingestHfFiles(sqlite.papers, corpusDir);
  const total = store.count();

  const server = postgresServer();
  const schema = await pgSchema(server.url);
  try {
    const { pool } = schema;
    const load = await pgBulkLoad(pool, snapshot);
    const t1 = performance.now();
    await pgBulkUpsert(pool, benchInputs());
    const restSeconds = (performance.now() - t1) / 1000;
    const sqliteIds = store.db.prepare("SELECT id FROM papers ORDER BY id").pluck().all() as string[];
    const pgIds = (await pool.query<{ id: string }>('SELECT id FROM papers ORDER BY id COLLATE "C"')).rows.map((r) => r.id);
    if (sqliteIds.join("\n") !== pgIds.join("\n"))
      throw new Error(`PostgreSQL holds other papers than SQLite (${pgIds.length} against ${sqliteIds.length})`);

    const questions = loadQuestions(store);
    const answerable = questions.filter((q) => q.type !== "none");
    const titles = store
      .byFeedDate("2026-02-10")
      .concat(store.byFeedDate("2026-02-11"))
      .map((p) => p.title.toLowerCase());
    const queries = [...questions.map((q) => q.question), ...titles];

    const retriever = new Retriever(sqliteStores(store));
    const asyncRanker = (index: SqliteLexicalIndexStore | PostgresLexicalIndexStore) => {
      const ranker = new AsyncLexicalRanker(index);
      return async (q: string) => (await ranker.rank(q, { k: 10, prf: true })).hits.map((h) => h.id);
    };
    const fts = plainFts(store);
    const tsRank = plainTsRank(pool);
    const rows: Row[] = [
      {
        name: "paperbot retriever (shipped, sync), SQLite",
        search: async (q) => (await retriever.retrieve(q, { k: 10 })).hits.map((h) => h.paper.id),
      },
      { name: "AsyncLexicalRanker, SQLite", search: asyncRanker(new SqliteLexicalIndexStore(store.db)) },
      { name: "**AsyncLexicalRanker, PostgreSQL**", search: asyncRanker(new PostgresLexicalIndexStore(pool)) },
      { name: "plain FTS5 OR query, SQLite (yardstick)", search: async (q) => fts.search(q, 10) as string[], only: 60 },
      { name: "plain ts_rank OR query on papers.lex, PostgreSQL (yardstick)", search: (q) => tsRank(q, 10), only: 60 },
    ];
    const measured: { row: Row; p: Percentiles; quality: string }[] = [];
    for (const row of rows) {
      const mine = queries.slice(0, row.only ?? queries.length);
      for (const q of titles.slice(0, 20)) await row.search(q); // warm-up
      const times: number[] = [];
      for (let pass = 0; pass < (row.only ? 1 : PASSES); pass++)
        for (const q of mine) {
          const t0 = performance.now();
          await row.search(q);
          times.push(performance.now() - t0);
        }
      let r5 = 0;
      let mrr = 0;
      for (const q of answerable) {
        const rank = (await row.search(q.question)).findIndex((id) => q.gold.includes(id));
        if (rank >= 0 && rank < 5) r5++;
        if (rank >= 0) mrr += 1 / (rank + 1);
      }
      measured.push({
        row,
        p: percentiles(times),
        quality: `R@5 ${(r5 / answerable.length).toFixed(3)}, MRR@10 ${(mrr / answerable.length).toFixed(3)}`,
      });
    }
    const pgBytes = await schemaBytes(pool);
    store.db.close();

    console.log(
      `\nsearch at ${total} papers (${n} synthetic + the real seed and feed papers) in SQLite and PostgreSQL, in-process, after warm-up; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    console.log(
      `PostgreSQL: the snapshot through the bulk upserts in ${load.seconds.toFixed(1)} s (${Math.round(load.read / load.seconds)} papers/s), the seed page and feed files in ${restSeconds.toFixed(1)} s; ${(pgBytes / 1024 / 1024).toFixed(0)} MB`,
    );
    console.log("| query | calls | p50 ms | p95 ms | max ms | dev questions |");
    console.log("| --- | ---: | ---: | ---: | ---: | --- |");
    for (const { row, p, quality } of measured)
      console.log(
        `| ${row.name} | ${p.calls} | ${ms(p.p50)} | ${ms(p.p95)} | ${ms(p.max)} | ${quality}${row.only ? `; first ${row.only} queries` : ""} |`,
      );
    const [shipped, onSqlite, onPostgres] = measured as [(typeof measured)[0], (typeof measured)[0], (typeof measured)[0]];
    console.log(
      `p95 ratio, AsyncLexicalRanker PostgreSQL / SQLite: ${(onPostgres.p.p95 / onSqlite.p.p95).toFixed(2)}x; PostgreSQL / shipped retriever on SQLite: ${(onPostgres.p.p95 / shipped.p.p95).toFixed(2)}x`,
    );
  } finally {
    await schema.drop();
    server.stop();
  }
}
