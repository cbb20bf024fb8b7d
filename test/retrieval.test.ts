import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqliteStores } from "../src/store/stores.js";
import { ingestHfFiles } from "../src/ingest/ingestHf.js";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { embedBacklog } from "../src/retrieval/embedBacklog.js";
import { createEmbeddings } from "../src/retrieval/embeddings.js";
import { fuseByRank, Retriever } from "../src/retrieval/retriever.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { FakeOpenAI } from "./fakes/openai.js";
import { corpusDir, seedPage, tempStore } from "./helpers/tmp.js";

async function seeded(): Promise<PaperStore> {
  const { store } = tempStore();
  await ingestSeedPage(sqliteStores(store), seedPage);
  return store;
}

const titles = async (r: Retriever, q: string, k = 3) => (await r.retrieve(q, { k })).hits.map((h) => h.paper.title);

describe("ranking on the seed collection", () => {
  it("finds a paper from a paraphrase that shares few of its words", async () => {
    const r = new Retriever(sqliteStores(await seeded()));
    expect((await titles(r, "how do phones run 70B models from flash?"))[0]).toMatch(/^Cambricon-LLM/);
    expect(await titles(r, "splitting a big model across several weak home devices")).toContainEqual(expect.stringMatching(/^TPI-LLM/));
    expect((await titles(r, "idle cloud functions start slowly on the first request"))[0]).toMatch(/^Serverless Cold Starts/);
  });

  it("puts the paper first when asked by its title", async () => {
    const store = await seeded();
    const r = new Retriever(sqliteStores(store));
    for (const p of store.all().slice(0, 20)) expect((await titles(r, p.title, 1))[0]).toBe(p.title);
  });

  it("flags a question the collection cannot answer, and not one it can", async () => {
    const r = new Retriever(sqliteStores(await seeded()));
    expect((await r.retrieve("how do lithium-ion battery state-of-health estimators work?")).covered).toBe(false);
    expect((await r.retrieve("which methods find exoplanets in telescope light curves?")).covered).toBe(false);
    expect((await r.retrieve("Which papers reduce KV cache memory in LLM serving?")).covered).toBe(true);
    expect((await r.retrieve("")).hits).toEqual([]);
  });

  it("recovers multi-paper answers in the larger collection", async () => {
    const store = await seeded();
    await ingestHfFiles(sqliteStores(store).papers, corpusDir);
    const got = await titles(new Retriever(sqliteStores(store)), "what work studies serverless cold starts or autoscaling?", 10);
    expect(got).toContainEqual(expect.stringMatching(/^Serverless Cold Starts/));
    expect(got).toContainEqual(expect.stringMatching(/^AI-based Resource Allocation/));
  });

  it("sees a paper's new text after it changes, without a restart", async () => {
    const store = await seeded();
    const r = new Retriever(sqliteStores(store));
    expect((await titles(r, "NanoFlow serving throughput"))[0]).toMatch(/^NanoFlow/); // now cached
    store.upsert({
      arxivId: "2408.12757",
      title: "NanoFlow: Towards Optimal Large Language Model Serving Throughput",
      abstract: "Zeppelin airships for serving.",
      authors: [],
      source: "hf",
    });
    expect((await titles(r, "zeppelin airships"))[0]).toMatch(/^NanoFlow/);
  });
});

describe("hybrid search", () => {
  let fake: FakeOpenAI;
  let baseUrl: string;
  beforeEach(async () => {
    // The fake model knows a "handset" is a smartphone; no abstract says "handset".
    fake = new FakeOpenAI({ dim: 1024, synonyms: { handset: "smartphones", handsets: "smartphones" } });
    baseUrl = await fake.start();
  });
  afterEach(() => fake.stop());

  it("fuses vector hits with lexical ones, and falls back to lexical when there are no vectors", async () => {
    const store = await seeded();
    const embeddings = createEmbeddings({ openai: { baseUrl, embeddingModel: "fake-embed" } })!;
    const r = new Retriever(sqliteStores(store), { embeddings });
    const before = await r.retrieve("handsets smartphones on device inference", { k: 5 });
    expect(before.mode).toBe("lexical");
    expect(fake.requests).toHaveLength(0);

    await embedBacklog(sqliteStores(store), embeddings, "fake-embed");
    const onlyVectors = await r.retrieve("handset", { k: 5 });
    expect(onlyVectors.mode).toBe("hybrid");
    // Lexically "handset" matches nothing; through the vectors it reaches the smartphone papers.
    expect(onlyVectors.hits.map((h) => h.paper.abstract).some((a) => /smartphones/i.test(a))).toBe(true);
  });

  it("keeps answering lexically when the embedding server fails", async () => {
    const store = await seeded();
    const embeddings = createEmbeddings({ openai: { baseUrl, embeddingModel: "fake-embed" } }, { maxRetries: 0 })!;
    await embedBacklog(sqliteStores(store), embeddings, "fake-embed");
    fake.down = 500;
    const r = await new Retriever(sqliteStores(store), { embeddings }).retrieve("NanoFlow serving throughput", { k: 3 });
    expect(r.mode).toBe("lexical");
    expect(r.hits[0]!.paper.title).toMatch(/^NanoFlow/);
  });

  it("ranks by reciprocal rank fusion, ties by paper id", () => {
    expect(
      fuseByRank([
        ["a", "b", "c"],
        ["c", "a"],
      ]).map((h) => h.id),
    ).toEqual(["a", "c", "b"]);
    expect(fuseByRank([["2501.2"], ["2501.1"]]).map((h) => h.id)).toEqual(["2501.1", "2501.2"]);
  });
});
