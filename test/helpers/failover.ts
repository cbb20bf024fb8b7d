// Two `paperbot start` processes on one database racing for the same servers' daily posts, one of them killed
// with SIGKILL at a random moment and started again (as a supervisor would): every channel must get its post
// exactly once. Used by test/failover.test.ts (a few trials) and `npm run bench -- failover` (many).
import { setTimeout as sleep } from "node:timers/promises";
import { defaultDigestSettings } from "../../src/digest/digestConfig.js";
import type { Stores } from "../../src/store/stores.js";
import { FakeDiscord } from "../fakes/discord.js";
import { alive, launchBot, terminate, type BotProcess } from "./botProcess.js";

/** Where the bots keep their data: the environment that points them there, and the same stores opened here. */
export interface FailoverBackend {
  env: Record<string, string>;
  stores: Stores;
}

export interface TrialResult {
  /** Milliseconds after both bots were started that one was killed. */
  killAfterMs: number;
  /** Milliseconds after both bots were started that the first post appeared (the next trial's window). */
  firstPostAfterMs: number;
  /** Which bot was killed (0 or 1). */
  killed: number;
  /** Where each channel's post stood when the bot was killed: no claim yet, claimed (or failed), or sent. */
  stateAtKill: string[];
  /** Messages the bot user posted in each digest channel once both bots settled. */
  postsPerChannel: number[];
  /** Message create requests Discord received (a nonce replay answers a retry with the same message). */
  createRequests: number;
  /** The bots' stderr, for a failing trial's message. */
  logs: string;
}

const today = () => new Date().toISOString().slice(0, 10);

/** Bounded waits across processes on a loaded machine. */
const POST_WAIT_MS = 60_000;
/** After every channel has its post, how long to keep watching for a second one. */
const SETTLE_MS = 1_500;

/**
 * One trial on a fresh fake Discord with `guilds` servers (fresh ids, so earlier trials' posts do not count),
 * each with its digest due since midnight: both bots catch the day up at start-up.
 */
export async function failoverTrial(
  backend: FailoverBackend,
  opts: { hfUrl: string; guilds?: number; killWindowMs: number; random?: () => number },
): Promise<TrialResult> {
  const random = opts.random ?? Math.random;
  const discord = new FakeDiscord({
    token: "test-token",
    guilds: Array.from({ length: opts.guilds ?? 2 }, (_, i) => ({ name: `Lab ${i}` })),
  });
  await discord.start();
  const bots: BotProcess[] = [];
  try {
    const channels: { guildId: string; channelId: string }[] = [];
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    for (const g of discord.guilds) {
      const channelId = discord.channelId("papers", g.id);
      channels.push({ guildId: g.id, channelId });
      await backend.stores.digestSettings.change(g.id, () => ({
        ...defaultDigestSettings(g.id, twoDaysAgo),
        channelId,
        time: "00:00",
        timezone: "UTC",
        rankMode: "trending",
      }));
    }
    const env = {
      ...backend.env,
      DISCORD_TOKEN: "test-token",
      DISCORD_APP_ID: discord.applicationId,
      DISCORD_API_BASE: discord.apiBase,
      HF_API_BASE: opts.hfUrl,
    };
    const started = performance.now();
    let firstPostAfterMs = Number.NaN;
    const firstPost = discord
      .waitFor(() => discord.messageLog.length > 0, POST_WAIT_MS, "a first post")
      .then(() => (firstPostAfterMs = Math.round(performance.now() - started)))
      .catch(() => undefined);
    bots.push(launchBot([], env), launchBot([], env));
    // Uniform over the window: before the bots connect, while they claim and post, and after.
    const killAfterMs = Math.round(random() * opts.killWindowMs);
    const killed = random() < 0.5 ? 0 : 1;
    await sleep(killAfterMs);
    bots[killed]!.child.kill("SIGKILL");
    await bots[killed]!.exited;
    const stateAtKill = await Promise.all(channels.map(async (c) => (await backend.stores.ledger.get({ ...c, date: today() }))?.state ?? "none"));
    // Started again, as `restart: unless-stopped` or systemd would.
    bots.push(launchBot([], env));

    const posts = () => channels.map((c) => discord.messages(c.channelId).filter((m) => m.author.id === discord.botUser.id).length);
    const logs = () => bots.map((b, i) => `--- bot ${i}\n${b.stderr()}`).join("\n");
    await discord.waitFor(
      () => posts().every((n) => n > 0),
      POST_WAIT_MS,
      () => `every channel's post\n${logs()}`,
    );
    await sleep(SETTLE_MS);
    await firstPost;
    return {
      killAfterMs,
      firstPostAfterMs,
      killed,
      stateAtKill,
      postsPerChannel: posts(),
      createRequests: discord.requestsTo("POST /channels/:channel/messages").length,
      logs: logs(),
    };
  } finally {
    await Promise.all(bots.filter((b) => b.child.pid !== undefined && alive(b.child.pid)).map((b) => terminate(b)));
    await discord.stop();
  }
}
