import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../config/config.js";
import type { Pool } from "./pool.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));

/** Two-key advisory lock (a space apart from single-key locks) held while the schema is migrated: "paperbot", 1. */
const LOCK = [0x70617065, 1] as const;

/**
 * The files `NNN_name.sql` of a folder, in order. Numbers may leave gaps (branches reserve ranges, so a
 * lower number can be merged after higher ones), but no number may be used twice.
 */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new Error(`${dir}: ${file} is not named NNN_name.sql`);
    const version = Number(m[1]);
    if (version === 0) throw new Error(`${dir}: ${file}: numbers start at 001`);
    if (version === out.at(-1)?.version) throw new Error(`${dir}: ${file} reuses number ${version}`);
    out.push({ version, name: m[2]!, sql: fs.readFileSync(`${dir}/${file}`, "utf8") });
  }
  return out;
}

/**
 * Brings the database's schema up to date, each migration in its own transaction. Processes that start at
 * once take turns on an advisory lock, and each applies only what the ones before it had not. What is
 * applied is told by the versions recorded in `schema_migrations`, not by the highest: a migration numbered
 * below ones already applied (merged later from another branch) is applied too. `from` and `to` are the
 * highest version applied before and after; `applied` the versions this call applied.
 */
export async function migratePostgres(
  pool: Pool,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<{ from: number; to: number; applied: number[] }> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("SELECT pg_advisory_lock($1, $2)", [...LOCK]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      const done = new Set(rows.map((r) => r.version));
      const from = rows.at(-1)?.version ?? 0;
      const known = new Set(migrations.map((m) => m.version));
      const newest = Math.max(0, ...known);
      const unknown = rows.map((r) => r.version).filter((v) => !known.has(v));
      if (unknown.length > 0) {
        throw new ConfigError(
          from > newest
            ? `The PostgreSQL database was written by a newer paperbot (schema ${from}; this version knows ${newest}). Upgrade paperbot.`
            : `The PostgreSQL database has migrations this paperbot does not know (${unknown.join(", ")}): it was written by another version.`,
        );
      }
      const applied: number[] = [];
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(m.version)) continue;
        try {
          await client.query("BEGIN");
          await client.query(m.sql);
          await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
          await client.query("COMMIT");
          applied.push(m.version);
        } catch (err) {
          await client.query("ROLLBACK").catch((e: Error) => (broken = e));
          throw new Error(`PostgreSQL migration ${m.version} (${m.name}) failed: ${err instanceof Error ? err.message : String(err)}`, {
            cause: err,
          });
        }
      }
      return { from, to: Math.max(from, ...applied), applied };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, $2)", [...LOCK]).catch((e: Error) => (broken = e));
    }
  } finally {
    client.release(broken);
  }
}
