import { UsageError, UserError } from "../config/errors.js";
import { type CopiedKind, type CopyOptions, type CountCheck, compareCounts, copyToPostgres, openSqliteToRead } from "./copyToPostgres.js";
import { migratePostgres } from "./postgres/migrate.js";
import { connectPostgres, type Pool, whereIs } from "./postgres/pool.js";

/** The URL's password, never shown: removed from any message that might carry it. */
function withoutPassword(text: string, url: string): string {
  let password = "";
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // An unparsable URL: the message below names it as such.
  }
  return password ? text.split(password).join("***") : text;
}

/** A pool on `url`, or one line saying which server could not be reached (a UserError), without the URL's user or password. */
async function connect(url: string, timeoutMs: number): Promise<Pool> {
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new UsageError(`expected a postgres:// URL, not ${JSON.stringify(whereIs(url))}`);
  try {
    return await connectPostgres(url, { max: 4, timeoutMs });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new UserError(
      withoutPassword(message.startsWith("Cannot reach") ? message : `Cannot reach PostgreSQL at ${whereIs(url)}: ${message}`, url),
    );
  }
}

async function withPool<T>(url: string, timeoutMs: number, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = await connect(url, timeoutMs);
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

export interface Migrated {
  /** The database, for messages (a file, or host:port/db). */
  where: string;
  to: number;
  /** The versions this run applied. */
  applied: number[];
}

/** Applies PostgreSQL's migrations at `url` (safely when several processes do at once). */
export function migratePostgresAt(url: string, timeoutMs: number): Promise<Migrated> {
  return withPool(url, timeoutMs, async (pool) => ({ where: whereIs(url), ...(await migratePostgres(pool)) }));
}

/**
 * `paperbot copy`: migrates PostgreSQL at `url`, copies every kind from the SQLite file (only read) and compares
 * the counts of both sides.
 */
export async function copyInstallation(opts: {
  file: string;
  url: string;
  timeoutMs: number;
  batchSize: number;
  progress: CopyOptions["progress"];
  onMigrated: (m: Migrated) => void;
  onKind: (result: CopiedKind) => void;
}): Promise<CountCheck[]> {
  const sqlite = openSqliteToRead(opts.file);
  try {
    return await withPool(opts.url, opts.timeoutMs, async (pool) => {
      opts.onMigrated({ where: whereIs(opts.url), ...(await migratePostgres(pool)) });
      await copyToPostgres(sqlite, pool, { batchSize: opts.batchSize, progress: opts.progress, onKind: opts.onKind });
      return compareCounts(sqlite, pool);
    });
  } finally {
    sqlite.close();
  }
}
