import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FakeDiscord } from "./fakes/discord.js";
import { closedPort, launchBot, logLines, terminate, type BotProcess } from "./helpers/botProcess.js";
import { tempStore } from "./helpers/tmp.js";

// The metrics endpoint of real `paperbot start` processes, attacked and shared the way operators and strangers would.

const START_WAIT_MS = 60_000;

let discord: FakeDiscord | undefined;

afterEach(async () => {
  await discord?.stop();
  discord = undefined;
});

/** One raw HTTP/1.1 request (the target exactly as given); resolves to the status line, or "closed" if the server hung up. */
function rawRequest(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    let data = "";
    socket.on("data", (d) => (data += d));
    socket.on("error", reject);
    socket.on("close", () => resolve(data.split("\r\n")[0] || "closed"));
  });
}

/** Two free loopback ports in a row: p and p + 1. */
async function twoFreePorts(): Promise<number> {
  for (;;) {
    const p = await closedPort();
    if (p >= 65535) continue;
    const taken = await new Promise<boolean>((resolve) => {
      const s = net.createServer().once("error", () => resolve(true));
      s.listen(p + 1, "127.0.0.1", () => s.close(() => resolve(false)));
    });
    if (!taken) return p;
  }
}

function botEnv(fake: FakeDiscord, extra: Record<string, string>) {
  return { DISCORD_TOKEN: "test-token", DISCORD_APP_ID: fake.applicationId, DISCORD_API_BASE: fake.apiBase, PAPERBOT_DB: tempStore().file, ...extra };
}

async function metricsUrls(fake: FakeDiscord, bot: BotProcess, n: number): Promise<string[]> {
  const urls = () => logLines(bot.stderr()).flatMap((l) => (l.msg === "serving metrics" ? [l.url as string] : []));
  await fake.waitFor(
    () => urls().length >= n,
    START_WAIT_MS,
    () => `${n} metrics servers\n${bot.stderr()}`,
  );
  return urls();
}

describe("the metrics endpoint", () => {
  it("answers 400 to request targets it cannot read, and the bot keeps running", async () => {
    discord = new FakeDiscord({ token: "test-token" });
    await discord.start();
    const bot = launchBot([], botEnv(discord, { PAPERBOT_METRICS_PORT: String(await closedPort()) }));
    const [url] = await metricsUrls(discord, bot, 1);
    const port = Number(new URL(url!).port);
    for (const target of ["//x:99999/", "//%/", "//[/", "//x:1:2/", "*", "http://x:99999/metrics"])
      expect(await rawRequest(port, target), target).toBe("HTTP/1.1 400 Bad Request");
    expect(await rawRequest(port, "/nothing-here")).toBe("HTTP/1.1 404 Not Found");
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("paperbot_gateway_connected");
    expect(bot.child.exitCode).toBeNull();
    expect(await terminate(bot), bot.stderr()).toEqual({ code: 0, signal: null });
  }, 90_000);

  it("with --shards 2, every shard starts and serves its own metrics on the port plus its shard id", async () => {
    discord = new FakeDiscord({ token: "test-token", shards: 2 });
    await discord.start();
    const fake = discord;
    const port = await twoFreePorts();
    const bot = launchBot(["--shards", "2"], botEnv(fake, { PAPERBOT_METRICS_PORT: String(port) }));
    await fake.waitFor(
      () => fake.identifies.length >= 2,
      START_WAIT_MS,
      () => `both shards to identify\n${bot.stderr()}`,
    );
    expect((await metricsUrls(fake, bot, 2)).sort()).toEqual([`http://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`]);
    for (const p of [port, port + 1]) expect((await fetch(`http://127.0.0.1:${p}/metrics`)).status).toBe(200);
    expect(
      logLines(bot.stderr()).filter((l) => l.msg === "shard exited; respawning it"),
      bot.stderr(),
    ).toEqual([]);
    expect(await terminate(bot, 30_000), bot.stderr()).toEqual({ code: 0, signal: null });
  }, 120_000);

  it("a metrics port that is taken is logged, and the bot still logs in and serves", async () => {
    discord = new FakeDiscord({ token: "test-token" });
    await discord.start();
    const fake = discord;
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const bot = launchBot([], botEnv(fake, { PAPERBOT_METRICS_PORT: String(port) }));
      await fake.waitFor(
        () => fake.identifies.length >= 1,
        START_WAIT_MS,
        () => `the bot to identify\n${bot.stderr()}`,
      );
      const refused = logLines(bot.stderr()).find((l) => typeof l.msg === "string" && l.msg.startsWith("could not serve metrics"));
      expect(refused).toMatchObject({ level: 50, port, code: "EADDRINUSE" });
      expect(bot.child.exitCode).toBeNull();
      expect(await terminate(bot), bot.stderr()).toEqual({ code: 0, signal: null });
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  }, 90_000);
});
