import crypto from "node:crypto";
import { describe, inject, it } from "vitest";
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
