import fs from "node:fs";
import readline from "node:readline";
import { z } from "zod";
import type { PaperInput } from "../store/paper.js";
import { parseArxivId } from "../store/paperId.js";
import type { PaperStore } from "../store/paperStore.js";
import { noProgress, type Progress } from "./progress.js";
import { bulkLoad, countSkip, emptySummary, timed, upsertBatch, type IngestSummary } from "./summary.js";

/** One line of the public arXiv metadata dump (Kaggle "arxiv-metadata-oai-snapshot"); other fields are ignored. */
const ArxivLine = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  title: z.string().trim().min(1),
  abstract: z.string().trim().min(1),
  authors: z.string().optional(),
  authors_parsed: z.array(z.array(z.string())).optional(),
  categories: z.string().optional(),
  update_date: z.string().optional(),
  versions: z.array(z.looseObject({ created: z.string() })).optional(),
});

const BATCH = 2000;

function authorsOf(line: z.infer<typeof ArxivLine>): string[] {
  if (line.authors_parsed?.length)
    return line.authors_parsed.map(([last = "", first = "", suffix = ""]) => [first, last, suffix].filter(Boolean).join(" ").trim());
  return (line.authors ?? "")
    .replace(/\s+/g, " ")
    .split(/,\s*|\s+and\s+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

function toInput(line: z.infer<typeof ArxivLine>, id: string): PaperInput {
  const created = line.versions?.[0]?.created;
  const published = created && !Number.isNaN(Date.parse(created)) ? new Date(created).toISOString().slice(0, 10) : line.update_date;
  return {
    arxivId: id,
    title: line.title,
    abstract: line.abstract,
    authors: authorsOf(line),
    publishedAt: published,
    categories: line.categories?.split(/\s+/).filter(Boolean),
    source: "arxiv",
  };
}

/**
 * Streams a JSON-lines snapshot line by line, committing in batches, so millions of papers never sit in
 * memory. A bulk load: the search and name indexes are built for the new papers at the end (`rowByRow`:
 * as each paper is written, the way small writes go).
 */
export function ingestArxivSnapshot(
  store: PaperStore,
  file: string,
  opts: { progress?: (total: number) => Progress; category?: string; rowByRow?: boolean } = {},
): Promise<IngestSummary> {
  const bulk = !opts.rowByRow;
  return timed(() =>
    bulkLoad(store, async () => {
      const s = emptySummary();
      const total = fs.statSync(file).size;
      const progress = opts.progress?.(total) ?? noProgress;
      const input = fs.createReadStream(file, { encoding: "utf8" });
      let bytes = 0;
      let batch: PaperInput[] = [];
      for await (const raw of readline.createInterface({ input, crlfDelay: Infinity })) {
        bytes += Buffer.byteLength(raw) + 1;
        if (!raw.trim()) continue;
        let json: unknown;
        try {
          json = JSON.parse(raw);
        } catch {
          countSkip(s, "not JSON");
          continue;
        }
        const line = ArxivLine.safeParse(json);
        const id = line.success ? parseArxivId(line.data.id) : undefined;
        if (!line.success || !id) {
          countSkip(s, line.success ? "bad arXiv id" : "missing title, abstract or id");
          continue;
        }
        if (opts.category && !line.data.categories?.split(/\s+/).some((c) => c.startsWith(opts.category!))) continue;
        batch.push(toInput(line.data, id));
        if (batch.length >= BATCH) {
          upsertBatch(store, batch, s, { bulk });
          batch = [];
          progress.update(bytes, `${s.read} papers`);
        }
      }
      upsertBatch(store, batch, s, { bulk });
      progress.update(total, `${s.read} papers`);
      progress.stop();
      return s;
    }),
  );
}
