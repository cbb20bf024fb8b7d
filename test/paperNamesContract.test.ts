// The names papers are known by (PaperNameIndex) and what resolvePaper and autocomplete make of them, run against SQLite
// and PostgreSQL alike on the same papers: the same resolutions (exact title, short name, typo, part of a title, arXiv id
// or URL, ambiguity) and the same suggestions, and PostgreSQL's names kept by every write with no code of their own.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hfItemToInput, parseHfItems } from "../src/ingest/hfItem.js";
import { parseSeedPage } from "../src/ingest/parseSeedPage.js";
import { autocomplete } from "../src/retrieval/autocomplete.js";
import { MIN_CONFIDENCE, resolvePaper, type Resolution } from "../src/retrieval/resolvePaper.js";
import { openDb } from "../src/store/sqlite/db.js";
import type { PaperInput } from "../src/store/paper.js";
import { RANK_WINDOW, type PaperNameIndex } from "../src/store/paperNames.js";
import type { PaperRecords } from "../src/store/paperRecords.js";
import { PaperStore } from "../src/store/sqlite/paperStore.js";
import { PostgresPaperNameIndex } from "../src/store/postgres/paperNames.js";
import { PostgresPaperRecords } from "../src/store/postgres/papers.js";
import { SqlitePaperNameIndex } from "../src/store/sqlite/paperNames.js";
import { SqlitePaperRecords } from "../src/store/sqlite/papers.js";
import { havePostgres, migratedSchemaForFile } from "./helpers/postgres.js";
import { corpusDir, seedPage } from "./helpers/tmp.js";

interface NameStores {
  papers: PaperRecords;
  names: PaperNameIndex;
}

interface Backend {
  name: string;
  open: () => Promise<NameStores>;
}

const backends: Backend[] = [
  {
    name: "SQLite",
    open: async () => {
      const db = openDb(":memory:");
      return { papers: new SqlitePaperRecords(new PaperStore(db)), names: new SqlitePaperNameIndex(db) };
    },
  },
];
const withPostgres = havePostgres();
const schema = withPostgres ? migratedSchemaForFile() : undefined;
if (withPostgres)
  backends.push({
    name: "PostgreSQL",
    open: async () => ({ papers: new PostgresPaperRecords(schema!.pool()), names: new PostgresPaperNameIndex(schema!.pool()) }),
  });

/** The seed page, then the 776-paper month of the feed, file by file (as `paperbot` ingests them). */
function collection(): PaperInput[] {
  const inputs = [...parseSeedPage(fs.readFileSync(seedPage, "utf8")).papers];
  for (const file of fs
    .readdirSync(corpusDir)
    .filter((f) => f.endsWith(".json"))
    .sort())
    inputs.push(...parseHfItems(JSON.parse(fs.readFileSync(path.join(corpusDir, file), "utf8"))).items.map(hfItemToInput));
  return inputs;
}

const paper = (title: string, over: Partial<PaperInput> = {}): PaperInput => ({
  title,
  abstract: `About ${title}.`,
  authors: [],
  source: "hf",
  ...over,
});

/** A resolution as ids and confidences, to compare across stores. */
const summary = (r: Resolution) => ({
  best: r.best && [r.best.paper.id, r.best.confidence],
  ambiguous: r.ambiguous,
  candidates: r.candidates.map((c) => [c.paper.id, c.confidence]),
});

/** What each backend answered, by question, for the comparison at the end. */
const answers = new Map<string, Map<string, unknown>>();

const RESOLVE = [
  "Serverless Cold Starts and Where to Find Them",
  "  BURSTGPT: A REAL-WORLD WORKLOAD DATASET TO OPTIMIZE LLM SERVING SYSTEMS ",
  "NanoFlow",
  "T3",
  "DualMap",
  "TPI-LLM",
  "SVDQuant",
  "nanoflw",
  "Nnaoflow",
  "NanoFlwo",
  "serverles cold startz and where to find them",
  "Nanoflow: towrds optimal large languge model serving throughput",
  "burst gpt",
  "cold starts serverless",
  "Towards Optimal Large Language Model Serving Throughput",
  "Beyond",
  "zzzz quantum folding",
  "qqqxv",
  "speculative decoding",
  "kv cache compression",
  "2602.02192",
  "https://arxiv.org/abs/2602.02192v2",
  "https://arxiv.org/abs/2599.99999",
  "flashx",
  "LongServe4",
];

const COMPLETE = [
  "",
  "Nano",
  "NanoFl",
  "burst",
  "Burst G",
  "tpi l",
  "T3",
  "t",
  "s",
  "serv",
  "cold st",
  "zzzz",
  "structured context engineering",
  "flash",
  "longserve",
  "dirig",
];

describe.each(backends)("paper names in $name", (backend) => {
  let stores: NameStores;
  const seen = new Map<string, unknown>();
  answers.set(backend.name, seen);
  const resolve = async (text: string) => {
    const r = await resolvePaper(stores, text);
    seen.set(`resolve ${text}`, summary(r));
    return r;
  };
  const complete = async (prefix: string, limit?: number) => {
    const out = await autocomplete(stores.names, prefix, limit);
    seen.set(`complete ${prefix} ${limit ?? ""}`, out);
    return out;
  };

  beforeAll(async () => {
    stores = await backend.open();
    await stores.papers.upsertMany(collection());
    await stores.papers.upsertMany([
      paper("FlashX: Fast Attention Kernels for Long Context", { upvotes: 3 }),
      paper("FlashX: Flash Storage for Checkpoints"),
      paper("LongServe2: Serving Long Prompts"),
      paper("LongServe3: Serving Longer Prompts"),
    ]);
  }, 120_000);

  it("resolves exact titles, short names, typos and parts of titles", async () => {
    for (const text of [
      "Serverless Cold Starts and Where to Find Them",
      "  BURSTGPT: A REAL-WORLD WORKLOAD DATASET TO OPTIMIZE LLM SERVING SYSTEMS ",
    ])
      expect(await resolve(text), text).toMatchObject({ best: { confidence: 1 }, ambiguous: false });
    for (const name of ["NanoFlow", "T3", "DualMap", "TPI-LLM"]) {
      const r = await resolve(name);
      expect(r.best?.paper.title.startsWith(`${name}:`), name).toBe(true);
      expect(r.best!.confidence, name).toBeGreaterThan(0.9);
      expect(r.ambiguous, name).toBe(false);
    }
    expect((await resolve("SVDQuant")).best?.paper.title).toMatch(/^SVDQunat: Absorbing Outliers/);
    for (const typo of ["nanoflw", "Nnaoflow", "NanoFlwo", "Nanoflow: towrds optimal large languge model serving throughput"]) {
      const r = await resolve(typo);
      expect(r.best?.paper.title, typo).toMatch(/^NanoFlow:/);
      expect(r.best!.confidence, typo).toBeGreaterThanOrEqual(MIN_CONFIDENCE);
    }
    expect((await resolve("serverles cold startz and where to find them")).best?.paper.title).toBe("Serverless Cold Starts and Where to Find Them");
    expect((await resolve("burst gpt")).best?.paper.title).toMatch(/^BurstGPT:/);
    expect((await resolve("cold starts serverless")).best?.paper.title).toBe("Serverless Cold Starts and Where to Find Them");
    expect((await resolve("Towards Optimal Large Language Model Serving Throughput")).best?.paper.title).toMatch(/^NanoFlow:/);
    for (const text of RESOLVE) await resolve(text);
  });

  it("resolves an arXiv id or URL to its paper, and one it lacks to nothing", async () => {
    for (const text of ["2602.02192", "https://arxiv.org/abs/2602.02192v2"])
      expect(await resolve(text), text).toMatchObject({
        best: { paper: { arxivId: "2602.02192" }, confidence: 1 },
        candidates: [],
        ambiguous: false,
      });
    expect(await resolve("https://arxiv.org/abs/2599.99999")).toEqual({ candidates: [], ambiguous: false });
    for (const text of ["zzzz quantum folding", "qqqxv"]) expect((await resolve(text)).best, text).toBeUndefined();
  });

  it("flags a shared short name and near-equal fuzzy matches, the more upvoted first", async () => {
    const flash = await resolve("flashx");
    expect(flash.ambiguous).toBe(true);
    expect(flash.best!.paper.title).toBe("FlashX: Fast Attention Kernels for Long Context");
    expect(flash.candidates[0]!.paper.title).toBe("FlashX: Flash Storage for Checkpoints");
    const fuzzy = await resolve("LongServe4");
    expect(fuzzy.ambiguous).toBe(true);
    expect([fuzzy.best!, fuzzy.candidates[0]!].map((m) => m.paper.title.slice(0, 10)).sort()).toEqual(["LongServe2", "LongServe3"]);
  });

  it("completes short names, titles and title words", async () => {
    expect((await complete("NanoFl"))[0]?.name).toMatch(/^NanoFlow:/);
    expect((await complete("Burst G"))[0]?.name).toMatch(/^BurstGPT:/);
    expect((await complete("tpi l"))[0]?.name).toMatch(/^TPI-LLM:/);
    expect((await complete("cold st")).map((s) => s.name)).toEqual(["Serverless Cold Starts and Where to Find Them"]);
    expect(await complete("zzzz")).toEqual([]);
    expect(await complete("")).toHaveLength(25);
    expect(await complete("s", 5)).toHaveLength(5);
    for (const prefix of COMPLETE) await complete(prefix);
  });

  it("sees a paper's new title and upvotes at once", async () => {
    await stores.papers.upsert(paper("Zeppelin: Airship Scheduling for LLM Serving", { arxivId: "2502.00001", upvotes: 0 }));
    expect((await complete("zepp"))[0]).toEqual({ id: "2502.00001", name: "Zeppelin: Airship Scheduling for LLM Serving" });
    expect((await resolve("Zeppelin")).best?.paper.id).toBe("2502.00001");
    await stores.papers.upsert(paper("Dirigible: Airship Scheduling for LLM Serving", { arxivId: "2502.00001", upvotes: 5000 }));
    expect(await complete("zepp")).toEqual([]);
    expect((await complete("dirig"))[0]?.id).toBe("2502.00001");
    expect((await complete(""))[0]?.id).toBe("2502.00001");
    expect((await resolve("Zeppelin")).best).toBeUndefined();
  });

  it("ranks a prefix more names share than it sorts at once: the exact name, then by upvotes, then by name", async () => {
    const many = Array.from({ length: RANK_WINDOW + 200 }, (_, i) =>
      paper(`Qbulkload ${String(i).padStart(4, "0")}: Paper number ${i}`, { upvotes: i % 5 === 0 ? (i * 7919) % 1201 : 0 }),
    );
    await stores.papers.upsertMany([...many, paper("Qbulk: the exact name", { upvotes: 0 })]);
    const out = await complete("qbulk");
    expect(out).toHaveLength(25);
    expect(out[0]!.name).toBe("Qbulk: the exact name");
    const votes = (await stores.papers.getMany(out.slice(1).map((s) => s.id))).values();
    const top = many
      .map((p) => p.upvotes!)
      .sort((a, b) => b - a)
      .slice(0, 24);
    expect(
      [...votes].map((p) => p.upvotes).sort((a, b) => b - a),
      "the 24 most upvoted",
    ).toEqual(top);
    await complete("qbulkload 00");
  });
});

if (withPostgres)
  describe("paper names on both stores", () => {
    afterAll(() => answers.clear());
    it("resolve and complete every name alike", () => {
      const sqlite = answers.get("SQLite")!;
      const postgres = answers.get("PostgreSQL")!;
      expect(sqlite.size).toBeGreaterThan(RESOLVE.length + COMPLETE.length);
      expect(Object.fromEntries(postgres)).toEqual(Object.fromEntries(sqlite));
    });
  });
