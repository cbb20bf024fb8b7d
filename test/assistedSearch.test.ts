import path from "node:path";
import { sqliteStores } from "../src/store/stores.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AnswerEngine } from "../src/answer/answerEngine.js";
import { Budgets } from "../src/answer/budgets.js";
import { createChatModel } from "../src/answer/chatModel.js";
import { ingestHfFiles } from "../src/ingest/ingestHf.js";
import { answers, modelCalls, modelFailures } from "../src/metrics/metrics.js";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { Retriever } from "../src/retrieval/retriever.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { FakeOpenAI } from "./fakes/openai.js";
import { readRecordedRewrites, replayRewrites } from "./fakes/recordedRewrites.js";
import { runCli } from "./helpers/runCli.js";
import { corpusDir, seedPage, tempDir, tempStore } from "./helpers/tmp.js";

// A paraphrase in everyday words of a seed paper ("Beyond Inference: Performance Analysis of DNN
// Server Overheads"), and what a strong model wrote for it (recorded in bench/dev/rewrites.jsonl).
const recordings = readRecordedRewrites(path.resolve(import.meta.dirname, "../bench/dev/rewrites.jsonl"));
const PARAPHRASE = recordings.find((r) => r.q.startsWith("in picture-recognition web services"))!.q;
const GOLD = /^Beyond Inference: Performance Analysis of DNN Server/;

let fake: FakeOpenAI;
let store: PaperStore;

function engine(opts: { budgets?: { userDaily?: number } } = {}) {
  const stores = sqliteStores(store);
  return new AnswerEngine({
    papers: stores.papers,
    retriever: new Retriever(sqliteStores(store)),
    model: createChatModel({ openai: { baseUrl: fake.url, model: "fake-chat" } }, { timeoutMs: 1000, maxRetries: 0 }),
    cache: stores.answerCache,
    budgets: new Budgets(stores.answerUsage, opts.budgets ?? {}),
  });
}

const rewriteRequests = () =>
  fake.chatRequests.filter(
    (r) => (r as { response_format?: { json_schema?: { name?: string } } }).response_format?.json_schema?.name === "search_queries",
  );
const titles = (hits: { paper: { title: string } }[]) => hits.map((h) => h.paper.title);

beforeEach(async () => {
  fake = new FakeOpenAI();
  await fake.start();
  ({ store } = tempStore());
  await ingestSeedPage(sqliteStores(store), seedPage);
});
afterEach(() => fake.stop());

describe("model-assisted search", () => {
  it("finds a paper asked about in everyday words that plain search misses", async () => {
    replayRewrites(fake, recordings);
    await ingestHfFiles(sqliteStores(store).papers, corpusDir);
    const e = engine();
    const plain = await e.search(PARAPHRASE, [], { k: 5 });
    expect(titles(plain.hits).some((t) => GOLD.test(t))).toBe(false);
    const assisted = await e.search(PARAPHRASE, [], { k: 5, assist: true });
    expect(assisted.hits[0]!.paper.title).toMatch(GOLD);
    expect(assisted.queries).toHaveLength(4);
    // The rewrite call is structured output, and its user message holds the question verbatim.
    const req = rewriteRequests()[0]!;
    expect(req.messages.find((m) => m.role === "user")!.content).toContain(PARAPHRASE);
  });

  it.each([
    ["a server error", () => ({ status: 500 })],
    ["a timeout", () => ({ hang: true as const })],
    ["output that is not JSON", () => ({ text: "Sure! Here are some queries: DNN serving overheads" })],
    ["JSON of the wrong shape", () => ({ text: JSON.stringify({ query: "DNN serving overheads" }) })],
  ])("falls back to plain search after %s from the rewrite call", async (_, reply) => {
    fake.structured.set("search_queries", reply);
    const e = engine();
    const plain = await e.search(PARAPHRASE, [], { k: 5 });
    const assisted = await e.search(PARAPHRASE, [], { k: 5, assist: true });
    expect(rewriteRequests()).toHaveLength(1);
    expect(assisted.queries).toEqual([PARAPHRASE]);
    expect(titles(assisted.hits)).toEqual(titles(plain.hits));
  });

  it("rewrites once per question: a changed collection re-answers but reuses the rewrite", async () => {
    replayRewrites(fake, recordings);
    fake.defaultChat = () => ({ text: "Pre- and post-processing dominate [1]." });
    const e = engine();
    expect((await e.ask(PARAPHRASE)).citations[0]!.title).toMatch(GOLD);
    store.upsert({ arxivId: "2501.00001", title: "PagedKV", abstract: "KV cache paging for LLM serving.", authors: [], source: "hf" });
    const again = await e.ask(PARAPHRASE);
    expect(again.cached).toBe(false);
    expect(rewriteRequests()).toHaveLength(1);
    expect(fake.writingRequests).toHaveLength(2);
  });

  it("the /ask answer is written from the papers the rewrites found", async () => {
    replayRewrites(fake, recordings);
    fake.defaultChat = () => ({ text: "Most time goes to pre- and post-processing [1]." });
    const r = await engine().ask(PARAPHRASE);
    expect(r.mode).toBe("llm");
    expect(r.citations[0]!.title).toMatch(GOLD);
  });

  it("makes no search calls to the model once the written-answer budget is spent", async () => {
    replayRewrites(fake, recordings);
    fake.defaultChat = () => ({ text: "FastSwitch [1]." });
    const e = engine({ budgets: { userDaily: 1 } });
    await e.ask("Which papers reduce KV cache memory in LLM serving?", { userId: "u1" });
    const calls = fake.chatRequests.length;
    const over = await e.ask(PARAPHRASE, { userId: "u1" });
    expect(over.mode).toBe("offline");
    expect(fake.chatRequests).toHaveLength(calls);
  });
});

describe("relevance judgement", () => {
  const QUESTION = "Which papers reduce KV cache memory in LLM serving?";

  it("drops the sources the model judges irrelevant before the answer is written", async () => {
    fake.structured.set("relevance", () => ({ text: JSON.stringify({ relevant: [3, 1] }) }));
    fake.defaultChat = () => ({ text: "Both manage the KV cache [1][2]." });
    const e = engine();
    const candidates = (await e.search(QUESTION, [], { k: 10 })).hits.map((h) => h.paper.title);
    const r = await e.ask(QUESTION);
    const given = fake.writingRequests[0]!.messages.at(-1)!.content;
    expect(given.match(/<source /g)).toHaveLength(2);
    expect(given).toContain(candidates[0]);
    expect(given).toContain(candidates[2]);
    expect(given).not.toContain(candidates[1]);
    expect(r.citations.map((c) => c.title)).toEqual([candidates[0], candidates[2]]);
  });

  it("shows the judge the question and the top ten candidates", async () => {
    fake.defaultChat = () => ({ text: "FastSwitch [1]." });
    await engine().ask(QUESTION);
    const judge = fake.chatRequests.find(
      (r) => (r as { response_format?: { json_schema?: { name?: string } } }).response_format?.json_schema?.name === "relevance",
    )!;
    const user = judge.messages.find((m) => m.role === "user")!.content;
    expect(user).toContain(QUESTION);
    expect(user.match(/<source /g)).toHaveLength(10);
  });

  it.each([
    ["a server error", () => ({ status: 500 })],
    ["output that is not JSON", () => ({ text: "papers 1 and 2" })],
  ])("keeps the search ranking after %s from the judge", async (_, reply) => {
    fake.structured.set("relevance", reply);
    fake.defaultChat = () => ({ text: "FastSwitch [1]." });
    const r = await engine().ask(QUESTION);
    expect(r.mode).toBe("llm");
    expect(fake.writingRequests[0]!.messages.at(-1)!.content.match(/<source /g)).toHaveLength(5);
  });
});

describe("metrics of model calls", () => {
  const count = async (c: typeof modelCalls | typeof modelFailures | typeof answers, labels: Record<string, string>) =>
    (await c.get()).values.find((v) => Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x))?.value ?? 0;

  it("count every call, and failures by reason, and the answer's mode", async () => {
    const before = {
      structured: await count(modelCalls, { kind: "structured" }),
      stream: await count(modelCalls, { kind: "stream" }),
      http500: await count(modelFailures, { kind: "structured", reason: "HTTP 500" }),
      invalid: await count(modelFailures, { kind: "structured", reason: "invalid output" }),
      written: await count(answers, { mode: "written" }),
    };
    fake.structured.set("search_queries", () => ({ status: 500 }));
    fake.structured.set("relevance", () => ({ text: "not json" }));
    fake.defaultChat = () => ({ text: "FastSwitch [1]." });
    expect((await engine().ask("Which papers reduce KV cache memory in LLM serving?")).mode).toBe("llm");
    expect((await count(modelCalls, { kind: "structured" })) - before.structured).toBe(2);
    expect((await count(modelCalls, { kind: "stream" })) - before.stream).toBe(1);
    expect((await count(modelFailures, { kind: "structured", reason: "HTTP 500" })) - before.http500).toBe(1);
    expect((await count(modelFailures, { kind: "structured", reason: "invalid output" })) - before.invalid).toBe(1);
    expect((await count(answers, { mode: "written" })) - before.written).toBe(1);
  });
});

describe("paperbot search --assist", () => {
  it("searches with the model's rewrites and prints them with the results", async () => {
    replayRewrites(fake, recordings);
    const env = { PAPERBOT_DB: path.join(tempDir(), "p.db"), OPENAI_BASE_URL: fake.url, OPENAI_MODEL: "recorded" };
    expect((await runCli(["ingest", "hf", "--file", corpusDir], env)).code).toBe(0);
    const plain = await runCli(["search", "--json", "-k", "5", PARAPHRASE], env);
    expect(
      JSON.parse(plain.stdout)
        .results.map((r: { title: string }) => r.title)
        .some((t: string) => GOLD.test(t)),
    ).toBe(false);
    const run = await runCli(["search", "--assist", "--json", "-k", "5"], env, `${PARAPHRASE}\nKV cache reuse in LLM serving\n`);
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0].query).toBe(PARAPHRASE);
    expect(lines[0].rewrites).toHaveLength(3);
    expect(lines[0].results[0].title).toMatch(GOLD);
    // No recording for the second query: the model's answer is empty, so it is searched plainly.
    expect(lines[1].rewrites).toEqual([]);
    expect(lines[1].results.length).toBeGreaterThan(0);
  });

  it("says that --assist needs a model", async () => {
    const run = await runCli(["search", "--assist", "kv cache"], { PAPERBOT_DB: path.join(tempDir(), "p.db") });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--assist needs a chat model/);
  });
});
