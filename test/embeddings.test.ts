import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqliteStores } from "../src/store/stores.js";
import { ensureSeeded } from "../src/ingest/ensureSeeded.js";
import { embedBacklog } from "../src/retrieval/embedBacklog.js";
import { createEmbeddings, embeddingText, type EmbeddingOptions } from "../src/retrieval/embeddings.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { contentHash } from "../src/store/vectors.js";
import { hasVectors, pendingEmbeddings, saveEmbeddings, vectorSearch } from "../src/store/sqlite/vectors.js";
import { FakeOpenAI, fakeEmbedding, sendJson } from "./fakes/openai.js";
import { runCli } from "./helpers/runCli.js";
import { tempStore } from "./helpers/tmp.js";

const MODEL = "fake-embed";

let fake: FakeOpenAI;
let base: string;
const opened: PaperStore[] = [];

beforeEach(async () => {
  fake = new FakeOpenAI();
  base = await fake.start();
});
afterEach(async () => {
  for (const s of opened.splice(0)) if (s.db.open) s.db.close();
  await fake.stop();
});

const embeddingsFor = (url = base, opts: EmbeddingOptions = {}) =>
  createEmbeddings({ openai: { baseUrl: url, embeddingModel: MODEL } }, { maxRetries: 0, ...opts })!;

async function seeded(): Promise<{ store: PaperStore; file: string }> {
  const t = tempStore();
  await ensureSeeded(sqliteStores(t.store));
  return t;
}

const vectorRows = (store: PaperStore, dim = 64) => (store.db.prepare(`SELECT count(*) AS n FROM vec_papers_${dim}`).get() as { n: number }).n;

const TOPICS = [
  ["Sparse attention kernels for long contexts", "We write fused sparse attention kernels on GPUs for long context transformers."],
  ["Log compression at scale", "A log compression scheme that parses templates and stores variables column by column."],
  ["Speculative decoding with draft trees", "Draft trees let speculative decoding verify many candidate tokens per step."],
  ["Disaggregated prefill and decode", "Separating prefill from decode onto different GPU pools improves serving goodput."],
  ["Learned index structures", "Replacing B-trees with learned models that predict the position of a key in sorted data."],
] as const;

function addTopics(store: PaperStore): number[] {
  return TOPICS.map(([title, abstract], i) => {
    const { id } = store.upsert({ arxivId: `2601.0000${i}`, title, abstract, authors: [], source: "hf" });
    return store.get(id)!.rowid;
  });
}

describe("the embeddings provider", () => {
  it("is absent without a model name or without anywhere to send requests", () => {
    expect(createEmbeddings({ openai: { apiKey: "sk-x" } })).toBeUndefined();
    expect(createEmbeddings({ openai: { embeddingModel: MODEL } })).toBeUndefined();
    expect(createEmbeddings({ openai: { apiKey: "sk-x", embeddingModel: MODEL } })?.model).toBe(MODEL);
  });

  it("embeds documents and queries through the OpenAI SDK, from a base URL alone", async () => {
    const e = embeddingsFor();
    const docs = await e.embedDocuments(["alpha beta", "gamma delta"]);
    expect(docs).toEqual([fakeEmbedding("alpha beta"), fakeEmbedding("gamma delta")].map((v) => v.map((x) => expect.closeTo(x, 6))));
    expect(await e.embedQuery("alpha")).toHaveLength(64);
    expect(fake.requests.map((r) => r.body)).toEqual([
      { model: MODEL, input: ["alpha beta", "gamma delta"], encoding_format: "float" },
      { model: MODEL, input: ["alpha"], encoding_format: "float" },
    ]);
  });

  it("sends the API key when there is one, and splits big inputs into several requests", async () => {
    const keyed = new FakeOpenAI({ apiKey: "sk-test" });
    const url = await keyed.start();
    try {
      const e = createEmbeddings({ openai: { apiKey: "sk-test", baseUrl: url, embeddingModel: MODEL } }, { maxBatch: 2 })!;
      expect(await e.embedDocuments(["a", "b", "c", "d", "e"])).toHaveLength(5);
      expect(keyed.requests.map((r) => (r.body as { input: string[] }).input.length)).toEqual([2, 2, 1]);
      expect(keyed.requests[0]!.headers.authorization).toBe("Bearer sk-test");
    } finally {
      await keyed.stop();
    }
  });

  it("retries a server error a bounded number of times", async () => {
    fake.failures.push({ status: 500, headers: { "retry-after-ms": "1" } });
    expect(await embeddingsFor(base, { maxRetries: 2 }).embedQuery("hello")).toHaveLength(64);
    expect(fake.requests).toHaveLength(2);

    fake.failWhen = () => ({ status: 503, headers: { "retry-after-ms": "1" } });
    await expect(embeddingsFor(base, { maxRetries: 1 }).embedQuery("hello")).rejects.toThrow(/503/);
    expect(fake.requests).toHaveLength(4);
  });

  it("rejects a response whose vectors differ in length or do not match the input", async () => {
    fake.route("POST", "/v1/embeddings", (_req, res) =>
      sendJson(res, 200, {
        object: "list",
        data: [
          { object: "embedding", index: 0, embedding: [1, 0, 0] },
          { object: "embedding", index: 1, embedding: [1, 0] },
        ],
        model: MODEL,
        usage: { prompt_tokens: 2, total_tokens: 2 },
      }),
    );
    await expect(embeddingsFor().embedDocuments(["a", "b"])).rejects.toThrow(/different lengths/);
    await expect(embeddingsFor().embedDocuments(["a", "b", "c"])).rejects.toThrow(/2 vectors for 3 texts/);
    fake.route("POST", "/v1/embeddings", (_req, res) => sendJson(res, 200, { data: [{ index: 0, embedding: ["x"] }] }));
    await expect(embeddingsFor().embedQuery("a")).rejects.toThrow(/unexpected response/);
  });
});

describe("the embedding backlog", () => {
  it("embeds every paper once; a second run embeds nothing", async () => {
    const { store } = await seeded();
    const first = await embedBacklog(sqliteStores(store), embeddingsFor(), MODEL, { batchSize: 16 });
    expect(first).toMatchObject({ embedded: 56, upToDate: 0, remaining: 0 });
    expect(fake.requests).toHaveLength(4);
    expect(new Set(fake.embedded).size).toBe(56);
    expect(vectorRows(store)).toBe(56);
    expect(hasVectors(store.db, MODEL)).toBe(true);

    const second = await embedBacklog(sqliteStores(store), embeddingsFor(), MODEL, { batchSize: 16 });
    expect(second).toMatchObject({ embedded: 0, upToDate: 56, remaining: 0 });
    expect(fake.requests).toHaveLength(4);
  });

  it("re-embeds only the paper whose abstract changed, replacing its vector", async () => {
    const { store } = await seeded();
    await embedBacklog(sqliteStores(store), embeddingsFor(), MODEL);
    const p = store.all()[7]!;
    store.upsert({ title: p.title, abstract: "A rewritten abstract about quantum annealing.", authors: [], source: "hf" });
    fake.embedded.length = 0;

    const again = await embedBacklog(sqliteStores(store), embeddingsFor(), MODEL);
    expect(again).toMatchObject({ embedded: 1, upToDate: 55 });
    expect(fake.embedded).toEqual([`${p.title}\n\nA rewritten abstract about quantum annealing.`]);
    expect(vectorRows(store)).toBe(56);
    const hits = vectorSearch(store.db, MODEL, fakeEmbedding("quantum annealing"), 1);
    expect(hits[0]!.rowid).toBe(p.rowid);
  });

  it("keeps the batches done before a failure, and a restart finishes only the rest", async () => {
    const { store, file } = await seeded();
    fake.failWhen = (_req, n) => (n === 1 ? { status: 500 } : undefined);
    await expect(embedBacklog(sqliteStores(store), embeddingsFor(), MODEL, { batchSize: 20 })).rejects.toThrow(/stopped after 20 of 56 papers .*500/);
    const done = [...fake.embedded];
    expect(done).toHaveLength(20);
    store.db.close();

    const reopened = openStore(file);
    opened.push(reopened);
    expect(pendingEmbeddings(reopened.db, MODEL, 100)).toHaveLength(36);
    fake.failWhen = undefined;
    fake.embedded.length = 0;
    const rest = await embedBacklog(sqliteStores(reopened), embeddingsFor(), MODEL, { batchSize: 20 });
    expect(rest).toMatchObject({ embedded: 36, upToDate: 20, remaining: 0 });
    expect(fake.embedded.filter((t) => done.includes(t))).toEqual([]);
    expect(vectorRows(reopened)).toBe(56);
  });

  it("moves papers to a new model, dropping the old model's vectors", async () => {
    const { store } = await seeded();
    await embedBacklog(sqliteStores(store), embeddingsFor(), MODEL);
    const small = new FakeOpenAI({ dim: 32 });
    const url = await small.start();
    try {
      const other = createEmbeddings({ openai: { baseUrl: url, embeddingModel: "other-embed" } }, { maxRetries: 0 })!;
      expect(await embedBacklog(sqliteStores(store), other, "other-embed")).toMatchObject({ embedded: 56, upToDate: 0 });
      expect(vectorRows(store, 32)).toBe(56);
      expect(vectorRows(store, 64)).toBe(0);
      expect(hasVectors(store.db, MODEL)).toBe(false);
      expect(vectorSearch(store.db, MODEL, fakeEmbedding("kv cache"), 5)).toEqual([]);
    } finally {
      await small.stop();
    }
  });
});

describe("vector search", () => {
  it("ranks the paper whose text matches the query first", async () => {
    const { store } = tempStore();
    const rowids = addTopics(store);
    const e = embeddingsFor();
    await embedBacklog(sqliteStores(store), e, MODEL);
    const hits = vectorSearch(store.db, MODEL, await e.embedQuery("speculative decoding draft tokens"), 3);
    expect(hits).toHaveLength(3);
    expect(hits[0]!.rowid).toBe(rowids[2]);
    expect(hits[0]!.distance).toBeLessThan(hits[1]!.distance);
    expect(vectorSearch(store.db, MODEL, await e.embedQuery("learned index B-trees"), 1)[0]!.rowid).toBe(rowids[4]);
  });

  it("is empty when no vectors exist for the model", async () => {
    const { store } = tempStore();
    addTopics(store);
    expect(hasVectors(store.db, MODEL)).toBe(false);
    expect(vectorSearch(store.db, MODEL, fakeEmbedding("sparse attention"), 5)).toEqual([]);
    await embedBacklog(sqliteStores(store), embeddingsFor(), MODEL);
    expect(vectorSearch(store.db, "another-model", fakeEmbedding("sparse attention"), 5)).toEqual([]);
    expect(vectorSearch(store.db, MODEL, fakeEmbedding("sparse attention", 16), 5)).toEqual([]);
    expect(vectorSearch(store.db, MODEL, fakeEmbedding("sparse attention"), 0)).toEqual([]);
  });

  it("forgets a deleted paper's vector and skips a paper deleted before its vector is saved", async () => {
    const { store } = tempStore();
    const rowids = addTopics(store);
    await embedBacklog(sqliteStores(store), embeddingsFor(), MODEL);
    store.db.prepare("DELETE FROM papers WHERE rowid = ?").run(rowids[0]);
    expect(vectorRows(store)).toBe(4);

    const hash = contentHash(MODEL, "gone", "gone");
    saveEmbeddings(store.db, MODEL, [{ rowid: 999, hash, vector: fakeEmbedding("gone") }]);
    expect(vectorRows(store)).toBe(4);
  });
});

describe("paperbot embed", () => {
  it("says what to set when no embedding model is configured, with the configuration exit code", async () => {
    const { file } = tempStore();
    const envs: Record<string, string>[] = [{ PAPERBOT_DB: file, OPENAI_BASE_URL: base }, { PAPERBOT_DB: file }];
    for (const env of envs) {
      const r = await runCli(["embed"], env);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^paperbot: no embedding model is configured\. Set OPENAI_EMBEDDING_MODEL and OPENAI_API_KEY or OPENAI_BASE_URL /);
    }
    expect(fake.requests).toEqual([]);
  });

  it("embeds the backlog in batches and prints a one-line summary", async () => {
    const { file } = tempStore();
    const env = { PAPERBOT_DB: file, OPENAI_BASE_URL: base, OPENAI_EMBEDDING_MODEL: MODEL };
    const r = await runCli(["embed", "--batch", "10"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^embedded 56 papers with fake-embed, 0 already up to date, 0 remaining, [\d.]+ s\n$/);
    expect(fake.requests).toHaveLength(6);
    const reopened = openStore(file);
    opened.push(reopened);
    expect(fake.embedded[0]).toBe(embeddingText(reopened.all()[0]!));
  });
});
