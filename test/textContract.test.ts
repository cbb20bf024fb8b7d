// The full-text passages' and vectors' contract, run against SQLite and PostgreSQL alike. On PostgreSQL the
// vectors take the exact scan in Node: no test server has pgvector (its search SQL is only parse-checked).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../src/config/logger.js";
import { openDb } from "../src/store/sqlite/db.js";
import type { Chunk, FullTextChunks } from "../src/store/fullText.js";
import type { GroupPaperStore } from "../src/store/groupPapers.js";
import { PaperStore } from "../src/store/sqlite/paperStore.js";
import { PostgresFullTextChunks } from "../src/store/postgres/fullTextChunks.js";
import { PostgresGroupPaperStore } from "../src/store/postgres/groupPapers.js";
import { detectVectorSearch, pgvectorSearchSql, PostgresVectorStore } from "../src/store/postgres/vectors.js";
import { SqliteFullTextChunks } from "../src/store/sqlite/fullTextChunks.js";
import { SqliteGroupPaperStore } from "../src/store/sqlite/groupPapers.js";
import { SqliteVectorStore } from "../src/store/sqlite/vectors.js";
import { contentHash, type PaperToEmbed, type VectorStore } from "../src/store/vectors.js";
import { havePostgres, migratedSchemaForFile } from "./helpers/postgres.js";

interface Stores {
  texts: FullTextChunks;
  groups: GroupPaperStore;
  vectors: VectorStore;
  close: () => Promise<void>;
}

interface Backend {
  name: string;
  /** Empty stores for one test; `papers` are the papers the vectors may be saved for (SQLite names them by their row). */
  open: (papers: readonly PaperToEmbed[]) => Promise<Stores>;
}

const sqlite: Backend = {
  name: "SQLite",
  open: async (papers) => {
    const db = openDb(":memory:");
    const store = new PaperStore(db);
    for (const p of papers) {
      const { id } = store.upsert({ arxivId: p.id, title: p.title, abstract: p.abstract, authors: ["A. Author"], source: "arxiv" });
      expect(id).toBe(p.id);
    }
    return {
      texts: new SqliteFullTextChunks(db),
      groups: new SqliteGroupPaperStore(db),
      vectors: new SqliteVectorStore(db),
      close: async () => void db.close(),
    };
  },
};

const backends: Backend[] = [sqlite];

// One fresh schema for this file, emptied before each test; `other` is a second pool on it, as a second machine.
const withPostgres = havePostgres();
const schema = withPostgres ? migratedSchemaForFile() : undefined;
const pool = () => schema!.pool();
const other = () => schema!.other();
if (withPostgres) {
  backends.push({
    name: "PostgreSQL",
    open: async () => {
      await pool().query("TRUNCATE paper_texts, paper_chunks, paper_embeddings, group_papers");
      await pool().query("UPDATE full_text_version SET version = 0");
      // A small batch, so the scan reads several.
      const vectors = await PostgresVectorStore.open(pool(), { batchSize: 2 });
      return { texts: new PostgresFullTextChunks(pool()), groups: new PostgresGroupPaperStore(pool()), vectors, close: async () => {} };
    },
  });
}

let stores: Stores;
afterEach(async () => {
  await stores?.close();
});

const day = (n: number, hour = 9) => new Date(Date.UTC(2026, 2, n, hour));

const chunk = (page: number, text: string, section?: string): Chunk => ({ page, pageEnd: page, text, ...(section ? { section } : {}) });

/** A text of `chars` characters in one passage. */
const sized = (chars: number) => ({ pageCount: 1, chunks: [chunk(1, "x".repeat(chars))] });

describe.each(backends)("full-text passages in $name", (backend) => {
  beforeEach(async () => {
    stores = await backend.open([]);
  });

  it("stores a paper's passages in order and reads them back; saving again replaces them", async () => {
    const { texts } = stores;
    expect(await texts.version()).toBe("0");
    await texts.save(
      "2501.00001",
      {
        pageCount: 9,
        chunks: [
          chunk(1, "We study diffusion.", "Introduction"),
          { page: 2, pageEnd: 3, text: "Bidi\u202e text and\u0007 more." },
          chunk(4, "Results."),
        ],
        references: "[1] A paper.",
      },
      "arxiv",
      day(1),
    );
    const chunks = await texts.chunks("2501.00001");
    expect(chunks).toEqual([
      { paperId: "2501.00001", seq: 0, page: 1, pageEnd: 1, section: "Introduction", text: "We study diffusion." },
      { paperId: "2501.00001", seq: 1, page: 2, pageEnd: 3, text: chunks[1]!.text },
      { paperId: "2501.00001", seq: 2, page: 4, pageEnd: 4, text: "Results." },
    ]);
    // Control and bidi characters do not reach the store.
    expect(chunks[1]!.text).not.toMatch(/[\u202e\u0007]/);
    const chars = chunks.reduce((n, c) => n + c.text.length, 0) + "[1] A paper.".length;
    expect(await texts.status("2501.00001")).toEqual({ status: "read", source: "arxiv", pages: 9, chars, readAt: day(1).toISOString() });
    expect(await texts.totalChars()).toBe(chars);
    expect(await texts.version()).toBe("1");

    await texts.save("2501.00001", { pageCount: 2, chunks: [chunk(2, "Only this.")] }, "attachment", day(2));
    expect(await texts.chunks("2501.00001")).toEqual([{ paperId: "2501.00001", seq: 0, page: 2, pageEnd: 2, text: "Only this." }]);
    expect(await texts.status("2501.00001")).toEqual({ status: "read", source: "attachment", pages: 2, chars: 10, readAt: day(2).toISOString() });
    expect(await texts.version()).toBe("2");
    expect(await texts.withText(["2501.00001", "2501.00002"])).toEqual(new Set(["2501.00001"]));
    expect(await texts.withText([])).toEqual(new Set());
    expect(await texts.chunks("2501.00002")).toEqual([]);
  });

  it("records failures, which a later failure updates and a text read before outlives", async () => {
    const { texts } = stores;
    expect(await texts.status("p1")).toBeUndefined();
    await texts.recordFailure("p1", "arxiv", "not-a-pdf", "got HTML", day(1));
    expect(await texts.status("p1")).toEqual({
      status: "failed",
      source: "arxiv",
      problem: "not-a-pdf",
      detail: "got HTML",
      readAt: day(1).toISOString(),
    });
    await texts.recordFailure("p1", "file", "too-large", "90 MB", day(2));
    expect(await texts.status("p1")).toEqual({
      status: "failed",
      source: "file",
      problem: "too-large",
      detail: "90 MB",
      readAt: day(2).toISOString(),
    });
    expect(await texts.withText(["p1"])).toEqual(new Set());
    expect(await texts.totalChars()).toBe(0);

    await texts.save("p1", sized(5), "arxiv", day(3));
    await texts.recordFailure("p1", "arxiv", "timeout", "", day(4));
    expect(await texts.status("p1")).toEqual({ status: "read", source: "arxiv", pages: 1, chars: 5, readAt: day(3).toISOString() });
    expect(await texts.chunks("p1")).toHaveLength(1);
  });

  it("finds passages by any of the terms, the clearly best first, and nothing for no terms", async () => {
    const { texts } = stores;
    await texts.save(
      "best",
      {
        pageCount: 1,
        chunks: [chunk(1, "Diffusion transformers scale: diffusion transformers with more diffusion steps.", "Diffusion transformers")],
      },
      "arxiv",
    );
    await texts.save("some", { pageCount: 1, chunks: [chunk(1, "We compare with a convolutional baseline and mention diffusion once.")] }, "arxiv");
    await texts.save("none", { pageCount: 1, chunks: [chunk(1, "Graph neural networks for molecules.")] }, "arxiv");
    const hits = await texts.searchAll(["diffusion", "transformers"], 10);
    expect(hits.map((h) => h.paperId)).toEqual(["best", "some"]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(hits[0]).toMatchObject({ seq: 0, page: 1, section: "Diffusion transformers" });
    expect((await texts.searchAll(["diffusion"], 1)).map((h) => h.paperId)).toEqual(["best"]);
    expect(await texts.searchAll(["molecules"], 10)).toMatchObject([{ paperId: "none" }]);
    expect(await texts.searchAll(["quasar"], 10)).toEqual([]);
    expect(await texts.searchAll([], 10)).toEqual([]);
  });

  it("keeps the stored texts under the cap: least recently used first, groups' papers last, never the excepted one", async () => {
    const { texts, groups } = stores;
    for (const [id, n] of [
      ["a", 1],
      ["b", 2],
      ["c", 3],
      ["d", 4],
    ] as const)
      await texts.save(id, sized(100), "arxiv", day(n));
    await groups.add("g1", "c", "save");
    await texts.touch(["a", "unknown"], day(5));
    expect(await texts.totalChars()).toBe(400);
    expect(await texts.enforceCap(400)).toEqual([]);
    const before = await texts.version();

    // b is the least recently used: a was used since.
    expect(await texts.enforceCap(300)).toEqual(["b"]);
    expect(await texts.status("b")).toBeUndefined();
    expect(await texts.chunks("b")).toEqual([]);
    expect(await texts.version()).not.toBe(before);

    // d is excepted; a goes before the group's c, which goes only because the text is still over.
    expect(await texts.enforceCap(100, "d")).toEqual(["a", "c"]);
    expect(await texts.withText(["a", "b", "c", "d"])).toEqual(new Set(["d"]));
    expect(await texts.totalChars()).toBe(100);
    expect(await texts.enforceCap(0, "d")).toEqual([]);
    expect(await texts.searchAll(["x"], 10)).toEqual([]);
  });
});

/** Papers whose vectors the tests save, with ids as arXiv's (SQLite makes the paper's id from it). */
const papers: PaperToEmbed[] = ["2501.00001", "2501.00002", "2501.00003", "2501.00004", "2501.00005", "2501.00006"].map((id, i) => ({
  id,
  title: `Paper ${i + 1}`,
  abstract: `The abstract of paper ${i + 1}.`,
}));

const vectorOf = (model: string, i: number, vector: number[]) => ({
  paperId: papers[i]!.id,
  hash: contentHash(model, papers[i]!.title, papers[i]!.abstract),
  vector,
});

/** 40 more papers with fixed pseudo-random vectors of length 8 (no two at the same distance from the query below). */
const many: PaperToEmbed[] = Array.from({ length: 40 }, (_, i) => ({ id: `2502.${String(i).padStart(5, "0")}`, title: `Many ${i}`, abstract: "" }));
let seed = 7;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31 - 0.5;
};
const manyVectors = many.map(() => Array.from({ length: 8 }, random));

describe.each(backends)("vectors in $name", (backend) => {
  beforeEach(async () => {
    stores = await backend.open([...papers, ...many]);
  });

  it("finds the same nearest papers as an exact cosine ranking, across several batches", async () => {
    const { vectors } = stores;
    await vectors.save(
      "m-a",
      many.map((p, i) => ({ paperId: p.id, hash: contentHash("m-a", p.title, p.abstract), vector: manyVectors[i]! })),
    );
    const query = [0.3, -0.2, 0.1, 0.4, -0.5, 0.2, 0.05, -0.1];
    const f32 = (v: number[]) => Array.from(Float32Array.from(v));
    const cosine = (a: number[], b: number[]) => {
      const dot = (x: number[], y: number[]) => x.reduce((n, xi, i) => n + xi * y[i]!, 0);
      return 1 - dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    };
    const expected = many
      .map((p, i) => ({ paperId: p.id, distance: cosine(f32(query), f32(manyVectors[i]!)) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, 10);
    const hits = await vectors.search("m-a", query, 10);
    expect(hits.map((h) => h.paperId)).toEqual(expected.map((e) => e.paperId));
    hits.forEach((h, i) => expect(h.distance).toBeCloseTo(expected[i]!.distance, 5));
  });

  it("saves vectors per model, finds the nearest first and lists the papers not embedded", async () => {
    const { vectors } = stores;
    expect(await vectors.hasVectors("m-a")).toBe(false);
    expect(await vectors.search("m-a", [1, 0, 0], 3)).toEqual([]);
    expect((await vectors.pending("m-a", papers)).map((p) => p.id)).toEqual(papers.map((p) => p.id));

    await vectors.save("m-a", [
      vectorOf("m-a", 0, [1, 0, 0]),
      vectorOf("m-a", 1, [0.9, 0.3, 0]),
      vectorOf("m-a", 2, [0, 1, 0]),
      vectorOf("m-a", 3, [-1, 0.1, 0]),
      vectorOf("m-a", 4, [0.5, 0.5, 0.5]),
    ]);
    await vectors.save("m-b", [vectorOf("m-b", 5, [1, 0, 0, 0])]);
    expect(await vectors.hasVectors("m-a")).toBe(true);
    expect(await vectors.hasVectors("m-b")).toBe(true);
    expect(await vectors.hasVectors("m-c")).toBe(false);

    const hits = await vectors.search("m-a", [1, 0.1, 0], 3);
    expect(hits.map((h) => h.paperId)).toEqual(["2501.00001", "2501.00002", "2501.00005"]);
    expect(hits[0]!.distance).toBeCloseTo(1 - 1 / Math.sqrt(1.01), 5);
    const all = await vectors.search("m-a", [1, 0.1, 0], 10);
    expect(all.map((h) => h.paperId)).toEqual(["2501.00001", "2501.00002", "2501.00005", "2501.00003", "2501.00004"]);
    expect(all.at(-1)!.distance).toBeGreaterThan(1.9);
    // Another model's vectors, and vectors of another length, are not searched.
    expect((await vectors.search("m-b", [1, 0, 0, 0], 10)).map((h) => h.paperId)).toEqual(["2501.00006"]);
    expect(await vectors.search("m-b", [1, 0, 0], 10)).toEqual([]);
    expect(await vectors.search("m-a", [1, 0, 0], 0)).toEqual([]);

    expect((await vectors.pending("m-a", papers)).map((p) => p.id)).toEqual(["2501.00006"]);
    expect((await vectors.pending("m-b", papers)).map((p) => p.id)).toEqual(papers.slice(0, 5).map((p) => p.id));
    // A changed abstract makes the paper pending again, with the new text's hash.
    const changed = { ...papers[0]!, abstract: "Rewritten." };
    expect(await vectors.pending("m-a", [changed])).toEqual([{ ...changed, hash: contentHash("m-a", changed.title, changed.abstract) }]);

    // A paper holds one vector: embedding it with another model takes it out of the first model's search.
    await vectors.save("m-b", [vectorOf("m-b", 0, [0, 0, 0, 1])]);
    expect((await vectors.search("m-a", [1, 0.1, 0], 2)).map((h) => h.paperId)).toEqual(["2501.00002", "2501.00005"]);
    expect((await vectors.pending("m-a", papers)).map((p) => p.id)).toEqual(["2501.00001", "2501.00006"]);
  });

  it("refuses vectors of no length or with numbers that are not finite, saving none of the batch", async () => {
    const { vectors } = stores;
    await expect(vectors.save("m-a", [vectorOf("m-a", 0, [1, 0]), vectorOf("m-a", 1, [])])).rejects.toThrow(/length 0/);
    await expect(vectors.save("m-a", [vectorOf("m-a", 0, [1, 0]), vectorOf("m-a", 1, [1, Number.NaN])])).rejects.toThrow(/not all finite/);
    expect(await vectors.hasVectors("m-a")).toBe(false);
  });
});

if (withPostgres) {
  describe("full text and vectors on PostgreSQL", () => {
    it("without pgvector, search takes the exact scan; the pgvector search's SQL parses (it fails only for want of the type)", async () => {
      const path = await detectVectorSearch(pool());
      expect(path).toEqual({ kind: "scan" });
      const lines: string[] = [];
      const store = await PostgresVectorStore.open(pool(), { logger: createLogger("info", { write: (line: string) => void lines.push(line) }) });
      expect(store.path).toEqual({ kind: "scan" });
      expect(lines.map((l) => JSON.parse(l) as { vectorSearch?: string }).map((l) => l.vectorSearch)).toEqual(["scan"]);
      const err = await pool()
        .query(pgvectorSearchSql("public"), ["[1,0]", "m", 2, 3])
        .catch((e: { code?: string }) => e);
      // 42601 would be a syntax error; 42704 is "type public.vector does not exist".
      expect((err as { code?: string }).code).toBe("42704");
    });

    it("two machines saving one paper's text at once leave one whole text", async () => {
      await pool().query("TRUNCATE paper_texts, paper_chunks");
      const mine = new PostgresFullTextChunks(pool());
      const theirs = new PostgresFullTextChunks(other());
      const text = (n: number) => ({ pageCount: n, chunks: Array.from({ length: n }, (_, i) => chunk(i + 1, `machine text ${n} part ${i}`)) });
      await Promise.all([1, 2, 3, 4, 5, 6].map((n) => (n % 2 ? mine : theirs).save("p1", text(n), "arxiv")));
      const status = await mine.status("p1");
      expect(status?.status).toBe("read");
      const pages = status?.status === "read" ? status.pages : 0;
      expect((await theirs.chunks("p1")).map((c) => c.text)).toEqual(text(pages).chunks.map((c) => c.text));
    });
  });
}
