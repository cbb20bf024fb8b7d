import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../src/config/logger.js";
import { DigestSettingsRepo } from "../src/digest/digestConfig.js";
import { type DigestPost, DISCORD_LIMITS, embedChars, digestHeaderPrefix } from "../src/digest/digestPost.js";
import type { DigestPoster, RecentMessage } from "../src/digest/digestPoster.js";
import { previewDigest, runDigest, type DigestDeps, type DigestOutcome } from "../src/digest/digestRunner.js";
import { INTERACTIVE_FEED_RETRY } from "../src/digest/feedRetry.js";
import { sharedDayFetcher } from "../src/digest/fetchDay.js";
import { digestStatus } from "../src/digest/digestStatus.js";
import { statusMessage } from "../src/discord/format/digestReplies.js";
import { digestNonce } from "../src/digest/nonce.js";
import { ChannelGoneError, MissingAccessError, PostRejectedError } from "../src/digest/posterErrors.js";
import { DigestScheduler } from "../src/digest/scheduler.js";
import { fetchDailyPapers } from "../src/ingest/hfDailyPapers.js";
import type { DigestLedgerStore } from "../src/store/ledger.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { SqliteDigestSettingsStore } from "../src/store/sqlite/digestSettings.js";
import { sqliteStores, type Stores } from "../src/store/stores.js";
import { FakeHuggingFace, type FeedGlitch } from "./fakes/huggingface.js";
import { runCli } from "./helpers/runCli.js";
import { corpusDir, tempDir, tempStore } from "./helpers/tmp.js";

interface FeedPaper {
  id: string;
  title: string;
  summary: string;
  upvotes: number;
  submittedOnDailyAt: string;
  [k: string]: unknown;
}
const day = (date: string) => JSON.parse(fs.readFileSync(path.join(corpusDir, `${date}.json`), "utf8")) as { paper: FeedPaper }[];
const topIds = (date: string, n: number) =>
  day(date)
    .map((i) => i.paper)
    .sort((a, b) => b.upvotes - a.upvotes)
    .slice(0, n)
    .map((p) => p.id);

interface Message {
  id: string;
  nonce: string;
  content: string;
  post?: DigestPost;
  mine: boolean;
  at: Date;
}

/**
 * A stand-in for the Discord side: keeps each channel's messages, honours `enforce_nonce` while it
 * "remembers" nonces (Discord does for a few minutes; `forgetNonces` is those minutes passing),
 * and can lose channels, permissions, replies or the whole process.
 */
class FakeDiscord implements DigestPoster {
  readonly channels = new Map<string, Message[]>();
  readonly sendCalls: { channelId: string; nonce: string }[] = [];
  readonly gone = new Set<string>();
  readonly noAccess = new Set<string>();
  /** Discord accepts the message, then the process dies before it hears back: the call never returns. */
  crashAfterSend = false;
  /** The next N sends reach Discord but the reply is lost (a transient error). */
  loseReplies = 0;
  /** The next N sends fail before reaching Discord. */
  failSends = 0;
  /** Discord refuses every post as invalid. */
  rejectPosts = false;
  /** The next N history reads fail (a transient error). */
  failHistory = 0;
  private nonces = new Map<string, string>();
  private nextId = 1_300_000_000_000_000_000n;
  private waiting: (() => void)[] = [];

  /** `now`: the clock messages are stamped with. */
  constructor(private readonly now: () => Date = () => new Date()) {}

  async send(channelId: string, post: DigestPost, nonce: string): Promise<{ messageId: string }> {
    this.sendCalls.push({ channelId, nonce });
    if (this.gone.has(channelId)) throw new ChannelGoneError(channelId, "Unknown Channel");
    if (this.noAccess.has(channelId)) throw new MissingAccessError(channelId, "Send Messages");
    if (this.rejectPosts) throw new PostRejectedError("Discord refused the post: Invalid Form Body");
    if (this.failSends > 0) {
      this.failSends--;
      throw new Error("503 Service Unavailable");
    }
    const key = `${channelId}\n${nonce}`;
    let id = this.nonces.get(key);
    if (!id) {
      id = String(this.nextId++);
      this.nonces.set(key, id);
      this.messages(channelId).push({ id, nonce, content: post.content, post, mine: true, at: this.now() });
    }
    for (const w of this.waiting.splice(0)) w();
    if (this.crashAfterSend) return new Promise(() => {});
    if (this.loseReplies > 0) {
      this.loseReplies--;
      throw new Error("socket hang up");
    }
    return { messageId: id };
  }

  readonly historyCalls: { channelId: string; before?: string }[] = [];

  async recentMessages(channelId: string, limit: number, before?: string): Promise<RecentMessage[]> {
    this.historyCalls.push({ channelId, before });
    if (this.gone.has(channelId)) throw new ChannelGoneError(channelId);
    if (this.failHistory > 0) {
      this.failHistory--;
      throw new Error("502 Bad Gateway");
    }
    // Message history does not carry nonces, so reconciliation has to recognise the header.
    const newestFirst = [...this.messages(channelId)].reverse();
    const from = before === undefined ? 0 : newestFirst.findIndex((m) => BigInt(m.id) < BigInt(before));
    return (from < 0 ? [] : newestFirst.slice(from, from + Math.min(limit, 100))).map((m) => ({
      id: m.id,
      content: m.content,
      authorIsMe: m.mine,
      sentAt: m.at,
    }));
  }

  say(channelId: string, content: string): void {
    this.messages(channelId).push({ id: String(this.nextId++), nonce: "", content, mine: false, at: this.now() });
  }

  forgetNonces(): void {
    this.nonces.clear();
  }

  /** Resolves when the next message reaches a channel. */
  nextMessage(): Promise<void> {
    return new Promise((r) => this.waiting.push(r));
  }

  posts(channelId: string): Message[] {
    return this.messages(channelId).filter((m) => m.mine);
  }

  private messages(channelId: string): Message[] {
    let list = this.channels.get(channelId);
    if (!list) this.channels.set(channelId, (list = []));
    return list;
  }
}

const GUILD_A = "200000000000000001";
const GUILD_B = "200000000000000002";
const CHAN_A = "300000000000000001";
const CHAN_B = "300000000000000002";

let hf: FakeHuggingFace;
let base: string;
let clock: Date;
let sleeps: number[];
let store: PaperStore;
let settings: DigestSettingsRepo;
let stores: Stores;
let ledger: DigestLedgerStore;
let discord: FakeDiscord;
let deps: DigestDeps;

const sleep = async (ms: number) => void sleeps.push(ms);

beforeEach(async () => {
  hf = FakeHuggingFace.fromCorpus(corpusDir);
  base = await hf.start();
  clock = new Date("2026-02-10T06:00:00Z");
  sleeps = [];
  store = tempStore().store;
  settings = new DigestSettingsRepo(new SqliteDigestSettingsStore(store.db));
  stores = sqliteStores(store);
  ledger = stores.ledger;
  discord = new FakeDiscord(() => clock);
  deps = {
    stores,
    settings,
    fetchDay: (date) => fetchDailyPapers(base, date, { sleep, retries: 1, baseDelayMs: 10 }),
    poster: discord,
    log: silentLogger,
    sleep,
    now: () => clock,
  };
  await settings.update(GUILD_A, { channelId: CHAN_A }, clock);
});
afterEach(() => hf.stop());

describe("the daily digest run", () => {
  it("posts the day's top N by upvotes once, as one message within Discord's limits", async () => {
    const out = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    expect(out).toMatchObject({ kind: "posted", channelId: CHAN_A, newToday: day("2026-02-10").length });
    const [msg, ...more] = discord.posts(CHAN_A);
    expect(more).toHaveLength(0);
    const post = msg!.post!;
    expect(post.paperIds).toEqual(topIds("2026-02-10", 5));
    expect(post.entries.map((e) => e.upvotes)).toEqual([...post.entries.map((e) => e.upvotes)].sort((a, b) => b - a));
    expect(post.content.startsWith(`${digestHeaderPrefix("2026-02-10")} · 5 of 56 new papers`)).toBe(true);
    expect(post.content).not.toMatch(/@(everyone|here)|<@/);
    expect(embedChars(post.entries)).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    const first = post.entries[0]!;
    expect(first.url).toBe(`https://huggingface.co/papers/${first.paperId}`);
    expect(first.arxivUrl).toBe(`https://arxiv.org/abs/${first.paperId}`);
    expect(first.tldrSource).toBe("abstract");
    expect(first.description).toContain(first.tldr);
    expect(msg!.nonce).toBe(digestNonce(CHAN_A, "2026-02-10"));
    expect(await ledger.get({ guildId: GUILD_A, channelId: CHAN_A, date: "2026-02-10" })).toMatchObject({
      state: "sent",
      messageId: msg!.id,
      paperIds: post.paperIds,
    });
  });

  it("posts once when run twice the same day", async () => {
    await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    const again = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps, ignorePause: true });
    expect(again).toMatchObject({ kind: "already-sent", messageId: discord.posts(CHAN_A)[0]!.id });
    expect(discord.posts(CHAN_A)).toHaveLength(1);
    expect(discord.sendCalls).toHaveLength(1);
  });

  it("posts once when two runs race for the same day", async () => {
    const [a, b] = await Promise.all([
      runDigest({ guildId: GUILD_A, date: "2026-02-10", deps }),
      runDigest({ guildId: GUILD_A, date: "2026-02-10", deps }),
    ]);
    expect([a.kind, b.kind].sort()).toEqual(["busy", "posted"]);
    expect(discord.posts(CHAN_A)).toHaveLength(1);
  });

  it("does not post again after a crash between sending and marking, once Discord has forgotten the nonce", async () => {
    discord.crashAfterSend = true;
    const sent = discord.nextMessage();
    void runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    await sent;
    expect((await ledger.get({ guildId: GUILD_A, channelId: CHAN_A, date: "2026-02-10" }))?.state).toBe("claimed");

    // The bot restarts (a new ledger: nothing in flight) long after Discord forgot the nonce.
    discord.crashAfterSend = false;
    discord.forgetNonces();
    discord.say(CHAN_A, "good morning");
    const restarted = { ...deps, stores: sqliteStores(store), settings: new DigestSettingsRepo(new SqliteDigestSettingsStore(store.db)) };
    const out = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps: restarted });
    const [msg, ...more] = discord.posts(CHAN_A);
    expect(more).toHaveLength(0);
    expect(out).toMatchObject({ kind: "reconciled", messageId: msg!.id, paperIds: topIds("2026-02-10", 5) });
    expect(await restarted.stores.ledger.get({ guildId: GUILD_A, channelId: CHAN_A, date: "2026-02-10" })).toMatchObject({
      state: "sent",
      messageId: msg!.id,
    });
  });

  /** A run that sends and then dies before recording it; resolves once the message is in the channel. */
  async function crashAfterSending(): Promise<void> {
    discord.crashAfterSend = true;
    const sent = discord.nextMessage();
    void runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    await sent;
    discord.crashAfterSend = false;
    discord.forgetNonces();
  }
  const restartedDeps = (): DigestDeps => ({
    ...deps,
    stores: sqliteStores(store),
    settings: new DigestSettingsRepo(new SqliteDigestSettingsStore(store.db)),
  });
  const chatter = (n: number) => {
    for (let i = 0; i < n; i++) discord.say(CHAN_A, `message ${i}`);
  };

  it("finds a crashed post behind more than a page of later messages, and does not post again", async () => {
    await crashAfterSending();
    chatter(250);
    const out = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps: restartedDeps() });
    const [msg, ...more] = discord.posts(CHAN_A);
    expect(more).toHaveLength(0);
    expect(out).toMatchObject({ kind: "reconciled", messageId: msg!.id });
  });

  it("looks back to the day's first attempt, past a later attempt that could not check the channel", async () => {
    await crashAfterSending();
    clock = new Date("2026-02-10T07:00:00Z");
    chatter(150);
    discord.failHistory = 10;
    const unchecked = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps: restartedDeps() });
    expect(unchecked).toMatchObject({ kind: "send-failed", error: expect.stringMatching(/could not check the channel for an earlier post: 502/) });
    discord.failHistory = 0;
    clock = new Date("2026-02-10T09:00:00Z");
    chatter(20);
    const out = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps: restartedDeps() });
    const [msg, ...more] = discord.posts(CHAN_A);
    expect(more).toHaveLength(0);
    expect(out).toMatchObject({ kind: "reconciled", messageId: msg!.id });
  });

  it("reads the channel's history no further back than the day's first attempt", async () => {
    clock = new Date("2026-02-09T06:00:00Z");
    chatter(500);
    clock = new Date("2026-02-10T06:00:00Z");
    discord.failSends = 10;
    expect((await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps })).kind).toBe("send-failed");
    discord.failSends = 0;
    const out = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps: restartedDeps() });
    expect(out.kind).toBe("posted");
    expect(discord.historyCalls).toHaveLength(1);
  });

  it("does not post when too many messages came after the first attempt to search them all, and says why", async () => {
    await crashAfterSending();
    chatter(5_050);
    const out = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps: restartedDeps() });
    expect(out).toMatchObject({
      kind: "send-failed",
      error: expect.stringMatching(/could not check the channel for an earlier post: more than 5000 messages since the first attempt/),
    });
    expect(discord.posts(CHAN_A)).toHaveLength(1);
    expect(discord.historyCalls).toHaveLength(50);
  });

  it("retries a send whose reply was lost with the same nonce, so Discord returns the first message", async () => {
    discord.loseReplies = 1;
    const out = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    expect(out.kind).toBe("posted");
    expect(discord.sendCalls.map((c) => c.nonce)).toEqual([digestNonce(CHAN_A, "2026-02-10"), digestNonce(CHAN_A, "2026-02-10")]);
    expect(discord.posts(CHAN_A)).toHaveLength(1);
  });

  it("records a send that keeps failing as failed, and a later run checks the channel before posting", async () => {
    discord.failSends = 10;
    const out = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    expect(out).toMatchObject({ kind: "send-failed", error: expect.stringMatching(/503/) });
    expect((await digestStatus({ guildId: GUILD_A, settings, ledger, now: clock })).lastError).toMatchObject({
      date: "2026-02-10",
      state: "failed",
    });
    discord.failSends = 0;
    const retry = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    expect(retry.kind).toBe("posted");
    expect(discord.posts(CHAN_A)).toHaveLength(1);
    expect((await digestStatus({ guildId: GUILD_A, settings, ledger, now: clock })).lastError).toBeUndefined();
  });

  it("does not retry a post Discord refuses as invalid, and records the day as failed, not posted", async () => {
    discord.rejectPosts = true;
    const outcome = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    expect(outcome).toMatchObject({ kind: "send-failed" });
    expect(sleeps).toEqual([]);
    expect(await ledger.get({ guildId: GUILD_A, channelId: CHAN_A, date: "2026-02-10" })).toMatchObject({ state: "failed" });
    expect((await settings.get(GUILD_A))!.paused).toBe(false);
  });

  it("posts nothing on a weekend and records the day as done", async () => {
    const out = await runDigest({ guildId: GUILD_A, date: "2026-02-07", deps });
    expect(out).toMatchObject({ kind: "nothing-new", newToday: 0 });
    expect(discord.sendCalls).toHaveLength(0);
    expect(await ledger.get({ guildId: GUILD_A, channelId: CHAN_A, date: "2026-02-07" })).toMatchObject({ state: "sent" });
    expect((await runDigest({ guildId: GUILD_A, date: "2026-02-07", deps })).kind).toBe("already-sent");
  });

  it("applies the topic filters and minimum upvotes", async () => {
    await settings.update(GUILD_A, { include: ["agent*", "reasoning"], exclude: ["robot"], minUpvotes: 5, count: 10 });
    const out = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    expect(out.kind).toBe("posted");
    const post = discord.posts(CHAN_A)[0]!.post!;
    const byId = new Map(day("2026-02-10").map((i) => [i.paper.id, i.paper]));
    const expected = [...byId.values()]
      .filter((p) => p.upvotes >= 5)
      .filter((p) => /\b(agent\w*|reasonings?)\b/i.test(`${p.title} ${p.summary}`))
      .filter((p) => !/\brobots?\b/i.test(`${p.title} ${p.summary}`))
      .sort((a, b) => b.upvotes - a.upvotes)
      .slice(0, 10)
      .map((p) => p.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(post.paperIds).toEqual(expected);
    expect(post.content).toMatch(/match: include agent\\\*, reasoning · exclude robot · ≥ 5 upvotes/);
  });

  it("pauses only the server whose channel was deleted; the other still posts", async () => {
    await settings.update(GUILD_B, { channelId: CHAN_B, timezone: "Asia/Tokyo" }, clock);
    discord.gone.add(CHAN_A);
    const a = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    const b = await runDigest({ guildId: GUILD_B, date: "2026-02-10", deps });
    expect(a).toMatchObject({ kind: "paused", reason: expect.stringMatching(/deleted/) });
    expect(b.kind).toBe("posted");
    expect(await settings.get(GUILD_A)).toMatchObject({ paused: true, pausedReason: expect.stringMatching(/deleted/) });
    expect((await settings.get(GUILD_B))?.paused).toBe(false);
    const st = await digestStatus({ guildId: GUILD_A, settings, ledger, now: clock });
    expect(st.nextRun).toBeUndefined();
    expect(statusMessage(st)).toMatch(/\*\*Paused:\*\* The digest channel/);
    expect((await runDigest({ guildId: GUILD_A, date: "2026-02-11", deps })).kind).toBe("skipped");
  });

  it("pauses a server whose channel the bot may not post in, with the reason", async () => {
    discord.noAccess.add(CHAN_A);
    const out = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    expect(out).toMatchObject({ kind: "paused", reason: expect.stringMatching(/permission.*Send Messages/) });
    expect(await ledger.get({ guildId: GUILD_A, channelId: CHAN_A, date: "2026-02-10" })).toMatchObject({
      state: "failed",
      paperIds: [],
    });
    discord.noAccess.clear();
    await settings.resume(GUILD_A, clock);
    expect((await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps })).kind).toBe("posted");
  });

  it("retries an unreachable feed with backoff for hours, then reports the day failed in status", async () => {
    hf.down = 503;
    const out = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    expect(out).toMatchObject({ kind: "feed-failed", error: expect.stringMatching(/unreachable.*HTTP 503/) });
    const outer = sleeps.filter((ms) => ms >= 60_000);
    expect(outer[0]).toBe(60_000);
    expect(outer.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3 * 3_600_000);
    expect(Math.max(...outer)).toBe(30 * 60_000);
    expect(discord.sendCalls).toHaveLength(0);
    const st = await digestStatus({ guildId: GUILD_A, settings, ledger, now: clock });
    expect(st.lastError).toMatchObject({ date: "2026-02-10", state: "failed", error: expect.stringMatching(/503/) });
    expect(statusMessage(st)).toMatch(/\*\*Last error\*\* \(2026-02-10, failed\)/);

    hf.down = undefined;
    expect((await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps, ignorePause: true })).kind).toBe("posted");
  });

  it("takes a feed glitch (an error object, null, renamed fields) for a feed failure, retried and shown in status; the day posts once it recovers", async () => {
    const glitches: FeedGlitch[] = ["error-object", "null", "renamed-fields"];
    for (const [i, kind] of glitches.entries()) {
      const date = `2026-02-1${i}`;
      clock = new Date(`${date}T09:00:05Z`);
      sleeps = [];
      hf.glitch = { kind };
      const out = await runDigest({ guildId: GUILD_A, date, deps });
      expect(out, kind).toMatchObject({ kind: "feed-failed", error: expect.stringMatching(/not a list of papers|none is a paper/) });
      expect(
        sleeps.reduce((a, b) => a + b, 0),
        kind,
      ).toBe(3 * 3_600_000);
      expect(await ledger.get({ guildId: GUILD_A, channelId: CHAN_A, date }), kind).toMatchObject({ state: "failed" });
      const st = await digestStatus({ guildId: GUILD_A, settings, ledger, now: clock });
      expect(statusMessage(st), kind).toMatch(new RegExp(`\\*\\*Last error\\*\\* \\(${date}, failed\\): the Hugging Face feed's answer`));
      expect(statusMessage(st), kind).not.toMatch(/nothing new/);
      expect(discord.sendCalls, kind).toHaveLength(i);

      hf.glitch = undefined;
      expect((await runDigest({ guildId: GUILD_A, date, deps })).kind, kind).toBe("posted");
      expect((await runDigest({ guildId: GUILD_A, date, deps })).kind, kind).toBe("already-sent");
      expect(discord.posts(CHAN_A), kind).toHaveLength(i + 1);
    }
  });

  it("is nothing new only for a well-formed empty list", async () => {
    hf.days.set("2026-02-09", []);
    hf.days.set("2026-02-10", []);
    expect(await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps })).toMatchObject({ kind: "nothing-new", newToday: 0 });
  });

  it("retries a feed the CLI and /digest now wait for in one loop, exactly as long as the CLI help says", async () => {
    const help = await runCli(["digest", "--help"], { PAPERBOT_DB: path.join(tempDir(), "paperbot.db") });
    const stated = /tried (\d+) times, waiting ([^(]+) between tries \((\d+) min of waiting in all\)/.exec(help.stdout.replace(/\s+/g, " "));
    expect(stated, help.stdout).not.toBeNull();
    const [tries, waits, minutes] = [stated![1]!, stated![2]!, stated![3]!];
    const seconds = (w: string) =>
      w.split(" ").reduce((n, part, k, all) => (all[k + 1] === "min" ? n + 60 * Number(part) : all[k + 1] === "s" ? n + Number(part) : n), 0);
    // The CLI's own fetcher and policy; the only wait is the injected one.
    const cli: DigestDeps = { ...deps, fetchDay: sharedDayFetcher(base), feedRetry: INTERACTIVE_FEED_RETRY };
    for (const failure of ["down", "glitch"] as const) {
      sleeps = [];
      hf.requests.length = 0;
      if (failure === "down") hf.down = 503;
      else hf.glitch = { kind: "error-object" };
      const out = await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps: cli });
      expect(out, failure).toMatchObject({ kind: "feed-failed", error: expect.stringMatching(new RegExp(`gave up after ${tries} attempts`)) });
      expect(hf.requests, failure).toHaveLength(Number(tries));
      expect(
        sleeps.reduce((a, b) => a + b, 0),
        failure,
      ).toBe(Number(minutes) * 60_000);
      expect(
        sleeps.map((ms) => ms / 1000),
        failure,
      ).toEqual(waits.split(/, | and /).map(seconds));
      hf.down = undefined;
      hf.glitch = undefined;
    }
    // Once the feed is back, the preview has the day's papers again.
    const preview = await previewDigest({ guildId: GUILD_A, date: "2026-02-10", deps: { ...cli, fetchDay: sharedDayFetcher(base) } });
    expect(preview.selection.date).toBe("2026-02-10");
    expect(preview.post.paperIds).toHaveLength(5);
  });

  it("honours a 429's Retry-After in that one loop", async () => {
    hf.failures.push({ status: 429, headers: { "retry-after": "40" } });
    const cli: DigestDeps = { ...deps, fetchDay: sharedDayFetcher(base), feedRetry: INTERACTIVE_FEED_RETRY };
    expect((await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps: cli })).kind).toBe("posted");
    expect(sleeps).toEqual([40_000]);
  });

  it("does not post a paper this channel already got on an earlier day", async () => {
    const star = { ...day("2026-02-10")[0]!, paper: { ...day("2026-02-10")[0]!.paper, upvotes: 999 } };
    hf.days.set("2026-02-10", [star, ...day("2026-02-10").slice(1)]);
    await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    expect(discord.posts(CHAN_A)[0]!.post!.paperIds[0]).toBe(star.paper.id);

    // The same paper comes back to the feed the next day, still the most upvoted.
    const back = { ...star, paper: { ...star.paper, submittedOnDailyAt: "2026-02-11T00:00:00.000Z" } };
    hf.days.set("2026-02-11", [back, ...day("2026-02-11")]);
    clock = new Date("2026-02-11T11:00:00Z");
    await runDigest({ guildId: GUILD_A, date: "2026-02-11", deps });
    const second = discord.posts(CHAN_A)[1]!.post!;
    expect(second.paperIds).not.toContain(star.paper.id);
    expect(second.paperIds).toEqual(topIds("2026-02-11", 5));
    expect(second.content).toMatch(/1 posted here before/);
  });

  it("posts a paper that entered the feed after today's post in tomorrow's, and never loses it", async () => {
    const late = {
      ...day("2026-02-12")[0]!,
      paper: { ...day("2026-02-12")[0]!.paper, upvotes: 999, submittedOnDailyAt: "2026-02-12T15:30:00.000Z" },
    };
    hf.days.set("2026-02-12", [late, ...day("2026-02-12").slice(1)]);
    clock = new Date("2026-02-12T09:00:01Z");
    await runDigest({ guildId: GUILD_A, date: "2026-02-12", deps });
    expect(discord.posts(CHAN_A)[0]!.post!.paperIds).not.toContain(late.paper.id);

    clock = new Date("2026-02-13T09:00:01Z");
    await runDigest({ guildId: GUILD_A, date: "2026-02-13", deps });
    expect(discord.posts(CHAN_A)[1]!.post!.paperIds[0]).toBe(late.paper.id);
  });

  it("after an early post, the next day's post reaches back to it, so no paper falls in between", async () => {
    const between = {
      ...day("2026-02-12")[0]!,
      paper: { ...day("2026-02-12")[0]!.paper, upvotes: 999, submittedOnDailyAt: "2026-02-12T08:00:00.000Z" },
    };
    hf.days.set("2026-02-12", [between, ...day("2026-02-12").slice(1)]);
    clock = new Date("2026-02-12T07:00:00Z"); // "/digest now", two hours before the 09:00 post
    await runDigest({ guildId: GUILD_A, date: "2026-02-12", deps });
    expect(discord.posts(CHAN_A)[0]!.post!.paperIds).not.toContain(between.paper.id);

    clock = new Date("2026-02-13T09:00:01Z");
    await runDigest({ guildId: GUILD_A, date: "2026-02-13", deps });
    expect(discord.posts(CHAN_A)[1]!.post!.paperIds[0]).toBe(between.paper.id);
  });

  it("adds every fetched paper to the collection, posted or not", async () => {
    await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    for (const item of day("2026-02-10")) {
      const p = store.get(item.paper.id);
      expect(p?.title).toBe(item.paper.title);
      expect(p?.feedDate).toBe("2026-02-10");
    }
  });

  it("uses the model's TL;DR when there is no AI summary, and the abstract when the model fails", async () => {
    let calls = 0;
    const tldr = async (p: { title: string }) => {
      if (calls++ === 0) throw new Error("model down");
      return `TL;DR: ${p.title} in one line.`;
    };
    await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps: { ...deps, tldr } });
    const sources = discord.posts(CHAN_A)[0]!.post!.entries.map((e) => e.tldrSource);
    expect(sources.filter((s) => s === "abstract")).toHaveLength(1);
    expect(sources.filter((s) => s === "model")).toHaveLength(4);
    const modelEntry = discord.posts(CHAN_A)[0]!.post!.entries.find((e) => e.tldrSource === "model")!;
    expect(modelEntry.tldr).not.toMatch(/^TL;DR/);
  });

  it("previews without posting or claiming", async () => {
    const pv = await previewDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    expect(pv.post.paperIds).toEqual(topIds("2026-02-10", 5));
    expect(pv.alreadySent).toBeUndefined();
    expect(discord.sendCalls).toHaveLength(0);
    expect(await ledger.get({ guildId: GUILD_A, channelId: CHAN_A, date: "2026-02-10" })).toBeUndefined();
    await runDigest({ guildId: GUILD_A, date: "2026-02-10", deps });
    expect((await previewDigest({ guildId: GUILD_A, date: "2026-02-10", deps })).alreadySent?.state).toBe("sent");
  });

  it("skips a server with no channel", async () => {
    expect(await runDigest({ guildId: GUILD_B, date: "2026-02-10", deps })).toMatchObject({
      kind: "skipped",
      reason: "not-configured",
    });
  });
});

describe("the digest schedule", () => {
  const scheduler = (run = (g: string, d: string) => runDigest({ guildId: g, date: d, deps })) =>
    new DigestScheduler({ settings, ledger, run, now: () => clock, log: silentLogger });

  it("catches up today's post once after the bot was down across the scheduled time", async () => {
    // Set up at 06:00 for 09:00 UTC; the bot was down from 08:00 to 11:00.
    clock = new Date("2026-02-10T11:00:00Z");
    const s = scheduler();
    const runs = await s.catchUp();
    expect(runs).toMatchObject([{ guildId: GUILD_A, date: "2026-02-10", outcome: { kind: "posted" } }]);
    expect(await s.catchUp()).toEqual([]);
    expect(discord.posts(CHAN_A)).toHaveLength(1);
  });

  it("catches up a day whose run died halfway, posting it once", async () => {
    clock = new Date("2026-02-10T09:00:05Z");
    await ledger.claim({ guildId: GUILD_A, channelId: CHAN_A, date: "2026-02-10" }, "died-mid-run", clock);
    // The process died before sending; a new one starts at 11:00 with its own ledger.
    clock = new Date("2026-02-10T11:00:00Z");
    stores = sqliteStores(store);
    ledger = stores.ledger;
    deps = { ...deps, stores };
    const runs = await scheduler().catchUp();
    expect(runs).toMatchObject([{ guildId: GUILD_A, date: "2026-02-10", outcome: { kind: "posted" } }]);
    expect(discord.posts(CHAN_A)).toHaveLength(1);
    expect(await scheduler().catchUp()).toEqual([]);
  });

  it("does not catch up before today's time, nor older days unless asked to", async () => {
    clock = new Date("2026-02-12T08:00:00Z");
    expect(await scheduler().catchUp()).toEqual([]);

    await settings.update(GUILD_A, { catchUpDays: 3 }, clock);
    const runs = await scheduler().catchUp();
    // Of the three days before: the 9th's 09:00 came before the digest was set up (the 10th, 06:00).
    expect(runs.map((r) => [r.date, r.outcome.kind])).toEqual([
      ["2026-02-10", "posted"],
      ["2026-02-11", "posted"],
    ]);
  });

  it("does not catch up a time that passed before the digest was set up", async () => {
    clock = new Date("2026-02-10T11:00:00Z");
    await settings.update(GUILD_B, { channelId: CHAN_B }, new Date("2026-02-10T10:00:00Z"));
    const runs = await scheduler().catchUp();
    expect(runs.map((r) => r.guildId)).toEqual([GUILD_A]);
  });

  it("gives servers in different timezones their own local dates and next runs", async () => {
    await settings.update(GUILD_A, { timezone: "Asia/Tokyo" }, new Date("2026-02-01T00:00:00Z"));
    await settings.update(GUILD_B, { channelId: CHAN_B, timezone: "America/Los_Angeles" }, new Date("2026-02-01T00:00:00Z"));
    clock = new Date("2026-02-10T23:30:00Z"); // Tokyo: 11 Feb 08:30; Los Angeles: 10 Feb 15:30
    const s = await scheduler().start();
    try {
      expect(s.nextRun(GUILD_A)?.toISOString()).toBe("2026-02-11T00:00:00.000Z");
      expect(s.nextRun(GUILD_B)?.toISOString()).toBe("2026-02-11T17:00:00.000Z");
      const runs = await s.catchUp();
      expect(runs).toMatchObject([{ guildId: GUILD_B, date: "2026-02-10", outcome: { kind: "posted" } }]);

      clock = new Date("2026-02-11T00:00:02Z"); // Tokyo's job fires
      expect(await s.runScheduled(GUILD_A)).toMatchObject({ kind: "posted", date: "2026-02-11", channelId: CHAN_A });
      expect((await digestStatus({ guildId: GUILD_A, settings, ledger, now: clock })).nextRun?.iso).toBe("2026-02-12T00:00:00.000Z");
    } finally {
      s.stop();
    }
  });

  it("schedules and catches up only the servers this shard serves", async () => {
    await settings.update(GUILD_B, { channelId: CHAN_B }, clock);
    clock = new Date("2026-02-10T11:00:00Z");
    const s = await new DigestScheduler({
      settings,
      ledger,
      run: (g, d) => runDigest({ guildId: g, date: d, deps }),
      now: () => clock,
      log: silentLogger,
      serves: (guildId) => guildId === GUILD_B,
    }).start();
    try {
      expect(s.scheduledGuilds()).toEqual([GUILD_B]);
      expect((await s.catchUp()).map((r) => r.guildId)).toEqual([GUILD_B]);
      await s.reload(GUILD_A);
      expect(s.scheduledGuilds()).toEqual([GUILD_B]);
      expect(discord.posts(CHAN_A)).toHaveLength(0);
    } finally {
      s.stop();
    }
  });

  it("unschedules a server whose channel went away; the others keep their jobs", async () => {
    await settings.update(GUILD_B, { channelId: CHAN_B }, clock);
    clock = new Date("2026-02-10T11:00:00Z");
    discord.gone.add(CHAN_B);
    const s = await scheduler().start();
    try {
      expect(s.scheduledGuilds().sort()).toEqual([GUILD_A, GUILD_B]);
      const runs = await s.catchUp();
      expect(runs.map((r) => [r.guildId, r.outcome.kind]).sort()).toEqual([
        [GUILD_A, "posted"],
        [GUILD_B, "paused"],
      ]);
      expect(s.scheduledGuilds()).toEqual([GUILD_A]);
      await settings.update(GUILD_B, { channelId: "300000000000000003" }, clock);
      await settings.resume(GUILD_B, clock);
      await s.reload(GUILD_B);
      expect(s.nextRun(GUILD_B)?.toISOString()).toBe("2026-02-11T09:00:00.000Z");
    } finally {
      s.stop();
    }
  });

  it("queues a server's runs one after another instead of overlapping them", async () => {
    clock = new Date("2026-02-10T11:00:00Z");
    let active = 0;
    let most = 0;
    const s = scheduler(async (g, d) => {
      active++;
      most = Math.max(most, active);
      await new Promise((r) => setImmediate(r));
      active--;
      return runDigest({ guildId: g, date: d, deps });
    });
    const [a, b] = await Promise.all([s.runScheduled(GUILD_A), s.catchUp()]);
    expect(most).toBe(1);
    expect([a?.kind, b[0]?.outcome.kind].sort()).toEqual(["already-sent", "posted"]);
  });

  it("catches up at a restart a day whose feed glitched, posting it once", async () => {
    clock = new Date("2026-02-10T11:00:00Z");
    hf.glitch = { kind: "renamed-fields" };
    expect(await scheduler().catchUp()).toMatchObject([{ date: "2026-02-10", outcome: { kind: "feed-failed" } }]);
    hf.glitch = undefined;
    stores = sqliteStores(store);
    ledger = stores.ledger;
    deps = { ...deps, stores };
    expect(await scheduler().catchUp()).toMatchObject([{ date: "2026-02-10", outcome: { kind: "posted" } }]);
    expect(await scheduler().catchUp()).toEqual([]);
    expect(discord.posts(CHAN_A)).toHaveLength(1);
  });

  /** A scheduler whose retries come after `delays` ms (a busy day's check after `busyMs`), recording every run's outcome. */
  const retrying = (delays: number[], run = (g: string, d: string) => runDigest({ guildId: g, date: d, deps }), busyMs?: number) => {
    const outcomes: DigestOutcome[] = [];
    const s = new DigestScheduler({
      settings,
      ledger,
      run: async (g, d) => {
        const o = await run(g, d);
        outcomes.push(o);
        return o;
      },
      now: () => clock,
      log: silentLogger,
      dayRetryDelaysMs: delays,
      busyRecheckMs: busyMs,
    });
    return { s, outcomes };
  };

  it("looks again at a day another machine's process was posting, and finishes it once that process's lease ran out", async () => {
    clock = new Date("2026-02-10T09:00:05Z");
    // A bot on another machine claimed the day, then died before it posted: nothing renews its lease.
    const other = sqliteStores(store, { owner: "other-host/4026531836:4242:1", clock: () => clock });
    expect(
      (await other.ledger.claim({ guildId: GUILD_A, channelId: CHAN_A, date: "2026-02-10" }, digestNonce(CHAN_A, "2026-02-10"), clock)).kind,
    ).toBe("owned");
    const { s, outcomes } = retrying([5], undefined, 20);
    try {
      expect(await s.runScheduled(GUILD_A)).toMatchObject({ kind: "busy" });
      expect(s.pendingRetry(GUILD_A)).toMatchObject({ date: "2026-02-10", attempt: 0 });
      // Still busy while its lease lasts; looked at again after each wait, without using up the day's retries.
      await vi.waitFor(() => expect(outcomes.length).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
      expect(new Set(outcomes.map((o) => o.kind))).toEqual(new Set(["busy"]));
      expect(discord.posts(CHAN_A)).toHaveLength(0);
      clock = new Date(clock.getTime() + 3 * 60_000);
      await vi.waitFor(() => expect(outcomes.at(-1)?.kind).toBe("posted"), { timeout: 10_000 });
      await vi.waitFor(() => expect(s.pendingRetry(GUILD_A)).toBeUndefined());
      expect(discord.posts(CHAN_A)).toHaveLength(1);
    } finally {
      s.stop();
    }
  });

  it("runs a scheduled day that failed on the feed again later that day, and posts it once the feed is back", async () => {
    clock = new Date("2026-02-10T09:00:05Z");
    hf.glitch = { kind: "null" };
    const { s, outcomes } = retrying([5, 5, 5]);
    try {
      expect(await s.runScheduled(GUILD_A)).toMatchObject({ kind: "feed-failed", date: "2026-02-10" });
      expect(s.pendingRetry(GUILD_A)).toMatchObject({ date: "2026-02-10", attempt: 1 });
      hf.glitch = undefined;
      await vi.waitFor(() => expect(outcomes.map((o) => o.kind)).toEqual(["feed-failed", "posted"]), { timeout: 10_000 });
      await vi.waitFor(() => expect(s.pendingRetry(GUILD_A)).toBeUndefined());
      expect(await s.runScheduled(GUILD_A)).toMatchObject({ kind: "already-sent" });
      expect(discord.posts(CHAN_A)).toHaveLength(1);
    } finally {
      s.stop();
    }
  });

  it("retries a scheduled run that failed unexpectedly (database is locked) without posting twice", async () => {
    clock = new Date("2026-02-10T09:00:05Z");
    let locked = 1;
    const { s, outcomes } = retrying([5], async (g, d) => {
      if (locked-- > 0) throw new Error("database is locked");
      return runDigest({ guildId: g, date: d, deps });
    });
    try {
      expect(await s.runScheduled(GUILD_A)).toMatchObject({ kind: "error", error: "database is locked" });
      await vi.waitFor(() => expect(outcomes.map((o) => o.kind)).toEqual(["posted"]), { timeout: 10_000 });
      expect(discord.posts(CHAN_A)).toHaveLength(1);
    } finally {
      s.stop();
    }
  });

  it("gives up a failing day after its retries, never retries once the next day's run is due, and stop() cancels them", async () => {
    clock = new Date("2026-02-10T09:00:05Z");
    hf.glitch = { kind: "error-object" };
    const bounded = retrying([5, 5]);
    try {
      await bounded.s.runScheduled(GUILD_A);
      await vi.waitFor(() => expect(bounded.outcomes).toHaveLength(3), { timeout: 10_000 });
      await vi.waitFor(() => expect(bounded.s.pendingRetry(GUILD_A)).toBeUndefined());
      expect(bounded.outcomes.map((o) => o.kind)).toEqual(["feed-failed", "feed-failed", "feed-failed"]);
    } finally {
      bounded.s.stop();
    }

    clock = new Date("2026-02-11T08:00:00Z"); // the 10th's run, with the 11th's due at 09:00
    const late = retrying([2 * 3_600_000]);
    expect(await late.s.runScheduled(GUILD_A)).toMatchObject({ kind: "feed-failed", date: "2026-02-10" });
    expect(late.s.pendingRetry(GUILD_A)).toBeUndefined();

    clock = new Date("2026-02-10T09:00:05Z");
    const stopped = retrying([3_600_000]);
    await stopped.s.runScheduled(GUILD_A);
    expect(stopped.s.pendingRetry(GUILD_A)).toMatchObject({ date: "2026-02-10", attempt: 1 });
    stopped.s.stop();
    expect(stopped.s.pendingRetry(GUILD_A)).toBeUndefined();
    expect(discord.sendCalls).toHaveLength(0);
  });

  it("fires a 02:30 Berlin job once on the spring-forward day, at 03:00 local", async () => {
    await settings.update(GUILD_A, { time: "02:30", timezone: "Europe/Berlin" }, clock);
    clock = new Date("2026-03-28T12:00:00Z");
    const s = await scheduler().start();
    try {
      expect(s.nextRun(GUILD_A)?.toISOString()).toBe("2026-03-29T01:00:00.000Z");
      clock = new Date("2026-03-29T01:00:00Z");
      expect(s.nextRun(GUILD_A)?.toISOString()).toBe("2026-03-30T00:30:00.000Z");
    } finally {
      s.stop();
    }
  });
});
