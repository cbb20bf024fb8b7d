import { bundledSeedPage } from "../config/paths.js";
import type { PaperStore } from "../store/paperStore.js";
import { ingestSeedPage } from "./ingestSeed.js";
import type { IngestSummary } from "./summary.js";

/** Loads the bundled seed page into an empty store; returns the summary, or undefined when the store had papers. */
export async function ensureSeeded(store: PaperStore, file = bundledSeedPage): Promise<IngestSummary | undefined> {
  if (store.count() > 0) return undefined;
  return ingestSeedPage(store, file);
}
