import crypto from "node:crypto";
import fs from "node:fs";
import readline from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { readArxivLine } from "../src/ingest/arxivLine.js";
import type { PaperInput } from "../src/store/paper.js";
import { migratePostgres } from "../src/store/postgres/migrate.js";
import { PostgresPaperRecords } from "../src/store/postgres/papers.js";
import { connectPostgres, type Pool } from "../src/store/postgres/pool.js";

/** As the arXiv ingest commits: 2,000 papers a batch. */
const BATCH = 2000;

/** A fresh schema on the server at `url` with a pool on it (migrated unless `bare`); `drop` ends the pool and removes the schema. */
export async function pgSchema(url: string, opts: { bare?: boolean } = {}): Promise<{ pool: Pool; drop: () => Promise<void> }> {
  const schema = `bench_${crypto.randomBytes(6).toString("hex")}`;
  const admin = await connectPostgres(url, { max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const u = new URL(url);
  u.searchParams.set("options", `-c search_path=${schema}`);
  const pool = await connectPostgres(u.toString());
  const drop = async () => {
    await pool.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  };
  if (!opts.bare) await migratePostgres(pool);
  return { pool, drop };
}

/** The bytes of every table and index in the pool's schema. */
export async function schemaBytes(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS n FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'",
  );
  return Number(rows[0]!.n);
}

async function* snapshotInputs(snapshot: string): AsyncGenerator<PaperInput> {
  const input = fs.createReadStream(snapshot, { encoding: "utf8" });
  for await (const raw of readline.createInterface({ input, crlfDelay: Infinity })) {
    const line = readArxivLine(raw);
    if (line && "input" in line) yield line.input;
  }
}

/**
 * The snapshot into PostgreSQL as the arXiv ingest loads it: read line by line, batches of 2,000 through
 * `PaperRecords.upsertMany(…, { bulk: true })` between `startBulkLoad` and `finishBulkLoad`. Returns papers added and seconds.
 */
export async function pgBulkLoad(pool: Pool, snapshot: string): Promise<{ added: number; read: number; seconds: number }> {
  const records = new PostgresPaperRecords(pool);
  const t0 = performance.now();
  let added = 0;
  let read = 0;
  const commit = async (batch: PaperInput[]) => {
    const out = await records.upsertMany(batch, { bulk: true });
    added += out.filter((o) => o.outcome === "added").length;
    read += batch.length;
  };
  await records.startBulkLoad();
  let batch: PaperInput[] = [];
  for await (const input of snapshotInputs(snapshot)) {
    batch.push(input);
    if (batch.length >= BATCH) {
      await commit(batch);
      batch = [];
    }
  }
  await commit(batch);
  await records.finishBulkLoad();
  return { added, read, seconds: (performance.now() - t0) / 1000 };
}

/** The same inputs upserted by the bulk path, in batches of 2,000 (the bench collection after the synthetic papers). */
export async function pgBulkUpsert(pool: Pool, inputs: readonly PaperInput[]): Promise<void> {
  const records = new PostgresPaperRecords(pool);
  await records.startBulkLoad();
  for (let i = 0; i < inputs.length; i += BATCH) await records.upsertMany(inputs.slice(i, i + BATCH), { bulk: true });
  await records.finishBulkLoad();
}

const copyField = (v: string | number | null) =>
  v === null ? "\\N" : String(v).replace(/[\\\n\r\t]/g, (c) => ({ "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c]!);

/**
 * The yardstick for a PostgreSQL load, as one would write it without paperbot: a table with the papers table's columns and
 * a tsvector column generated from title (weight A) and abstract (weight B) by to_tsvector('english'), under a GIN index;
 * the snapshot streamed into it with one COPY (each line JSON-parsed and written as a row), then ANALYZE.
 */
export async function plainPgLoad(pool: Pool, snapshot: string): Promise<{ papers: number; seconds: number }> {
  await pool.query(`
    CREATE TABLE plain_papers (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id text NOT NULL, arxiv_id text, title text NOT NULL, title_key text NOT NULL,
      abstract text NOT NULL, authors text NOT NULL, author_count integer NOT NULL, published_at text, upvotes integer NOT NULL,
      arxiv_url text, ai_keywords text NOT NULL, categories text NOT NULL, source text NOT NULL, first_seen_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', abstract), 'B')) STORED
    );
    CREATE INDEX plain_papers_tsv ON plain_papers USING gin (tsv);`);
  const t0 = performance.now();
  const now = new Date().toISOString();
  let papers = 0;
  async function* rows(): AsyncGenerator<string> {
    const input = fs.createReadStream(snapshot, { encoding: "utf8" });
    let buf = "";
    for await (const raw of readline.createInterface({ input, crlfDelay: Infinity })) {
      if (!raw) continue;
      const p = JSON.parse(raw) as { id: string; title: string; abstract: string; authors: string; categories: string; update_date: string };
      const authors = p.authors.split(", ");
      const row = [
        p.id,
        p.id,
        p.title,
        p.title.toLowerCase(),
        p.abstract,
        JSON.stringify(authors),
        authors.length,
        p.update_date,
        0,
        `https://arxiv.org/abs/${p.id}`,
        "[]",
        JSON.stringify(p.categories.split(" ")),
        "arxiv",
        now,
        now,
      ];
      buf += `${row.map(copyField).join("\t")}\n`;
      papers++;
      if (buf.length >= 1 << 16) {
        yield buf;
        buf = "";
      }
    }
    if (buf) yield buf;
  }
  const client = await pool.connect();
  try {
    await pipeline(
      Readable.from(rows()),
      client.query(
        copyFrom(
          `COPY plain_papers (id, arxiv_id, title, title_key, abstract, authors, author_count, published_at, upvotes, arxiv_url, ai_keywords,
             categories, source, first_seen_at, updated_at) FROM STDIN`,
        ),
      ),
    );
  } finally {
    client.release();
  }
  await pool.query("ANALYZE plain_papers");
  return { papers, seconds: (performance.now() - t0) / 1000 };
}

/** The plain query on that table: every word of the question OR-ed (to_tsquery 'english'), ranked by ts_rank, best `k`. */
export function plainPgSearch(pool: Pool, table = "plain_papers"): (q: string, k: number) => Promise<string[]> {
  return async (q, k) => {
    const words = [...new Set(q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
    if (words.length === 0) return [];
    const { rows } = await pool.query<{ id: string }>(
      `SELECT id FROM ${table}, to_tsquery('english', $1) AS q WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC LIMIT $2`,
      [words.join(" | "), k],
    );
    return rows.map((r) => r.id);
  };
}
