import { openDb } from "./db.js";
import { PaperStore } from "./paperStore.js";

export function openStore(file: string): PaperStore {
  return new PaperStore(openDb(file));
}
