// The bot on PostgreSQL when the database stops answering or restarts: a clear reply within DATABASE_TIMEOUT_MS,
// never a hang, and answers again once it is back, with nothing lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSeeded } from "../src/ingest/ensureSeeded.js";
import { openStores, type Stores } from "../src/store/stores.js";
import { TcpProxy } from "./fakes/tcpProxy.js";
import { startTestBot, type TestBot } from "./helpers/bot.js";
import { freshSchema, havePostgres, postgresUrl } from "./helpers/postgres.js";

const QUESTION = "Which papers reduce KV cache memory in LLM serving?";

if (havePostgres()) {
  describe("the bot when PostgreSQL stops answering or restarts", () => {
    let schema: Awaited<ReturnType<typeof freshSchema>>;
    let proxy: TcpProxy;
    let stores: Stores;
    let t: TestBot;

    beforeAll(async () => {
      schema = await freshSchema(postgresUrl()!);
      const direct = new URL(schema.url);
      proxy = new TcpProxy(direct.hostname, Number(direct.port));
      const through = new URL(schema.url);
      through.port = String(await proxy.start());
      stores = await openStores({ dbPath: "unused.db", databaseUrl: through.toString(), databaseTimeoutMs: 1_000 });
      await ensureSeeded(stores);
      t = await startTestBot({ stores: () => stores });
    });
    afterAll(async () => {
      await t?.stop();
      proxy?.thaw();
      await stores?.close();
      await proxy?.stop();
      await schema?.drop();
    });

    const ask = async (user: string) => {
      const ix = t.discord.sendCommand({ name: "ask", user: { username: user }, options: { question: QUESTION } });
      return ix.waitFor(
        (i) => [i.original, ...i.followUps].find((m) => m?.content.includes("**Sources**") || m?.content.includes("database")),
        15_000,
      );
    };

    it("answers; says the database is not answering while it hangs; answers again once it is back, and after a restart", async () => {
      expect((await ask("ada")).content).toContain("**Sources**");

      proxy.freeze();
      const stuck = await ask("grace");
      expect(stuck.content).toMatch(
        /^The database is not answering right now \(error id `[0-9a-f]{8}`\); nothing was changed\. Please try again in a minute\.$/,
      );
      expect(stuck.flags! & 64).toBe(64);

      proxy.thaw();
      expect((await ask("alan")).content).toContain("**Sources**");

      // Every connection cut at once, as when the server restarts: a command that met a cut connection gets the same
      // one line, and the next is answered on new connections.
      proxy.dropAll();
      const cut = await ask("barbara");
      if (!cut.content.includes("**Sources**")) expect(cut.content).toMatch(/^The database is not answering right now/);
      expect((await ask("edsger")).content).toContain("**Sources**");
      expect(t.logs.some((l) => l.msg === "command failed: the database is unavailable")).toBe(true);
    }, 90_000);
  });
}
