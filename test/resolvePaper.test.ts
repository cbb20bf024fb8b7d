import Database from "better-sqlite3";
import { sqliteStores } from "../src/store/stores.js";
import { describe, expect, it } from "vitest";
import { ingestHfFiles } from "../src/ingest/ingestHf.js";
import fs from "node:fs";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { parseSeedPage } from "../src/ingest/parseSeedPage.js";
import { autocomplete as autocompleteNames, MAX_NAME_LENGTH, MAX_SUGGESTIONS } from "../src/retrieval/autocomplete.js";
import { RANK_WINDOW } from "../src/store/paperNames.js";
import { MIN_CONFIDENCE, resolvePaper as resolveName } from "../src/retrieval/resolvePaper.js";
import { migrations } from "../src/store/sqlite/migrations.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import type { PaperInput } from "../src/store/paper.js";
import { mergePaper } from "../src/store/mergePaper.js";
import { CONTENT_COLUMNS } from "../src/store/paperRow.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { corpusDir, seedPage, tempDir, tempStore } from "./helpers/tmp.js";

// Over the async stores of the SQLite file (test/paperNamesContract.test.ts runs the same look-ups on PostgreSQL too).
const resolvePaper = (store: PaperStore, text: string) => resolveName(sqliteStores(store), text);
const autocomplete = (store: PaperStore, prefix: string, limit?: number) => autocompleteNames(sqliteStores(store).names, prefix, limit);

async function seeded(opts: { corpus?: boolean } = {}): Promise<PaperStore> {
  const { store } = tempStore();
  await ingestSeedPage(sqliteStores(store), seedPage);
  if (opts.corpus) await ingestHfFiles(sqliteStores(store).papers, corpusDir);
  return store;
}

const paper = (title: string, over: Partial<PaperInput> = {}): PaperInput => ({
  title,
  abstract: `About ${title}.`,
  authors: [],
  source: "hf",
  ...over,
});

const bestTitle = async (store: PaperStore, text: string) => (await resolvePaper(store, text)).best?.paper.title;

describe("resolvePaper", () => {
  it("finds a paper by arXiv id, arxiv.org URL, huggingface.co/papers URL or id, with full confidence", async () => {
    const store = await seeded();
    store.upsert(paper("Zephyr: Direct Distillation of LM Alignment", { arxivId: "2310.16944" }));
    for (const text of [
      "2310.16944",
      "arXiv:2310.16944v1",
      "https://arxiv.org/abs/2310.16944v2",
      "https://arxiv.org/pdf/2310.16944",
      "see https://huggingface.co/papers/2310.16944 please",
    ]) {
      const r = await resolvePaper(store, text);
      expect(r.best?.paper.arxivId, text).toBe("2310.16944");
      expect(r).toMatchObject({ best: { confidence: 1 }, candidates: [], ambiguous: false });
    }
    expect((await resolvePaper(store, "nanoflow-towards-optimal-large-language-model-serving-throughput")).best).toMatchObject({
      paper: { title: "NanoFlow: Towards Optimal Large Language Model Serving Throughput" },
      confidence: 1,
    });
    // An id we lack is unknown: its digits must not fuzzy-match some other paper.
    expect(await resolvePaper(store, "https://arxiv.org/abs/2599.99999")).toEqual({ candidates: [], ambiguous: false });
  });

  it("matches exact and lower-case titles with full confidence", async () => {
    const store = await seeded({ corpus: true });
    for (const text of [
      "Serverless Cold Starts and Where to Find Them",
      "nanoflow: towards optimal large language model serving throughput",
      "  BURSTGPT: A REAL-WORLD WORKLOAD DATASET TO OPTIMIZE LLM SERVING SYSTEMS ",
    ]) {
      expect(await resolvePaper(store, text)).toMatchObject({ best: { confidence: 1 }, ambiguous: false });
    }
  });

  it("knows a paper by the short name before the colon, even beside similar names in the 776-paper month", async () => {
    const store = await seeded({ corpus: true });
    for (const name of ["NanoFlow", "T3", "DualMap", "TPI-LLM", "MemAscend", "SSDTrain"]) {
      const r = await resolvePaper(store, name);
      expect(r.best?.paper.title.startsWith(`${name}:`), name).toBe(true);
      expect(r.best!.confidence, name).toBeGreaterThan(0.9);
      expect(r.ambiguous, name).toBe(false);
      // Runner-ups (NanoKnow, T3D, DualPath...) stay well behind.
      expect(
        r.candidates.every((c) => c.confidence < r.best!.confidence - 0.2),
        name,
      ).toBe(true);
    }
  });

  it("forgives typos by the user and in the stored title", async () => {
    const store = await seeded({ corpus: true });
    // The seed page spells it "SVDQunat"; users type the real name.
    const svd = await resolvePaper(store, "SVDQuant");
    expect(svd.best?.paper.title).toMatch(/^SVDQunat: Absorbing Outliers/);
    for (const typo of ["nanoflw", "Nnaoflow", "NanoFlwo"]) {
      const r = await resolvePaper(store, typo);
      expect(r.best?.paper.title, typo).toMatch(/^NanoFlow:/);
      expect(r.best!.confidence, typo).toBeGreaterThanOrEqual(MIN_CONFIDENCE);
      expect(r.best!.confidence, typo).toBeLessThan(0.97);
    }
    expect(await bestTitle(store, "serverles cold startz and where to find them")).toBe("Serverless Cold Starts and Where to Find Them");
    expect(await bestTitle(store, "Nanoflow: towrds optimal large languge model serving throughput")).toMatch(/^NanoFlow:/);
  });

  it("ignores spacing, case and punctuation", async () => {
    const store = await seeded({ corpus: true });
    expect(await bestTitle(store, "burst gpt")).toMatch(/^BurstGPT:/);
    expect(await bestTitle(store, "Burst-GPT")).toMatch(/^BurstGPT:/);
    expect(await bestTitle(store, "fastswitch")).toMatch(/^FastSwitch:/);
    expect(await bestTitle(store, "Memascend")).toMatch(/^MemAscend:/);
    expect(await bestTitle(store, "tpi llm")).toMatch(/^TPI-LLM:/);
  });

  it("recognises part of a title", async () => {
    const store = await seeded({ corpus: true });
    for (const part of ["serverless cold starts", "cold starts serverless", "Serverless cold starts and where"]) {
      const r = await resolvePaper(store, part);
      expect(r.best?.paper.title, part).toBe("Serverless Cold Starts and Where to Find Them");
      expect(r.ambiguous, part).toBe(false);
    }
    expect(await bestTitle(store, "Towards Optimal Large Language Model Serving Throughput")).toMatch(/^NanoFlow:/);
  });

  it("flags a short name that several papers share and returns all of them", async () => {
    const store = await seeded();
    store.upsert(paper("FlashX: Fast Attention Kernels for Long Context", { upvotes: 3 }));
    store.upsert(paper("FlashX: Flash Storage for Checkpoints"));
    const r = await resolvePaper(store, "flashx");
    expect(r.ambiguous).toBe(true);
    expect(
      [r.best, ...r.candidates]
        .map((m) => m?.paper.title)
        .slice(0, 2)
        .sort(),
    ).toEqual(["FlashX: Fast Attention Kernels for Long Context", "FlashX: Flash Storage for Checkpoints"]);
    expect(r.best!.confidence).toBe(r.candidates[0]!.confidence);
    // The more upvoted one leads a tie.
    expect(r.best!.paper.title).toBe("FlashX: Fast Attention Kernels for Long Context");
  });

  it("flags near-equal fuzzy matches and the start two titles share", async () => {
    const store = await seeded();
    store.upsert(paper("LongServe2: Serving Long Prompts"));
    store.upsert(paper("LongServe3: Serving Longer Prompts"));
    const fuzzy = await resolvePaper(store, "LongServe4");
    expect(fuzzy.ambiguous).toBe(true);
    expect([fuzzy.best!, fuzzy.candidates[0]!].map((m) => m.paper.title.slice(0, 10)).sort()).toEqual(["LongServe2", "LongServe3"]);

    const beyond = await resolvePaper(store, "Beyond");
    expect(beyond.ambiguous).toBe(true);
    expect([beyond.best!, beyond.candidates[0]!].map((m) => m.paper.title.split(":")[0]).sort()).toEqual(["Beyond Accuracy", "Beyond Inference"]);
  });

  it("returns no best for a name it does not know", async () => {
    const store = await seeded({ corpus: true });
    for (const text of ["zzzz quantum folding", "qqqxv", "   ", "!!!"]) {
      const r = await resolvePaper(store, text);
      expect(r.best, text).toBeUndefined();
      expect(r.ambiguous, text).toBe(false);
      expect(
        r.candidates.every((c) => c.confidence < MIN_CONFIDENCE),
        text,
      ).toBe(true);
    }
  });
});

describe("autocomplete", () => {
  it("completes short names and titles, ignoring case, spaces and punctuation", async () => {
    const store = await seeded();
    expect((await autocomplete(store, "Nano"))[0]?.name).toMatch(/^NanoFlow:/);
    expect((await autocomplete(store, "burst"))[0]?.name).toMatch(/^BurstGPT:/);
    expect((await autocomplete(store, "Burst G"))[0]?.name).toMatch(/^BurstGPT:/);
    expect((await autocomplete(store, "tpi l"))[0]?.name).toMatch(/^TPI-LLM:/);
    expect((await autocomplete(store, "T3"))[0]?.name).toMatch(/^T3:/);
    expect((await autocomplete(store, "serverless co"))[0]).toEqual({
      id: "serverless-cold-starts-and-where-to-find-them",
      name: "Serverless Cold Starts and Where to Find Them",
    });
    expect(await autocomplete(store, "zzzz")).toEqual([]);
  });

  it("ranks short-name matches, then title starts, then words inside titles, by upvotes within each", async () => {
    const store = await seeded();
    const t = (await autocomplete(store, "t")).map((s) => s.name);
    // Short names starting with t, most upvoted first: TPI-LLM (8), T3 (1), TokenWeave (0).
    expect(t.slice(0, 3).map((n) => n.split(":")[0])).toEqual(["TPI-LLM", "T3", "TokenWeave"]);
    const titleStart = t.findIndex((n) => n.startsWith("The Impact of Environment"));
    const insideTitle = t.findIndex((n) => n.startsWith("Scaling Retrieval-Based Language Models with a Trillion-Token"));
    expect(titleStart).toBeGreaterThan(2);
    expect(insideTitle).toBeGreaterThan(titleStart);
    // The exact short name beats more upvoted ones that merely start with it.
    expect((await autocomplete(store, "t3"))[0]?.name).toMatch(/^T3:/);

    const serv = (await autocomplete(store, "serv")).map((s) => s.name);
    expect(serv[0]).toBe("Serverless Cold Starts and Where to Find Them");
    expect(serv).toContain("TPI-LLM: Serving 70B-scale LLMs Efficiently on Low-resource Edge Devices");
    expect((await autocomplete(store, "cold st")).map((s) => s.name)).toEqual(["Serverless Cold Starts and Where to Find Them"]);
  });

  it("keeps names within Discord's 100 characters and lists at most 25", async () => {
    const store = await seeded({ corpus: true });
    for (const prefix of ["", "s", "a", "struct", "effic", "llm"]) {
      const out = await autocomplete(store, prefix);
      expect(out.length, prefix).toBeLessThanOrEqual(MAX_SUGGESTIONS);
      for (const s of out) expect(s.name.length, s.name).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    }
    expect(await autocomplete(store, "")).toHaveLength(25);
    expect(await autocomplete(store, "s", 100)).toHaveLength(25);
    expect(await autocomplete(store, "s", 5)).toHaveLength(5);
    const long = (await autocomplete(store, "structured context engineering"))[0]!;
    expect(long.id).toBe("structured-context-engineering-for-file-native-agentic-systems-evaluating-schema");
    expect(long.name).toMatch(/^Structured Context Engineering for File-Native Agentic Systems: .*…$/);
    expect(long.name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
  });

  it("lists the most upvoted papers for an empty prefix", async () => {
    const store = await seeded({ corpus: true });
    const ids = (await autocomplete(store, "")).map((s) => s.id);
    const votes = ids.map((id) => store.get(id)!.upvotes);
    expect(votes).toEqual([...votes].sort((a, b) => b - a));
    expect(votes[0]).toBe(Math.max(...store.all().map((p) => p.upvotes)));
  });

  it("fills the empty-prefix list with the newest papers when few have upvotes", async () => {
    const { store } = tempStore();
    store.transaction(() => {
      for (let i = 0; i < 40; i++) store.upsert(paper(`Unvoted paper ${i}`, { upvotes: 0 }));
      for (const [i, upvotes] of [7, 30, 12].entries()) store.upsert(paper(`Voted paper ${i}`, { upvotes }));
      store.upsert(paper("Unvoted paper, the newest", { upvotes: 0 }));
    });
    const titles = (await autocomplete(store, "")).map((s) => store.get(s.id)!.title);
    expect(titles.slice(0, 5)).toEqual(["Voted paper 1", "Voted paper 2", "Voted paper 0", "Unvoted paper, the newest", "Unvoted paper 39"]);
    expect(titles).toHaveLength(25);
  });

  it("ranks a prefix shared by more names than it sorts at once by upvotes from the index", async () => {
    const { store } = tempStore();
    store.transaction(() => {
      for (let i = 0; i < RANK_WINDOW + 200; i++) store.upsert(paper(`Bulkload ${i}: Paper number ${i}`, { upvotes: (i * 7919) % 1201 }));
      store.upsert(paper("Bulk: the exact name", { upvotes: 0 }));
    });
    const out = await autocomplete(store, "bulk");
    expect(out).toHaveLength(25);
    expect(out[0]!.name).toBe("Bulk: the exact name");
    const votes = out.slice(1).map((s) => store.get(s.id)!.upvotes);
    const top = store
      .all()
      .map((p) => p.upvotes)
      .sort((a, b) => b - a)
      .slice(0, 24);
    expect(votes).toEqual(top);
  });

  it("in a busy prefix with few upvoted names, lists those by upvotes and then the rest by name", async () => {
    const { store } = tempStore();
    const voted = [3, 40, 9];
    store.transaction(() => {
      for (let i = 0; i < RANK_WINDOW + 200; i++) store.upsert(paper(`Bulkload ${String(i).padStart(4, "0")}: Paper number ${i}`, { upvotes: 0 }));
      for (const [i, upvotes] of voted.entries()) store.upsert(paper(`Bulkload voted ${i}: A paper people liked`, { upvotes }));
    });
    const names = (await autocomplete(store, "bulkload")).map((s) => s.name);
    expect(names.slice(0, 5)).toEqual([
      "Bulkload voted 1: A paper people liked",
      "Bulkload voted 2: A paper people liked",
      "Bulkload voted 0: A paper people liked",
      "Bulkload 0000: Paper number 0",
      "Bulkload 0001: Paper number 1",
    ]);
    expect(names).toHaveLength(25);
  });

  it("sees papers as they are ingested, renamed and upvoted", async () => {
    const store = await seeded();
    expect(await autocomplete(store, "zepp")).toEqual([]);
    store.upsert(paper("Zeppelin: Airship Scheduling for LLM Serving", { arxivId: "2502.00001" }));
    expect(await autocomplete(store, "zepp")).toEqual([{ id: "2502.00001", name: "Zeppelin: Airship Scheduling for LLM Serving" }]);
    expect((await autocomplete(store, "airsh"))[0]?.id).toBe("2502.00001");
    expect(await bestTitle(store, "zeppelin")).toBe("Zeppelin: Airship Scheduling for LLM Serving");

    store.upsert(paper("Dirigible: Airship Scheduling for LLM Serving", { arxivId: "2502.00001", upvotes: 500 }));
    expect(await autocomplete(store, "zepp")).toEqual([]);
    expect((await autocomplete(store, "dirig"))[0]?.id).toBe("2502.00001");
    expect((await autocomplete(store, ""))[0]?.id).toBe("2502.00001");
    expect(await bestTitle(store, "Dirigible")).toBe("Dirigible: Airship Scheduling for LLM Serving");
    expect((await resolvePaper(store, "Zeppelin")).best).toBeUndefined();

    const tokenWeave = "TokenWeave: Efficient Compute-Communication Overlap for Distributed LLM Inference";
    expect((await autocomplete(store, "t"))[0]?.name).toMatch(/^TPI-LLM:/);
    expect(store.upsert(paper(tokenWeave, { source: "seed", abstract: "", upvotes: 20 })).outcome).toBe("updated");
    expect((await autocomplete(store, "t"))[0]?.name).toBe(tokenWeave);

    store.db.prepare("DELETE FROM papers WHERE arxiv_id = ?").run("2502.00001");
    expect(await autocomplete(store, "dirig")).toEqual([]);
    expect(await autocomplete(store, "airsh")).toEqual([]);
  });

  it("back-fills names for papers stored before the migration", async () => {
    const file = `${tempDir()}/old.db`;
    const before = migrations.findIndex((m) => m.includes("CREATE TABLE paper_names"));
    const db = new Database(file);
    for (let v = 0; v < before; v++) db.exec(migrations[v]!);
    db.pragma(`user_version = ${before}`);
    // The papers as that older version stored them (its schema has none of the later tables).
    const insert = db.prepare(
      `INSERT INTO papers (id, ${CONTENT_COLUMNS.join(", ")}, first_seen_at, updated_at)
       VALUES (@id, ${CONTENT_COLUMNS.map((c) => `@${c}`).join(", ")}, @now, @now)`,
    );
    for (const [i, p] of parseSeedPage(fs.readFileSync(seedPage, "utf8")).papers.entries())
      insert.run({ id: p.arxivId ?? `seed-${i}`, ...mergePaper(p), now: "2026-01-01T00:00:00.000Z" });
    db.close();

    const store = openStore(file);
    try {
      expect((await autocomplete(store, "Nano"))[0]?.name).toMatch(/^NanoFlow:/);
      expect(await autocomplete(store, "cold st")).toHaveLength(1);
      expect(await bestTitle(store, "SVDQuant")).toMatch(/^SVDQunat:/);
    } finally {
      store.db.close();
    }
  });
});
