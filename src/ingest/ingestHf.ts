import fs from "node:fs";
import path from "node:path";
import type { PaperStore } from "../store/paperStore.js";
import { fetchDailyPapers } from "./hfDailyPapers.js";
import { hfItemToInput, parseHfItems, type HfItem } from "./hfItem.js";
import type { RetryOptions } from "./retryingFetch.js";
import { bulkLoad, countSkip, emptySummary, timed, upsertBatch, type IngestSummary } from "./summary.js";

function addItems(store: PaperStore, items: HfItem[], skipped: { reason: string }[], s: IngestSummary, bulk = true): void {
  for (const k of skipped) countSkip(s, `malformed item (${k.reason})`);
  upsertBatch(store, items.map(hfItemToInput), s, { bulk });
}

/** A JSON file holding an array of feed items, or a folder of such files (read in name order). A bulk load (see `bulkLoad`). */
export function ingestHfFiles(store: PaperStore, target: string, opts: { rowByRow?: boolean } = {}): Promise<IngestSummary> {
  return timed(() =>
    bulkLoad(store, async () => {
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
        addItems(store, parsed.items, parsed.skipped, s, !opts.rowByRow);
      }
      return s;
    }),
  );
}

/** Fetches each date from the live feed (or `HF_API_BASE`) and upserts what it lists. A bulk load: the days fetched are indexed at the end, also when a later day fails. */
export function ingestHfDates(store: PaperStore, apiBase: string, dates: string[], opts: RetryOptions = {}): Promise<IngestSummary> {
  return timed(() =>
    bulkLoad(store, async () => {
      const s = emptySummary();
      for (const date of dates) {
        const day = await fetchDailyPapers(apiBase, date, opts);
        addItems(store, day.items, day.skipped, s);
      }
      return s;
    }),
  );
}
