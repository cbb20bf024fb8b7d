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

/** The files `NNN_name.sql` of a folder, in order; their numbers must run 1, 2, 3… without a gap. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new Error(`${dir}: ${file} is not named NNN_name.sql`);
    const version = Number(m[1]);
    if (version !== out.length + 1) throw new Error(`${dir}: ${file} should be number ${out.length + 1}`);
    out.push({ version, name: m[2]!, sql: fs.readFileSync(`${dir}/${file}`, "utf8") });
  }
  return out;
}

/**
 * Brings the database's schema up to date, each migration in its own transaction. Processes that start at
 * once take turns on an advisory lock, and each applies only what the ones before it had not.
 */
export async function migratePostgres(pool: Pool, migrations: readonly Migration[] = loadMigrations()): Promise<{ from: number; to: number }> {
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
      const { rows } = await client.query<{ v: number }>("SELECT coalesce(max(version), 0) AS v FROM schema_migrations");
      const from = rows[0]!.v;
      if (from > migrations.length) {
        throw new ConfigError(
          `The PostgreSQL database was written by a newer paperbot (schema ${from}; this version knows ${migrations.length}). Upgrade paperbot.`,
        );
      }
      for (const m of migrations.slice(from)) {
        try {
          await client.query("BEGIN");
          await client.query(m.sql);
          await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK").catch((e: Error) => (broken = e));
          throw new Error(`PostgreSQL migration ${m.version} (${m.name}) failed: ${err instanceof Error ? err.message : String(err)}`, {
            cause: err,
          });
        }
      }
      return { from, to: Math.max(from, migrations.length) };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, $2)", [...LOCK]).catch((e: Error) => (broken = e));
    }
  } finally {
    client.release(broken);
  }
}
