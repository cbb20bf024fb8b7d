import fs from "node:fs";
import { EVERY_GROUP, GroupPapers } from "../store/groupPapers.js";
import type { PaperStore } from "../store/paperStore.js";
import { parseSeedPage } from "./parseSeedPage.js";
import { countSkip, emptySummary, timed, upsertBatch, type IngestSummary } from "./summary.js";

export function ingestSeedPage(store: PaperStore, file: string, opts: { captureYear?: number } = {}): Promise<IngestSummary> {
  return timed(() => loadSeedPage(store, file, opts));
}

/** The same, synchronously, so it can run inside a caller's write transaction. */
export function loadSeedPage(store: PaperStore, file: string, opts: { captureYear?: number } = {}): IngestSummary {
  const s = emptySummary();
  const parsed = parseSeedPage(fs.readFileSync(file, "utf8"), opts);
  for (const skip of parsed.skipped) countSkip(s, skip.reason);
  const ids = upsertBatch(store, parsed.papers, s);
  // The seed page is the installation's own collection: every server's profile starts from it.
  new GroupPapers(store.db).addMany(EVERY_GROUP, ids, "seed");
  return s;
}
