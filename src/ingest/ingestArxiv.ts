import fs from "node:fs";
import readline from "node:readline";
import type { PaperInput } from "../store/paper.js";
import type { PaperRecords } from "../store/paperRecords.js";
import { readArxivLine } from "./arxivLine.js";
import { noProgress, type Progress } from "../config/progress.js";
import { bulkLoad, countSkip, emptySummary, timed, upsertBatch, type IngestSummary } from "./summary.js";

const BATCH = 2000;

/**
 * Streams a JSON-lines snapshot (the public arXiv metadata dump) line by line, committing in batches,
 * so millions of papers never sit in memory. A bulk load: the search and name indexes are built for
 * the new papers at the end (`rowByRow`: as each paper is written, the way small writes go).
 */
export function ingestArxivSnapshot(
  papers: PaperRecords,
  file: string,
  opts: { progress?: (total: number) => Progress; category?: string; rowByRow?: boolean } = {},
): Promise<IngestSummary> {
  const bulk = !opts.rowByRow;
  return timed(() =>
    bulkLoad(papers, async () => {
      const s = emptySummary();
      const total = fs.statSync(file).size;
      const progress = opts.progress?.(total) ?? noProgress;
      const input = fs.createReadStream(file, { encoding: "utf8" });
      let bytes = 0;
      let batch: PaperInput[] = [];
      for await (const raw of readline.createInterface({ input, crlfDelay: Infinity })) {
        bytes += Buffer.byteLength(raw) + 1;
        const line = readArxivLine(raw, opts.category);
        if (!line) continue;
        if ("skip" in line) {
          countSkip(s, line.skip);
          continue;
        }
        batch.push(line.input);
        if (batch.length >= BATCH) {
          await upsertBatch(papers, batch, s, { bulk });
          batch = [];
          progress.update(bytes, `${s.read} papers`);
        }
      }
      await upsertBatch(papers, batch, s, { bulk });
      progress.update(total, `${s.read} papers`);
      progress.stop();
      return s;
    }),
  );
}
