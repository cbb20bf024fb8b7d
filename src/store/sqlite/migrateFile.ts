import Database from "better-sqlite3";
import fs from "node:fs";
import type { Migrated } from "../installation.js";
import { migrations } from "./migrations.js";
import { openStore } from "./openStore.js";

/** Brings the SQLite file's schema up to date (finishing a bulk load a killed process left unindexed), as opening it does. */
export function migrateSqliteFile(file: string): Migrated {
  let before = 0;
  if (fs.existsSync(file)) {
    const peek = new Database(file, { readonly: true, fileMustExist: true });
    try {
      before = peek.pragma("user_version", { simple: true }) as number;
    } finally {
      peek.close();
    }
  }
  openStore(file).db.close();
  const to = migrations.length;
  return { where: file, to, applied: Array.from({ length: Math.max(0, to - before) }, (_, i) => before + 1 + i) };
}
