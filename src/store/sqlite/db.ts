import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import * as sqliteVec from "sqlite-vec";
import { ConfigError } from "../../config/config.js";
import { migrations } from "./migrations.js";

export type Db = Database.Database;

/**
 * How long a write waits for another process's write to finish. Every write transaction is kept
 * short (ingests commit in batches, index merges in steps), so this is many times the longest one:
 * a process waits its turn instead of failing with "database is locked".
 */
export const BUSY_TIMEOUT_MS = 30_000;

/** Opens (creating if needed) the SQLite file and brings its schema up to date. */
export function openDb(file: string): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    refuseNewer(file, schemaVersion(db));
    enableWal(db);
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL");
    sqliteVec.load(db);
    migrate(db, file);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * Switching a new file to WAL takes an exclusive lock without calling the busy handler, so a process
 * opening the file while another is still creating it gets "database is locked" at once. It waits
 * here instead, as long as any other write would.
 */
function enableWal(db: Db): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (err) {
      if (!isBusy(err) || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

const isBusy = (err: unknown) => err instanceof Database.SqliteError && err.code.startsWith("SQLITE_BUSY");

/**
 * Runs `fn` in a transaction that takes the write lock at BEGIN. A deferred transaction that reads
 * first and writes later cannot wait for the lock in WAL mode: it fails at once when another
 * process wrote in between. Nested calls become savepoints of the outer transaction.
 */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

export function migrate(db: Db, file = "the database"): void {
  let current = schemaVersion(db);
  refuseNewer(file, current);
  // Processes opening a new file at once each take the write lock and re-read the version, so
  // every step runs exactly once.
  while (current < migrations.length) {
    current = writeTransaction(db, () => {
      const v = schemaVersion(db);
      if (v >= migrations.length) return v;
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
      return v + 1;
    });
  }
  refuseNewer(file, current);
}

function schemaVersion(db: Db): number {
  return db.pragma("user_version", { simple: true }) as number;
}

function refuseNewer(file: string, version: number): void {
  if (version <= migrations.length) return;
  throw new ConfigError(
    `${file} was written by a newer paperbot (schema ${version}; this version knows ${migrations.length}). ` +
      "Upgrade paperbot or use another PAPERBOT_DB.",
  );
}
