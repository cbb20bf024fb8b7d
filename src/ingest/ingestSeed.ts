import fs from "node:fs";
import { EVERY_GROUP } from "../store/groupPapers.js";
import type { Stores } from "../store/stores.js";
import { parseSeedPage, type SeedParse } from "./parseSeedPage.js";
import { countSkip, emptySummary, timed, upsertBatch, type IngestSummary } from "./summary.js";

export function readSeedPage(file: string, opts: { captureYear?: number } = {}): SeedParse {
  return parseSeedPage(fs.readFileSync(file, "utf8"), opts);
}

/** A summary holding the page's skipped entries. */
export function seedSummary(parsed: SeedParse): IngestSummary {
  const s = emptySummary();
  for (const skip of parsed.skipped) countSkip(s, skip.reason);
  return s;
}

export function ingestSeedPage(
  stores: Pick<Stores, "papers" | "groupPapers">,
  file: string,
  opts: { captureYear?: number } = {},
): Promise<IngestSummary> {
  return timed(async () => {
    const parsed = readSeedPage(file, opts);
    const s = seedSummary(parsed);
    const ids = await upsertBatch(stores.papers, parsed.papers, s);
    // The seed page is the installation's own collection: every server's profile starts from it.
    await stores.groupPapers.addMany(EVERY_GROUP, ids, "seed");
    return s;
  });
}
