import fs from "node:fs";
import { sqliteStores } from "../src/store/stores.js";
import os from "node:os";
import path from "node:path";
import { ingestArxivSnapshot } from "../src/ingest/ingestArxiv.js";
import { createProgress } from "../src/config/progress.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import { pgBulkLoad, pgSchema, plainPgLoad, schemaBytes } from "./pgLoad.js";
import { postgresServer } from "./pgRetrieval.js";
import { plainFtsLoad } from "./plainFts.js";
import { corpusVocabulary, writeSnapshot } from "./synthetic.js";

export const corpusDir = path.resolve(import.meta.dirname, "../test/fixtures/hf-daily-2026-02");

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function fileSize(file: string): number {
  return ["", "-wal", "-shm"].reduce((s, ext) => s + (fs.existsSync(file + ext) ? fs.statSync(file + ext).size : 0), 0);
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
};

/**
 * Builds (or reuses) a database of `n` synthetic papers ingested through the arXiv snapshot path and
 * loads the same snapshot into plain SQLite FTS5 (see plainFts.ts) in the same run; prints the figures.
 */
export async function benchIngest(
  n: number,
  opts: { keep?: string; snapshot?: string; onePassOnly?: boolean; postgres?: boolean } = {},
): Promise<string> {
  const dir = opts.keep ? path.dirname(opts.keep) : fs.mkdtempSync(path.join(os.tmpdir(), "paperbot-bench-"));
  fs.mkdirSync(dir, { recursive: true });
  const snapshot = opts.snapshot ?? path.join(dir, `synthetic-${n}.jsonl`);
  const dbFile = opts.keep ?? path.join(dir, `synthetic-${n}.db`);
  if (!fs.existsSync(snapshot)) {
    process.stderr.write(`generating ${n} synthetic papers from the corpus vocabulary...\n`);
    await writeSnapshot(snapshot, corpusVocabulary(corpusDir), n);
  }
  const plainFile = path.join(dir, `plain-fts5-${n}.db`);
  const plain: { how: string; papers: number; seconds: number; cpu: number }[] = [];
  for (const how of opts.onePassOnly ? (["one pass"] as const) : (["triggers", "one pass"] as const)) {
    const c0 = process.cpuUsage();
    const r = await plainFtsLoad(snapshot, plainFile, how);
    plain.push({ how, ...r, cpu: cpuSeconds(c0) });
    for (const ext of ["", "-wal", "-shm"]) fs.rmSync(plainFile + ext, { force: true });
  }

  for (const ext of ["", "-wal", "-shm"]) fs.rmSync(dbFile + ext, { force: true });
  const store = openStore(dbFile);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const s = await ingestArxivSnapshot(sqliteStores(store).papers, snapshot, { progress: (total) => createProgress("ingest", total) });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  const optimizeSeconds = store.optimizeIndexes();
  store.db.pragma("wal_checkpoint(TRUNCATE)");
  store.db.close();
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const rate = s.read / seconds;
  const best = plain.reduce((a, b) => (b.papers / b.seconds > a.papers / a.seconds ? b : a));
  console.log(
    `ingest of ${n} synthetic papers (arXiv JSON-lines path, batches of 2000), load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(`| load | papers | seconds | papers/s | CPU s | index optimize s | database MB | peak RSS MB |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  for (const p of plain)
    console.log(
      `| plain FTS5 (${p.how}) | ${p.papers} | ${p.seconds.toFixed(1)} | ${Math.round(p.papers / p.seconds)} | ${p.cpu.toFixed(1)} | | | |`,
    );
  console.log(
    `| paperbot ingest arxiv | ${s.added} | ${seconds.toFixed(1)} | ${Math.round(rate)} | ${cpu.toFixed(1)} | ${optimizeSeconds.toFixed(1)} | ${mb(fileSize(dbFile))} | ${rssMb.toFixed(0)} |`,
  );
  const pg = opts.postgres ? await postgresLoads(snapshot) : undefined;
  if (pg) {
    console.log(
      `| plain PostgreSQL (one COPY, GIN on to_tsvector) | ${pg.plain.papers} | ${pg.plain.seconds.toFixed(1)} | ${Math.round(pg.plain.papers / pg.plain.seconds)} | ${pg.plain.cpu.toFixed(1)} | | ${mb(pg.plain.bytes)} | |`,
    );
    console.log(
      `| paperbot bulk upsert (COPY), PostgreSQL | ${pg.ours.added} | ${pg.ours.seconds.toFixed(1)} | ${Math.round(pg.ours.read / pg.ours.seconds)} | ${pg.ours.cpu.toFixed(1)} | | ${mb(pg.ours.bytes)} | |`,
    );
  }
  for (const p of plain)
    console.log(
      `ratio to plain FTS5 (${p.how}): ${(rate / (p.papers / p.seconds)).toFixed(2)}x by wall time, ${(p.cpu / cpu).toFixed(2)}x by CPU time${p === best ? " (the faster plain load)" : ""}`,
    );
  if (pg)
    console.log(
      `PostgreSQL: paperbot's load ${(pg.ours.read / pg.ours.seconds / (pg.plain.papers / pg.plain.seconds)).toFixed(2)}x the plain load's papers/s by wall time; against SQLite's paperbot load ${(pg.ours.read / pg.ours.seconds / rate).toFixed(2)}x (CPU s are this process's only: the server's are not counted)`,
    );
  if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
  return dbFile;
}

/** The snapshot into PostgreSQL twice, each into a fresh schema: plainly (pgLoad.ts) and through paperbot's bulk upserts. */
async function postgresLoads(snapshot: string) {
  const server = postgresServer();
  try {
    const plainSchema = await pgSchema(server.url, { bare: true });
    let plain: { papers: number; seconds: number; cpu: number; bytes: number };
    try {
      const c0 = process.cpuUsage();
      const r = await plainPgLoad(plainSchema.pool, snapshot);
      plain = { ...r, cpu: cpuSeconds(c0), bytes: await schemaBytes(plainSchema.pool) };
    } finally {
      await plainSchema.drop();
    }
    const oursSchema = await pgSchema(server.url);
    try {
      const c0 = process.cpuUsage();
      const r = await pgBulkLoad(oursSchema.pool, snapshot);
      return { plain, ours: { ...r, cpu: cpuSeconds(c0), bytes: await schemaBytes(oursSchema.pool) } };
    } finally {
      await oursSchema.drop();
    }
  } finally {
    server.stop();
  }
}
