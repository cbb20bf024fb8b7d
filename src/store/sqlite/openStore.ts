import { indexedThrough } from "./bulkIndex.js";
import { openDb } from "./db.js";
import { PaperStore } from "./paperStore.js";

/** Opens the store; papers a killed bulk load left unindexed are indexed first, so search and names agree with the table. */
export function openStore(file: string): PaperStore {
  const store = new PaperStore(openDb(file));
  if (indexedThrough(store.db) !== undefined) store.finishBulkLoad();
  return store;
}
