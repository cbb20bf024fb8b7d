import fs from "node:fs";
import path from "node:path";
import type { PaperRecords } from "../store/paperRecords.js";
import { fetchDailyPapers } from "./hfDailyPapers.js";
import { hfItemToInput, parseHfItems, type HfItem } from "./hfItem.js";
import type { RetryOptions } from "./retryingFetch.js";
import { bulkLoad, countSkip, emptySummary, timed, upsertBatch, type IngestSummary } from "./summary.js";

async function addItems(papers: PaperRecords, items: HfItem[], skipped: { reason: string }[], s: IngestSummary, bulk = true): Promise<void> {
  for (const k of skipped) countSkip(s, `malformed item (${k.reason})`);
  await upsertBatch(papers, items.map(hfItemToInput), s, { bulk });
}

/** A JSON file holding an array of feed items, or a folder of such files (read in name order). A bulk load (see `bulkLoad`). */
export function ingestHfFiles(papers: PaperRecords, target: string, opts: { rowByRow?: boolean } = {}): Promise<IngestSummary> {
  return timed(() =>
    bulkLoad(papers, async () => {
      const s = emptySummary();
      const files = fs.statSync(target).isDirectory()
        ? fs
            .readdirSync(target)
            .filter((f) => f.endsWith(".json"))
            .sort()
            .map((f) => path.join(target, f))
        : [target];
      for (const file of files) {
        let payload: unknown;
        try {
          payload = JSON.parse(fs.readFileSync(file, "utf8"));
        } catch {
          countSkip(s, `unreadable JSON file ${path.basename(file)}`);
          continue;
        }
        const parsed = parseHfItems(payload);
        await addItems(papers, parsed.items, parsed.skipped, s, !opts.rowByRow);
      }
      return s;
    }),
  );
}

/** Fetches each date from the live feed (or `HF_API_BASE`) and upserts what it lists. A bulk load: the days fetched are indexed at the end, also when a later day fails. */
export function ingestHfDates(papers: PaperRecords, apiBase: string, dates: string[], opts: RetryOptions = {}): Promise<IngestSummary> {
  return timed(() =>
    bulkLoad(papers, async () => {
      const s = emptySummary();
      for (const date of dates) {
        const day = await fetchDailyPapers(apiBase, date, opts);
        await addItems(papers, day.items, day.skipped, s);
      }
      return s;
    }),
  );
}
