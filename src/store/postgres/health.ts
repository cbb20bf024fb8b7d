import { digestCheck, gatewayCheck, LAST_POST_SQL, type HealthCheck, type HealthOptions, type LastPost } from "../health.js";
import { PostgresHeartbeatStore } from "./heartbeats.js";
import { loadMigrations } from "./migrate.js";
import { PostgresPaperRecords } from "./papers.js";
import { connectPostgres, whereIs, type Pool } from "./pool.js";

/**
 * `checkHealth` for PostgreSQL at `url`, read without changing anything: the server answers, the schema is
 * this paperbot's and writable; the bots of every machine are running (their heartbeats); the last digest.
 */
export async function checkPostgresHealth(url: string, opts: HealthOptions): Promise<HealthCheck[]> {
  const where = whereIs(url);
  let pool: Pool;
  try {
    pool = await connectPostgres(url, { max: 1 });
  } catch (err) {
    return [{ name: "database", ok: false, detail: (err as Error).message }];
  }
  try {
    const db = await database(pool, where);
    if (!db.ok) return [db];
    const checks = [db];
    if (opts.bot) checks.push(gatewayCheck(await new PostgresHeartbeatStore(pool).all(), opts.staleAfterMs, opts.now ?? new Date()));
    const digest = digestCheck((await pool.query<LastPost>(LAST_POST_SQL)).rows[0]);
    if (digest) checks.push(digest);
    return checks;
  } catch (err) {
    return [{ name: "database", ok: false, detail: `${where}: ${(err as Error).message}` }];
  } finally {
    await pool.end();
  }
}

async function database(pool: Pool, where: string): Promise<HealthCheck> {
  const known = loadMigrations().map((m) => m.version);
  const has = (await pool.query<{ has: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS has")).rows[0]!.has;
  const applied = has
    ? (await pool.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version")).rows.map((r) => r.version)
    : [];
  const version = Math.max(0, ...applied);
  const wants = Math.max(...known);
  const missing = known.filter((v) => !applied.includes(v));
  if (missing.length || applied.some((v) => !known.includes(v)))
    return {
      name: "database",
      ok: false,
      detail: `${where} is at schema ${version}${applied.length && missing.length ? ` (without ${missing.join(", ")})` : ""}, this paperbot wants ${wants}`,
    };
  // A write that changes no row still needs write access, and fails on a read-only server (a standby).
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("UPDATE papers_meta SET version = version WHERE false");
  } finally {
    await client.query("ROLLBACK").catch(() => {});
    client.release();
  }
  const papers = await new PostgresPaperRecords(pool).count();
  return { name: "database", ok: true, detail: `${where} writable, schema ${version}, ${papers} papers` };
}
