import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeHeartbeat } from "../src/store/sqlite/heartbeats.js";
import { PostgresHeartbeatStore } from "../src/store/postgres/heartbeats.js";
import { freshSchema, havePostgres, migratedSchemaForFile, postgresUrl, urlInSchema } from "./helpers/postgres.js";
import { startTestBot, type TestBot } from "./helpers/bot.js";
import { runCli } from "./helpers/runCli.js";
import { tempDir } from "./helpers/tmp.js";

let t: TestBot | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe("paperbot health", () => {
  it("says in one line that a database is usable, and fails on a missing or newer one", async () => {
    const env = { PAPERBOT_DB: path.join(tempDir(), "p.db") };
    const missing = await runCli(["health", "--no-bot"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^paperbot: unhealthy: ✗ database .*does not exist/);
    expect((await runCli(["stats"], env)).code).toBe(0);
    const ok = await runCli(["health", "--no-bot"], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim().split("\n")).toHaveLength(1);
    expect(ok.stdout).toMatch(/^healthy: database .*p\.db writable, schema \d+, 56 papers$/m);

    const db = new Database(env.PAPERBOT_DB);
    db.pragma("user_version = 99");
    db.close();
    const newer = await runCli(["health", "--no-bot"], env);
    expect(newer.code).toBe(1);
    expect(newer.stderr).toMatch(/schema 99, this paperbot wants \d+/);
  });

  it("checks that the bot is running with its gateway connected, and notices when it stops", async () => {
    t = await startTestBot();
    const env = { PAPERBOT_DB: t.store.db.name };
    const running = await runCli(["health", "--json"], env);
    expect(running.code, running.stderr).toBe(0);
    const json = JSON.parse(running.stdout) as { healthy: boolean; checks: { name: string; ok: boolean; detail: string }[] };
    expect(json.healthy).toBe(true);
    expect(json.checks.find((c) => c.name === "gateway")).toMatchObject({ ok: true, detail: "connected (1 shard)" });

    await t.bot.stop();
    const stopped = await runCli(["health"], env);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/✗ gateway shard 0 stopped/);
  });

  it("takes a bot whose heartbeat went silent for one that is not running", async () => {
    const env = { PAPERBOT_DB: path.join(tempDir(), "p.db") };
    expect((await runCli(["stats"], env)).code).toBe(0);
    const db = new Database(env.PAPERBOT_DB);
    writeHeartbeat(db, { at: new Date(Date.now() - 10 * 60_000).toISOString(), pid: 1, gateway: "ready", shards: [0] });
    db.close();
    const silent = await runCli(["health"], env);
    expect(silent.code).toBe(1);
    expect(silent.stderr).toMatch(/✗ gateway shard 0 silent for \d+ s \(not running\?\)/);
    const never = await runCli(["health"], { PAPERBOT_DB: path.join(tempDir(), "q.db") });
    expect(never.code).toBe(1);
  });

  it("reports every machine's shards when bots on several machines share the database", async () => {
    const env = { PAPERBOT_DB: path.join(tempDir(), "p.db") };
    expect((await runCli(["stats"], env)).code).toBe(0);
    const db = new Database(env.PAPERBOT_DB);
    const at = new Date().toISOString();
    writeHeartbeat(db, { at, host: "bot-a", pid: 11, gateway: "ready", shards: [0, 1], shardCount: 4 });
    writeHeartbeat(db, { at, host: "bot-b", pid: 12, gateway: "ready", shards: [2, 3], shardCount: 4 });
    db.close();
    const both = await runCli(["health", "--json"], env);
    expect(both.code, both.stderr).toBe(0);
    const json = JSON.parse(both.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
    expect(json.checks.find((c) => c.name === "gateway")).toMatchObject({ ok: true, detail: "connected (4 shards on 2 machines: bot-a, bot-b)" });

    const again = new Database(env.PAPERBOT_DB);
    writeHeartbeat(again, {
      at: new Date(Date.now() - 10 * 60_000).toISOString(),
      host: "bot-b",
      pid: 12,
      gateway: "ready",
      shards: [2, 3],
      shardCount: 4,
    });
    again.close();
    const oneSilent = await runCli(["health"], env);
    expect(oneSilent.code).toBe(1);
    expect(oneSilent.stderr).toMatch(/✗ gateway shard 2,3 on bot-b silent for \d+ s \(not running\?\)/);
  });
});

if (havePostgres()) {
  describe("paperbot health with DATABASE_URL", () => {
    const schema = migratedSchemaForFile();

    it("reports the bots of every machine that beat into the shared PostgreSQL, and notices one gone silent", async () => {
      const { rows } = await schema.pool().query<{ name: string }>("SELECT current_schema() AS name");
      const env = { PAPERBOT_DB: path.join(tempDir(), "unused.db"), DATABASE_URL: urlInSchema(postgresUrl()!, rows[0]!.name) };
      const at = new Date().toISOString();
      await new PostgresHeartbeatStore(schema.pool()).write({ at, host: "bot-a", pid: 11, gateway: "ready", shards: [0, 1], shardCount: 4 });
      await new PostgresHeartbeatStore(schema.other()).write({ at, host: "bot-b", pid: 12, gateway: "ready", shards: [2, 3], shardCount: 4 });
      const both = await runCli(["health", "--json"], env);
      expect(both.code, both.stderr).toBe(0);
      const json = JSON.parse(both.stdout) as { healthy: boolean; checks: { name: string; ok: boolean; detail: string }[] };
      expect(json.healthy).toBe(true);
      expect(json.checks.find((c) => c.name === "database")!.detail).toMatch(/^127\.0\.0\.1:\d+\/\w+ writable, schema \d+, 0 papers$/);
      expect(json.checks.find((c) => c.name === "gateway")).toMatchObject({ ok: true, detail: "connected (4 shards on 2 machines: bot-a, bot-b)" });

      const silent = new Date(Date.now() - 10 * 60_000).toISOString();
      await new PostgresHeartbeatStore(schema.other()).write({ at: silent, host: "bot-b", pid: 12, gateway: "ready", shards: [2, 3], shardCount: 4 });
      const oneSilent = await runCli(["health"], env);
      expect(oneSilent.code).toBe(1);
      expect(oneSilent.stderr).toMatch(/✗ gateway shard 2,3 on bot-b silent for \d+ s \(not running\?\)/);
      expect(fs.existsSync(env.PAPERBOT_DB)).toBe(false);
      const dbOnly = await runCli(["health", "--no-bot"], env);
      expect(dbOnly.code, dbOnly.stderr).toBe(0);
      expect(dbOnly.stdout).toMatch(/^healthy: database 127\.0\.0\.1:\d+\/\w+ writable, schema \d+, 0 papers$/m);
    });

    it("is unhealthy on a schema that was not migrated, or a server it cannot reach (naming no password)", async () => {
      const fresh = await freshSchema(postgresUrl()!);
      try {
        const bare = await runCli(["health", "--no-bot"], { PAPERBOT_DB: path.join(tempDir(), "unused.db"), DATABASE_URL: fresh.url });
        expect(bare.code).toBe(1);
        expect(bare.stderr).toMatch(/^paperbot: unhealthy: ✗ database 127\.0\.0\.1:\d+\/\w+ is at schema 0, this paperbot wants \d+/);
      } finally {
        await fresh.drop();
      }
      const away = await runCli(["health"], {
        PAPERBOT_DB: path.join(tempDir(), "unused.db"),
        DATABASE_URL: "postgres://bot:s3cret@127.0.0.1:1/paperbot",
      });
      expect(away.code).toBe(1);
      expect(away.stderr).toMatch(/^paperbot: unhealthy: ✗ database Cannot reach PostgreSQL at 127\.0\.0\.1:1\/paperbot/);
      expect(away.stderr).not.toContain("s3cret");
    });
  });
}
