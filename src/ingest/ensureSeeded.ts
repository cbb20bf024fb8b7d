import { bundledSeedPage } from "../config/paths.js";
import type { Stores } from "../store/stores.js";
import { readSeedPage, seedSummary } from "./ingestSeed.js";
import { tally, type IngestSummary } from "./summary.js";

/** Loads the bundled seed page into an empty store; returns the summary, or undefined when the store had papers. */
export async function ensureSeeded(stores: Pick<Stores, "papers">, file = bundledSeedPage): Promise<IngestSummary | undefined> {
  if ((await stores.papers.count()) > 0) return undefined;
  const t0 = performance.now();
  const parsed = readSeedPage(file);
  // Several processes may open a new database at once: the first to get there seeds it.
  const outcomes = await stores.papers.seedIfEmpty(parsed.papers);
  if (!outcomes) return undefined;
  const s = seedSummary(parsed);
  tally(s, outcomes);
  s.seconds = (performance.now() - t0) / 1000;
  return s;
}
