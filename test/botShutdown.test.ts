import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DigestSettingsRepo } from "../src/digest/digestConfig.js";
import { SqliteDigestSettingsStore } from "../src/store/sqlite/digestSettings.js";
import { FakeDiscord } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { closedPort, launchBot, terminate } from "./helpers/botProcess.js";
import { corpusDir, tempDir, tempStore } from "./helpers/tmp.js";

/** `paperbot start` as a real process against the Discord fake. */
function startBot(fake: FakeDiscord, extraEnv: Record<string, string> = {}) {
  return launchBot([], {
    DISCORD_TOKEN: "test-token",
    DISCORD_APP_ID: fake.applicationId,
    DISCORD_API_BASE: fake.apiBase,
    PAPERBOT_DB: path.join(tempDir(), "bot.db"),
    ...extraEnv,
  });
}

let discord: FakeDiscord | undefined;
let hf: FakeHuggingFace | undefined;

afterEach(async () => {
  await discord?.stop();
  await hf?.stop();
  discord = hf = undefined;
});

const cleanExit = { code: 0, signal: null };

describe("paperbot start stops on SIGTERM whatever state Discord is in", () => {
  it("while the gateway refuses connections at start-up", async () => {
    discord = new FakeDiscord({ token: "test-token" });
    await discord.start();
    discord.handOutGatewayUrl = `ws://127.0.0.1:${await closedPort()}`;
    const bot = startBot(discord);
    await discord.waitFor(() => discord!.requestsTo("GET /gateway/bot").length > 0, 20_000, "the bot to ask for the gateway");
    expect(await terminate(bot), bot.stderr()).toEqual(cleanExit);
  });

  it("while the gateway accepts the connection but never answers the handshake", async () => {
    discord = new FakeDiscord({ token: "test-token" });
    await discord.start();
    discord.gatewayAccepts = "no-handshake";
    const bot = startBot(discord);
    await discord.waitFor(() => discord!.gatewayAttempts > 0, 20_000, "a gateway connection");
    expect(await terminate(bot), bot.stderr()).toEqual(cleanExit);
  });

  it("while the gateway is connected but never sends HELLO", async () => {
    discord = new FakeDiscord({ token: "test-token" });
    await discord.start();
    discord.gatewayAccepts = "no-hello";
    const bot = startBot(discord);
    await discord.waitFor(() => discord!.gatewayConnections.length > 0, 20_000, "a gateway connection");
    expect(await terminate(bot), bot.stderr()).toEqual(cleanExit);
  });

  it("while reconnecting to a gateway that went away", async () => {
    discord = new FakeDiscord({ token: "test-token" });
    await discord.start();
    const bot = startBot(discord);
    await discord.waitFor(() => bot.stderr().includes("logged in as"), 20_000, "the bot to log in");
    const attempts = discord.gatewayAttempts;
    discord.gatewayAccepts = "refuse";
    discord.closeGateway(4000);
    await discord.waitFor(() => discord!.gatewayAttempts >= attempts + 2, 20_000, "refused reconnects");
    expect(await terminate(bot), bot.stderr()).toEqual(cleanExit);
    expect(bot.stderr()).toMatch(/shutting down/);
  });

  it("while the day's digest waits to retry a failing feed", async () => {
    discord = new FakeDiscord({ token: "test-token" });
    await discord.start();
    hf = FakeHuggingFace.fromCorpus(corpusDir);
    await hf.start();
    // The feed asks for two minutes' patience, again and again.
    for (let i = 0; i < 20; i++) hf.failures.push({ status: 503, headers: { "retry-after": "120" } });
    // A digest due at midnight, set up two days ago: start-up catches today's up at once.
    const { store, file } = tempStore();
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await new DigestSettingsRepo(new SqliteDigestSettingsStore(store.db)).update(
      discord.guild().id,
      { channelId: discord.channelId("papers"), time: "00:00" },
      twoDaysAgo,
    );
    store.db.close();
    const bot = startBot(discord, { PAPERBOT_DB: file, HF_API_BASE: hf.url });
    await discord.waitFor(() => bot.stderr().includes("logged in as"), 20_000, "the bot to log in");
    await discord.waitFor(() => hf!.requests.length > 0, 20_000, "the digest to ask the feed");
    expect(await terminate(bot), bot.stderr()).toEqual(cleanExit);
    expect(discord.requestsTo("POST /channels/:channel/messages")).toHaveLength(0);
  });
});
