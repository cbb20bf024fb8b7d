// Seeding an empty collection, on SQLite and PostgreSQL alike: only when it is empty, atomically, and once when
// two processes (two connections to one file, two pools on one database) start on a new database at once.
import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseSeedPage } from "../src/ingest/parseSeedPage.js";
import { EVERY_GROUP, type GroupPaperStore } from "../src/store/groupPapers.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import type { PaperRecords } from "../src/store/paperRecords.js";
import { PostgresGroupPaperStore } from "../src/store/postgres/groupPapers.js";
import { PostgresPaperRecords } from "../src/store/postgres/papers.js";
import { SqliteGroupPaperStore } from "../src/store/sqlite/groupPapers.js";
import { SqlitePaperRecords } from "../src/store/sqlite/papers.js";
import { emptyPapers, havePostgres, migratedSchemaForFile } from "./helpers/postgres.js";
import { seedPage, tempDir } from "./helpers/tmp.js";

/** One process's view of the database. */
interface Side {
  papers: PaperRecords;
  groups: GroupPaperStore;
}

interface Backend {
  name: string;
  /** Two processes on one new, empty database. */
  open: () => Promise<{ a: Side; b: Side; close: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: "SQLite",
    open: async () => {
      const file = `${tempDir()}/papers.db`;
      const [one, two] = [openStore(file), openStore(file)];
      const side = (s: typeof one): Side => ({ papers: new SqlitePaperRecords(s), groups: new SqliteGroupPaperStore(s.db) });
      return {
        a: side(one),
        b: side(two),
        close: async () => {
          one.db.close();
          two.db.close();
        },
      };
    },
  },
];

const withPostgres = havePostgres();
const schema = withPostgres ? migratedSchemaForFile() : undefined;
if (withPostgres) {
  backends.push({
    name: "PostgreSQL",
    open: async () => {
      const pool = schema!.pool();
      await emptyPapers(pool, "group_papers");
      const side = (p: typeof pool): Side => ({ papers: new PostgresPaperRecords(p), groups: new PostgresGroupPaperStore(p) });
      return { a: side(pool), b: side(schema!.other()), close: async () => {} };
    },
  });
}

const seed = parseSeedPage(fs.readFileSync(seedPage, "utf8")).papers;
const seedIds = (groups: GroupPaperStore) => groups.list(EVERY_GROUP, "seed", { limit: 10_000 }).then((l) => l.map((g) => g.paperId).sort());

describe.each(backends)("seeding in $name", (backend) => {
  let db: Awaited<ReturnType<Backend["open"]>>;
  beforeEach(async () => {
    db = await backend.open();
  });
  afterEach(async () => {
    await db.close();
  });

  it("seeds an empty collection with the installation's papers; a second seed finds papers and writes nothing", async () => {
    const { a, b } = db;
    const now = new Date("2026-03-01T09:00:00Z");
    const out = await a.papers.seedIfEmpty(seed, { now });
    expect(out).toHaveLength(seed.length);
    const ids = [...new Set(out!.map((o) => o.id))].sort();
    expect(out!.filter((o) => o.outcome === "added")).toHaveLength(ids.length);
    expect(ids.length).toBeGreaterThan(50);
    expect(await b.papers.count()).toBe(ids.length);
    expect(await seedIds(b.groups)).toEqual(ids);
    expect(await b.papers.get(ids[0]!)).toMatchObject({ source: "seed", firstSeenAt: now.toISOString() });

    const version = await a.papers.version();
    expect(await b.papers.seedIfEmpty(seed)).toBeUndefined();
    expect(await a.papers.seedIfEmpty(seed)).toBeUndefined();
    expect(await a.papers.version()).toBe(version);
    expect(await a.papers.count()).toBe(ids.length);
  });

  it("leaves a collection that has papers alone", async () => {
    const { a, b } = db;
    await a.papers.upsert({ arxivId: "2501.00001", title: "A paper added first", abstract: "", authors: [], source: "hf" });
    expect(await b.papers.seedIfEmpty(seed)).toBeUndefined();
    expect(await a.papers.count()).toBe(1);
    expect(await seedIds(a.groups)).toEqual([]);
  });

  it("two processes seeding one new database at once: one seeds it, the other finds its papers", async () => {
    const { a, b } = db;
    const [one, two] = await Promise.all([a.papers.seedIfEmpty(seed), b.papers.seedIfEmpty(seed)]);
    const seeded = [one, two].filter((o) => o !== undefined);
    expect(seeded).toHaveLength(1);
    const ids = [...new Set(seeded[0]!.map((o) => o.id))].sort();
    expect(seeded[0]!.filter((o) => o.outcome === "added")).toHaveLength(ids.length);
    expect(await a.papers.count()).toBe(ids.length);
    expect(await seedIds(b.groups)).toEqual(ids);
  });
});
