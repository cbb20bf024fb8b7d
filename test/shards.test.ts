import { once } from "node:events";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { DigestSettingsRepo } from "../src/digest/digestConfig.js";
import { SqliteDigestSettingsStore } from "../src/store/sqlite/digestSettings.js";
import { readHeartbeats } from "../src/store/sqlite/heartbeats.js";
import { FakeDiscord, MANAGER_PERMISSIONS, shardOf, type FakeInteraction } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { alive, launchBot, logLines, terminate } from "./helpers/botProcess.js";
import { runCli } from "./helpers/runCli.js";
import { corpusDir, tempDir, tempStore } from "./helpers/tmp.js";

// `paperbot start --shards` as real processes: the launcher and one process per shard, on one database file.

/** Bounded waits for events across processes (start-up spaces shards 5.5 s apart, as Discord wants). */
const START_WAIT_MS = 60_000;
/** Shards get 10 s to finish before they are killed. */
const EXIT_WAIT_MS = 30_000;

let discord: FakeDiscord | undefined;
let hf: FakeHuggingFace | undefined;
const pids: number[] = [];

afterEach(async () => {
  for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
  await discord?.stop();
  await hf?.stop();
  discord = hf = undefined;
});

const today = () => new Date().toISOString().slice(0, 10);

describe("paperbot start --shards", () => {
  it("runs two shard processes on one database: each serves its servers and posts their digests once", async () => {
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
    const papers = (g: string) => fake.channelId("papers", g);

    // The feed has today's papers (a day of the corpus, submitted in the hour before midnight), whatever today is.
    hf = FakeHuggingFace.fromCorpus(corpusDir);
    hf.serveAsToday("2026-02-10");
    await hf.start();
    // Both servers' digests are due at midnight, set up two days ago: start-up catches today's up.
    const { store, file } = tempStore();
    const settings = new DigestSettingsRepo(new SqliteDigestSettingsStore(store.db));
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    for (const g of [zero, one]) await settings.update(g, { channelId: papers(g), time: "00:00" }, twoDaysAgo);
    store.db.close();

    const env = {
      DISCORD_TOKEN: "test-token",
      DISCORD_APP_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      PAPERBOT_DB: file,
      HF_API_BASE: hf.url,
    };
    const bot = launchBot(["--shards", "auto"], env);
    // "auto" is what Discord recommends: two shards, each identifying with its id.
    await fake.waitFor(
      () => fake.identifies.length >= 2,
      START_WAIT_MS,
      () => `both shards to identify\n${bot.stderr()}`,
    );
    expect(fake.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);

    // Each server gets its digest once, from the shard that serves it.
    for (const g of [zero, one])
      await fake.waitFor(
        () => fake.messages(papers(g)).length > 0,
        START_WAIT_MS,
        () => `the digest in ${g}\n${bot.stderr()}`,
      );
    const posted = () => logLines(bot.stderr()).filter((l) => l.msg === "digest posted");
    await fake.waitFor(
      () => posted().length >= 2,
      10_000,
      () => `both digests logged\n${bot.stderr()}`,
    );
    expect(
      posted()
        .map((l) => [l.guildId, l.shard])
        .sort(),
    ).toEqual(
      [
        [one, [1]],
        [zero, [0]],
      ].sort(),
    );

    // A command in a server of each shard is answered, by the shard that has it; both read the same ledger.
    const status = (g: string): FakeInteraction =>
      fake.sendCommand({
        name: "digest",
        subcommand: "status",
        permissions: MANAGER_PERMISSIONS,
        guildId: g,
        channelId: fake.channelId("general", g),
      });
    const replies = await Promise.all([zero, one].map((g) => status(g).reply(15_000)));
    for (const [i, g] of [zero, one].entries())
      expect(replies[i]!.content).toContain(
        `**Last post:** ${today()}, 5 papers: https://discord.com/channels/${g}/${papers(g)}/${fake.messages(papers(g))[0]!.id}`,
      );

    // `paperbot health` sees both shards connected.
    await fake.waitFor(() => readHeartbeatsOf(file).filter((b) => b.gateway === "ready").length === 2, 10_000, "both shards' heartbeats");
    const health = await runCli(["health", "--json"], { PAPERBOT_DB: file });
    expect(health.code, health.stderr).toBe(0);
    const checks = (JSON.parse(health.stdout) as { checks: { name: string; ok: boolean; detail: string }[] }).checks;
    expect(checks.find((c) => c.name === "gateway")).toMatchObject({ ok: true, detail: "connected (2 shards)" });
    const shardPids = readHeartbeatsOf(file).map((b) => b.pid);
    pids.push(...shardPids);
    expect(new Set(shardPids).size).toBe(2);

    // A shard that crashes is started again, and serves its server again.
    const crashed = readHeartbeatsOf(file).find((b) => b.shards[0] === 1)!.pid;
    process.kill(crashed, "SIGKILL");
    await fake.waitFor(
      () => fake.identifies.length >= 3,
      START_WAIT_MS,
      () => `shard 1 to identify again\n${bot.stderr()}`,
    );
    expect(fake.identifies[2]!.shard).toEqual([1, 2]);
    expect(logLines(bot.stderr()).find((l) => l.msg === "shard exited; respawning it")).toMatchObject({ shard: 1, pid: crashed, signal: "SIGKILL" });
    await fake.waitFor(
      () => readHeartbeatsOf(file).some((b) => b.shards[0] === 1 && b.pid !== crashed && b.gateway === "ready"),
      20_000,
      "the new shard 1",
    );
    pids.push(...readHeartbeatsOf(file).map((b) => b.pid));
    expect((await status(one).reply(15_000)).content).toContain(`**Last post:** ${today()}, 5 papers`);

    // SIGTERM to the launcher stops every shard, and it exits 0.
    expect(await terminate(bot, EXIT_WAIT_MS), bot.stderr()).toEqual({ code: 0, signal: null });
    expect(pids.filter(alive)).toEqual([]);
    expect(readHeartbeatsOf(file).map((b) => b.gateway)).toEqual(["stopped", "stopped"]);

    // One post per server in all, the ledger agrees, and no lock error reached a log or a user.
    expect(fake.requestsTo("POST /channels/:channel/messages")).toHaveLength(2);
    for (const g of [zero, one]) expect(fake.messages(papers(g))).toHaveLength(1);
    const db = new Database(file, { readonly: true });
    const ledger = db.prepare("SELECT guild_id, channel_id, date, state, message_id FROM digest_posts ORDER BY guild_id").all();
    db.close();
    expect(ledger).toEqual(
      [zero, one]
        .map((g) => ({ guild_id: g, channel_id: papers(g), date: today(), state: "sent", message_id: fake.messages(papers(g))[0]!.id }))
        .sort((a, b) => (a.guild_id < b.guild_id ? -1 : 1)),
    );
    expect(bot.stderr()).not.toMatch(/SQLITE_BUSY|database is locked/);
    for (const m of fake.messageLog) expect(JSON.stringify(m)).not.toMatch(/SQLITE_BUSY|database is locked/);

    // Back to one process: `paperbot health` no longer counts the second shard of the earlier run.
    const single = launchBot([], env);
    await fake.waitFor(
      () => readHeartbeatsOf(file).some((b) => b.gateway === "ready"),
      START_WAIT_MS,
      () => `the single bot\n${single.stderr()}`,
    );
    const after = await runCli(["health"], { PAPERBOT_DB: file });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toMatch(/gateway connected \(1 shard\)/);
    single.child.kill("SIGTERM");
    expect(await single.exited).toEqual({ code: 0, signal: null });
  }, 180_000);

  it("stops on SIGTERM with exit 0 while the shards cannot reach the gateway", async () => {
    discord = new FakeDiscord({ token: "test-token" });
    await discord.start();
    const fake = discord;
    fake.gatewayAccepts = "refuse";
    const { file } = tempStore();
    const bot = launchBot(["--shards", "2"], {
      DISCORD_TOKEN: "test-token",
      DISCORD_APP_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      PAPERBOT_DB: file,
    });
    await fake.waitFor(
      () => fake.gatewayAttempts >= 2,
      START_WAIT_MS,
      () => `shard 0 to try the gateway\n${bot.stderr()}`,
    );
    const shardPid = readHeartbeatsOf(file)[0]!.pid;
    pids.push(shardPid);
    expect(await terminate(bot, EXIT_WAIT_MS), bot.stderr()).toEqual({ code: 0, signal: null });
    expect(alive(shardPid)).toBe(false);
  }, 120_000);

  it("stops on SIGTERM with exit 0 while asking Discord how many shards to run", async () => {
    discord = new FakeDiscord({ token: "test-token" });
    await discord.start();
    const fake = discord;
    fake.withholdReply((r) => r.path === "/gateway/bot");
    const { file } = tempStore();
    const bot = launchBot(["--shards", "auto"], {
      DISCORD_TOKEN: "test-token",
      DISCORD_APP_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      PAPERBOT_DB: file,
    });
    await fake.waitFor(
      () => fake.requestsTo("GET /gateway/bot").length > 0,
      START_WAIT_MS,
      () => `the launcher to ask\n${bot.stderr()}`,
    );
    expect(await terminate(bot, EXIT_WAIT_MS), bot.stderr()).toEqual({ code: 0, signal: null });
    expect(fake.identifies).toHaveLength(0);
    expect(readHeartbeatsOf(file)).toEqual([]);
  }, 120_000);

  it("a shard stops by itself when its launcher is killed", async () => {
    discord = new FakeDiscord({ token: "test-token" });
    await discord.start();
    const fake = discord;
    const { file } = tempStore();
    const bot = launchBot(["--shards", "1"], {
      DISCORD_TOKEN: "test-token",
      DISCORD_APP_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      PAPERBOT_DB: file,
    });
    await fake.waitFor(
      () => fake.identifies.length > 0,
      START_WAIT_MS,
      () => `the shard to identify\n${bot.stderr()}`,
    );
    await waitUntil(() => readHeartbeatsOf(file)[0]?.gateway === "ready", 20_000);
    const shardPid = readHeartbeatsOf(file)[0]!.pid;
    pids.push(shardPid);
    // (Its stdout and stderr stay open while the shard, which shares them, runs.)
    const launcherGone = once(bot.child, "exit");
    bot.child.kill("SIGKILL");
    await launcherGone;
    await waitUntil(() => !alive(shardPid), EXIT_WAIT_MS);
    expect(readHeartbeatsOf(file)[0]!.gateway).toBe("stopped");
  }, 120_000);

  it("runs only the shards it is given when other machines run the rest (--shards 1 --shard-count 2)", async () => {
    discord = new FakeDiscord({ token: "test-token", shards: 2 });
    await discord.start();
    const fake = discord;
    const { file } = tempStore();
    const bot = launchBot(["--shards", "1", "--shard-count", "2"], {
      DISCORD_TOKEN: "test-token",
      DISCORD_APP_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      PAPERBOT_DB: file,
    });
    await waitUntil(() => readHeartbeatsOf(file)[0]?.gateway === "ready", START_WAIT_MS);
    pids.push(...readHeartbeatsOf(file).map((b) => b.pid));
    expect(fake.identifies.map((i) => i.shard)).toEqual([[1, 2]]);
    expect(readHeartbeatsOf(file).map((b) => b.shards)).toEqual([[1]]);
    expect(bot.stderr()).toContain("paperbot: starting shard 1 of 2.");
    expect(await terminate(bot, EXIT_WAIT_MS), bot.stderr()).toEqual({ code: 0, signal: null });
  }, 120_000);

  it("rejects a shard count that is not a whole number or auto, and shard ids that do not fit --shard-count", async () => {
    const env = { DISCORD_TOKEN: "t", PAPERBOT_DB: path.join(tempDir(), "p.db") };
    for (const [args, message] of [
      [["--shards", "0"], /--shards 0: expected "auto", a whole number from 1 to 1024, or this machine's shard ids/],
      [["--shards", "two"], /expected "auto", a whole number from 1 to 1024/],
      [["--shards", "0,1"], /--shards 0,1 needs --shard-count/],
      [["--shards", "2,4", "--shard-count", "4"], /shard 4 is not below --shard-count 4/],
      [["--shards", "1,1", "--shard-count", "4"], /lists a shard twice/],
      [["--shard-count", "4"], /--shard-count goes with --shards/],
      [["--shards", "auto", "--shard-count", "4"], /--shards auto cannot go with --shard-count/],
    ] as const) {
      const r = await runCli(["start", ...args], env);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

/** Polls `predicate` every 100 ms until it holds; fails after `ms`. */
async function waitUntil(predicate: () => boolean, ms: number): Promise<void> {
  for (let waited = 0; !predicate(); waited += 100) {
    if (waited >= ms) throw new Error(`still not so after ${ms} ms: ${predicate.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function readHeartbeatsOf(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return readHeartbeats(db);
  } finally {
    db.close();
  }
}
