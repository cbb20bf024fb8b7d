import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadSqliteMigrations, migrations } from "../src/store/sqlite/migrations.js";
import { sqliteStores } from "../src/store/stores.js";
import { openDb } from "../src/store/sqlite/db.js";
import { ingestHfFiles } from "../src/ingest/ingestHf.js";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { ensureSeeded } from "../src/ingest/ensureSeeded.js";
import { GroupPapers } from "../src/store/sqlite/groupPapers.js";
import { PaperStore } from "../src/store/sqlite/paperStore.js";
import { Retriever } from "../src/retrieval/retriever.js";
import type { PaperInput } from "../src/store/paper.js";
import { corpusDir, seedPage, tempDir, tempStore } from "./helpers/tmp.js";

const feedItem = (over: Partial<PaperInput> = {}): PaperInput => ({
  arxivId: "2408.12757",
  title: "NanoFlow: Towards Optimal Large Language Model Serving Throughput",
  abstract: "The increasing usage of LLMs has resulted in a surging demand for planet-scale serving systems.",
  authors: ["Kan Zhu", "Yilong Zhao"],
  upvotes: 12,
  feedDate: "2024-08-23",
  links: { github: "https://github.com/efeslab/Nanoflow" },
  source: "hf",
  ...over,
});

describe("the paper store", () => {
  it("ingests the 776-paper corpus and a second ingest changes nothing", async () => {
    const { store } = tempStore();
    const first = await ingestHfFiles(sqliteStores(store).papers, corpusDir);
    expect(first).toMatchObject({ read: 776, added: 776, skipped: 0 });
    const version = store.version();
    const again = await ingestHfFiles(sqliteStores(store).papers, corpusDir);
    expect(again).toMatchObject({ read: 776, added: 0, updated: 0, unchanged: 776 });
    expect(store.count()).toBe(776);
    expect(store.version()).toBe(version);
  });

  it("changes only counters when a paper comes back with new upvotes", () => {
    const { store } = tempStore();
    store.upsert(feedItem(), "2026-01-01T00:00:00.000Z");
    const before = store.get("2408.12757")!;
    expect(store.upsert(feedItem({ upvotes: 40 }), "2026-01-02T00:00:00.000Z").outcome).toBe("updated");
    const after = store.get("2408.12757")!;
    expect(after.upvotes).toBe(40);
    expect(after.updatedAt).toBe("2026-01-02T00:00:00.000Z");
    expect({ ...after, upvotes: 0, updatedAt: "" }).toEqual({ ...before, upvotes: 0, updatedAt: "" });
  });

  it("merges a seed paper with its feed twin by title: one record that gains the arXiv id and links", async () => {
    const { store } = tempStore();
    await ingestSeedPage(sqliteStores(store), seedPage);
    const seedId = "nanoflow-towards-optimal-large-language-model-serving-throughput";
    expect(store.get(seedId)!.arxivId).toBeUndefined();

    expect(store.upsert(feedItem({ title: "NanoFlow: Towards optimal large language model serving throughput" }))).toEqual({
      outcome: "updated",
      id: seedId,
    });
    expect(store.count()).toBe(56);
    const merged = store.get("2408.12757")!;
    expect(merged.id).toBe(seedId);
    expect(merged.links).toMatchObject({
      hf: "https://huggingface.co/papers/2408.12757",
      arxiv: "https://arxiv.org/abs/2408.12757",
      github: "https://github.com/efeslab/Nanoflow",
    });
    expect(merged.authors).toEqual(["Kan Zhu", "Yilong Zhao"]);

    // Loading the seed page again neither duplicates the paper nor takes its feed data away.
    const again = await ingestSeedPage(sqliteStores(store), seedPage);
    expect(again.added).toBe(0);
    expect(again.updated).toBe(0);
    expect(store.get(seedId)!.upvotes).toBe(12);
    expect(store.count()).toBe(56);
    expect(store.get(seedId)!.arxivId).toBe("2408.12757");
    expect(store.get(seedId)!.authors).toEqual(["Kan Zhu", "Yilong Zhao"]);
  });

  it("keeps the full-text index in step with the table", async () => {
    const { store } = tempStore();
    const search = async (q: string) => (await new Retriever(sqliteStores(store)).retrieve(q)).hits.map((h) => h.paper.arxivId);
    store.upsert(feedItem());
    expect(await search("nanoflow")).toEqual(["2408.12757"]);
    store.upsert(feedItem({ title: "Zeppelin: airship scheduling", abstract: "Airships carry tokens." }));
    expect(await search("nanoflow")).toEqual([]);
    expect(await search("airship")).toEqual(["2408.12757"]);
  });

  it("re-opens an existing file without re-running migrations and keeps its papers", () => {
    const { store, file } = tempStore();
    store.upsert(feedItem());
    store.db.close();
    const db = openDb(file);
    expect(db.pragma("user_version", { simple: true })).toBeGreaterThan(0);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(new PaperStore(db).count()).toBe(1);
    db.close();
  });

  it("seeds an empty store once", async () => {
    const { store } = tempStore();
    expect((await ensureSeeded(sqliteStores(store), seedPage))?.added).toBe(56);
    expect(await ensureSeeded(sqliteStores(store), seedPage)).toBeUndefined();
    expect(store.count()).toBe(56);
  });

  it("gives two different papers with the same title different ids", () => {
    const { store } = tempStore();
    const a = store.upsert({ title: "Attention", abstract: "one", authors: [], source: "seed" });
    const b = store.upsert(feedItem({ arxivId: "2501.00001", title: "Attention", abstract: "two" }));
    const c = store.upsert(feedItem({ arxivId: "2501.00002", title: "Attention", abstract: "three" }));
    expect(a.id).toBe("attention");
    expect(b.id).toBe("attention"); // the feed paper merges into the seed entry
    expect(c).toEqual({ outcome: "added", id: "2501.00002" });
  });
});

describe("a group's own papers", () => {
  it("start from the seed page for every server, and saving twice is one entry", async () => {
    const { store } = tempStore();
    await ingestSeedPage(sqliteStores(store), seedPage);
    const groups = new GroupPapers(store.db);
    expect(groups.profileIds("g1")).toHaveLength(56);
    const paper = store.all().find((p) => p.source === "seed")!;
    const other = store.upsert({ arxivId: "2602.00001", title: "A feed paper", abstract: "Words.", authors: [], source: "hf" }).id;
    expect(groups.add("g1", other, "save", "u1")).toBe(true);
    expect(groups.add("g1", other, "save", "u2")).toBe(false);
    expect(groups.list("g1", "save").map((g) => [g.paperId, g.userId])).toEqual([[other, "u1"]]);
    expect(groups.profileIds("g1")).toHaveLength(57);
    expect(groups.profileIds("g2")).toHaveLength(56);
    expect(groups.profileIds()).toHaveLength(57);
    // A second ingest of the seed page adds nothing to the profile.
    await ingestSeedPage(sqliteStores(store), seedPage);
    expect(groups.profileIds("g2")).toHaveLength(56);
    expect(groups.profileIds("g2")).toContain(paper.id);
    expect(groups.remove("g1", other, "save")).toBe(true);
    expect(groups.profileIds("g1")).toHaveLength(56);
  });
});

describe("SQLite's migrations", () => {
  it("are numbered files from 001 without gaps, one schema version each; a gap or a stray name is refused", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "001_first.sql"), "CREATE TABLE a (x);");
    fs.writeFileSync(path.join(dir, "002_second.sql"), "CREATE TABLE b (x);");
    expect(loadSqliteMigrations(dir)).toEqual(["CREATE TABLE a (x);", "CREATE TABLE b (x);"]);
    fs.writeFileSync(path.join(dir, "004_fourth.sql"), "CREATE TABLE d (x);");
    expect(() => loadSqliteMigrations(dir)).toThrow(/expected 003_name\.sql, found 004_fourth\.sql/);
    const db = openDb(path.join(tempDir(), "p.db"));
    expect(db.pragma("user_version", { simple: true })).toBe(migrations.length);
    db.close();
  });
});
