import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ingestArxivSnapshot } from "../src/ingest/ingestArxiv.js";
import { createProgress } from "../src/ingest/progress.js";
import { openStore } from "../src/store/openStore.js";
import { corpusVocabulary, writeSnapshot } from "./synthetic.js";

export const corpusDir = path.resolve(import.meta.dirname, "../test/fixtures/hf-daily-2026-02");

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function fileSize(file: string): number {
  return ["", "-wal", "-shm"].reduce((s, ext) => s + (fs.existsSync(file + ext) ? fs.statSync(file + ext).size : 0), 0);
}

/** Builds (or reuses) a database of `n` synthetic papers ingested through the arXiv snapshot path; prints the figures. */
export async function benchIngest(n: number, opts: { keep?: string } = {}): Promise<string> {
  const dir = opts.keep ? path.dirname(opts.keep) : fs.mkdtempSync(path.join(os.tmpdir(), "paperbot-bench-"));
  fs.mkdirSync(dir, { recursive: true });
  const snapshot = path.join(dir, `synthetic-${n}.jsonl`);
  const dbFile = opts.keep ?? path.join(dir, `synthetic-${n}.db`);
  if (!fs.existsSync(snapshot)) {
    process.stderr.write(`generating ${n} synthetic papers from the corpus vocabulary...\n`);
    await writeSnapshot(snapshot, corpusVocabulary(corpusDir), n);
  }
  for (const ext of ["", "-wal", "-shm"]) fs.rmSync(dbFile + ext, { force: true });
  const store = openStore(dbFile);
  const t0 = performance.now();
  const s = await ingestArxivSnapshot(store, snapshot, { progress: (total) => createProgress("ingest", total) });
  const seconds = (performance.now() - t0) / 1000;
  const optimizeSeconds = store.optimizeIndexes();
  store.db.pragma("wal_checkpoint(TRUNCATE)");
  store.db.close();
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`ingest of ${n} synthetic papers (arXiv JSON-lines path, batches of 2000)`);
  console.log(`| papers | added | seconds | papers/s | index optimize s | database MB | peak RSS MB |`);
  console.log(`| ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  console.log(
    `| ${n} | ${s.added} | ${seconds.toFixed(1)} | ${Math.round(s.read / seconds)} | ${optimizeSeconds.toFixed(1)} | ${mb(fileSize(dbFile))} | ${rssMb.toFixed(0)} |`,
  );
  if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
  return dbFile;
}
