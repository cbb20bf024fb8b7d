import Database from "better-sqlite3";
import fs from "node:fs";
import { readHeartbeats, type Heartbeat } from "./heartbeat.js";
import { migrations } from "./migrations.js";

export interface HealthCheck {
  name: "database" | "gateway" | "digest";
  ok: boolean;
  detail: string;
}

export interface HealthOptions {
  /** Check that a bot is running and connected (off for a CLI-only installation). */
  bot: boolean;
  /** A heartbeat older than this means the bot is not running. */
  staleAfterMs: number;
  now?: Date;
}

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

/** Whether every shard's bot is running and connected, from their heartbeats (of every machine). */
export function gatewayCheck(beats: Heartbeat[], staleAfterMs: number, now: Date): HealthCheck {
  if (!beats.length) return { name: "gateway", ok: false, detail: "no bot has run on this database" };
  const problems: string[] = [];
  const hosts = new Set(beats.map((b) => b.host ?? "?"));
  for (const b of beats) {
    const age = Math.round((now.getTime() - Date.parse(b.at)) / 1000);
    // With bots on several machines, each shard says where it runs.
    const shard = `shard ${b.shards.join(",")}${hosts.size > 1 ? ` on ${b.host ?? "?"}` : ""}`;
    if (b.gateway === "stopped") problems.push(`${shard} stopped ${age} s ago`);
    else if (age * 1000 > staleAfterMs) problems.push(`${shard} silent for ${age} s (not running?)`);
    else if (b.gateway !== "ready") problems.push(`${shard} not connected to the gateway`);
  }
  return problems.length
    ? { name: "gateway", ok: false, detail: problems.join("; ") }
    : {
        name: "gateway",
        ok: true,
        detail: `connected (${beats.length} shard${beats.length > 1 ? "s" : ""}${hosts.size > 1 ? ` on ${hosts.size} machines: ${[...hosts].sort().join(", ")}` : ""})`,
      };
}

/** The ledger's last post, as the health check reads it. */
export interface LastPost {
  date: string;
  state: string;
  last_error: string | null;
  message_id: string | null;
}

/** The ledger's last post, newest by when it was sent or claimed. */
export const LAST_POST_SQL = "SELECT date, state, last_error, message_id FROM digest_posts ORDER BY coalesce(sent_at, claimed_at) DESC LIMIT 1";

function lastDigest(db: Database.Database): HealthCheck | undefined {
  return digestCheck(db.prepare(LAST_POST_SQL).get() as LastPost | undefined);
}

/** How the last digest run ended (reported; never unhealthy). */
export function digestCheck(row: LastPost | undefined): HealthCheck | undefined {
  if (!row) return undefined;
  const what =
    row.state === "sent"
      ? row.message_id
        ? "posted"
        : "nothing new"
      : row.state === "failed"
        ? `failed: ${row.last_error ?? "unknown error"}`
        : "in progress";
  return { name: "digest", ok: true, detail: `last digest ${row.date} ${what}` };
}
