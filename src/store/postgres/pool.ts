import pg from "pg";
import { ConfigError } from "../../config/config.js";

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PostgresOptions {
  /** Most connections the pool opens at once. */
  max?: number;
  /** How long a connect or a query may take before it fails (default: no limit). */
  timeoutMs?: number;
  /** Called when an idle pooled connection fails (the server restarted); the pool replaces it on the next query. */
  onIdleError?: (err: Error) => void;
}

/** A connection pool to the database at `url`, checked with one query: a server that cannot be reached fails here. */
export async function connectPostgres(url: string, options: PostgresOptions = {}): Promise<Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // A database that does not answer fails the call (a clear error) instead of hanging it.
    connectionTimeoutMillis: options.timeoutMs,
    query_timeout: options.timeoutMs,
  });
  // Without a listener, an idle connection's error would end the process.
  pool.on("error", options.onIdleError ?? (() => {}));
  try {
    await pool.query("SELECT 1");
  } catch (err) {
    await pool.end().catch(() => {});
    throw new ConfigError(`Cannot reach PostgreSQL at ${whereIs(url)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return pool;
}

/** The URL's host, port and database, without its user or password. */
export function whereIs(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname}`;
  } catch {
    return "an unparsable URL";
  }
}

/** Runs `fn` in a transaction on one pooled connection: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch((e: Error) => (broken = e));
    throw err;
  } finally {
    // A connection whose ROLLBACK failed is in an unknown state: drop it instead of pooling it.
    client.release(broken);
  }
}
