import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import type { APIMessage } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { GroupPapers } from "../src/store/sqlite/groupPapers.js";
import { FakeArxiv, type ArxivPaper } from "./fakes/arxiv.js";
import { mentionsNobody } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { startTestBot, type TestBot } from "./helpers/bot.js";
import { corpusDir, fixtures } from "./helpers/tmp.js";

/** In the Hugging Face fixture corpus (2026-02-04). */
const LRAGENT = "2602.01053";
const POP = "2602.03295";
const TOKEN_SPARSE = "2602.03216";
/** Only arXiv has it. */
const ARXIV_ONLY: ArxivPaper = {
  id: "2602.07777",
  version: 2,
  title: "Pipelined Checkpointing for Trillion-Parameter Training on Commodity Clusters",
  summary:
    "Checkpoints of large training runs stall GPUs for minutes. We overlap checkpoint writes with the next iterations & stream shards to remote storage, cutting stalls by 9x.",
  authors: ["Ada Example", "Grace Sample"],
  published: "2026-02-06T17:21:05Z",
  primaryCategory: "cs.DC",
  categories: ["cs.DC", "cs.LG"],
  comment: "12 pages",
};

let t: TestBot | undefined;
let hf: FakeHuggingFace | undefined;
let arxiv: FakeArxiv | undefined;

afterEach(async () => {
  await t?.stop();
  await hf?.stop();
  await arxiv?.stop();
  t = hf = arxiv = undefined;
});

async function start(): Promise<TestBot> {
  hf = FakeHuggingFace.fromCorpus(corpusDir);
  arxiv = new FakeArxiv().add(ARXIV_ONLY);
  await hf.start();
  await arxiv.start();
  t = await startTestBot({ env: { HF_API_BASE: hf.url, ARXIV_API_BASE: arxiv.url } });
  return t;
}

const isEphemeral = (m: APIMessage) => ((m.flags ?? 0) & 64) === 64;
const groups = (bot: TestBot) => new GroupPapers(bot.store.db);
const guildId = (bot: TestBot) => bot.discord.guild().id;
const add = (bot: TestBot, papers: string) => bot.discord.sendCommand({ name: "add", options: { papers } });

function expectWithinLimits(bot: TestBot): void {
  const written = bot.discord.messageLog.filter((m) => m.via !== "interaction-defer");
  expect(written.filter((m) => !mentionsNobody(m.allowedMentions)).map((m) => m.via)).toEqual([]);
}

/** Runs test/helpers/dieMidBulkLoad.ts on `file`: a real process killed in the middle of a bulk load. */
async function killedBulkLoad(file: string): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "helpers/dieMidBulkLoad.ts")], {
    env: { PATH: process.env.PATH ?? "", PAPERBOT_DB: file },
    stdio: "ignore",
  });
  const [, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  return signal;
}

describe("/add", () => {
  it("adds a paper by id from Hugging Face, replies with its card, counts it as the server's, and /search finds it at once", async () => {
    const bot = await start();
    const ix = add(bot, LRAGENT);
    expect((await ix.callback()).callbackType).toBe(5);
    const reply = await ix.reply();
    expect(isEphemeral(reply)).toBe(false);
    expect(reply.content).toBe(`Added ${LRAGENT} from Hugging Face; it is now one of this server's papers.`);
    expect(reply.embeds).toHaveLength(1);
    const card = reply.embeds[0]!;
    expect(card.title).toMatch(/^LRAgent: Efficient KV Cache Sharing for Multi-LoRA LLM Agents/);
    expect(card.fields!.map((f) => f.name)).toEqual(["Authors", "Published", "Upvotes", "Links"]);
    expect(card.url).toBe(`https://huggingface.co/papers/${LRAGENT}`);
    expect(bot.store.get(LRAGENT)?.source).toBe("hf");
    expect(groups(bot).has(guildId(bot), LRAGENT, "add")).toBe(true);
    expect(groups(bot).list(guildId(bot), "add")[0]?.userId).toBe(bot.discord.defaultUser.id);
    expect(hf!.requests.map((r) => r.path)).toEqual([`/api/papers/${LRAGENT}`]);

    const found = (await bot.discord.sendCommand({ name: "search", options: { query: "KV cache sharing multi-LoRA agents", count: 3 } }).reply())
      .embeds[0]!;
    expect(found.description).toMatch(/^1\. \[LRAgent/);
    expectWithinLimits(bot);
  });

  it("keeps Hugging Face's AI summary and keywords", async () => {
    const bot = await start();
    const example = JSON.parse(fs.readFileSync(path.join(fixtures, "hf-api-item-example.json"), "utf8")) as { paper: { id: string } };
    hf!.papers.set(example.paper.id, example.paper);
    await add(bot, `https://huggingface.co/papers/${example.paper.id}`).reply();
    const p = bot.store.get(example.paper.id)!;
    expect(p.aiSummary).toMatch(/^Large Multimodal Models demonstrate/);
    expect(p.aiKeywords).toContain("in-context learning");
    expect(p.links.github).toBe("https://github.com/marco-garosi/CIRCLE");
  });

  it("takes links (abs, pdf with a version, huggingface.co/papers) and several papers at once, a card for each", async () => {
    const bot = await start();
    const ix = add(bot, `https://arxiv.org/abs/${LRAGENT}, arxiv.org/pdf/${POP}v2 https://huggingface.co/papers/${TOKEN_SPARSE}`);
    const reply = await ix.reply();
    const messages = [reply, ...ix.followUps];
    const titles = messages.flatMap((m) => m.embeds.map((e) => e.title));
    expect(titles).toHaveLength(3);
    expect(titles[0]).toMatch(/^LRAgent/);
    expect(titles[1]).toMatch(/^POP: Prefill-Only Pruning/);
    expect(titles[2]).toMatch(/^Token Sparse Attention/);
    expect(
      messages
        .map((m) => m.content)
        .join("\n")
        .match(/^Added \S+ from Hugging Face/gm),
    ).toHaveLength(3);
    for (const m of messages) {
      expect(isEphemeral(m)).toBe(false);
    }
    for (const id of [LRAGENT, POP, TOKEN_SPARSE]) expect(groups(bot).has(guildId(bot), id, "add")).toBe(true);
    expect(ix.rejected).toEqual([]);
    expectWithinLimits(bot);
  });

  it("says so when the paper is already in the collection, and still counts it as the server's", async () => {
    const bot = await start();
    bot.store.upsert({
      arxivId: LRAGENT,
      title: "LRAgent: Efficient KV Cache Sharing for Multi-LoRA LLM Agents",
      abstract: "From the feed.",
      authors: [],
      source: "hf",
    });
    expect(groups(bot).has(guildId(bot), LRAGENT, "add")).toBe(false);
    const first = await add(bot, LRAGENT).reply();
    expect(first.content).toBe(`${LRAGENT} was already in the collection; now counted as this server's.`);
    expect(first.embeds[0]!.title).toMatch(/^LRAgent/);
    expect(groups(bot).has(guildId(bot), LRAGENT, "add")).toBe(true);
    expect(hf!.requests).toEqual([]);
    const again = await bot.discord.sendCommand({ name: "add", user: { username: "colleague" }, options: { papers: `${LRAGENT}v2` } }).reply();
    expect(again.content).toBe(`${LRAGENT} was already in the collection and is already one of this server's papers.`);
    expect(groups(bot).count(guildId(bot), "add")).toBe(1);
  });

  it("merges a seed paper (known by title, no arXiv id) with what Hugging Face has, and calls it known", async () => {
    const bot = await start();
    const title = "FastSwitch: Optimizing Context Switching Efficiency in Fairness-aware Large Language Model Serving";
    const seed = bot.store.getByTitle(title)!;
    expect(seed.arxivId).toBeUndefined();
    hf!.papers.set("2411.18424", {
      id: "2411.18424",
      title,
      summary: seed.abstract,
      authors: [{ name: "Ao Shen" }],
      upvotes: 4,
      ai_keywords: ["KV cache"],
    });
    const reply = await add(bot, "2411.18424").reply();
    expect(reply.content).toBe("2411.18424 was already in the collection; now counted as this server's.");
    const merged = bot.store.get("2411.18424")!;
    expect(merged.id).toBe(seed.id);
    expect(merged.aiKeywords).toEqual(["KV cache"]);
    expect(groups(bot).has(guildId(bot), seed.id, "add")).toBe(true);
  });

  it("falls back to arXiv for a paper Hugging Face does not have (404)", async () => {
    const bot = await start();
    const reply = await add(bot, `https://arxiv.org/abs/${ARXIV_ONLY.id}v2`).reply();
    expect(reply.content).toBe(`Added ${ARXIV_ONLY.id} from arXiv; it is now one of this server's papers.`);
    expect(reply.embeds[0]!.title).toBe(ARXIV_ONLY.title);
    const p = bot.store.get(ARXIV_ONLY.id)!;
    expect(p.source).toBe("arxiv");
    expect(p.abstract).toBe(ARXIV_ONLY.summary);
    expect(p.authors).toEqual(ARXIV_ONLY.authors);
    expect(p.publishedAt).toBe("2026-02-06");
    expect(p.categories).toEqual(["cs.DC", "cs.LG"]);
    expect(arxiv!.requests.map((r) => r.query.id_list)).toEqual([ARXIV_ONLY.id]);
    expect(groups(bot).has(guildId(bot), ARXIV_ONLY.id, "add")).toBe(true);
    const found = (
      await bot.discord.sendCommand({ name: "search", options: { query: "pipelined checkpointing trillion-parameter training", count: 3 } }).reply()
    ).embeds[0]!;
    expect(found.description).toMatch(/^1\. \[Pipelined Checkpointing/);
  });

  it("answers an id neither knows with a short private message, and adds nothing", async () => {
    const bot = await start();
    const before = bot.store.count();
    const ix = add(bot, "2602.99999");
    const msg = await ix.followUp();
    expect(isEphemeral(msg)).toBe(true);
    expect(msg.content).toBe("2602.99999: neither Hugging Face nor arXiv knows this paper; check the id.");
    expect(bot.store.count()).toBe(before);
    expect(groups(bot).count(guildId(bot), "add")).toBe(0);
    expectWithinLimits(bot);
  });

  it("treats the older arXiv API's empty entry for an unknown id as unknown too", async () => {
    const bot = await start();
    arxiv!.legacyUnknown = true;
    const msg = await add(bot, "2602.99999").followUp();
    expect(msg.content).toMatch(/neither Hugging Face nor arXiv knows this paper/);
  });

  it("rejects a bad id at once, privately, without looking anything up", async () => {
    const bot = await start();
    const reply = await add(bot, "2602.01053 not-a-paper").reply();
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toMatch(/^“not-a-paper” is not an arXiv id or link/);
    expect(hf!.requests).toEqual([]);
    expect(arxiv!.requests).toEqual([]);
  });

  it("says which upstream failed when Hugging Face and arXiv both answer 500, privately", async () => {
    const bot = await start();
    hf!.down = 500;
    arxiv!.down = 500;
    const ix = add(bot, LRAGENT);
    const msg = await ix.followUp(0, 15_000);
    expect(isEphemeral(msg)).toBe(true);
    expect(msg.content).toBe(
      `${LRAGENT}: could not fetch it: Hugging Face is not answering (HTTP 500), and arXiv is not answering (HTTP 500). Try again later.`,
    );
    // A retry or two each, then it gives up.
    expect(hf!.requests.length).toBeGreaterThan(1);
    expect(hf!.requests.length).toBeLessThanOrEqual(3);
    expect(arxiv!.requests.length).toBeLessThanOrEqual(3);
    expect(bot.store.get(LRAGENT)).toBeUndefined();
    expectWithinLimits(bot);
  });

  it("adds from arXiv while Hugging Face is down, and reports the rest privately", async () => {
    const bot = await start();
    hf!.down = 503;
    const ix = add(bot, `${ARXIV_ONLY.id} 2602.99999`);
    const reply = await ix.reply(15_000);
    expect(reply.content).toBe(`Added ${ARXIV_ONLY.id} from arXiv; it is now one of this server's papers.`);
    const note = await ix.followUp(0, 15_000);
    expect(isEphemeral(note)).toBe(true);
    expect(note.content).toBe(
      "2602.99999: could not fetch it: Hugging Face is not answering (HTTP 503), and arXiv does not know it. Try again later.",
    );
  });

  it("counts a 200 that is not a paper as a failure, not as unknown", async () => {
    const bot = await start();
    hf!.paperBodies.set(LRAGENT, "<html>maintenance</html>");
    arxiv!.rawBody = "Rate exceeded.";
    const msg = await add(bot, LRAGENT).followUp(0, 15_000);
    expect(msg.content).toBe(
      `${LRAGENT}: could not fetch it: Hugging Face answered with something that is not JSON, and arXiv answered with something that is not XML. Try again later.`,
    );
  });

  it("a paper /add adds is searchable at once, even after another process's bulk load died half way while the bot ran", async () => {
    const bot = await start();
    expect(await killedBulkLoad(bot.store.db.name)).toBe("SIGKILL");
    expect((await add(bot, LRAGENT).reply()).content).toBe(`Added ${LRAGENT} from Hugging Face; it is now one of this server's papers.`);
    const search = async (query: string) =>
      (await bot.discord.sendCommand({ name: "search", options: { query, count: 3 } }).reply()).embeds[0]?.description ?? "";
    expect(await search("KV cache sharing multi-LoRA agents")).toMatch(/^1\. \[LRAgent/);
    // The dead load's papers are indexed too.
    expect(await search("bulk loaded lattice cryptography")).toMatch(/^1\. \[Bulk Loaded Paper Number/);
  });

  it("a link with a broken percent-escape is 'not an arXiv id or link', privately, and fetches nothing", async () => {
    const bot = await start();
    for (const [i, link] of ["https://arxiv.org/abs/%ZZ", "arxiv.org/abs/%E0%A4%A", "huggingface.co/papers/%"].entries()) {
      // A member each: /add has a cooldown per member.
      const reply = await bot.discord.sendCommand({ name: "add", options: { papers: link }, user: { username: `member${i}` } }).reply();
      expect(isEphemeral(reply), link).toBe(true);
      expect(reply.content, link).toMatch(/is not an arXiv id or link/);
    }
    expect([...hf!.requests, ...arxiv!.requests]).toEqual([]);
  });
});
