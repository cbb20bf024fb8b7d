import Database from "better-sqlite3";
import fs from "node:fs";
import { digestCheck, gatewayCheck, LAST_POST_SQL, type HealthCheck, type HealthOptions, type LastPost } from "../health.js";
import { readHeartbeats } from "./heartbeats.js";
import { migrations } from "./migrations.js";

/**
 * What an operator needs to know, read without changing anything: the database opens, is writable
 * and its schema is current; a bot is running with its gateway connected (its heartbeat); how the
 * last digest run ended (reported; a feed outage does not make the bot unhealthy).
 */
export function checkHealth(file: string, opts: HealthOptions): HealthCheck[] {
  if (!fs.existsSync(file)) return [{ name: "database", ok: false, detail: `${file} does not exist (run any paperbot command to create it)` }];
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 5_000 });
    const checks = [database(db, file)];
    if (opts.bot) checks.push(gatewayCheck(readHeartbeats(db), opts.staleAfterMs, opts.now ?? new Date()));
    const digest = lastDigest(db);
    if (digest) checks.push(digest);
    return checks;
  } catch (err) {
    return [{ name: "database", ok: false, detail: `${file}: ${(err as Error).message}` }];
  } finally {
    db?.close();
  }
}

function database(db: Database.Database, file: string): HealthCheck {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version !== migrations.length)
    return { name: "database", ok: false, detail: `${file} is at schema ${version}, this paperbot wants ${migrations.length}` };
  // Taking the write lock and letting go proves the file (and its folder, for the WAL) is writable.
  db.exec("BEGIN IMMEDIATE; ROLLBACK");
  const papers = db.prepare("SELECT count(*) FROM papers").pluck().get() as number;
  return { name: "database", ok: true, detail: `${file} writable, schema ${version}, ${papers} papers` };
}

function lastDigest(db: Database.Database): HealthCheck | undefined {
  return digestCheck(db.prepare(LAST_POST_SQL).get() as LastPost | undefined);
}
