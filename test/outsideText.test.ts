import fs from "node:fs";
import { sqliteStores } from "../src/store/stores.js";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AnswerEngine } from "../src/answer/answerEngine.js";
import { createChatModel } from "../src/answer/chatModel.js";
import { PROMPT_MAX } from "../src/answer/prompts.js";
import { ingestArxivSnapshot } from "../src/ingest/ingestArxiv.js";
import { FullTextReader } from "../src/ingest/fullTextReader.js";
import { ingestHfFiles } from "../src/ingest/ingestHf.js";
import { DEFAULT_PDF_LIMITS } from "../src/ingest/pdf/pdfDocument.js";
import { Retriever } from "../src/retrieval/retriever.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import { STORED_MAX } from "../src/store/storedText.js";
import { FakeDiscord } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { FakeOpenAI } from "./fakes/openai.js";
import { runCli } from "./helpers/runCli.js";
import { corpusDir, tempDir, tempStore } from "./helpers/tmp.js";

const DAY = "2026-02-10";
const MB = 1024 * 1024;
const hugeAbstract = () => "We evict KV cache entries by attention score. ".repeat(MB / 40).slice(0, MB);
const promptChars = (req: { messages: { content: string }[] }) => req.messages.reduce((n, m) => n + m.content.length, 0);

/** One feed item in the shape of `GET /api/daily_papers`, entered into the feed on DAY. */
function feedItem(id: string, title: string, summary: string, upvotes = 999, authors = ["Ada Lovelace"]) {
  return {
    paper: {
      id,
      title,
      summary,
      upvotes,
      authors: authors.map((name) => ({ name })),
      publishedAt: `${DAY}T00:00:00.000Z`,
      submittedOnDailyAt: `${DAY}T08:00:00.000Z`,
    },
  };
}

const fakes: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.stop();
});

async function started<T extends { start(): Promise<unknown>; stop(): Promise<void> }>(fake: T): Promise<T> {
  await fake.start();
  fakes.push(fake);
  return fake;
}

/** The Discord, Hugging Face and model fakes, and the CLI environment pointing at them. */
async function digestWorld(items: unknown[]) {
  const discord = await started(new FakeDiscord());
  const hf = FakeHuggingFace.fromCorpus(corpusDir);
  hf.days.set(DAY, [...items, ...hf.days.get(DAY)!]);
  await started(hf);
  const model = await started(new FakeOpenAI());
  const db = path.join(tempDir(), "paperbot.db");
  const env = {
    PAPERBOT_DB: db,
    HF_API_BASE: hf.url,
    OPENAI_BASE_URL: model.url,
    OPENAI_MODEL: "fake-chat",
    DISCORD_TOKEN: "test-token",
    DISCORD_APP_ID: discord.applicationId,
    DISCORD_API_BASE: discord.apiBase,
  };
  return { discord, model, env, db, channel: discord.channelId("papers") };
}

describe("a runaway abstract (1 MB) from the feed", () => {
  it("is stored cut to size, and /ask sends the model a prompt within its budget", async () => {
    const model = await started(new FakeOpenAI());
    const env = { PAPERBOT_DB: path.join(tempDir(), "paperbot.db"), OPENAI_BASE_URL: model.url, OPENAI_MODEL: "fake-chat" };
    const feed = path.join(tempDir(), "day.json");
    fs.writeFileSync(feed, JSON.stringify([feedItem("2602.99901", "Zyxwvut: attention-guided KV cache eviction", hugeAbstract())]));
    const ingest = await runCli(["ingest", "hf", "--file", feed], env);
    expect(ingest.code, ingest.stderr).toBe(0);

    const ask = await runCli(["ask", "How does Zyxwvut evict KV cache entries?"], env);
    expect(ask.code, ask.stderr).toBe(0);
    const [request] = model.writingRequests;
    expect(request!.messages.at(-1)!.content).toContain("Zyxwvut");
    for (const r of model.chatRequests) expect(promptChars(r)).toBeLessThanOrEqual(PROMPT_MAX.total);
    const store = openStore(env.PAPERBOT_DB);
    const stored = store.get("2602.99901")!;
    store.db.close();
    expect(stored.abstract.length).toBeLessThanOrEqual(STORED_MAX.abstract);
    expect(stored.abstract).toMatch(/^We evict KV cache entries by attention score\./);
  });

  it("already in a collection written before the limits, still reaches /ask and /compare cut to size", async () => {
    const model = await started(new FakeOpenAI());
    model.defaultChat = (req) =>
      (req.body as { response_format?: unknown }).response_format ? { text: "not json" } : { text: "Zyxwvut evicts by attention [1]." };
    const { store } = tempStore();
    await ingestHfFiles(sqliteStores(store).papers, path.join(corpusDir, `${DAY}.json`));
    const [a, b] = store.byFeedDate(DAY);
    const update = store.db.prepare("UPDATE papers SET title = ?, abstract = ? WHERE id = ?");
    update.run(`Zyxwvut ${"long title ".repeat(10_000)}`, hugeAbstract(), a!.id);
    update.run(b!.title, hugeAbstract(), b!.id);
    const engine = new AnswerEngine({
      papers: sqliteStores(store).papers,
      retriever: new Retriever(sqliteStores(store)),
      model: createChatModel({ openai: { baseUrl: model.url, model: "fake-chat" } }),
    });

    expect((await engine.ask("How does Zyxwvut evict KV cache entries?")).mode).toBe("llm");
    // A long thread: four earlier turns with very long answers.
    const history = Array.from({ length: 4 }, (_, i) => ({ question: `Earlier question ${i}?`, answer: "An answer [1]. ".repeat(2_000) }));
    expect((await engine.ask("And which one evicts by attention?", { history })).mode).toBe("llm");
    await engine.compare(a!.arxivId!, b!.arxivId!);
    expect(model.writingRequests).toHaveLength(4); // two answers, then the comparison and its one retry
    expect(model.writingRequests[0]!.messages.at(-1)!.content).toContain("Zyxwvut");
    expect(model.writingRequests[1]!.messages.map((m) => m.role)).toContain("assistant");
    for (const request of model.chatRequests) expect(promptChars(request)).toBeLessThanOrEqual(PROMPT_MAX.total);
  });

  it("keeps /ask and /compare prompts within the limit when both papers' full texts hold many long passages", async () => {
    const model = await started(new FakeOpenAI());
    const longSummary = "It evicts KV cache entries by attention score. ".repeat(100);
    model.structured.set("evidence", () => ({
      text: JSON.stringify({ evidence: Array.from({ length: 10 }, (_, i) => ({ passage: i + 1, summary: longSummary })) }),
    }));
    model.defaultChat = (req) =>
      (req.body as { response_format?: unknown }).response_format ? { text: "not json" } : { text: "It evicts by attention [1, p. 2]." };
    const { store } = tempStore();
    await ingestHfFiles(sqliteStores(store).papers, path.join(corpusDir, `${DAY}.json`));
    const [a, b] = store.byFeedDate(DAY);
    const reader = new FullTextReader({ stores: sqliteStores(store), limits: DEFAULT_PDF_LIMITS, maxStoredChars: 100 * MB });
    const passage = (n: number) => ({
      page: n,
      pageEnd: n,
      section: "4 Evaluation",
      text: `Passage ${n}: ${"We evict KV cache entries by attention score on H100 GPUs. ".repeat(60)}`,
    });
    for (const p of [a!, b!]) await reader.texts.save(p.id, { pageCount: 40, chunks: Array.from({ length: 40 }, (_, i) => passage(i + 1)) }, "file");
    const engine = new AnswerEngine({
      papers: sqliteStores(store).papers,
      retriever: new Retriever(sqliteStores(store)),
      fullText: reader,
      model: createChatModel({ openai: { baseUrl: model.url, model: "fake-chat" } }),
    });
    const answer = await engine.ask(`How does ${a!.title} evict KV cache entries by attention on H100 GPUs?`);
    expect(answer.mode).toBe("llm");
    expect(answer.citations[0]?.pages).toEqual([2]);
    await engine.compare(a!.arxivId!, b!.arxivId!);
    const answerPrompt = model.writingRequests[0]!.messages.at(-1)!.content;
    expect(answerPrompt).toContain("Passage, page");
    expect(answerPrompt).toContain("What it says about the question");
    for (const request of model.chatRequests) expect(promptChars(request)).toBeLessThanOrEqual(PROMPT_MAX.total);
  });

  it("reaches the digest's TL;DR prompt cut to size", async () => {
    const w = await digestWorld([feedItem("2602.99902", "Zyxwvut: attention-guided KV cache eviction", hugeAbstract())]);
    const r = await runCli(["digest", "--date", DAY, "--channel", w.channel, "--rank", "trending"], w.env);
    expect(r.code, r.stderr).toBe(0);
    const [post] = w.discord.messages(w.channel);
    expect(post!.embeds[0]!.title).toMatch(/^Zyxwvut/);
    const tldr = w.model.chatRequests.find((req) => req.messages.some((m) => m.content.includes("Zyxwvut")));
    expect(tldr).toBeDefined();
    for (const request of w.model.chatRequests) expect(promptChars(request)).toBeLessThanOrEqual(PROMPT_MAX.total);
  });
});

describe("hostile characters in feed text", () => {
  const unsafe =
    /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

  it("never reach Discord or the collection: bidi overrides, lone surrogates and control characters are dropped", async () => {
    const title = "Mirror\u202egnp.exe\u202c attacks on \u2066KV\u2069 caches \ud83d and \udc00 bells\u0007\u0000 \u200fhere";
    const item = feedItem("2602.99903", title, "We study \u202ereversed\u202c text.\u001b[31m Red.", 999, [
      "Eve \u202eliam\u202c",
      "Bob\u0000 Builder",
    ]);
    (item.paper as Record<string, unknown>).ai_summary = "Flips \u202etext\u202c in \u2067titles\u2069 \ud800 shown to readers.";
    const w = await digestWorld([item]);
    const r = await runCli(["digest", "--date", DAY, "--channel", w.channel, "--rank", "trending"], w.env);
    expect(r.code, r.stderr).toBe(0);

    const [post] = w.discord.messages(w.channel);
    const embed = post!.embeds[0]!;
    expect(embed.title).toBe("Mirrorgnp.exe attacks on KV caches \ufffd and \ufffd bells here");
    expect(embed.description).toMatch(/^Flips text in titles \ufffd shown to readers\.\n\*Eve liam, Bob Builder\*/);
    for (const e of post!.embeds) expect(`${e.title}\n${e.description}`).not.toMatch(unsafe);
    expect(post!.content).not.toMatch(unsafe);

    const store = openStore(w.db);
    const stored = store.get("2602.99903")!;
    store.db.close();
    expect(stored.title).toBe("Mirrorgnp.exe attacks on KV caches \ufffd and \ufffd bells here");
    expect(stored.authors).toEqual(["Eve liam", "Bob Builder"]);
    expect(`${stored.abstract}\n${stored.aiSummary}`).not.toMatch(unsafe);
  });

  it("are dropped from an arXiv snapshot too, whose runaway texts are stored cut to size", async () => {
    const { store } = tempStore();
    const file = path.join(tempDir(), "snapshot.json");
    const line = {
      id: "2602.99904",
      title: `Reversed \u202etitles\u202c \udfff in ${"very ".repeat(200)}long arXiv titles`,
      abstract: `\u2066Isolated\u2069 text.\u0000 ${hugeAbstract()}`,
      authors_parsed: Array.from({ length: 5000 }, (_, i) => [`Author\u200f${i}`, "Some"]),
    };
    fs.writeFileSync(file, `${JSON.stringify(line)}\n`);
    await ingestArxivSnapshot(sqliteStores(store).papers, file);
    const p = store.get("2602.99904")!;
    expect(p.title).toMatch(/^Reversed titles \ufffd in very very /);
    expect(p.title.length).toBeLessThanOrEqual(STORED_MAX.title);
    expect(p.abstract).toMatch(/^Isolated text\. We evict/);
    expect(p.abstract.length).toBeLessThanOrEqual(STORED_MAX.abstract);
    expect(p.authors).toHaveLength(STORED_MAX.authors);
    expect(p.authors[0]).toBe("Some Author0");
    expect(p.authorCount).toBe(5000);
    expect(`${p.title}\n${p.abstract}\n${p.authors.join("\n")}`).not.toMatch(unsafe);
  });
});
