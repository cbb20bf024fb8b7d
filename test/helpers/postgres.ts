import crypto from "node:crypto";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import { migratePostgres } from "../../src/store/postgres/migrate.js";
import { connectPostgres, type Pool } from "../../src/store/postgres/pool.js";

/** The test server's URL; undefined when there is none (then `describePostgres` says why). */
export function postgresUrl(): string | undefined {
  const pg = inject("postgres");
  return "url" in pg ? pg.url : undefined;
}

/**
 * Where the PostgreSQL tests run without a server: in CI a failing test that says why, elsewhere a skipped
 * suite whose name says why. Returns false then, and the caller leaves its PostgreSQL suites out.
 */
export function havePostgres(): boolean {
  const pg = inject("postgres");
  if ("url" in pg) return true;
  if (process.env.CI) {
    describe("PostgreSQL", () => {
      it("has a server for the tests", () => {
        throw new Error(pg.unavailable);
      });
    });
  } else {
    describe.skip(`PostgreSQL: ${pg.unavailable}`, () => {
      it("is skipped", () => {});
    });
  }
  return false;
}

/** `url` with this schema first on the search path of every connection made from it. */
export function urlInSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set("options", `-c search_path=${schema}`);
  return u.toString();
}

/** A fresh schema on the test server, for one test file or test; `drop` removes it with all it holds. */
export async function freshSchema(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `test_${crypto.randomBytes(6).toString("hex")}`;
  const admin = await connectPostgres(url, { max: 1 });
  try {
    await admin.query(`CREATE SCHEMA ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: urlInSchema(url, name),
    drop: async () => {
      const pool = await connectPostgres(url, { max: 1 });
      try {
        await pool.query(`DROP SCHEMA ${name} CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}

export type { Pool };

/**
 * For a contract test file: a fresh, migrated schema with two pools on it (`other` stands for a
 * second machine), made before the file's tests and ended and dropped after them. Read the pools
 * inside tests, after `beforeAll`.
 */
export function migratedSchemaForFile(): { pool: () => Pool; other: () => Pool } {
  let pool: Pool | undefined;
  let other: Pool | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const schema = await freshSchema(postgresUrl()!);
    drop = schema.drop;
    pool = await connectPostgres(schema.url);
    other = await connectPostgres(schema.url);
    await migratePostgres(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await other?.end();
    await drop?.();
  });
  return { pool: () => pool!, other: () => other! };
}

/** Empties the papers and their index (and the `more` tables) in the file's schema, as a new database has them. */
export async function emptyPapers(pool: Pool, ...more: string[]): Promise<void> {
  await pool.query(`TRUNCATE ${["papers", "paper_titles", "term_stats", "title_words", "paper_terms", ...more].join(", ")}`);
  await pool.query("UPDATE papers_meta SET version = 0, paper_count = 0, title_words = 0, abstract_words = 0");
}
