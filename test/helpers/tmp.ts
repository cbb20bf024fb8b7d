import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { openStore } from "../../src/store/sqlite/openStore.js";
import type { PaperStore } from "../../src/store/sqlite/paperStore.js";

const dirs: string[] = [];
const stores: PaperStore[] = [];

afterEach(() => {
  for (const s of stores.splice(0)) if (s.db.open) s.db.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "paperbot-test-"));
  dirs.push(d);
  return d;
}

/** A store in a real SQLite file in a fresh temp folder, closed after the test. */
export function tempStore(): { store: PaperStore; file: string } {
  const file = path.join(tempDir(), "papers.db");
  const store = openStore(file);
  stores.push(store);
  return { store, file };
}

export const fixtures = path.resolve(import.meta.dirname, "../fixtures");
export const corpusDir = path.join(fixtures, "hf-daily-2026-02");
export const seedPage = path.resolve(import.meta.dirname, "../../data/daily-papers-page.txt");
