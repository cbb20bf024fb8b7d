// The embedding backlog over the async stores (VectorStore.backlog and countPending, and embedBacklog on them), run against
// SQLite and PostgreSQL alike: every paper without a current vector, in the order papers were added, walked in batches.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { embedBacklog } from "../src/retrieval/embedBacklog.js";
import { createEmbeddings } from "../src/retrieval/embeddings.js";
import { openDb } from "../src/store/sqlite/db.js";
import type { PaperInput } from "../src/store/paper.js";
import type { PaperRecords } from "../src/store/paperRecords.js";
import { PaperStore } from "../src/store/sqlite/paperStore.js";
import { PostgresPaperRecords } from "../src/store/postgres/papers.js";
import { PostgresVectorStore } from "../src/store/postgres/vectors.js";
import { SqlitePaperRecords } from "../src/store/sqlite/papers.js";
import { SqliteVectorStore } from "../src/store/sqlite/vectors.js";
import { contentHash, type VectorStore } from "../src/store/vectors.js";
import { FakeOpenAI } from "./fakes/openai.js";
import { emptyPapers, havePostgres, migratedSchemaForFile } from "./helpers/postgres.js";

interface Backend {
  name: string;
  open: () => Promise<{ papers: PaperRecords; vectors: VectorStore }>;
}

const backends: Backend[] = [
  {
    name: "SQLite",
    open: async () => {
      const db = openDb(":memory:");
      return { papers: new SqlitePaperRecords(new PaperStore(db)), vectors: new SqliteVectorStore(db) };
    },
  },
];
const withPostgres = havePostgres();
const schema = withPostgres ? migratedSchemaForFile() : undefined;
if (withPostgres)
  backends.push({
    name: "PostgreSQL",
    open: async () => {
      const pool = schema!.pool();
      await emptyPapers(pool, "paper_embeddings");
      // A small batch, so a walk reads several.
      return { papers: new PostgresPaperRecords(pool), vectors: await PostgresVectorStore.open(pool, { batchSize: 2 }) };
    },
  });

const paper = (n: number): PaperInput => ({
  arxivId: `2503.${String(10 - n).padStart(5, "0")}`,
  title: `Paper ${n} on serving`,
  abstract: `Abstract ${n}.`,
  authors: [],
  source: "arxiv",
});
/** Added in this order; their ids sort the other way, so arrival order is not id order. */
const PAPERS = [1, 2, 3, 4, 5, 6, 7].map(paper);
const ids = PAPERS.map((p) => p.arxivId!);

let fake: FakeOpenAI;
let url: string;
beforeAll(async () => {
  fake = new FakeOpenAI();
  url = await fake.start();
});
afterAll(() => fake.stop());

describe.each(backends)("the embedding backlog in $name", (backend) => {
  let stores: { papers: PaperRecords; vectors: VectorStore };
  beforeEach(async () => {
    stores = await backend.open();
    for (const p of PAPERS) await stores.papers.upsert(p);
  });

  const walk = async (model: string, limit: number) => {
    const batches: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const b = await stores.vectors.backlog(model, limit, after);
      if (!b.papers.length) return batches;
      batches.push(b.papers.map((p) => p.id));
      after = b.next;
    }
  };

  it("walks every paper without a current vector in the order they were added, batch by batch", async () => {
    expect(await stores.vectors.countPending("m")).toBe(7);
    expect(await walk("m", 3)).toEqual([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
    const first = await stores.vectors.backlog("m", 1);
    expect(first.papers).toEqual([
      { id: ids[0], title: "Paper 1 on serving", abstract: "Abstract 1.", hash: contentHash("m", "Paper 1 on serving", "Abstract 1.") },
    ]);

    const vector = (id: string) => ({
      paperId: id,
      hash: contentHash("m", `Paper ${ids.indexOf(id) + 1} on serving`, `Abstract ${ids.indexOf(id) + 1}.`),
      vector: [1, 0],
    });
    await stores.vectors.save("m", [ids[1]!, ids[2]!, ids[5]!].map(vector));
    expect(await stores.vectors.countPending("m")).toBe(4);
    expect(await walk("m", 3)).toEqual([[ids[0], ids[3], ids[4]], [ids[6]]]);
    // Another model's vectors do not count; a changed abstract makes its paper pending again.
    expect(await stores.vectors.countPending("other")).toBe(7);
    await stores.papers.upsert({ ...PAPERS[1]!, abstract: "Rewritten." });
    expect(await walk("m", 10)).toEqual([[ids[0], ids[1], ids[3], ids[4], ids[6]]]);
  });

  it("embeds the backlog, or only the papers named, and then nothing", async () => {
    const embeddings = createEmbeddings({ openai: { baseUrl: url, embeddingModel: "fake-embed" } }, { maxRetries: 0 })!;
    const only = await embedBacklog(stores, embeddings, "fake-embed", { onlyIds: [ids[6]!, ids[0]!, "2599.99999"], batchSize: 1 });
    expect(only).toMatchObject({ embedded: 2, upToDate: 1, remaining: 0 });
    expect(await stores.vectors.countPending("fake-embed")).toBe(5);
    const rest = await embedBacklog(stores, embeddings, "fake-embed", { batchSize: 2 });
    expect(rest).toMatchObject({ embedded: 5, upToDate: 2, remaining: 0 });
    expect(await stores.vectors.countPending("fake-embed")).toBe(0);
    expect(await embedBacklog(stores, embeddings, "fake-embed")).toMatchObject({ embedded: 0, upToDate: 7, remaining: 0 });
    expect((await stores.vectors.search("fake-embed", (await embeddings.embedQuery("Paper 4 on serving")) as number[], 1))[0]?.paperId).toBe(ids[3]);
  });
});
