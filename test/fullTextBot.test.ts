import type { APIMessage } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { GroupPapers } from "../src/store/sqlite/groupPapers.js";
import { FakeArxiv } from "./fakes/arxiv.js";
import { mentionsNobody } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { FakeOpenAI } from "./fakes/openai.js";
import { startTestBot, type TestBot } from "./helpers/bot.js";
import { encryptedPdf, pagesPdf, scanPdf } from "./helpers/paperPdf.js";
import { paperPdf, type TestPaper } from "./helpers/testPdf.js";
import { corpusDir } from "./helpers/tmp.js";

/** In the Hugging Face fixture corpus. */
const LRAGENT = "2602.01053";
const LRAGENT_TITLE = "LRAgent: Efficient KV Cache Sharing for Multi-LoRA LLM Agents";

/** A paper the collection does not have: attaching it makes a new paper. */
const ELASTIC: TestPaper = {
  title: "Elastic Prefix Caching for Multi-Tenant Language Model Inference",
  authors: ["Ada Example", "Grace Sample"],
  abstract:
    "Serving many tenants from one GPU pool wastes memory on duplicated prompt prefixes. We present an elastic prefix cache that shares prefixes across tenants and resizes itself with load.",
  paragraphs: [
    "Multi-tenant inference services keep a separate key-value cache per tenant, so identical system prompts are stored many times over.",
    "We evaluate on eight NVIDIA A100 GPUs with traces from a production chat service. The elastic cache raises throughput by 2.4 times over vLLM at the same latency.",
    "A limitation is that tenants with disjoint prompts gain nothing, and the cache adds a small lookup cost to every request.",
  ],
  perPage: 2,
};

/** The PDF of a paper the collection has, recognised by its arXiv stamp. */
const LRAGENT_PDF: TestPaper = {
  title: LRAGENT_TITLE,
  authors: ["Hyesung Jeon", "Hyeongju Ha"],
  abstract: "Multi-LoRA agents duplicate their KV caches. LRAgent shares the base cache and keeps only low-rank adapter caches per agent.",
  paragraphs: [
    "Agent frameworks run several LoRA adapters over one base model, each with a cache of its own.",
    "LRAgent shares the base model's KV cache across adapters and recomputes the low-rank part on the fly, cutting memory by 3.1 times.",
  ],
  perPage: 1,
  arxivStamp: `arXiv:${LRAGENT}v1 [cs.DC] 1 Feb 2026`,
};

let t: TestBot | undefined;
let hf: FakeHuggingFace | undefined;
let arxiv: FakeArxiv | undefined;
let model: FakeOpenAI | undefined;

afterEach(async () => {
  await t?.stop();
  await hf?.stop();
  await arxiv?.stop();
  await model?.stop();
  t = hf = arxiv = model = undefined;
});

async function start(opts: { env?: Record<string, string>; model?: boolean } = {}): Promise<TestBot> {
  hf = FakeHuggingFace.fromCorpus(corpusDir);
  arxiv = new FakeArxiv();
  await hf.start();
  await arxiv.start();
  if (opts.model) {
    model = new FakeOpenAI();
    await model.start();
  }
  t = await startTestBot({
    model,
    env: { HF_API_BASE: hf.url, ARXIV_API_BASE: arxiv.url, ARXIV_PDF_BASE: arxiv.url, ...opts.env },
  });
  return t;
}

const isEphemeral = (m: APIMessage) => ((m.flags ?? 0) & 64) === 64;
const reader = (bot: TestBot) => bot.bot.deps.engine.fullText!;
const pdfRequests = () => arxiv!.requests.filter((r) => r.path.startsWith("/pdf/")).map((r) => r.path);
const storedTexts = (bot: TestBot) => bot.store.db.prepare("SELECT count(*) FROM paper_texts").pluck().get() as number;
const knowLrAgent = (bot: TestBot) =>
  bot.store.upsert({ arxivId: LRAGENT, title: LRAGENT_TITLE, abstract: "Multi-LoRA agents share one KV cache.", authors: [], source: "hf" });
/** Every message the bot wrote mentions nobody. */
const noPings = (bot: TestBot) =>
  expect(bot.discord.messageLog.filter((m) => m.via !== "interaction-defer" && !mentionsNobody(m.allowedMentions)).map((m) => m.via)).toEqual([]);
/** The /ask answer's "Sources" lines, across its messages. */
async function sources(ix: ReturnType<TestBot["discord"]["sendCommand"]>): Promise<string[]> {
  const last = await ix.waitFor((i) => [i.original, ...i.followUps].find((m) => m?.content.includes("**Sources**")), 10_000);
  return last.content
    .split("**Sources**\n")[1]!
    .split("\n\n")[0]!
    .split("\n")
    .filter((l) => /^\[\d+\]/.test(l));
}

describe("/add with an attached PDF", () => {
  it("refuses a file that is not a PDF by its contents, privately and briefly, and stores nothing", async () => {
    const bot = await start();
    const before = bot.store.count();
    const ix = bot.discord.sendCommand({
      name: "add",
      options: { file: { filename: "paper.pdf", data: Buffer.from("Meeting notes: read the LRAgent paper before Friday.\n") } },
    });
    const msg = await ix.followUp();
    expect(isEphemeral(msg)).toBe(true);
    expect(msg.content).toMatch(/^“paper\.pdf” is not a PDF/);
    expect(msg.content.length).toBeLessThan(200);
    // It was downloaded once, from the signed link Discord gave (an altered link is a 404).
    expect(bot.discord.cdnRequests.map((r) => r.status)).toEqual([200]);
    expect(bot.store.count()).toBe(before);
    expect(new GroupPapers(bot.store.db).count(bot.discord.guild().id, "add")).toBe(0);
    expect(storedTexts(bot)).toBe(0);
    expect(ix.original).toBeUndefined(); // the public "thinking…" reply is gone
    noPings(bot);
  });

  it("refuses a file Discord says is something else before downloading it", async () => {
    const bot = await start();
    const reply = await bot.discord
      .sendCommand({ name: "add", options: { file: { filename: "notes.txt", data: Buffer.from("%PDF-1.7 but a text file") } } })
      .reply();
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toBe("“notes.txt” is not a PDF: attach the paper's PDF file.");
    expect(bot.discord.cdnRequests).toEqual([]);
  });

  it("refuses a file over the size limit from its size alone: nothing is downloaded", async () => {
    const bot = await start({ env: { PAPERBOT_PDF_MAX_MB: "1" } });
    const data = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(1.5 * 1024 * 1024, 0x20)]);
    const reply = await bot.discord.sendCommand({ name: "add", options: { file: { filename: "thesis.pdf", data } } }).reply();
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toBe("“thesis.pdf” is 1.5 MB, more than the 1 MB limit for PDFs; attach a smaller file.");
    expect(bot.discord.cdnRequests).toEqual([]);
    expect(storedTexts(bot)).toBe(0);
  });

  it("asks for papers or a file when given neither", async () => {
    const bot = await start();
    const reply = await bot.discord.sendCommand({ name: "add" }).reply();
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toBe("Give arXiv ids or links in `papers`, or attach a paper's PDF in `file`.");
  });

  it("says a scan has no text layer, an encrypted PDF is locked, one over the page limit too long; nothing is stored", async () => {
    const bot = await start({ env: { PAPERBOT_PDF_MAX_PAGES: "2" } });
    const before = bot.store.count();
    const attach = async (filename: string, data: Uint8Array, username: string) => {
      const msg = await bot.discord.sendCommand({ name: "add", user: { username }, options: { file: { filename, data } } }).followUp(0, 30_000);
      expect(isEphemeral(msg), filename).toBe(true);
      expect(msg.content.length, filename).toBeLessThan(300);
      return msg.content;
    };
    expect(await attach("scan.pdf", await scanPdf(), "ann")).toMatch(/^Could not read “scan\.pdf”: .*scan/i);
    expect(await attach("locked.pdf", await encryptedPdf(), "ben")).toMatch(/^Could not read “locked\.pdf”: .*(encrypted|password)/i);
    expect(await attach("long.pdf", await pagesPdf(3), "cat")).toMatch(/^Could not read “long\.pdf”: .*pages/i);
    expect(bot.store.count()).toBe(before);
    expect(storedTexts(bot)).toBe(0);
  });

  it("makes a PDF the collection does not know a new paper of the server, read, and answers quote its pages", async () => {
    const bot = await start();
    const ix = bot.discord.sendCommand({ name: "add", options: { file: { filename: "elastic.pdf", data: await paperPdf(ELASTIC) } } });
    const reply = await ix.reply(30_000);
    expect(isEphemeral(reply)).toBe(false);
    expect(reply.content).toBe("Added “elastic.pdf” as a new paper: read 2 pages; it is now one of this server's papers.");
    const card = reply.embeds[0]!;
    expect(card.title).toBe(ELASTIC.title);
    expect(card.fields!.find((f) => f.name === "Full text")?.value).toBe("2 pages");
    const paper = bot.store.getByTitle(ELASTIC.title)!;
    expect(new GroupPapers(bot.store.db).has(bot.discord.guild().id, paper.id, "add")).toBe(true);

    const answer = bot.discord.sendCommand({
      name: "ask",
      options: { question: "Which GPUs was the elastic prefix cache evaluated on?", paper: paper.id },
    });
    const last = await answer.waitFor((i) => [i.original, ...i.followUps].find((m) => m?.content.includes("**Sources**")), 10_000);
    // The passage starts on page 1 or 2, depending on where the reader's chunk begins.
    expect(last.content).toMatch(/A100[^”]*” \[1, (p\. [12]|pp\. 1–2)\]/);
    noPings(bot);
  });

  it("matches a PDF carrying a known paper's arXiv id to that paper instead of adding another", async () => {
    const bot = await start();
    knowLrAgent(bot);
    const before = bot.store.count();
    const reply = await bot.discord
      .sendCommand({ name: "add", options: { file: { filename: "lragent.pdf", data: await paperPdf(LRAGENT_PDF) } } })
      .reply(30_000);
    expect(reply.content).toBe(`“lragent.pdf” is ${LRAGENT} already in the collection: read 2 pages; it is one of this server's papers.`);
    expect(reply.embeds[0]!.title).toBe(LRAGENT_TITLE);
    expect(bot.store.count()).toBe(before);
    expect(await reader(bot).texts.status(LRAGENT)).toMatchObject({ status: "read", source: "attachment", pages: 2 });
  });
});

describe("full texts read in the background", () => {
  it("reads the full text of a paper added by id after the reply, which does not wait for it", async () => {
    const bot = await start();
    arxiv!.pdfs.set(LRAGENT, await paperPdf(LRAGENT_PDF));
    let release = () => {};
    arxiv!.holdPdfs = new Promise((resolve) => (release = resolve));
    const reply = await bot.discord.sendCommand({ name: "add", options: { papers: LRAGENT } }).reply();
    expect(reply.content).toBe(`Added ${LRAGENT} from Hugging Face; it is now one of this server's papers.`);
    // The PDF is still held by arXiv: the reply came first.
    expect(await reader(bot).texts.status(LRAGENT)).toBeUndefined();
    release();
    await reader(bot).idle();
    expect(pdfRequests()).toEqual([`/pdf/${LRAGENT}`]);
    expect(await reader(bot).texts.status(LRAGENT)).toMatchObject({ status: "read", pages: 2 });
  });

  it("reads the full text of a paper saved with ⭐", async () => {
    const bot = await start();
    knowLrAgent(bot);
    arxiv!.pdfs.set(LRAGENT, await paperPdf(LRAGENT_PDF));
    await bot.discord.sendCommand({ name: "paper", options: { query: LRAGENT } }).reply();
    const saved = await bot.discord.clickButton({ customId: `save:${LRAGENT}` }).reply();
    expect(saved.content).toMatch(/^Saved/);
    await reader(bot).idle();
    expect(pdfRequests()).toEqual([`/pdf/${LRAGENT}`]);
    expect(await reader(bot).texts.status(LRAGENT)).toMatchObject({ status: "read", source: "arxiv", pages: 2 });
  });

  it("stops reading in the background when the bot stops, even while a download hangs", async () => {
    const bot = await start();
    arxiv!.holdPdfs = new Promise(() => {});
    await bot.discord.sendCommand({ name: "add", options: { papers: LRAGENT } }).reply();
    await expect.poll(() => pdfRequests().length).toBe(1);
    await bot.stop();
    await reader(bot).idle();
    // Stopped, not failed: nothing is recorded against the paper.
    expect(await reader(bot).texts.status(LRAGENT)).toBeUndefined();
    t = undefined;
  });
});

describe("/ask about one paper", () => {
  it("answers from the named paper alone, found by a loose name, and autocompletes the option", async () => {
    const bot = await start();
    const question = "Which papers reduce KV cache memory in LLM serving?";
    const choices = await bot.discord.sendAutocomplete({ name: "ask", options: { question }, focused: "paper", value: "burst" }).choices();
    expect(choices[0]!.name).toMatch(/^BurstGPT/);
    const everywhere = await sources(bot.discord.sendCommand({ name: "ask", options: { question } }));
    expect(everywhere.length).toBeGreaterThan(1);
    const one = await sources(bot.discord.sendCommand({ name: "ask", user: { username: "bob" }, options: { question, paper: "burst gpt" } }));
    expect(one).toHaveLength(1);
    expect(one[0]).toMatch(/^\[1\] \[?BurstGPT: A Real-world Workload Dataset/);
    noPings(bot);
  });

  it("says which papers a name could mean when it does not pick one", async () => {
    const bot = await start();
    const reply = await bot.discord.sendCommand({ name: "ask", options: { question: "What is it about?", paper: "zzqx qqzz" } }).reply();
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toBe("No paper matches “zzqx qqzz”. Try /search.");
  });

  it("shows that it is reading the paper while the PDF is fetched on the spot", async () => {
    const bot = await start({ model: true });
    model!.defaultChat = () => ({ text: "LRAgent shares the base KV cache [1]." });
    knowLrAgent(bot);
    arxiv!.pdfs.set(LRAGENT, await paperPdf(LRAGENT_PDF));
    let release = () => {};
    arxiv!.holdPdfs = new Promise((resolve) => (release = resolve));
    const ix = bot.discord.sendCommand({ name: "ask", options: { question: "How much memory does it save?", paper: LRAGENT } });
    await ix.waitFor((i) => i.events.some((e) => e.kind === "edit" && e.message?.content === "-# 📖 reading 1 paper…"), 10_000);
    release();
    expect((await sources(ix))[0]).toMatch(/^\[1\] \[LRAgent/);
    expect(pdfRequests()).toEqual([`/pdf/${LRAGENT}`]);
  });
});

describe("the /paper card", () => {
  it("says the full text is not read yet and offers to ask about the paper and to read it, within one row", async () => {
    const bot = await start();
    knowLrAgent(bot);
    const card = await bot.discord.sendCommand({ name: "paper", options: { query: LRAGENT } }).reply();
    expect(card.embeds[0]!.fields!.find((f) => f.name === "Full text")?.value).toBe("not read yet");
    const rows = card.components as { components: { label: string; custom_id: string }[] }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.components.map((b) => b.label)).toEqual(["⭐ Save", "Ask about this paper", "Read full text"]);
  });

  it("Read full text fetches the PDF now, through a 429 with Retry-After, and tells only the presser", async () => {
    const bot = await start();
    knowLrAgent(bot);
    arxiv!.pdfs.set(LRAGENT, await paperPdf(LRAGENT_PDF));
    arxiv!.pdfFailures.push({ status: 429, headers: { "retry-after": "0.2" } });
    await bot.discord.sendCommand({ name: "paper", options: { query: LRAGENT } }).reply();
    const msg = await bot.discord.clickButton({ customId: `paper-read:${LRAGENT}` }).reply(15_000);
    expect(isEphemeral(msg)).toBe(true);
    // Asked again after the wait, and served.
    expect(pdfRequests()).toEqual([`/pdf/${LRAGENT}`, `/pdf/${LRAGENT}`]);
    expect(msg.content).not.toMatch(/429/);
    expect(msg.content).toBe(`Read the full text of **${LRAGENT_TITLE}**: 2 pages. Answers about it now quote its pages.`);
  });

  it("shows the pages once read, and no longer offers to read it", async () => {
    const bot = await start();
    knowLrAgent(bot);
    arxiv!.pdfs.set(LRAGENT, await paperPdf(LRAGENT_PDF));
    expect(await reader(bot).readPaper(LRAGENT)).toEqual({ status: "read", pages: 2 });
    const card = await bot.discord.sendCommand({ name: "paper", options: { query: LRAGENT } }).reply();
    expect(card.embeds[0]!.fields!.find((f) => f.name === "Full text")?.value).toBe("2 pages");
    expect(JSON.stringify(card.components)).not.toContain("paper-read:");
  });

  it("says why the full text failed, and does not offer to read a paper arXiv has no PDF of", async () => {
    const bot = await start();
    knowLrAgent(bot);
    expect(await reader(bot).readPaper(LRAGENT)).toMatchObject({ status: "no-pdf" });
    const card = await bot.discord.sendCommand({ name: "paper", options: { query: LRAGENT } }).reply();
    expect(card.embeds[0]!.fields!.find((f) => f.name === "Full text")?.value).toBe("failed (arXiv has no PDF of it)");
    expect(JSON.stringify(card.components)).not.toContain("paper-read:");
  });

  it("Ask about this paper opens a thread on the card whose questions stay on that paper", async () => {
    const bot = await start();
    const card = await bot.discord.sendCommand({ name: "paper", options: { query: "burst gpt" } }).reply();
    const paperId = bot.store.getByTitle(card.embeds[0]!.title!)!.id;
    const note = await bot.discord.clickButton({ customId: `paper-ask:${paperId}`, messageId: card.id }).reply();
    expect(isEphemeral(note)).toBe(true);
    const threadId = /<#(\d+)>/.exec(note.content)![1]!;
    // The thread is on the card's message.
    expect(threadId).toBe(card.id);
    expect(bot.discord.channel(threadId).name).toBe("Questions: BurstGPT");

    const question = "Which papers reduce KV cache memory in LLM serving?";
    const first = await sources(bot.discord.sendCommand({ name: "ask", channelId: threadId, options: { question } }));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^\[1\] \[?BurstGPT/);
    const next = bot.discord.sendCommand({
      name: "ask",
      channelId: threadId,
      user: { username: "colleague" },
      options: { question: "And speculative decoding?" },
    });
    const again = await sources(next);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatch(/^\[1\] \[?BurstGPT/);
    // A second press finds the same thread.
    const twice = await bot.discord.clickButton({ customId: `paper-ask:${paperId}`, messageId: card.id, user: { username: "late" } }).reply();
    expect(twice.content).toContain(`<#${threadId}>`);
    noPings(bot);
  });
});
