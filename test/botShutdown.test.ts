import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DigestSettingsRepo } from "../src/digest/digestConfig.js";
import { FakeDiscord } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { corpusDir, tempDir, tempStore } from "./helpers/tmp.js";

const bin = path.resolve(import.meta.dirname, "../bin/paperbot.js");
/** How long a stopped bot may take to exit: an event wait, generous for a loaded machine. */
const EXIT_WAIT_MS = 10_000;

let discord: FakeDiscord | undefined;
let hf: FakeHuggingFace | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await discord?.stop();
  await hf?.stop();
  discord = hf = undefined;
});

/** A loopback port nothing listens on (connections to it are refused). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `paperbot start` as a real process against the Discord fake. */
function startBot(fake: FakeDiscord, extraEnv: Record<string, string> = {}) {
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    DISCORD_TOKEN: "test-token",
    DISCORD_APP_ID: fake.applicationId,
    DISCORD_API_BASE: fake.apiBase,
    PAPERBOT_DB: path.join(tempDir(), "bot.db"),
    ...extraEnv,
  };
  const child = spawn(process.execPath, [bin, "start"], { env });
  children.push(child);
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stderr: () => stderr };
}

/** Sends SIGTERM and waits (bounded) for the process to end; returns how it ended. */
async function terminate(bot: ReturnType<typeof startBot>): Promise<{ code: number | null; signal: NodeJS.Signals | null } | "still running"> {
  bot.child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const stillRunning = new Promise<"still running">((resolve) => (timer = setTimeout(() => resolve("still running"), EXIT_WAIT_MS)));
  try {
    return await Promise.race([bot.exited, stillRunning]);
  } finally {
    clearTimeout(timer);
  }
}

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
    new DigestSettingsRepo(store.db).update(discord.guild().id, { channelId: discord.channelId("papers"), time: "00:00" }, twoDaysAgo);
    store.db.close();
    const bot = startBot(discord, { PAPERBOT_DB: file, HF_API_BASE: hf.url });
    await discord.waitFor(() => bot.stderr().includes("logged in as"), 20_000, "the bot to log in");
    await discord.waitFor(() => hf!.requests.length > 0, 20_000, "the digest to ask the feed");
    expect(await terminate(bot), bot.stderr()).toEqual(cleanExit);
    expect(discord.requestsTo("POST /channels/:channel/messages")).toHaveLength(0);
  });
});
