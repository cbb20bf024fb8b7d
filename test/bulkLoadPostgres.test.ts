// A bulk load into PostgreSQL killed half way by a real kill -9 (test/helpers/dieMidBulkLoadPostgres.ts): each batch is
// one transaction that writes its papers with their postings, counts and title keys, so what is left is whole batches
// with every index in step, and the next load (the dump read again) and its finish leave every paper searchable.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stem } from "../src/text/stem.js";
import { titleWords, tokenize } from "../src/text/queryTerms.js";
import { migratePostgres } from "../src/store/postgres/migrate.js";
import { PostgresLexicalIndexStore } from "../src/store/postgres/lexicalIndex.js";
import { PostgresPaperRecords } from "../src/store/postgres/papers.js";
import { connectPostgres, type Pool } from "../src/store/postgres/pool.js";
import { DUMP_BATCH, dumpBatch } from "./helpers/dumpBatches.js";
import { freshSchema, havePostgres, postgresUrl } from "./helpers/postgres.js";

const helper = path.resolve(import.meta.dirname, "helpers/dieMidBulkLoadPostgres.ts");
const APP = "paperbot-dying-bulk-load";

const one = async <T>(pool: Pool, sql: string): Promise<T> => (await pool.query(sql)).rows[0] as T;
const count = async (pool: Pool, sql: string) => Number((await one<{ n: string }>(pool, `SELECT count(*) AS n FROM (${sql}) q`)).n);

/** Every index table agrees with the papers: postings with papers.lex, counts with the postings and titles, the totals. */
async function expectWhole(pool: Pool): Promise<number> {
  const papers = (
    await pool.query<{ id: string; title: string; abstract: string; title_key: string }>("SELECT id, title, abstract, title_key FROM papers")
  ).rows;
  const meta = await one<{ paper_count: string; title_words: string; abstract_words: string }>(pool, "SELECT * FROM papers_meta");
  expect(Number(meta.paper_count)).toBe(papers.length);
  expect(Number(meta.title_words)).toBe(papers.reduce((n, p) => n + tokenize(p.title).length, 0));
  expect(Number(meta.abstract_words)).toBe(papers.reduce((n, p) => n + tokenize(p.abstract).length, 0));
  // The postings are what papers.lex holds (as migration 022 derives them), no more and no less.
  const derived = `SELECT u.lexeme AS stem, p.seq AS paper_seq, cardinality(array_positions(u.weights, 'A')) AS tf_title,
      cardinality(array_positions(u.weights, 'B')) AS tf_abstract, l.words
    FROM papers p
      CROSS JOIN LATERAL (SELECT coalesce(sum(cardinality(x.positions)), 0)::integer AS words FROM unnest(p.lex) AS x) l
      CROSS JOIN LATERAL unnest(p.lex) AS u`;
  const postings = "SELECT stem, paper_seq, tf_title, tf_abstract, words FROM paper_terms";
  expect(await count(pool, `${derived} EXCEPT ${postings}`)).toBe(0);
  expect(await count(pool, `${postings} EXCEPT ${derived}`)).toBe(0);
  expect(await count(pool, postings)).toBe(await count(pool, derived));
  const df = "SELECT stem, count(*)::integer AS df FROM paper_terms GROUP BY stem";
  const stats = "SELECT stem, df FROM term_stats WHERE df <> 0";
  expect(await count(pool, `${df} EXCEPT ${stats}`)).toBe(0);
  expect(await count(pool, `${stats} EXCEPT ${df}`)).toBe(0);
  const docs = new Map<string, number>();
  for (const p of papers) for (const w of titleWords(p.title)) docs.set(w, (docs.get(w) ?? 0) + 1);
  const kept = (await pool.query<{ word: string; doc: number }>("SELECT word, doc FROM title_words WHERE doc <> 0")).rows;
  expect(new Map(kept.map((r) => [r.word, r.doc]))).toEqual(docs);
  expect(
    await count(pool, "SELECT 1 FROM papers p WHERE NOT EXISTS (SELECT 1 FROM paper_titles t WHERE t.paper_id = p.id AND t.title_key = p.title_key)"),
  ).toBe(0);
  return papers.length;
}

const withPostgres = havePostgres();
if (withPostgres) {
  describe("a PostgreSQL bulk load killed half way (kill -9)", () => {
    let schema: { url: string; drop: () => Promise<void> };
    let pool: Pool;
    let child: ChildProcess | undefined;
    beforeAll(async () => {
      schema = await freshSchema(postgresUrl()!);
      pool = await connectPostgres(schema.url);
      await migratePostgres(pool);
    });
    afterAll(async () => {
      child?.kill("SIGKILL");
      await pool?.end();
      await schema?.drop();
    });

    it("leaves whole batches with their indexes in step; the load run again and finished has every paper searchable", async () => {
      const url = new URL(schema.url);
      url.searchParams.set("application_name", APP);
      child = spawn(process.execPath, ["--import", "tsx", helper], {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PAPERBOT_TEST_LOAD_URL: url.toString() },
        stdio: ["ignore", "pipe", "inherit"],
      });
      const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
      let committed = 0;
      child.stdout!.on(
        "data",
        (d: Buffer) =>
          (committed += d
            .toString()
            .split("\n")
            .filter((l) => l.startsWith("committed")).length),
      );
      const inTransaction = async () =>
        count(pool, `SELECT 1 FROM pg_stat_activity WHERE application_name = '${APP}' AND xact_start IS NOT NULL AND state <> 'idle'`);
      const deadline = Date.now() + 60_000;
      while ((committed < 3 || (await inTransaction()) === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      child.kill("SIGKILL");
      const [code, signal] = await exited;
      expect(code).toBeNull();
      expect(signal).toBe("SIGKILL");
      expect(committed).toBeGreaterThanOrEqual(3);
      // The server rolls back the dead connection's transaction once it notices the connection is gone.
      while ((await count(pool, `SELECT 1 FROM pg_stat_activity WHERE application_name = '${APP}'`)) > 0) await new Promise((r) => setTimeout(r, 20));

      const left = await expectWhole(pool);
      expect(left % DUMP_BATCH).toBe(0);
      expect(left / DUMP_BATCH).toBeGreaterThanOrEqual(committed);
      expect(left / DUMP_BATCH).toBeLessThan(1000);

      // The load again from the start of the dump, a few batches past where it died, then its finish.
      const records = new PostgresPaperRecords(pool);
      const batches = left / DUMP_BATCH + 2;
      await records.startBulkLoad();
      const outcomes = [];
      for (let i = 0; i < batches; i++) outcomes.push(...(await records.upsertMany(dumpBatch(i), { bulk: true })));
      await records.finishBulkLoad();
      expect(outcomes.filter((o) => o.outcome === "added")).toHaveLength(2 * DUMP_BATCH);
      expect(await expectWhole(pool)).toBe(batches * DUMP_BATCH);
      expect(await records.count()).toBe(batches * DUMP_BATCH);
      const lexical = new PostgresLexicalIndexStore(pool);
      for (const i of [0, left - 1, batches * DUMP_BATCH - 1]) {
        const paper = dumpBatch(Math.floor(i / DUMP_BATCH))[i % DUMP_BATCH]!;
        const stems = [...new Set(tokenize(paper.title).map(stem))];
        expect(await lexical.candidates(stems, 5), paper.title).toContain(paper.arxivId);
      }
    }, 120_000);
  });
}
