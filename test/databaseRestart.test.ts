// The bot on a PostgreSQL server that really restarts (pg_ctl restart -m immediate, as after a crash) while it
// runs: the pool's connections die with it, and the next command is answered on new ones.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSeeded } from "../src/ingest/ensureSeeded.js";
import { openStores, type Stores } from "../src/store/stores.js";
import { startTestBot, type TestBot } from "./helpers/bot.js";
import { havePostgres } from "./helpers/postgres.js";

const run = promisify(execFile);
const script = path.resolve(import.meta.dirname, "../scripts/test-postgres.sh");
const QUESTION = "Which papers reduce KV cache memory in LLM serving?";

if (havePostgres()) {
  describe("the bot when its PostgreSQL server restarts", () => {
    // A server of its own: restarting the one the other test files share would break them.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paperbot-restart-"));
    let stores: Stores;
    let url: string;
    /** When the server last started (changes with a restart). */
    const startedAt = async () => {
      const client = new pg.Client(url);
      await client.connect();
      try {
        return (await client.query<{ t: string }>("SELECT pg_postmaster_start_time()::text AS t")).rows[0]!.t;
      } finally {
        await client.end();
      }
    };
    let t: TestBot;

    beforeAll(async () => {
      url = (await run("bash", [script, "start", dir])).stdout.trim();
      stores = await openStores({ dbPath: "unused.db", databaseUrl: url, databaseTimeoutMs: 5_000 });
      await ensureSeeded(stores);
      t = await startTestBot({ stores: () => stores });
    }, 60_000);
    afterAll(async () => {
      await t?.stop();
      await stores?.close();
      await run("bash", [script, "stop", dir]);
    });

    const ask = async (user: string) => {
      const ix = t.discord.sendCommand({ name: "ask", user: { username: user }, options: { question: QUESTION } });
      return ix.waitFor(
        (i) => [i.original, ...i.followUps].find((m) => m?.content.includes("**Sources**") || m?.content.includes("database")),
        15_000,
      );
    };

    it("answers before and after the restart; what was written before is still there", async () => {
      expect((await ask("ada")).content).toContain("**Sources**");
      const started = await startedAt();
      const before = await stores.papers.count();
      await run("bash", [script, "restart", dir]);
      // A command that meets a connection the restart cut gets the database line; the next is answered.
      const first = await ask("grace");
      if (!first.content.includes("**Sources**")) expect(first.content).toMatch(/^The database is not answering right now/);
      expect((await ask("alan")).content).toContain("**Sources**");
      expect(await stores.papers.count()).toBe(before);
      expect(await startedAt()).not.toBe(started);
    }, 60_000);
  });
}
