import { sqliteStores } from "../src/store/stores.js";
import { MessageFlags, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIMessage } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { toBibtex } from "../src/answer/bibtex.js";
import { GroupPapers } from "../src/store/sqlite/groupPapers.js";
import type { Paper } from "../src/store/paper.js";
import { commands } from "../commands/index.js";
import { loadConfig } from "../src/config/config.js";
import { silentLogger } from "../src/config/logger.js";
import type { DigestPost } from "../src/digest/digestPost.js";
import { startBot, type RunningBot } from "../src/discord/bot.js";
import { digestButtonRows, rateRows } from "../src/discord/format/voteButtons.js";
import { digestComponents, digestPostProblems } from "../src/discord/digestMessage.js";
import { registerCommands } from "../src/discord/registerCommands.js";
import { FakeDiscord, MANAGER_PERMISSIONS, mentionsNobody, validateMessage, type FakeInteraction } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { type BibEntry, readBibtex } from "./helpers/bibtexReader.js";
import { startTestBot, type TestBot } from "./helpers/bot.js";
import { corpusDir, tempStore } from "./helpers/tmp.js";

let t: TestBot | undefined;
let hf: FakeHuggingFace | undefined;

afterEach(async () => {
  await t?.stop();
  await hf?.stop();
  t = hf = undefined;
});

const DAY = "2026-02-10";

/** The real bot on an empty collection with the feed fake and its clock on DAY; the same shape as startTestBot's. */
async function startDigestBot(): Promise<TestBot> {
  const discord = new FakeDiscord({ token: "test-token", guilds: [{ name: "Paper Lab" }, { name: "Second Lab" }] });
  await discord.start();
  hf = FakeHuggingFace.fromCorpus(corpusDir);
  await hf.start();
  const { store } = tempStore();
  const config = loadConfig({
    DISCORD_TOKEN: "test-token",
    DISCORD_APP_ID: discord.applicationId,
    DISCORD_API_BASE: discord.apiBase,
    HF_API_BASE: hf.url,
  });
  await registerCommands(
    config,
    commands.map((c) => c.data),
  );
  const bot: RunningBot = await startBot(config, sqliteStores(store, { clock: () => new Date(`${DAY}T12:00:00Z`) }), commands, {
    log: silentLogger,
    now: () => new Date(`${DAY}T12:00:00Z`),
    digest: { sleep: async () => undefined, sendRetryDelaysMs: [] },
  });
  await bot.digestCatchUp;
  return {
    discord,
    store,
    bot,
    logs: [],
    async stop() {
      await bot.stop();
      await discord.stop();
    },
  };
}

const isEphemeral = (m: { flags?: number }) => ((m.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
const buttonsOf = (m: APIMessage) => (m.components as APIActionRowComponent<APIButtonComponentWithCustomId>[]).flatMap((r) => r.components);
const customIdOf = (b: APIButtonComponentWithCustomId) => b.custom_id;

/** The ephemeral reply to an interaction, checked to ping nobody. */
async function privateReply(ix: FakeInteraction): Promise<APIMessage> {
  const msg = await ix.reply(15_000);
  expect(isEphemeral(msg), `should be ephemeral: ${msg.content}`).toBe(true);
  // The last write is the one the user sees (a deferral carries no text).
  const write = t!.discord.messageLog.filter((w) => w.messageId === msg.id).at(-1)!;
  expect(mentionsNobody(write.allowedMentions)).toBe(true);
  expect(write.pings).toEqual({ users: [], roles: [], everyone: false });
  return msg;
}

/** The entries of an exported .bib read as BibTeX reads it, checked to leave nothing between entries or given twice. */
function parseBibtex(text: string): BibEntry[] {
  const { entries, skipped } = readBibtex(text);
  expect(skipped).toEqual([]);
  for (const e of entries) expect(e.duplicates, e.key).toEqual([]);
  return entries;
}

describe("⭐ Save on a /paper card", () => {
  it("saves the paper to the server's list once; a second click says who saved it and when", async () => {
    t = await startTestBot();
    // BurstGPT also arrived through the feed, so it has an arXiv id and links.
    const seed = t.store.all().find((p) => p.title.startsWith("BurstGPT"))!;
    t.store.upsert({ arxivId: "2401.17644", title: seed.title, abstract: seed.abstract, authors: ["Yuxin Wang"], source: "hf" });
    const card = await t.discord.sendCommand({ name: "paper", options: { query: "burst gpt" } }).reply();
    const paper = t.store.get("2401.17644")!;
    const [button] = buttonsOf(card);
    expect(customIdOf(button!)).toBe(`save:${paper.id}`);
    expect(button!.label).toBe("⭐ Save");
    expect(t.discord.rejections).toEqual([]);

    const first = await privateReply(t.discord.clickButton({ customId: `save:${paper.id}`, messageId: card.id }));
    expect(first.content).toMatch(/^Saved \*\*BurstGPT.*\*\* to this server's list \(\/saved\)\.$/);

    const bob = t.discord.user({ username: "bob" });
    const again = await privateReply(t.discord.clickButton({ customId: `save:${paper.id}`, messageId: card.id, user: bob.id }));
    const today = new Date().toISOString().slice(0, 10);
    expect(again.content).toMatch(new RegExp(`^Already saved by <@${t.discord.defaultUser.id}> on ${today}: \\*\\*BurstGPT`));

    const list = await privateReply(t.discord.sendCommand({ name: "saved", subcommand: "list" }));
    expect(list.embeds[0]!.title).toBe("Saved papers (1)");
    expect(list.embeds[0]!.description).toMatch(
      new RegExp(
        `^1\\. \\[BurstGPT.*\\]\\(<https://huggingface\\.co/papers/2401\\.17644>\\)\\n   saved by <@${t.discord.defaultUser.id}> on ${today}$`,
      ),
    );
    expect(list.components).toEqual([]);
  });

  it("keeps each server's list apart, and a click in a DM says saving needs a server", async () => {
    t = await startTestBot();
    const card = await t.discord.sendCommand({ name: "paper", options: { query: "burst gpt" } }).reply();
    const customId = customIdOf(buttonsOf(card)[0]!);
    const other = t.discord.addGuild({ name: "Other Lab" });
    const otherChannel = t.discord.addChannel({ name: "general" }, other.id);

    const dm = await privateReply(t.discord.clickButton({ customId, messageId: card.id, dm: true }));
    expect(dm.content).toMatch(/^Saving needs a server/);
    const empty = await privateReply(t.discord.sendCommand({ name: "saved", subcommand: "list" }));
    expect(empty.content).toMatch(/^No papers are saved in this server yet/);

    await privateReply(t.discord.clickButton({ customId, messageId: card.id, channelId: otherChannel.id }));
    expect((await privateReply(t.discord.sendCommand({ name: "saved", subcommand: "list", channelId: otherChannel.id }))).embeds[0]!.title).toBe(
      "Saved papers (1)",
    );
    expect((await privateReply(t.discord.sendCommand({ name: "saved", subcommand: "list" }))).content).toMatch(/^No papers are saved/);
  });
});

describe("⭐ Save on the daily post", () => {
  it("puts a Save button per paper under the post, within Discord's limits, and saves once per server", async () => {
    t = await startDigestBot();
    const lab = t.discord.guild("Paper Lab").id;
    const second = t.discord.guild("Second Lab").id;
    const papers = t.discord.channelId("papers", lab);
    const admin = (subcommand: string, options = {}, guildId = lab) =>
      privateReply(
        t!.discord.sendCommand({
          name: "digest",
          subcommand,
          options,
          permissions: MANAGER_PERMISSIONS,
          channelId: t!.discord.channelId("general", guildId),
        }),
      );
    await admin("channel", { channel: papers });
    await admin("count", { count: 10 });
    expect((await admin("now")).content).toMatch(/^Posted 10 papers/);

    const [post] = t.discord.messages(papers);
    // The fake keeps only messages within Discord's limits (rows, labels, custom ids); one over them is a refusal.
    expect(t.discord.rejections).toEqual([]);
    const rows = post!.components as APIActionRowComponent<APIButtonComponentWithCustomId>[];
    // Ten papers: the ⭐ buttons five to a row, then one button to rate them (three buttons each would pass Discord's 25).
    expect(rows.map((r) => r.components.length)).toEqual([5, 5, 1]);
    expect(rows[2]!.components[0]!.custom_id).toBe("vote-rate:");
    const buttons = rows.slice(0, 2).flatMap((r) => r.components);
    // One button per embed, in the embeds' order, each labelled with the paper's short title.
    expect(buttons.map((b) => b.custom_id)).toEqual(post!.embeds.map((e) => `save:${e.url!.replace("https://huggingface.co/papers/", "")}`));
    for (const [i, b] of buttons.entries()) {
      expect(b.label).toMatch(/^⭐ ./);
      expect(post!.embeds[i]!.title!.replace(/\\(.)/g, "$1").startsWith(b.label!.slice(2).replace(/…$/, ""))).toBe(true);
    }

    const third = buttons[2]!.custom_id;
    const paperId = third.slice("save:".length);
    const saved = await privateReply(t.discord.clickButton({ customId: third, messageId: post!.id }));
    expect(saved.content).toMatch(/^Saved \*\*.+\*\* to this server's list \(\/saved\)\.$/);
    const again = await privateReply(t.discord.clickButton({ customId: third, messageId: post!.id, user: t.discord.user({ username: "bob" }).id }));
    expect(again.content).toMatch(new RegExp(`^Already saved by <@${t.discord.defaultUser.id}> on ${DAY}: `));
    const groups = new GroupPapers(t.store.db);
    expect(groups.list(lab, "save").map((g) => [g.paperId, g.userId])).toEqual([[t.store.get(paperId)!.id, t.discord.defaultUser.id]]);
    expect(groups.count(second, "save")).toBe(0);
    // It is now part of the server's profile, which ranks its next post.
    expect(groups.profileIds(lab)).toContain(t.store.get(paperId)!.id);

    const list = await privateReply(t.discord.sendCommand({ name: "saved", subcommand: "list", channelId: t.discord.channelId("general", lab) }));
    expect(list.embeds[0]!.description).toMatch(new RegExp(`^1\\. \\[.+\\]\\(<https://huggingface\\.co/papers/${paperId.replace(".", "\\.")}>\\)`));
  });

  it("leaves out the buttons of a paper whose id cannot fit a custom id, and never passes five rows however many papers", () => {
    const entry = (paperId: string) => ({ paperId, title: `Paper ${paperId}` });
    const rows = digestButtonRows([entry("2602.10001"), entry("x".repeat(120)), entry("2602.10002")]);
    expect(rows.map((r) => r.components.length)).toEqual([3, 3]);
    expect(validateMessage({ content: "post", components: rows })).toEqual([]);
    const many = digestButtonRows(Array.from({ length: 30 }, (_, i) => entry(`2602.${20000 + i}`)));
    expect(many.map((r) => r.components.length)).toEqual([5, 5, 5, 5, 1]);
    expect(validateMessage({ content: "post", components: many })).toEqual([]);
  });

  it("keeps ten papers with long, markdown-escaped titles within the button limits", () => {
    const title = "\\*\\*Bold\\_Claims\\*\\*: " + "a very long title ".repeat(12);
    const post: DigestPost = {
      date: DAY,
      content: "📰 Daily Papers",
      paperIds: [],
      entries: Array.from({ length: 10 }, (_, i) => ({
        paperId: `2602.${String(10000 + i)}`,
        title: i % 2 ? title : "x".repeat(256),
        url: `https://huggingface.co/papers/2602.${String(10000 + i)}`,
        description: "d",
        arxivUrl: "https://arxiv.org/abs/x",
        authors: "",
        upvotes: 1,
        tldr: "d",
        tldrSource: "abstract",
      })),
    };
    const rows = digestComponents(post);
    expect(rows).toHaveLength(3);
    const labels = rows.flatMap((r) => r.components.map((b) => ("label" in b ? b.label! : "")));
    expect(labels.every((l) => l.length <= 80)).toBe(true);
    expect(labels[1]).toBe("⭐ **Bold_Claims**");
    expect(labels.at(-1)).toBe("👍 👎 Rate these papers");
    // What "Rate these papers" answers with: 👍 Title 👎 for each of the ten, within the limits too.
    const rate = rateRows(post.entries.map((e) => ({ paperId: e.paperId, title: e.title })));
    expect(rate.map((r) => r.components.length)).toEqual([4, 4, 4, 4, 4]);
    expect(validateMessage({ content: "rate", components: rate, flags: 64 })).toEqual([]);
    expect(digestPostProblems(post)).toEqual([]);
    expect(validateMessage({ content: post.content, components: rows, embeds: [] })).toEqual([]);
  });
});

/** Saves the first `n` seed papers in this server, one minute apart (the last saved is the newest). */
function saveSeedPapers(n: number): Paper[] {
  const guildId = t!.discord.guild().id;
  const papers = t!.store.all().slice(0, n);
  const groups = new GroupPapers(t!.store.db);
  papers.forEach((p, i) => groups.add(guildId, p.id, "save", t!.discord.defaultUser.id, new Date(Date.UTC(2026, 1, 10, 9, i))));
  return papers;
}

const listedTitles = (m: APIMessage) =>
  (m.embeds[0]?.description ?? "")
    .split("\n")
    .filter((l) => /^\d+\. /.test(l))
    .map((l) => l.replace(/^\d+\. /, "").replace(/^\[(.*)\]\(<.*>\)$/, "$1"));

describe("/saved", () => {
  it("pages the list newest first, 10 a page, with Previous and Next editing the message", async () => {
    t = await startTestBot();
    const papers = saveSeedPapers(12);
    const newestFirst = [...papers].reverse().map((p) => p.title.replace(/[\\*_~`|[\]<>#]/g, "\\$&"));

    const page1 = await privateReply(t.discord.sendCommand({ name: "saved", subcommand: "list" }));
    expect(page1.embeds[0]!.title).toBe("Saved papers (12)");
    expect(page1.embeds[0]!.footer!.text).toMatch(/^Page 1 of 2/);
    expect(listedTitles(page1)).toEqual(newestFirst.slice(0, 10));
    expect(buttonsOf(page1).map((b) => [b.label, b.disabled])).toEqual([
      ["Previous", true],
      ["Next", false],
    ]);

    const next = t.discord.clickButton({ customId: customIdOf(buttonsOf(page1)[1]!), messageId: page1.id });
    const page2 = await next.reply();
    expect(next.callbackType).toBe(7);
    expect(page2.id).toBe(page1.id);
    expect(page2.embeds[0]!.footer!.text).toMatch(/^Page 2 of 2/);
    expect(listedTitles(page2)).toEqual(newestFirst.slice(10));
    expect(page2.embeds[0]!.description).toMatch(/^11\. /);
    expect(buttonsOf(page2).map((b) => [b.label, b.disabled])).toEqual([
      ["Previous", false],
      ["Next", true],
    ]);

    const back = await t.discord.clickButton({ customId: customIdOf(buttonsOf(page2)[0]!), messageId: page1.id }).reply();
    expect(listedTitles(back)).toEqual(newestFirst.slice(0, 10));
    // Asking for a page past the end shows the last one.
    const last = await privateReply(t.discord.sendCommand({ name: "saved", subcommand: "list", options: { page: 9 } }));
    expect(listedTitles(last)).toEqual(newestFirst.slice(10));
  });

  it("removes a paper chosen from an autocomplete of the server's saved papers", async () => {
    t = await startTestBot();
    const papers = saveSeedPapers(3);
    const choices = await t.discord.sendAutocomplete({ name: "saved", subcommand: "remove", focused: "paper", value: "" }).choices();
    expect(choices.map((c) => c.value)).toEqual([...papers].reverse().map((p) => p.id));
    const typed = await t.discord
      .sendAutocomplete({ name: "saved", subcommand: "remove", focused: "paper", value: papers[1]!.title.slice(0, 12) })
      .choices();
    expect(typed.map((c) => c.value)).toContain(papers[1]!.id);

    const removed = await privateReply(t.discord.sendCommand({ name: "saved", subcommand: "remove", options: { paper: papers[1]!.id } }));
    expect(removed.content).toMatch(/^Removed \*\*.+\*\* from this server's saved list\.$/);
    const list = await privateReply(t.discord.sendCommand({ name: "saved", subcommand: "list" }));
    expect(list.embeds[0]!.title).toBe("Saved papers (2)");
    expect(listedTitles(list)).not.toContain(papers[1]!.title);

    const again = await privateReply(t.discord.sendCommand({ name: "saved", subcommand: "remove", options: { paper: papers[1]!.id } }));
    expect(again.content).toMatch(/not on this server's saved list/);
    // The paper itself stays in the collection.
    expect(t.store.get(papers[1]!.id)).toBeDefined();
  });

  it("exports the list as a BibTeX file whose every entry has a key, title, author, year and (for arXiv papers) eprint", async () => {
    t = await startTestBot();
    const empty = await privateReply(t.discord.sendCommand({ name: "saved", subcommand: "export" }));
    expect(empty.content).toMatch(/^No papers are saved/);
    expect(empty.attachments).toEqual([]);

    // Two arXiv papers whose keys would collide, one with a category and LaTeX specials in its title.
    t.store.upsert({
      arxivId: "2602.01234",
      title: "Scaling 100% of KV_cache & {Attention} for $5",
      abstract: "A paper.",
      authors: ["Ada Lovelace", "Alan Turing"],
      publishedAt: "2026-02-03",
      categories: ["cs.LG", "cs.DC"],
      source: "arxiv",
    });
    t.store.upsert({
      arxivId: "2602.05678",
      title: "Scaling laws again",
      abstract: "Another.",
      authors: ["Ada Lovelace"],
      publishedAt: "2026-02-04",
      source: "hf",
    });
    const guildId = t.discord.guild().id;
    const groups = new GroupPapers(t.store.db);
    groups.add(guildId, t.store.get("2602.01234")!.id, "save", "1", new Date("2026-02-10T10:00:00Z"));
    groups.add(guildId, t.store.get("2602.05678")!.id, "save", "1", new Date("2026-02-10T11:00:00Z"));
    const seeds = saveSeedPapers(3);

    const ix = t.discord.sendCommand({ name: "saved", subcommand: "export" });
    const msg = await privateReply(ix);
    expect(msg.content).toBe("5 saved papers, newest first, as BibTeX.");
    expect(msg.attachments.map((a) => a.filename)).toEqual(["saved-papers.bib"]);
    const upload = t.discord.requestsTo("POST /interactions/:id/:token/callback").find((r) => r.files.length)!;
    const entries = parseBibtex(upload.files[0]!.data.toString("utf8"));

    expect(entries).toHaveLength(5);
    expect(new Set(entries.map((e) => e.key)).size).toBe(5);
    for (const e of entries) {
      expect(e.type).toBe("misc");
      expect(e.key).toMatch(/^[a-z0-9]+$/);
      for (const f of ["title", "author", "year"]) expect(e.fields[f], `${e.key} ${f}`).toBeTruthy();
      expect(e.fields.year).toMatch(/^\d{4}$/);
    }
    const arxiv = entries.filter((e) => e.fields.eprint);
    expect(arxiv.map((e) => e.fields.eprint).sort()).toEqual(["2602.01234", "2602.05678"]);
    expect(arxiv.map((e) => e.key).sort()).toEqual(["lovelace2026scalinga", "lovelace2026scalingb"]);
    const first = arxiv.find((e) => e.fields.eprint === "2602.01234")!;
    expect(first.fields).toMatchObject({
      title: "Scaling 100\\% of KV\\_cache \\& \\textbraceleft{}Attention\\textbraceright{} for \\$5",
      author: "Ada Lovelace and Alan Turing",
      year: "2026",
      archiveprefix: "arXiv",
      primaryclass: "cs.LG",
      url: "https://arxiv.org/abs/2602.01234",
    });
    expect(arxiv.find((e) => e.fields.eprint === "2602.05678")!.fields.primaryclass).toBeUndefined();
    // Seed papers have no arXiv id and still get an entry, newest saved first.
    expect(entries.slice(2).map((e) => e.fields.title)).toEqual([...seeds].reverse().map((p) => toBibtexTitle(p)));
  });
});

const toBibtexTitle = (p: Paper) => parseBibtex(toBibtex([p]))[0]!.fields.title;
