// Two machines, one PostgreSQL: each runs its own shard of two (`start --shards N --shard-count 2`), as real
// processes. Each server's digest is posted once by the shard that serves it, and a command is answered the same
// on either machine, from the shared database.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { defaultDigestSettings } from "../src/digest/digestConfig.js";
import { openStores, type Stores } from "../src/store/stores.js";
import { FakeDiscord, MANAGER_PERMISSIONS, shardOf } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { alive, launchBot, logLines, terminate, type BotProcess } from "./helpers/botProcess.js";
import { freshSchema, havePostgres, postgresUrl } from "./helpers/postgres.js";
import { runCli } from "./helpers/runCli.js";
import { corpusDir, tempDir } from "./helpers/tmp.js";

const START_WAIT_MS = 60_000;
const today = () => new Date().toISOString().slice(0, 10);

if (havePostgres()) {
  describe("two machines' launchers on one PostgreSQL, a shard each", () => {
    let schema: Awaited<ReturnType<typeof freshSchema>>;
    let stores: Stores;
    let discord: FakeDiscord | undefined;
    let hf: FakeHuggingFace | undefined;
    const bots: BotProcess[] = [];

    beforeAll(async () => {
      schema = await freshSchema(postgresUrl()!);
    });
    afterEach(async () => {
      for (const b of bots.splice(0)) if (b.child.pid && alive(b.child.pid)) await terminate(b);
      await discord?.stop();
      await hf?.stop();
    });
    afterAll(async () => {
      await stores?.close();
      await schema?.drop();
    });

    it("post each server's digest once, from the shard that serves it, and answer commands from the shared database", async () => {
      discord = new FakeDiscord({
        token: "test-token",
        shards: 2,
        guilds: [
          { name: "Lab Zero", shard: 0 },
          { name: "Lab One", shard: 1 },
        ],
      });
      await discord.start();
      const fake = discord;
      const [zero, one] = [fake.guild("Lab Zero").id, fake.guild("Lab One").id];
      expect([shardOf(zero, 2), shardOf(one, 2)]).toEqual([0, 1]);
      hf = FakeHuggingFace.fromCorpus(corpusDir);
      hf.serveAsToday("2026-02-10");
      await hf.start();

      const env = {
        DISCORD_TOKEN: "test-token",
        DISCORD_APP_ID: fake.applicationId,
        DISCORD_API_BASE: fake.apiBase,
        HF_API_BASE: hf.url,
        DATABASE_URL: schema.url,
        PAPERBOT_DB: `${tempDir()}/unused.db`,
      };
      // Seeded once; both servers' digests due at midnight, set up two days ago: start-up catches today's up.
      expect((await runCli(["stats"], env)).code).toBe(0);
      stores = await openStores({ dbPath: env.PAPERBOT_DB, databaseUrl: env.DATABASE_URL });
      const papers = (g: string) => fake.channelId("papers", g);
      const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
      for (const g of [zero, one])
        await stores.digestSettings.change(g, () => ({ ...defaultDigestSettings(g, twoDaysAgo), channelId: papers(g), time: "00:00" }));

      bots.push(launchBot(["--shards", "0", "--shard-count", "2"], env), launchBot(["--shards", "1", "--shard-count", "2"], env));
      const logs = () => bots.map((b) => b.stderr()).join("\n");
      await fake.waitFor(
        () => fake.identifies.length >= 2,
        START_WAIT_MS,
        () => `both machines' shards to identify\n${logs()}`,
      );
      expect(fake.identifies.map((i) => i.shard).sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      for (const g of [zero, one])
        await fake.waitFor(
          () => fake.messages(papers(g)).length > 0,
          START_WAIT_MS,
          () => `the digest in ${g}\n${logs()}`,
        );
      // Which machine posted which server's digest: the one whose shard serves it.
      const posted = (bot: BotProcess) =>
        logLines(bot.stderr())
          .filter((l) => l.msg === "digest posted")
          .map((l) => l.guildId);
      await fake.waitFor(
        () => posted(bots[0]!).length + posted(bots[1]!).length >= 2,
        10_000,
        () => `both digests logged\n${logs()}`,
      );
      expect([posted(bots[0]!), posted(bots[1]!)]).toEqual([[zero], [one]]);

      // /digest status in either server reads the shared ledger, whichever machine answers.
      const status = (g: string) =>
        fake
          .sendCommand({
            name: "digest",
            subcommand: "status",
            permissions: MANAGER_PERMISSIONS,
            guildId: g,
            channelId: fake.channelId("general", g),
          })
          .reply(15_000);
      for (const g of [zero, one]) expect((await status(g)).content).toContain(`**Last post:** ${today()}, 5 papers`);
      for (const g of [zero, one]) expect(fake.messages(papers(g))).toHaveLength(1);
      expect(fake.requestsTo("POST /channels/:channel/messages")).toHaveLength(2);

      // paperbot health sees both machines' shards connected.
      const health = await runCli(["health"], env);
      expect(health.code, health.stderr).toBe(0);
      expect(health.stdout).toMatch(/connected \(2 shards\)/);
    }, 180_000);
  });
}
