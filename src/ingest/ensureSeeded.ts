import { bundledSeedPage } from "../config/paths.js";
import type { PaperStore } from "../store/paperStore.js";
import { loadSeedPage } from "./ingestSeed.js";
import type { IngestSummary } from "./summary.js";

/** Loads the bundled seed page into an empty store; returns the summary, or undefined when the store had papers. */
export async function ensureSeeded(store: PaperStore, file = bundledSeedPage): Promise<IngestSummary | undefined> {
  if (store.count() > 0) return undefined;
  const t0 = performance.now();
  // Several processes may open a new database at once: the first to take the write lock seeds it.
  const s = store.transaction(() => (store.count() > 0 ? undefined : loadSeedPage(store, file)));
  if (s) s.seconds = (performance.now() - t0) / 1000;
  return s;
}
