// The command line on PostgreSQL (DATABASE_URL): the collection is seeded there once, searched and answered from,
// and PAPERBOT_DB is never touched.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSchema, havePostgres, postgresUrl } from "./helpers/postgres.js";
import { runCli } from "./helpers/runCli.js";
import { tempDir } from "./helpers/tmp.js";

if (havePostgres()) {
  describe("the command line on PostgreSQL", () => {
    let schema: Awaited<ReturnType<typeof freshSchema>>;
    let env: Record<string, string>;
    beforeAll(async () => {
      schema = await freshSchema(postgresUrl()!);
      env = { DATABASE_URL: schema.url, PAPERBOT_DB: path.join(tempDir(), "unused.db") };
    });
    afterAll(async () => schema?.drop());

    it("seeds the shared collection once, answers from it offline with citations, and counts it", async () => {
      const first = await runCli(["ask", "How do serving systems reduce KV cache memory?"], env);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/the collection was empty; loaded the bundled seed page: read \d+, added \d+/);
      expect(first.stdout).toMatch(/\[1\]/);
      expect(first.stdout).toMatch(/Sources:/i);

      const again = await runCli(["search", "--json", "-k", "3", "KV cache eviction"], env);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).not.toMatch(/seed page/);
      expect((JSON.parse(again.stdout) as { results: unknown[] }).results).toHaveLength(3);

      const stats = await runCli(["stats", "--json"], env);
      expect(stats.code, stats.stderr).toBe(0);
      const s = JSON.parse(stats.stdout) as { total: number; bySource: Record<string, number> };
      expect(s.total).toBeGreaterThan(50);
      expect(s.bySource).toEqual({ seed: s.total });
      expect(fs.existsSync(env.PAPERBOT_DB!)).toBe(false);
    });
  });
}
