// The async stores' contract, run against SQLite and PostgreSQL alike.
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb } from "../src/store/sqlite/db.js";
import type { FollowedAuthorStore } from "../src/store/followedAuthors.js";
import type { PaperVoteStore } from "../src/store/paperVotes.js";
import { PostgresFollowedAuthorStore } from "../src/store/postgres/followedAuthors.js";
import { loadMigrations, migratePostgres } from "../src/store/postgres/migrate.js";
import { PostgresPaperVoteStore } from "../src/store/postgres/paperVotes.js";
import { connectPostgres, type Pool } from "../src/store/postgres/pool.js";
import { SqliteFollowedAuthorStore } from "../src/store/sqlite/followedAuthors.js";
import { SqlitePaperVoteStore } from "../src/store/sqlite/paperVotes.js";
import { freshSchema, havePostgres, migratedSchemaForFile, postgresUrl } from "./helpers/postgres.js";
import { tempDir } from "./helpers/tmp.js";

interface Stores {
  votes: PaperVoteStore;
  follows: FollowedAuthorStore;
  close: () => Promise<void>;
}

interface Backend {
  name: string;
  /** Empty stores for one test. */
  open: () => Promise<Stores>;
}

const sqlite: Backend = {
  name: "SQLite",
  open: async () => {
    const db = openDb(":memory:");
    return { votes: new SqlitePaperVoteStore(db), follows: new SqliteFollowedAuthorStore(db), close: async () => void db.close() };
  },
};

const backends: Backend[] = [sqlite];

// One fresh schema for this file, emptied before each test.
const withPostgres = havePostgres();
const schema = withPostgres ? migratedSchemaForFile() : undefined;
const pool = () => schema!.pool();
if (withPostgres) {
  backends.push({
    name: "PostgreSQL",
    open: async () => {
      await pool().query("TRUNCATE paper_votes, followed_authors");
      return { votes: new PostgresPaperVoteStore(pool()), follows: new PostgresFollowedAuthorStore(pool()), close: async () => {} };
    },
  });
}

let stores: Stores;
afterEach(async () => {
  await stores?.close();
});

const day = (n: number) => new Date(Date.UTC(2026, 2, n, 9));

describe.each(backends)("paper votes in $name", (backend) => {
  beforeEach(async () => {
    stores = await backend.open();
  });

  it("a click sets the vote, the same click takes it back, the other vote replaces it", async () => {
    const { votes } = stores;
    expect(await votes.toggle("g1", "p1", "u1", "up")).toBe("up");
    expect(await votes.mine("g1", "u1", ["p1"])).toEqual(new Map([["p1", "up"]]));
    expect(await votes.toggle("g1", "p1", "u1", "up")).toBe("none");
    expect(await votes.mine("g1", "u1", ["p1"])).toEqual(new Map());
    expect(await votes.toggle("g1", "p1", "u1", "up")).toBe("up");
    expect(await votes.toggle("g1", "p1", "u1", "down")).toBe("down");
    expect(await votes.mine("g1", "u1", ["p1"])).toEqual(new Map([["p1", "down"]]));
  });

  it("set replaces a member's earlier vote and is not a toggle", async () => {
    const { votes } = stores;
    await votes.set("g1", "p1", "u1", "up");
    await votes.set("g1", "p1", "u1", "up");
    expect(await votes.mine("g1", "u1", ["p1"])).toEqual(new Map([["p1", "up"]]));
    await votes.set("g1", "p1", "u1", "down");
    expect(await votes.tally("g1")).toEqual(new Map([["p1", -1]]));
  });

  it("tally nets each paper's votes for a server with the installation's, leaves out other servers and papers at zero", async () => {
    const { votes } = stores;
    await votes.set("g1", "p1", "u1", "up");
    await votes.set("g1", "p1", "u2", "up");
    await votes.set("*", "p1", "cli", "up");
    await votes.set("g1", "p2", "u1", "up");
    await votes.set("g1", "p2", "u2", "down");
    await votes.set("g1", "p3", "u1", "down");
    await votes.set("g2", "p1", "u1", "down");
    await votes.set("g2", "p4", "u1", "up");
    expect(await votes.tally("g1")).toEqual(
      new Map([
        ["p1", 3],
        ["p3", -1],
      ]),
    );
    expect(await votes.tally("g2")).toEqual(new Map([["p4", 1]]));
    expect(await votes.tally()).toEqual(
      new Map([
        ["p1", 2],
        ["p3", -1],
        ["p4", 1],
      ]),
    );
  });

  it("mine gives one member's votes in one server on the papers asked about, in their order", async () => {
    const { votes } = stores;
    await votes.set("g1", "p1", "u1", "up");
    await votes.set("g1", "p2", "u1", "down");
    await votes.set("g1", "p3", "u2", "up");
    await votes.set("g2", "p3", "u1", "up");
    const mine = await votes.mine("g1", "u1", ["p3", "p2", "p1", "p9"]);
    expect([...mine]).toEqual([
      ["p2", "down"],
      ["p1", "up"],
    ]);
    expect(await votes.mine("g1", "u1", [])).toEqual(new Map());
  });

  it("clicks at once on the same vote take turns: an even number of them leaves no vote", async () => {
    const { votes } = stores;
    const states = await Promise.all(Array.from({ length: 6 }, () => votes.toggle("g1", "p1", "u1", "up")));
    expect(states.filter((s) => s === "up")).toHaveLength(3);
    expect(states.filter((s) => s === "none")).toHaveLength(3);
    expect(await votes.mine("g1", "u1", ["p1"])).toEqual(new Map());
    expect(await votes.tally()).toEqual(new Map());
  });
});

/** Two machines' follow stores on one database: two handles on one SQLite file, or two pools on the schema. */
const twoMachines: { name: string; open: () => Promise<[FollowedAuthorStore, FollowedAuthorStore]> }[] = [
  {
    name: "SQLite",
    open: async () => {
      const file = path.join(tempDir(), "follows.db");
      return [new SqliteFollowedAuthorStore(openDb(file)), new SqliteFollowedAuthorStore(openDb(file))];
    },
  },
];
if (withPostgres)
  twoMachines.push({
    name: "PostgreSQL",
    open: async () => {
      await pool().query("TRUNCATE followed_authors");
      return [new PostgresFollowedAuthorStore(pool()), new PostgresFollowedAuthorStore(schema!.other())];
    },
  });

describe.each(twoMachines)("the follow limit on two machines in $name", (backend) => {
  it("keeps no more than the most a server may follow when both machines add at once; the same name once", async () => {
    const [a, b] = await backend.open();
    const names = Array.from({ length: 12 }, (_, i) => `Author ${i}`);
    const outcomes = await Promise.all(
      names.flatMap((n, i) => [
        a.addWithin(5, "g1", n, n.toLowerCase(), "u1", day(1)),
        (i % 2 ? a : b).addWithin(5, "g1", n, n.toLowerCase(), "u2", day(1)),
      ]),
    );
    expect(outcomes.filter((o) => o === "added")).toHaveLength(5);
    expect(await a.count("g1")).toBe(5);
    expect(await b.count("g1")).toBe(5);
    expect(outcomes.filter((o) => o === "full").length + outcomes.filter((o) => o === "already").length).toBe(19);
    expect(await b.addWithin(5, "g2", "Author 0", "author 0")).toBe("added");
    expect(await a.addWithin(5, "g1", "AUTHOR 0", (await a.list("g1"))[0]!.key)).toBe("already");
  });
});

describe.each(backends)("followed authors in $name", (backend) => {
  beforeEach(async () => {
    stores = await backend.open();
  });

  it("adds a follow once per server and key, and removes it once", async () => {
    const { follows } = stores;
    expect(await follows.add("g1", "Yann LeCun", "yann lecun", "u1", day(1))).toBe(true);
    expect(await follows.add("g1", "YANN LECUN", "yann lecun", "u2", day(2))).toBe(false);
    expect(await follows.add("g2", "Yann LeCun", "yann lecun", undefined, day(3))).toBe(true);
    expect(await follows.count("g1")).toBe(1);
    expect(await follows.list("g1")).toEqual([
      { guildId: "g1", name: "Yann LeCun", key: "yann lecun", userId: "u1", createdAt: day(1).toISOString() },
    ]);
    expect(await follows.remove("g1", "yann lecun")).toBe(true);
    expect(await follows.remove("g1", "yann lecun")).toBe(false);
    expect(await follows.count("g1")).toBe(0);
    expect(await follows.list("g2")).toEqual([
      { guildId: "g2", name: "Yann LeCun", key: "yann lecun", userId: undefined, createdAt: day(3).toISOString() },
    ]);
  });

  it("lists a server's follows in the order they were made, then by key byte for byte", async () => {
    const { follows } = stores;
    await follows.add("g1", "Zoe", "zoe", "u1", day(2));
    await follows.add("g1", "Bob", "bob", "u1", day(5));
    await follows.add("g1", "Ann", "ann", "u1", day(2));
    await follows.add("g1", "Ümit", "umit", "u1", day(2));
    await follows.add("g1", "Ben", "Ben", "u1", day(2));
    expect((await follows.list("g1")).map((f) => f.key)).toEqual(["Ben", "ann", "umit", "zoe", "bob"]);
  });

  it("a server's digest follows its own and the installation's; without a server, every follow", async () => {
    const { follows } = stores;
    await follows.add("g1", "Ann", "ann", "u1", day(3));
    await follows.add("*", "Cy", "cy", undefined, day(1));
    await follows.add("g2", "Dee", "dee", "u2", day(2));
    await follows.add("g1", "Bea", "bea", "u1", day(4));
    expect((await follows.forGroup("g1")).map((f) => `${f.guildId}/${f.key}`)).toEqual(["*/cy", "g1/ann", "g1/bea"]);
    expect((await follows.forGroup("g3")).map((f) => `${f.guildId}/${f.key}`)).toEqual(["*/cy"]);
    expect((await follows.forGroup()).map((f) => `${f.guildId}/${f.key}`)).toEqual(["*/cy", "g1/ann", "g1/bea", "g2/dee"]);
    expect(await follows.count("*")).toBe(1);
  });
});

if (withPostgres) {
  describe("PostgreSQL migrations", () => {
    const schemas: (() => Promise<void>)[] = [];
    const pools: Pool[] = [];
    afterAll(async () => {
      for (const p of pools.splice(0)) await p.end();
      for (const drop of schemas.splice(0)) await drop();
    });
    const fresh = async (n: number) => {
      const schema = await freshSchema(postgresUrl()!);
      schemas.push(schema.drop);
      const made = await Promise.all(Array.from({ length: n }, () => connectPostgres(schema.url, { max: 2 })));
      pools.push(...made);
      return made;
    };

    it("three pools migrating one fresh schema at once end with one schema, each migration applied once", async () => {
      const [a, b, c] = await fresh(3);
      const runs = await Promise.all([a!, b!, c!].map((p) => migratePostgres(p)));
      const versions = loadMigrations().map((m) => m.version);
      const known = versions.at(-1)!;
      expect(runs.map((r) => r.from).sort()).toEqual([0, known, known]);
      expect(runs.every((r) => r.to === known)).toBe(true);
      expect(runs.map((r) => r.applied).sort((x, y) => y.length - x.length)).toEqual([versions, [], []]);
      const applied = await a!.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      expect(applied.rows.map((r) => r.version)).toEqual(versions);
      const tables = await a!.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name",
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        "answer_cache",
        "answer_usage",
        "answer_votes",
        "ask_turns",
        "bot_heartbeats",
        "conversation_papers",
        "cooldowns",
        "digest_posts",
        "digest_settings",
        "followed_authors",
        "full_text_version",
        "given_answers",
        "group_papers",
        "paper_chunks",
        "paper_embeddings",
        "paper_terms",
        "paper_texts",
        "paper_titles",
        "paper_votes",
        "papers",
        "papers_meta",
        "schema_migrations",
        "term_stats",
        "title_words",
      ]);
      expect(await migratePostgres(b!)).toEqual({ from: known, to: known, applied: [] });
    });

    it("refuses a schema written by a newer paperbot", async () => {
      const [a] = await fresh(1);
      await migratePostgres(a!);
      await a!.query("INSERT INTO schema_migrations (version, name) VALUES (99, 'from_the_future')");
      await expect(migratePostgres(a!)).rejects.toThrow(/newer paperbot \(schema 99; this version knows \d+\)/);
    });

    it("a failing migration is rolled back and named, and the next run applies it", async () => {
      const [a] = await fresh(1);
      const good = loadMigrations();
      const last = good.at(-1)!.version;
      const bad = [...good, { version: last + 1, name: "broken", sql: "CREATE TABLE half_done (x int); SELECT no_such_column FROM half_done" }];
      await expect(migratePostgres(a!, bad)).rejects.toThrow(`PostgreSQL migration ${last + 1} (broken) failed`);
      const half = await a!.query("SELECT to_regclass('half_done') AS t");
      expect(half.rows[0].t).toBeNull();
      expect(await migratePostgres(a!, good)).toEqual({ from: last, to: last, applied: [] });
    });

    it("a migration numbered below ones already applied (merged later from another branch) is applied on the next run", async () => {
      const [a] = await fresh(1);
      const one = { version: 1, name: "one", sql: "CREATE TABLE one (x int)" };
      const three = { version: 3, name: "three", sql: "CREATE TABLE three (x int)" };
      const ten = { version: 10, name: "ten", sql: "CREATE TABLE ten (x int)" };
      expect(await migratePostgres(a!, [one, ten])).toEqual({ from: 0, to: 10, applied: [1, 10] });
      expect(await migratePostgres(a!, [one, three, ten])).toEqual({ from: 10, to: 10, applied: [3] });
      expect(await migratePostgres(a!, [one, three, ten])).toEqual({ from: 10, to: 10, applied: [] });
      const tables = await a!.query<{ t: string | null }>("SELECT to_regclass('three')::text AS t");
      expect(tables.rows[0]!.t).toBe("three");
      await expect(migratePostgres(a!, [one, ten])).rejects.toThrow("migrations this paperbot does not know (3)");
    });
  });
}

describe("connectPostgres", () => {
  it("fails at once, naming the server but not the password, when nothing listens there", async () => {
    const err = await connectPostgres("postgres://bot:s3cret@127.0.0.1:1/paperbot").catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^Cannot reach PostgreSQL at 127\.0\.0\.1:1\/paperbot: /);
    expect((err as Error).message).not.toContain("s3cret");
  });
});

describe("PostgreSQL migration files", () => {
  it("are numbered from 001 up, gaps allowed, no number twice", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "001_a.sql"), "SELECT 1");
    fs.writeFileSync(path.join(dir, "003_c.sql"), "SELECT 1");
    expect(loadMigrations(dir).map((m) => m.version)).toEqual([1, 3]);
    fs.writeFileSync(path.join(dir, "003_d.sql"), "SELECT 1");
    expect(() => loadMigrations(dir)).toThrow("003_d.sql reuses number 3");
    const zero = tempDir();
    fs.writeFileSync(path.join(zero, "000_a.sql"), "SELECT 1");
    expect(() => loadMigrations(zero)).toThrow("000_a.sql: numbers start at 001");
    const misnamed = tempDir();
    fs.writeFileSync(path.join(misnamed, "1_a.sql"), "SELECT 1");
    expect(() => loadMigrations(misnamed)).toThrow("1_a.sql is not named NNN_name.sql");
    expect(loadMigrations().map((m) => `${m.version} ${m.name}`)).toEqual([
      "1 paper_votes",
      "2 followed_authors",
      "3 digest_posts",
      "10 digest_settings",
      "11 group_papers",
      "12 answer_feedback",
      "13 answer_usage",
      "20 papers",
      "21 lexical",
      "22 postings",
      "23 title_words",
      "27 postings_bulk",
      "30 full_text",
      "31 vectors",
      "40 paper_names",
      "50 answer_cache",
      "51 conversations",
      "52 bot_heartbeats",
      "53 cooldowns",
    ]);
  });
});
