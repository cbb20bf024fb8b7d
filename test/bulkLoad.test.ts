import { spawn } from "node:child_process";
import { sqliteStores } from "../src/store/stores.js";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { corpusVocabulary, writeSnapshot } from "../bench/synthetic.js";
import { ingestArxivSnapshot } from "../src/ingest/ingestArxiv.js";
import { ingestHfFiles } from "../src/ingest/ingestHf.js";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { readArxivLine } from "../src/ingest/arxivLine.js";
import { emptySummary, upsertBatch } from "../src/ingest/summary.js";
import { autocomplete } from "../src/retrieval/autocomplete.js";
import { resolvePaper } from "../src/retrieval/resolvePaper.js";
import { Retriever } from "../src/retrieval/retriever.js";
import { catchUpIndexes } from "../src/store/sqlite/bulkIndex.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { corpusDir, seedPage, tempDir, tempStore } from "./helpers/tmp.js";

const bin = path.resolve(import.meta.dirname, "../bin/paperbot.js");

interface CorpusItem {
  paper: { id: string; title: string };
}
const corpusTitles = (): { id: string; title: string }[] =>
  fs
    .readdirSync(corpusDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .flatMap((f) => (JSON.parse(fs.readFileSync(path.join(corpusDir, f), "utf8")) as CorpusItem[]).map((i) => i.paper));

const arxivLine = (id: string, title: string, abstract: string) =>
  JSON.stringify({ id, title, abstract, authors: "Ada Lovelace and Alan Turing", categories: "cs.LG", update_date: "2025-03-01" });

/** A synthetic snapshot plus lines that update feed papers and a paper met earlier in the same load. */
async function snapshot(dir: string, n: number): Promise<string> {
  const file = path.join(dir, "snapshot.jsonl");
  await writeSnapshot(file, corpusVocabulary(corpusDir), n);
  const feed = corpusTitles().slice(0, 20);
  const extra = [
    // Known from the feed: the snapshot only fills gaps.
    ...feed.map((p) => arxivLine(p.id, p.title, `An older abstract of ${p.title}.`)),
    // The first synthetic paper again, renamed: an update of a row this load itself added.
    arxivLine("9000.00000", "Renamed: Gossip Membership at Scale", "A renamed abstract about gossip membership protocols."),
    // A new paper named like a feed paper.
    arxivLine("2501.99999", feed[3]!.title, "Same name, another paper."),
  ];
  fs.appendFileSync(file, `${extra.join("\n")}\n`);
  return file;
}

/** What a user sees: search hits, name resolution and autocomplete for the same questions. */
async function observed(store: PaperStore, queries: string[], names: string[]): Promise<unknown> {
  const stores = sqliteStores(store);
  const retriever = new Retriever(stores);
  const search = [];
  for (const q of queries) search.push((await retriever.retrieve(q, { k: 10 })).hits.map((h) => h.paper.id));
  const resolve = [];
  const completions = [];
  for (const n of names) {
    const r = await resolvePaper(stores, n);
    resolve.push([r.best?.paper.id, r.ambiguous, r.candidates.map((c) => c.paper.id)]);
    completions.push((await autocomplete(stores.names, n.slice(0, 6))).map((s) => s.id));
  }
  return { search, resolve, autocomplete: completions };
}

function tables(store: PaperStore): unknown {
  const db = store.db;
  return {
    papers: db.prepare("SELECT id, arxiv_id, title, abstract, upvotes, source FROM papers ORDER BY rowid").all(),
    names: db.prepare("SELECT kind, key, paper_rowid, upvotes FROM paper_names ORDER BY kind, key, paper_rowid").all(),
    titles: db.prepare("SELECT title_key, paper_rowid FROM paper_titles ORDER BY title_key, paper_rowid").all(),
  };
}

/** The indexes agree with the papers table: FTS5's own check, and paper_names equal to what the view derives. */
function expectConsistent(store: PaperStore): void {
  const db = store.db;
  for (const t of ["papers_fts", "paper_title_words"]) db.prepare(`INSERT INTO ${t} (${t}, rank) VALUES ('integrity-check', 1)`).run();
  const diff = (a: string, b: string) =>
    db
      .prepare(`SELECT count(*) AS n FROM (SELECT kind, key, paper_rowid, upvotes FROM ${a} EXCEPT SELECT kind, key, paper_rowid, upvotes FROM ${b})`)
      .get();
  expect(diff("paper_name_keys", "paper_names")).toEqual({ n: 0 });
  expect(diff("paper_names", "paper_name_keys")).toEqual({ n: 0 });
  const indexed = db.prepare("SELECT count(*) AS n FROM paper_title_words WHERE paper_title_words MATCH ?").pluck();
  const titled = db.prepare("SELECT count(*) AS n FROM papers WHERE title LIKE ?").pluck();
  // A word of the synthetic titles: every paper holding it is in the title index.
  expect(indexed.get("membership")).toBe(titled.get("%membership%"));
  // Every paper can be found by its current title (a later paper without an arXiv id merges into it).
  const byTitle = db.prepare("SELECT id, title FROM papers").all() as { id: string; title: string }[];
  expect(byTitle.filter((p) => store.getByTitle(p.title) === undefined)).toEqual([]);
  expect(db.prepare("SELECT value FROM meta WHERE key = 'indexed_through'").get()).toBeUndefined();
  // Later writes merge index segments again (the catch-up turns FTS5's automerge off while it runs).
  for (const t of ["papers_fts", "paper_title_words"])
    expect(db.prepare(`SELECT coalesce((SELECT v FROM ${t}_config WHERE k = 'automerge'), 4)`).pluck().get(), t).toBe(4);
}

describe("bulk loads", () => {
  it("leave the same search results, name resolution and autocomplete as a row-by-row load", async () => {
    const dir = tempDir();
    const file = await snapshot(dir, 3000);
    const rowByRow = tempStore().store;
    const bulk = tempStore().store;
    for (const [store, slow] of [
      [rowByRow, true],
      [bulk, false],
    ] as const) {
      await ingestSeedPage(sqliteStores(store), seedPage);
      await ingestHfFiles(sqliteStores(store).papers, corpusDir, { rowByRow: slow });
      const s = await ingestArxivSnapshot(sqliteStores(store).papers, file, { rowByRow: slow });
      expect(s).toMatchObject({ read: 3022, added: 3001, updated: 21 });
    }
    expectConsistent(bulk);
    expect(tables(bulk)).toEqual(tables(rowByRow));

    const feed = corpusTitles();
    const queries = [
      ...feed.slice(0, 12).map((p) => p.title),
      "gossip membership protocols",
      "speculative decoding for large language models",
      "serverless inference cold start",
      "reinforcement learning from human feedback",
    ];
    const names = [
      ...feed.slice(0, 12).map((p) => p.title),
      ...feed.slice(12, 20).map((p) => p.title.split(":")[0]!),
      "Renamed",
      "gossip membershp at scale",
      feed[3]!.title,
    ];
    const expected = await observed(rowByRow, queries, names);
    expect(await observed(bulk, queries, names)).toEqual(expected);
    // The renamed paper is found under its new name only, in both.
    expect((await resolvePaper(sqliteStores(bulk), "Renamed: Gossip Membership at Scale")).best?.paper.id).toBe("9000.00000");
  }, 120_000);

  it("indexed in many short steps, leave the same indexes as when indexed in one", async () => {
    const file = await snapshot(tempDir(), 3000);
    const oneStep = tempStore().store;
    await ingestArxivSnapshot(sqliteStores(oneStep).papers, file);
    const steps = tempStore().store;
    const inputs = fs
      .readFileSync(file, "utf8")
      .split("\n")
      .flatMap((l) => {
        const r = readArxivLine(l);
        return r && "input" in r ? [r.input] : [];
      });
    for (let i = 0; i < inputs.length; i += 500)
      await upsertBatch(sqliteStores(steps).papers, inputs.slice(i, i + 500), emptySummary(), { bulk: true });
    expect(catchUpIndexes(steps.db, 250)).toBe(3021);
    expectConsistent(steps);
    expect(tables(steps)).toEqual(tables(oneStep));
    const query = "gossip membership protocols";
    expect((await new Retriever(sqliteStores(steps)).retrieve(query)).hits.map((h) => h.paper.id)).toEqual(
      (await new Retriever(sqliteStores(oneStep)).retrieve(query)).hits.map((h) => h.paper.id),
    );
  }, 120_000);

  it("while a load is still to be indexed, a paper without an arXiv id merges into the loaded paper of the same title", () => {
    const { store } = tempStore();
    const paper = { title: "Gossip Membership at Scale", abstract: "A study of gossip membership protocols.", authors: ["Ada Lovelace"] };
    store.startBulkLoad();
    const loaded = store.bulkTransaction(() => store.upsert({ ...paper, arxivId: "9000.00001", source: "arxiv" }));
    // Another writer in between, with a seed-page entry: the title is all it has to go by.
    const seed = store.transaction(() => store.upsert({ ...paper, title: "Gossip membership at scale", authors: [], source: "seed" }));
    store.finishBulkLoad();
    expect(seed.id).toBe(loaded.id);
    expect(store.count()).toBe(1);
    expect(store.getByTitle("gossip membership at scale")?.arxivId).toBe("9000.00001");
    // Once indexed, the same: a paper with an arXiv id is found by its title through its names.
    const later = store.transaction(() => store.upsert({ ...paper, title: "GOSSIP Membership at Scale", authors: [], source: "seed" }));
    expect(later.id).toBe(loaded.id);
    expect(store.count()).toBe(1);
  });

  it("a load killed half way (kill -9) leaves a database whose search and names are whole after the next open", async () => {
    const dir = tempDir();
    const file = await snapshot(dir, 40_000);
    const dbFile = path.join(dir, "paperbot.db");
    // The seed page first, so the load below is an ingest into an existing collection.
    const seeded = openStore(dbFile);
    await ingestSeedPage(sqliteStores(seeded), seedPage);
    seeded.db.close();

    const child = spawn(process.execPath, [bin, "ingest", "arxiv", file], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PAPERBOT_DB: dbFile },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const watch = new Database(dbFile, { readonly: true, timeout: 30_000 });
    const added = watch.prepare("SELECT count(*) FROM papers WHERE source = 'arxiv'").pluck();
    const deadline = Date.now() + 90_000;
    while ((added.get() as number) < 6000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGKILL");
    expect(await exited).toBeNull();
    const killedAt = added.get() as number;
    const mark = watch.prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'").pluck().get() as number;
    const unindexed = watch.prepare("SELECT count(*) FROM papers WHERE rowid > ?").pluck().get(mark) as number;
    watch.close();
    // Killed in the middle: papers were saved that the indexes do not hold yet.
    expect(killedAt).toBeGreaterThanOrEqual(6000);
    expect(killedAt).toBeLessThan(40_000);
    expect(unindexed).toBeGreaterThan(0);

    const store = openStore(dbFile);
    try {
      expectConsistent(store);
      const last = store.db.prepare("SELECT id, title FROM papers ORDER BY rowid DESC LIMIT 1").get() as { id: string; title: string };
      expect((await resolvePaper(sqliteStores(store), last.title)).best?.paper.id).toBe(last.id);
      expect((await new Retriever(sqliteStores(store)).retrieve(last.title)).hits.map((h) => h.paper.id)).toContain(last.id);
    } finally {
      store.db.close();
    }
  }, 180_000);
});
