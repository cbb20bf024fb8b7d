import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { MessageFlags, REST } from "discord.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { commands } from "../commands/index.js";
import { loadConfig } from "../src/config/config.js";
import { silentLogger } from "../src/config/logger.js";
import { DigestSettingsRepo } from "../src/digest/digestConfig.js";
import { buildDigestPost, DISCORD_LIMITS } from "../src/digest/digestPost.js";
import { runDigest, type DigestDeps } from "../src/digest/digestRunner.js";
import { sharedDayFetcher } from "../src/digest/fetchDay.js";
import { digestNonce } from "../src/digest/nonce.js";
import { selectPapers } from "../src/digest/selectPapers.js";
import { fetchDailyPapers } from "../src/ingest/hfDailyPapers.js";
import { startBot, type RunningBot } from "../src/discord/bot.js";
import { registerCommands } from "../src/discord/registerCommands.js";
import { RestDigestPoster } from "../src/discord/restDigestPoster.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { SqliteDigestSettingsStore } from "../src/store/sqlite/digestSettings.js";
import { sqliteStores, type Stores } from "../src/store/stores.js";
import {
  FakeDiscord,
  MANAGER_PERMISSIONS,
  MEMBER_PERMISSIONS,
  mentionsNobody,
  Permissions,
  type CommandInput,
  type FakeInteraction,
} from "./fakes/discord.js";
import { FakeArxiv } from "./fakes/arxiv.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { FakeOpenAI } from "./fakes/openai.js";
import { embeddingText } from "../src/retrieval/embeddings.js";
import { pendingEmbeddingsOf } from "../src/store/sqlite/vectors.js";
import { NO_PDF_SERVER } from "./helpers/bot.js";
import { runCli } from "./helpers/runCli.js";
import { paperPdf } from "./helpers/testPdf.js";
import { corpusDir, tempDir, tempStore } from "./helpers/tmp.js";

const DAY = "2026-02-10";
const topIds = (date: string, n: number) =>
  (JSON.parse(fs.readFileSync(path.join(corpusDir, `${date}.json`), "utf8")) as { paper: { id: string; upvotes: number } }[])
    .map((i) => i.paper)
    .sort((a, b) => b.upvotes - a.upvotes)
    .slice(0, n)
    .map((p) => p.id);
const paperIdOf = (url: string | undefined) => url?.replace("https://huggingface.co/papers/", "");
const isEphemeral = (m: { flags?: number }) => ((m.flags ?? 0) & MessageFlags.Ephemeral) !== 0;

interface World {
  discord: FakeDiscord;
  hf: FakeHuggingFace;
  store: PaperStore;
  /** The store's SQLite file (for CLI runs on the same collection). */
  dbFile: string;
  bot?: RunningBot;
  /** The bot's clock (the digest's "now"). */
  clock: Date;
}

let world: World | undefined;
let arxiv: FakeArxiv | undefined;

afterEach(async () => {
  await arxiv?.stop();
  arxiv = undefined;
  if (!world) return;
  await world.bot?.stop();
  await world.discord.stop();
  await world.hf.stop();
  world = undefined;
});

/** Two servers ("Paper Lab" and "Second Lab", each with #general and #papers), the feed fake, an empty collection. */
async function startWorld(): Promise<World> {
  // Only the bot's token is accepted, as on Discord.
  const discord = new FakeDiscord({ token: "test-token", guilds: [{ name: "Paper Lab" }, { name: "Second Lab" }] });
  await discord.start();
  const hf = FakeHuggingFace.fromCorpus(corpusDir);
  await hf.start();
  const { store, file } = tempStore();
  world = { discord, hf, store, dbFile: file, clock: new Date(`${DAY}T12:00:00Z`) };
  return world;
}

/** The real bot (real discord.js client) against the fakes, commands registered, with the world's clock. */
async function startWorldBot(prepare?: (w: World) => void, env: Record<string, string> = {}): Promise<World & { bot: RunningBot }> {
  const w = await startWorld();
  prepare?.(w);
  const config = loadConfig({
    DISCORD_TOKEN: "test-token",
    DISCORD_APP_ID: w.discord.applicationId,
    DISCORD_API_BASE: w.discord.apiBase,
    HF_API_BASE: w.hf.url,
    // The posted papers' PDFs are fetched after each post: never from arxiv.org in a test.
    ARXIV_PDF_BASE: NO_PDF_SERVER,
    ARXIV_PDF_PAUSE_MS: "0",
    ...env,
  });
  await registerCommands(
    config,
    commands.map((c) => c.data),
  );
  // One per process: its ledger's leases run on the bot's clock.
  w.bot = await startBot(config, sqliteStores(w.store, { clock: () => w.clock }), commands, {
    log: silentLogger,
    now: () => w.clock,
    digest: { sleep: async () => undefined, sendRetryDelaysMs: [] },
  });
  await w.bot.digestCatchUp;
  return w as World & { bot: RunningBot };
}

const guildA = (w: World) => w.discord.guild("Paper Lab").id;
const guildB = (w: World) => w.discord.guild("Second Lab").id;
const papersOf = (w: World, guildId: string) => w.discord.channelId("papers", guildId);
const generalOf = (w: World, guildId: string) => w.discord.channelId("general", guildId);

/** `/digest <sub>` from a member with Manage Server in the server's #general. */
function digestCommand(
  w: World,
  guildId: string,
  subcommand: string,
  options: CommandInput["options"] = {},
  permissions = MANAGER_PERMISSIONS,
): FakeInteraction {
  return w.discord.sendCommand({ name: "digest", subcommand, options, permissions, channelId: generalOf(w, guildId) });
}

async function reply(ix: FakeInteraction): Promise<string> {
  const msg = await ix.reply(15_000);
  expect(isEphemeral(msg), `reply to /digest should be ephemeral: ${msg.content}`).toBe(true);
  return msg.content;
}

describe("/digest in a server", () => {
  it("lets an admin set the channel, time and count, and status shows the next run", async () => {
    const w = await startWorldBot();
    const g = guildA(w);
    const papers = papersOf(w, g);
    expect(await reply(digestCommand(w, g, "channel", { channel: papers }))).toMatch(new RegExp(`posted in <#${papers}>`));
    expect(await reply(digestCommand(w, g, "time", { time: "7:30", timezone: "europe/berlin" }))).toMatch(/now 07:30 \(Europe\/Berlin\)/);
    expect(await reply(digestCommand(w, g, "count", { count: 3 }))).toMatch(/up to 3 papers/);

    const status = await reply(digestCommand(w, g, "status"));
    // 12:00 UTC is 13:00 in Berlin, so the next 07:30 there is tomorrow's (06:30 UTC).
    const next = Date.parse("2026-02-11T06:30:00Z") / 1000;
    expect(status).toContain(`<#${papers}> · 3 papers daily at 07:30 (Europe/Berlin)`);
    expect(status).toContain(`**Next post:** <t:${next}:F> (<t:${next}:R>)`);
    expect(status).toContain("**Last post:** none yet");
    expect(w.bot.deps.digest!.scheduler.scheduledGuilds()).toEqual([g]);

    // A wrong value is refused with the reason, and nothing changes.
    expect(await reply(digestCommand(w, g, "time", { time: "25:00" }))).toMatch(/not a time of day/);
    expect(await reply(digestCommand(w, g, "time", { time: "08:00", timezone: "Mars/Olympus" }))).toMatch(/Unknown timezone "Mars\/Olympus"/);
    expect(await w.bot.deps.digest!.settings.get(g)).toMatchObject({ time: "07:30", timezone: "Europe/Berlin", count: 3 });

    // Filters: set, shown, then cleared by giving neither.
    expect(await reply(digestCommand(w, g, "filter", { include: "agent*, reasoning", exclude: "robot" }))).toMatch(
      /\*\*Filters:\*\* include agent\\\*, reasoning · exclude robot/,
    );
    expect(await reply(digestCommand(w, g, "filter"))).toMatch(/cleared[\s\S]*\*\*Filters:\*\* none/);
    expect(await reply(digestCommand(w, g, "min-upvotes", { upvotes: 5 }))).toMatch(/at least 5 upvotes/);

    // Pause and resume: no next run while paused.
    const paused = await reply(digestCommand(w, g, "pause"));
    expect(paused).toMatch(/\*\*Paused:\*\* Paused by alice/);
    expect(paused).not.toMatch(/Next post/);
    expect(w.bot.deps.digest!.scheduler.scheduledGuilds()).toEqual([]);
    expect(await reply(digestCommand(w, g, "resume"))).toContain(`**Next post:** <t:${next}:F>`);
    expect(w.bot.deps.digest!.scheduler.scheduledGuilds()).toEqual([g]);
  });

  it("is registered for Manage Server in servers only, and refuses a member without it at run time", async () => {
    const w = await startWorldBot();
    const registered = w.discord.globalCommands.find((c) => c.name === "digest")!;
    expect(registered.default_member_permissions).toBe("32");
    expect(registered.contexts).toEqual([0]);
    const g = guildA(w);
    const refused = await reply(digestCommand(w, g, "channel", { channel: papersOf(w, g) }, MEMBER_PERMISSIONS));
    expect(refused).toMatch(/Manage Server/);
    expect(await reply(digestCommand(w, g, "now", {}, MEMBER_PERMISSIONS))).toMatch(/Manage Server/);
    expect(await w.bot.deps.digest!.settings.get(g)).toBeUndefined();
    expect(w.discord.messages(papersOf(w, g))).toHaveLength(0);
  });

  it("refuses a channel the bot may not post embeds in, naming what is missing", async () => {
    const w = await startWorldBot((world) => {
      // In the second server, @everyone (and so the bot, which has no other role) may not embed links.
      const everyone = world.discord.guild("Second Lab").roles[0]!;
      everyone.permissions = (BigInt(everyone.permissions) & ~Permissions.EmbedLinks).toString();
    });
    const b = guildB(w);
    expect(await reply(digestCommand(w, b, "channel", { channel: papersOf(w, b) }))).toMatch(
      /^I can't post the digest in <#\d+>: I am missing Embed Links there\./,
    );
    expect(await w.bot.deps.digest!.settings.get(b)).toBeUndefined();
    // The first server is unaffected.
    const a = guildA(w);
    expect(await reply(digestCommand(w, a, "channel", { channel: papersOf(w, a) }))).toMatch(/will be posted in/);
  });

  it("/digest now posts the day's top N by upvotes once, mentioning nobody and within Discord's limits", async () => {
    const w = await startWorldBot();
    const g = guildA(w);
    const papers = papersOf(w, g);
    await reply(digestCommand(w, g, "channel", { channel: papers }));
    await reply(digestCommand(w, g, "count", { count: 3 }));

    const first = await reply(digestCommand(w, g, "now"));
    const [msg, ...more] = w.discord.messages(papers);
    expect(more).toHaveLength(0);
    expect(first).toBe(`Posted 3 papers for ${DAY} in <#${papers}>: https://discord.com/channels/${g}/${papers}/${msg!.id}`);
    expect(msg!.author.id).toBe(w.discord.botUser.id);
    expect(isEphemeral(msg!)).toBe(false);
    expect(msg!.content).toMatch(new RegExp(`^📰 Daily Papers — ${DAY} · 3 of \\d+ new papers`));
    expect(msg!.embeds.map((e) => paperIdOf(e.url))).toEqual(topIds(DAY, 3));

    const write = w.discord.messageLog.find((m) => m.messageId === msg!.id)!;
    expect(write.allowedMentions).toEqual({ parse: [] });
    expect(mentionsNobody(write.allowedMentions)).toBe(true);
    expect(write.pings).toEqual({ users: [], roles: [], everyone: false });
    expect(write.body).toMatchObject({ nonce: digestNonce(papers, DAY), enforce_nonce: true });
    // The fake keeps only messages within Discord's limits; one over them shows up as a refusal.
    expect(w.discord.rejections).toEqual([]);

    const second = await reply(digestCommand(w, g, "now"));
    expect(second).toMatch(new RegExp(`^Already posted the digest for ${DAY} in <#${papers}>: .*/${msg!.id}\\n`));
    expect(w.discord.messages(papers)).toHaveLength(1);
    expect(w.discord.requestsTo("POST /channels/:channel/messages")).toHaveLength(1);

    // Every fetched paper went into the collection, and status links the post.
    expect(w.store.byFeedDate(DAY).length).toBeGreaterThan(3);
    expect(await reply(digestCommand(w, g, "status"))).toContain(
      `**Last post:** ${DAY}, 3 papers: https://discord.com/channels/${g}/${papers}/${msg!.id}`,
    );
    // Nothing the bot wrote anywhere could ping (a deferral carries no text).
    const written = w.discord.messageLog.filter((m) => m.via !== "interaction-defer");
    expect(written.filter((m) => !mentionsNobody(m.allowedMentions)).map((m) => [m.via, m.message.content])).toEqual([]);
  });

  it("fetches the full texts of the posted papers after the post, which does not wait for them", async () => {
    arxiv = new FakeArxiv();
    await arxiv.start();
    const pdf = await paperPdf({
      title: "A Posted Paper",
      authors: ["Ada Example"],
      abstract: "What the post's papers hold, read after the post.",
      paragraphs: [
        "Its body says what the abstract does not: the hardware it ran on, the baselines it beat and by how much, and the limits its authors admit.",
      ],
    });
    for (const id of topIds(DAY, 3)) arxiv.pdfs.set(id, pdf);
    let release = () => {};
    arxiv.holdPdfs = new Promise((resolve) => (release = resolve));
    const w = await startWorldBot(undefined, { ARXIV_PDF_BASE: arxiv.url });
    const g = guildA(w);
    await reply(digestCommand(w, g, "channel", { channel: papersOf(w, g) }));
    await reply(digestCommand(w, g, "count", { count: 3 }));
    // arXiv holds every PDF: the post is made and reported all the same.
    expect(await reply(digestCommand(w, g, "now"))).toMatch(/^Posted 3 papers/);
    expect(w.discord.messages(papersOf(w, g))).toHaveLength(1);
    const reader = w.bot.deps.engine.fullText!;
    expect(await Promise.all(topIds(DAY, 3).map((id) => reader.texts.status(id)))).toEqual([undefined, undefined, undefined]);
    release();
    await reader.idle();
    // One at a time, in the post's order.
    expect(arxiv.requests.filter((r) => r.path.startsWith("/pdf/")).map((r) => r.path.slice(5))).toEqual(topIds(DAY, 3));
    for (const id of topIds(DAY, 3)) expect(await reader.texts.status(id), id).toMatchObject({ status: "read", source: "arxiv", pages: 1 });
  });

  it("takes a feed glitch for a feed failure that /digest status shows; once the feed is back, /digest now or the CLI digest posts the day once", async () => {
    const w = await startWorldBot();
    const [a, b] = [guildA(w), guildB(w)];
    for (const g of [a, b]) await reply(digestCommand(w, g, "channel", { channel: papersOf(w, g) }));

    w.hf.glitch = { kind: "error-object" };
    for (const g of [a, b]) {
      expect(await reply(digestCommand(w, g, "now"))).toMatch(
        new RegExp(`^Could not fetch the Hugging Face feed for ${DAY}: .*not a list of papers`),
      );
      const status = await reply(digestCommand(w, g, "status"));
      expect(status).toMatch(
        new RegExp(`\\*\\*Last error\\*\\* \\(${DAY}, failed\\): the Hugging Face feed's answer for \\d{4}-\\d\\d-\\d\\d is not a list of papers`),
      );
      expect(status).not.toMatch(/nothing new/);
    }
    w.hf.glitch = { kind: "renamed-fields" };
    expect(await reply(digestCommand(w, a, "now"))).toMatch(/none is a paper/);
    expect(w.discord.requestsTo("POST /channels/:channel/messages")).toHaveLength(0);

    w.hf.glitch = undefined;
    // Server A recovers through /digest now, server B through the command line on the same database.
    expect(await reply(digestCommand(w, a, "now"))).toMatch(new RegExp(`^Posted 5 papers for ${DAY}`));
    const cli = await runCli(["digest", "--date", DAY, "--guild", b, "--channel", papersOf(w, b)], {
      PAPERBOT_DB: w.store.db.name,
      HF_API_BASE: w.hf.url,
      DISCORD_TOKEN: "test-token",
      DISCORD_APP_ID: w.discord.applicationId,
      DISCORD_API_BASE: w.discord.apiBase,
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(new RegExp(`^posted 5 papers for ${DAY} to channel ${papersOf(w, b)}`));
    for (const g of [a, b]) {
      expect(await reply(digestCommand(w, g, "now"))).toMatch(new RegExp(`^Already posted the digest for ${DAY}`));
      const status = await reply(digestCommand(w, g, "status"));
      expect(status).toContain(`**Last post:** ${DAY}, 5 papers`);
      expect(status).not.toMatch(/Last error/);
      expect(w.discord.messages(papersOf(w, g))).toHaveLength(1);
    }
    expect(w.discord.requestsTo("POST /channels/:channel/messages")).toHaveLength(2);
  });

  it("gives every paper the day's post brings in a vector at once, with an embedding model", async () => {
    const embedder = new FakeOpenAI();
    await embedder.start();
    try {
      const w = await startWorldBot(undefined, { OPENAI_BASE_URL: embedder.url, OPENAI_EMBEDDING_MODEL: "fake-embed" });
      const g = guildA(w);
      await reply(digestCommand(w, g, "channel", { channel: papersOf(w, g) }));
      expect(await reply(digestCommand(w, g, "now"))).toMatch(/^Posted /);
      const day = w.store.byFeedDate(DAY);
      expect(day.length).toBeGreaterThan(10);
      expect(
        pendingEmbeddingsOf(
          w.store.db,
          "fake-embed",
          day.map((p) => p.id),
        ),
      ).toEqual([]);
      expect(embedder.embedded).toEqual(expect.arrayContaining(day.map(embeddingText)));
    } finally {
      await embedder.stop();
    }
  });

  it("a paper saved with ⭐ on a /paper card moves a related paper into that server's next post, not into another's", async () => {
    const w = await startWorldBot();
    const [a, b] = [guildA(w), guildB(w)];
    for (const g of [a, b]) await reply(digestCommand(w, g, "channel", { channel: papersOf(w, g) }));
    const previewIds = async (g: string) => (await digestCommand(w, g, "preview").reply(15_000)).embeds.map((e) => paperIdOf(e.url));
    // "SoulX-Singer" (2602.07803): 4 upvotes that day, nowhere near the top 5 by votes.
    const singer = "2602.07803";
    expect(await previewIds(a)).not.toContain(singer);
    const saved = w.store.upsert({
      arxivId: "2601.99901",
      title: "Zero-Shot Singing Voice Synthesis with Lyrics and Melody Control",
      abstract:
        "We synthesise a singing voice for unseen singers from lyrics and a melody score, with zero-shot timbre transfer from a short reference recording.",
      authors: ["Grace Hopper"],
      source: "arxiv",
    }).id;
    const card = await w.discord.sendCommand({ name: "paper", options: { query: "2601.99901" }, channelId: generalOf(w, a) }).reply();
    const click = await w.discord.clickButton({ customId: `save:${saved}`, messageId: card.id }).reply();
    expect(click.content).toMatch(/^Saved \*\*Zero-Shot Singing/);
    expect(await previewIds(a)).toContain(singer);
    expect(await previewIds(b)).not.toContain(singer);
  });

  it("serves Prometheus metrics and a health check on loopback while it runs", async () => {
    const w = await startWorldBot(undefined, { PAPERBOT_METRICS_PORT: "0" });
    const url = w.bot.metricsUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const scrape = async () => {
      const res = await fetch(`${url}/metrics`);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      return res.text();
    };
    const value = (text: string, series: string) => {
      const line = text.split("\n").find((l) => l.startsWith(`${series} `));
      return line ? Number(line.slice(series.length + 1)) : 0;
    };
    const before = await scrape();
    const papersBefore = w.store.count();
    const g = guildA(w);
    await reply(digestCommand(w, g, "channel", { channel: papersOf(w, g) }));
    expect(await reply(digestCommand(w, g, "now"))).toMatch(/^Posted /);
    const ask = w.discord.sendCommand({ name: "ask", options: { question: "Which papers reduce KV cache memory in LLM serving?" } });
    await ask.waitFor((i) => [i.original, ...i.followUps].some((m) => m?.content.includes("**Sources**")));
    const refused = await w.discord.sendCommand({ name: "search", options: { query: "serving", assist: true } }).reply();
    expect(refused.content).toMatch(/needs a language model/);

    const after = await scrape();
    const delta = (series: string) => value(after, series) - value(before, series);
    expect(delta('paperbot_digest_runs_total{outcome="posted",app="paperbot"}')).toBe(1);
    expect(delta('paperbot_papers_added_total{app="paperbot"}')).toBe(w.store.count() - papersBefore);
    expect(w.store.count()).toBeGreaterThan(papersBefore);
    expect(delta('paperbot_answers_total{mode="offline",app="paperbot"}')).toBe(1);
    expect(delta('paperbot_ask_reply_seconds_count{app="paperbot"}')).toBe(1);
    expect(delta('paperbot_ask_acknowledge_seconds_count{app="paperbot"}')).toBe(1);
    expect(delta('paperbot_user_errors_total{kind="user",app="paperbot"}')).toBe(1); // assist without a model
    expect(value(after, 'paperbot_gateway_connected{app="paperbot"}')).toBe(1);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    await w.bot.stop();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it("/digest preview shows only the caller what would be posted, and posts nothing", async () => {
    const w = await startWorldBot();
    const g = guildA(w);
    const papers = papersOf(w, g);
    await reply(digestCommand(w, g, "channel", { channel: papers }));
    const ix = digestCommand(w, g, "preview");
    const msg = await ix.reply(15_000);
    expect(isEphemeral(msg)).toBe(true);
    expect(msg.content).toMatch(
      new RegExp(`^-# Preview: nothing was posted\\. \`/digest now\` would post this in <#${papers}>\\.\\n📰 Daily Papers — ${DAY}`),
    );
    expect(msg.embeds.map((e) => paperIdOf(e.url))).toEqual(topIds(DAY, 5));
    expect(w.discord.messages(papers)).toHaveLength(0);
    expect(w.discord.messages(generalOf(w, g)).map((m) => m.id)).not.toContain(msg.id);
    expect(await w.bot.deps.digest!.ledger.lastRun(g)).toBeUndefined();
  });

  it("pauses only the server whose channel was deleted; the other server still posts", async () => {
    const w = await startWorldBot();
    const [a, b] = [guildA(w), guildB(w)];
    await reply(digestCommand(w, a, "channel", { channel: papersOf(w, a) }));
    await reply(digestCommand(w, b, "channel", { channel: papersOf(w, b) }));
    // Deleted while the bot was not watching: the post itself finds out.
    w.discord.deleteChannel(papersOf(w, a), { dispatch: false });

    expect(await reply(digestCommand(w, a, "now"))).toMatch(/^Could not post in <#\d+>: The digest channel \(\d+\) was deleted[\s\S]*paused/);
    expect(await reply(digestCommand(w, b, "now"))).toMatch(/^Posted 5 papers/);
    expect(w.discord.messages(papersOf(w, b))).toHaveLength(1);

    const digest = w.bot.deps.digest!;
    expect(await digest.settings.get(a)).toMatchObject({ paused: true, pausedReason: expect.stringMatching(/was deleted/) });
    expect((await digest.settings.get(b))?.paused).toBe(false);
    expect(digest.scheduler.scheduledGuilds()).toEqual([b]);
    const status = await reply(digestCommand(w, a, "status"));
    expect(status).toMatch(/\*\*Paused:\*\* The digest channel \(\d+\) was deleted/);
    expect(status).not.toMatch(/Next post/);

    // Deleting B's channel while the bot watches pauses B at once (no post needed).
    w.discord.deleteChannel(papersOf(w, b));
    await vi.waitFor(async () => expect((await digest.settings.get(b))?.paused).toBe(true), { timeout: 5000 });
    await vi.waitFor(() => expect(digest.scheduler.scheduledGuilds()).toEqual([]), { timeout: 5000 });
  });

  it("forgets a server's digest when the bot is removed from it", async () => {
    const w = await startWorldBot();
    const [a, b] = [guildA(w), guildB(w)];
    await reply(digestCommand(w, a, "channel", { channel: papersOf(w, a) }));
    await reply(digestCommand(w, b, "channel", { channel: papersOf(w, b) }));
    w.discord.dispatch("GUILD_DELETE", { id: b });
    const digest = w.bot.deps.digest!;
    await vi.waitFor(async () => expect(await digest.settings.get(b)).toBeUndefined(), { timeout: 5000 });
    expect((await digest.settings.get(a))?.channelId).toBe(papersOf(w, a));
    await vi.waitFor(() => expect(digest.scheduler.scheduledGuilds()).toEqual([a]), { timeout: 5000 });
  });

  it("autocompletes timezones with at most 25 IANA names", async () => {
    const w = await startWorldBot();
    const g = guildA(w);
    const ask = async (value: string) =>
      (
        await w.discord
          .sendAutocomplete({
            name: "digest",
            subcommand: "time",
            focused: "timezone",
            value,
            options: { time: "09:00" },
            channelId: generalOf(w, g),
            permissions: MANAGER_PERMISSIONS,
          })
          .choices()
      ).map((c) => c.value as string);
    const america = await ask("america");
    // There are far more America/ zones than Discord shows choices, so the list is cut at its 25.
    expect(america).toHaveLength(25);
    for (const zone of america) expect(() => new Intl.DateTimeFormat("en-US", { timeZone: zone })).not.toThrow();
    expect(america.every((z) => z.startsWith("America/"))).toBe(true);
    expect(await ask("new york")).toContain("America/New_York");
    const common = await ask("");
    expect(common).toContain("UTC");
    expect(new Set(common).size).toBe(common.length);
    for (const zone of common) expect(() => new Intl.DateTimeFormat("en-US", { timeZone: zone })).not.toThrow();
  });
});

describe("RestDigestPoster against the Discord fake (REST only, no gateway)", () => {
  async function setup() {
    const w = await startWorld();
    const rest = new REST({ api: w.discord.apiBase, retries: 0 }).setToken("test-token");
    const poster = new RestDigestPoster(rest, w.discord.botUser.id);
    const channel = papersOf(w, guildA(w));
    const day = await fetchDailyPapers(w.hf.url, DAY);
    const filter = { include: [], exclude: [], minUpvotes: 0 };
    const post = await buildDigestPost({ selection: selectPapers(day.items, { date: DAY, count: 5, ...filter }), filter });
    const settings = new DigestSettingsRepo(new SqliteDigestSettingsStore(w.store.db));
    await settings.update(guildA(w), { channelId: channel }, w.clock);
    // One `Stores` is one process (its ledger knows the claims it is working on); a new one is a restarted process.
    const deps = (stores: Stores = sqliteStores(w.store)): DigestDeps => ({
      stores,
      settings,
      fetchDay: sharedDayFetcher(w.hf.url),
      poster,
      log: silentLogger,
      sleep: async () => undefined,
      sendRetryDelaysMs: [],
      now: () => w.clock,
    });
    return { w, poster, channel, post, deps, nonce: digestNonce(channel, DAY) };
  }

  it("sends one message when the same nonce is sent twice", async () => {
    const { w, poster, channel, post, nonce } = await setup();
    const first = await poster.send(channel, post, nonce);
    const second = await poster.send(channel, post, nonce);
    expect(second.messageId).toBe(first.messageId);
    expect(w.discord.messages(channel)).toHaveLength(1);
    expect(w.discord.nonceReplays).toHaveLength(1);
    const msg = w.discord.messages(channel)[0]!;
    expect(msg.embeds.map((e) => paperIdOf(e.url))).toEqual(post.paperIds);
    expect(msg.embeds[0]).toMatchObject({ title: post.entries[0]!.title, description: post.entries[0]!.description });
    const recent = await poster.recentMessages(channel, 100);
    expect(recent).toEqual([{ id: first.messageId, nonce, content: post.content, authorIsMe: true, sentAt: new Date(msg.timestamp) }]);
  });

  it("does not post twice after a crash between sending and marking, within or after the nonce window", async () => {
    const { w, poster, channel, post, deps, nonce } = await setup();
    // Sent, then the process died before the ledger heard of it: the retry's nonce returns the first message.
    const sent = await poster.send(channel, post, nonce);
    const again = await runDigest({ guildId: guildA(w), date: DAY, deps: deps() });
    expect(again).toMatchObject({ kind: "posted", messageId: sent.messageId });
    expect(w.discord.messages(channel)).toHaveLength(1);

    // Claimed and sent the next day, then a crash; the bot comes back after Discord forgot the nonce.
    const next = "2026-02-11";
    const nextNonce = digestNonce(channel, next);
    await deps().stores.ledger.claim({ guildId: guildA(w), channelId: channel, date: next }, nextNonce, w.clock);
    const nextPost = { ...post, date: next, content: `📰 Daily Papers — ${next} · earlier attempt` };
    const lost = await poster.send(channel, nextPost, nextNonce);
    w.discord.advanceClock(10 * 60_000);
    w.discord.seedMessage(channel, { content: "good morning" });
    const restarted = await runDigest({ guildId: guildA(w), date: next, deps: deps(sqliteStores(w.store)) });
    expect(restarted).toMatchObject({ kind: "reconciled", messageId: lost.messageId });
    expect(w.discord.messages(channel).filter((m) => m.author.id === w.discord.botUser.id)).toHaveLength(2);
  });

  it("maps Discord's channel errors: deleted is ChannelGoneError, forbidden is MissingAccessError", async () => {
    const { w, poster, post, nonce } = await setup();
    const general = generalOf(w, guildA(w));
    const papers = papersOf(w, guildA(w));
    w.discord.deleteChannel(general, { dispatch: false });
    w.discord.forbidChannel(papers);
    await expect(poster.send(general, post, nonce)).rejects.toMatchObject({ name: "ChannelGoneError", channelId: general });
    await expect(poster.recentMessages(general, 10)).rejects.toMatchObject({ name: "ChannelGoneError" });
    await expect(poster.send(papers, post, nonce)).rejects.toMatchObject({ name: "MissingAccessError", channelId: papers });
    await expect(poster.recentMessages(papers, 10)).rejects.toMatchObject({ name: "MissingAccessError" });
    // A server error is transient: rethrown as it is.
    w.discord.restoreChannel(papers);
    w.discord.failNext({ status: 500 });
    await expect(poster.send(papers, post, nonce)).rejects.not.toMatchObject({ name: expect.stringMatching(/ChannelGone|MissingAccess/) });
  });

  it("refuses to send a post that does not fit in one message", async () => {
    const { w, poster, channel, post, nonce } = await setup();
    const tooLong = { ...post, content: "x".repeat(DISCORD_LIMITS.content + 1) };
    await expect(poster.send(channel, tooLong, nonce)).rejects.toThrow(/does not fit.*content is 2001 characters/);
    expect(w.discord.requestsTo("POST /channels/:channel/messages")).toHaveLength(0);
  });
});

describe("paperbot digest (command line)", () => {
  it("--dry-run --json prints the day's papers, most upvoted first, and posts nothing", async () => {
    const w = await startWorld();
    const env = { PAPERBOT_DB: path.join(tempDir(), "paperbot.db"), HF_API_BASE: w.hf.url };
    const r = await runCli(["digest", "--date", DAY, "--dry-run", "--json", "--rank", "trending"], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { date: string; guildId: string; papers: { id: string; title: string; upvotes: number }[] };
    expect(out.date).toBe(DAY);
    expect(out.guildId).toBe("cli");
    expect(out.papers.map((p) => p.id)).toEqual(topIds(DAY, 5));
    expect(out.papers.map((p) => p.upvotes)).toEqual([...out.papers.map((p) => p.upvotes)].sort((a, b) => b - a));
    expect(out.papers[0]!.title.length).toBeGreaterThan(0);
    const text = await runCli(["digest", "--date", DAY, "--dry-run", "--rank", "trending"], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Digest for 2026-02-10 \(server cli: up to 5 papers, filters: none\): 5 of \d+ new papers\n 1\. ▲/);
    expect(text.stdout).toMatch(/Dry run: nothing was posted\.$/m);
  });

  it("--channel posts once through the REST API; a second run posts nothing", async () => {
    const w = await startWorld();
    const channel = papersOf(w, guildA(w));
    const env = {
      PAPERBOT_DB: path.join(tempDir(), "paperbot.db"),
      HF_API_BASE: w.hf.url,
      DISCORD_TOKEN: "test-token",
      DISCORD_APP_ID: w.discord.applicationId,
      DISCORD_API_BASE: w.discord.apiBase,
    };
    const first = await runCli(["digest", "--date", DAY, "--channel", channel, "--rank", "trending"], env);
    expect(first.code, first.stderr).toBe(0);
    const [msg, ...more] = w.discord.messages(channel);
    expect(more).toHaveLength(0);
    expect(first.stdout.trim()).toBe(`posted 5 papers for ${DAY} to channel ${channel} (message ${msg!.id})`);
    expect(msg!.embeds.map((e) => paperIdOf(e.url))).toEqual(topIds(DAY, 5));
    expect(w.discord.messageLog[0]!.allowedMentions).toEqual({ parse: [] });
    expect(w.discord.gatewayConnections).toHaveLength(0);

    const second = await runCli(["digest", "--date", DAY, "--channel", channel], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.trim()).toBe(`already posted for ${DAY} in channel ${channel} (message ${msg!.id}); nothing sent`);
    expect(w.discord.messages(channel)).toHaveLength(1);
    expect(w.discord.requestsTo("POST /channels/:channel/messages")).toHaveLength(1);
  });

  it("exits 2 on bad usage and missing credentials, 1 when the channel is gone", async () => {
    const w = await startWorld();
    const env = { PAPERBOT_DB: path.join(tempDir(), "paperbot.db"), HF_API_BASE: w.hf.url };
    for (const args of [
      ["digest", "--date", DAY],
      ["digest", "--date", "2026-02-31x", "--dry-run"],
      ["digest", "--channel", "general"],
      ["digest", "--date", DAY, "--channel", "123456789012345678"],
    ]) {
      const r = await runCli(args, env);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    const channel = papersOf(w, guildA(w));
    w.discord.deleteChannel(channel, { dispatch: false });
    const gone = await runCli(["digest", "--date", DAY, "--channel", channel], {
      ...env,
      DISCORD_TOKEN: "test-token",
      DISCORD_APP_ID: w.discord.applicationId,
      DISCORD_API_BASE: w.discord.apiBase,
    });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/cannot post in channel \d+: The digest channel \(\d+\) was deleted/);
  });

  /** A `paperbot digest` process mid-post: Discord creates its message but withholds the reply. */
  async function digestMidPost() {
    const w = await startWorld();
    const channel = papersOf(w, guildA(w));
    const env = {
      PAPERBOT_DB: w.dbFile,
      HF_API_BASE: w.hf.url,
      DISCORD_TOKEN: "test-token",
      DISCORD_APP_ID: w.discord.applicationId,
      DISCORD_API_BASE: w.discord.apiBase,
    };
    w.discord.withholdReply((r) => r.method === "POST" && r.path === `/channels/${channel}/messages`);
    const child = spawn(process.execPath, [path.resolve(import.meta.dirname, "../bin/paperbot.js"), "digest", "--date", DAY, "--channel", channel], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    });
    const killed = new Promise((resolve) => child.on("close", (_code, signal) => resolve(signal)));
    return { w, channel, env, child, killed };
  }

  it("after a crash between sending and recording, a rerun finds the post behind 150 later messages and posts nothing", async () => {
    const { w, channel, env, child, killed } = await digestMidPost();
    // Discord creates the post; the process is killed before the reply reaches it.
    const lost = await w.discord.waitFor(() => w.discord.messages(channel)[0], 20_000, "the digest post");
    child.kill("SIGKILL");
    expect(await killed).toBe("SIGKILL");

    // Long enough for Discord to forget the nonce, and a busy channel meanwhile.
    w.discord.advanceClock(10 * 60_000);
    for (let i = 0; i < 150; i++) w.discord.seedMessage(channel, { content: `chatter ${i}` });
    const rerun = await runCli(["digest", "--date", DAY, "--channel", channel], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout.trim()).toBe(`an earlier attempt had already posted ${DAY} to channel ${channel} (message ${lost.id}); nothing sent`);
    expect(w.discord.messages(channel).filter((m) => m.author.id === w.discord.botUser.id)).toHaveLength(1);
    expect(w.discord.requestsTo("POST /channels/:channel/messages")).toHaveLength(1);
  });

  it("leaves a claim held by another live process alone (its lease), and finishes the day once that process is gone", async () => {
    const { w, channel, env, child, killed } = await digestMidPost();
    const first = await w.discord.waitFor(() => w.discord.messages(channel)[0], 20_000, "the digest post");

    // Another process (this one) meanwhile: the claim is live, so it neither posts nor takes the day over.
    const meanwhile = await runCli(["digest", "--date", DAY, "--channel", channel], env);
    expect(meanwhile.code).toBe(1);
    expect(meanwhile.stderr.trim()).toBe(`paperbot: another run is posting ${DAY} to channel ${channel} right now`);
    expect(w.discord.requestsTo("POST /channels/:channel/messages")).toHaveLength(1);

    child.kill("SIGKILL");
    expect(await killed).toBe("SIGKILL");
    const after = await runCli(["digest", "--date", DAY, "--channel", channel], env);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout.trim()).toBe(`an earlier attempt had already posted ${DAY} to channel ${channel} (message ${first.id}); nothing sent`);
    expect(w.discord.messages(channel)).toHaveLength(1);
  });

  it("stops at once when Discord rejects the bot token (401), says so, and a run with a good token posts the day", async () => {
    const w = await startWorldBot();
    const g = guildA(w);
    const channel = papersOf(w, g);
    const env = { PAPERBOT_DB: w.dbFile, HF_API_BASE: w.hf.url, DISCORD_APP_ID: w.discord.applicationId, DISCORD_API_BASE: w.discord.apiBase };
    const posts = () => w.discord.requestsTo("POST /channels/:channel/messages");

    const revoked = await runCli(["digest", "--date", DAY, "--channel", channel, "--guild", g], { ...env, DISCORD_TOKEN: "revoked-token" });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr.trim().split("\n").at(-1)).toBe("paperbot: could not post: the bot token was rejected (HTTP 401)");
    expect(posts().map((r) => r.status)).toEqual([401]);
    expect(await reply(digestCommand(w, g, "status"))).toContain(
      `**Last error** (${DAY}, failed): could not post: the bot token was rejected (HTTP 401)`,
    );

    // Nothing went out, so the day and its papers are still to post.
    const good = await runCli(["digest", "--date", DAY, "--channel", channel, "--guild", g, "--rank", "trending"], {
      ...env,
      DISCORD_TOKEN: "test-token",
    });
    expect(good.code, good.stderr).toBe(0);
    const [msg, ...more] = w.discord.messages(channel);
    expect(more).toHaveLength(0);
    expect(good.stdout.trim()).toBe(`posted 5 papers for ${DAY} to channel ${channel} (message ${msg!.id})`);
    expect(msg!.embeds.map((e) => paperIdOf(e.url))).toEqual(topIds(DAY, 5));
  });
});
