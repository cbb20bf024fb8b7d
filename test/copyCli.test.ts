import { loadMigrations } from "../src/store/postgres/migrate.js";
// `paperbot migrate` and `paperbot copy --to`, through the real CLI: a small installation moved from SQLite
// to a fresh PostgreSQL schema, checked kind by kind through the PostgreSQL stores; copied again (nothing twice);
// a copy killed part way and finished by a re-run; migrations on both backends; a server that cannot be reached.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../src/store/sqlite/openStore.js";
import { PostgresAnswerFeedbackStore } from "../src/store/postgres/answerFeedback.js";
import { PostgresAnswerUsageStore } from "../src/store/postgres/answerUsage.js";
import { PostgresConversationStore } from "../src/store/postgres/conversations.js";
import { PostgresDigestSettingsStore } from "../src/store/postgres/digestSettings.js";
import { PostgresFollowedAuthorStore } from "../src/store/postgres/followedAuthors.js";
import { PostgresFullTextChunks } from "../src/store/postgres/fullTextChunks.js";
import { PostgresGroupPaperStore } from "../src/store/postgres/groupPapers.js";
import { PostgresDigestLedgerStore } from "../src/store/postgres/ledger.js";
import { PostgresLexicalIndexStore } from "../src/store/postgres/lexicalIndex.js";
import { autocomplete } from "../src/retrieval/autocomplete.js";
import { type NameStores, resolvePaper } from "../src/retrieval/resolvePaper.js";
import { PostgresPaperNameIndex } from "../src/store/postgres/paperNames.js";
import { PostgresPaperRecords } from "../src/store/postgres/papers.js";
import { PostgresPaperVoteStore } from "../src/store/postgres/paperVotes.js";
import { connectPostgres, type Pool } from "../src/store/postgres/pool.js";
import { PostgresVectorStore } from "../src/store/postgres/vectors.js";
import { SqliteAnswerFeedbackStore } from "../src/store/sqlite/answerFeedback.js";
import { SqliteAnswerUsageStore } from "../src/store/sqlite/answerUsage.js";
import { SqliteConversationStore } from "../src/store/sqlite/conversations.js";
import { SqliteDigestSettingsStore } from "../src/store/sqlite/digestSettings.js";
import { SqliteFullTextChunks } from "../src/store/sqlite/fullTextChunks.js";
import { SqliteGroupPaperStore } from "../src/store/sqlite/groupPapers.js";
import { SqliteDigestLedgerStore } from "../src/store/sqlite/ledger.js";
import { SqlitePaperNameIndex } from "../src/store/sqlite/paperNames.js";
import { SqlitePaperRecords } from "../src/store/sqlite/papers.js";
import { SqliteVectorStore } from "../src/store/sqlite/vectors.js";
import { contentHash } from "../src/store/vectors.js";
import { freshSchema, havePostgres, postgresUrl } from "./helpers/postgres.js";
import { runCli } from "./helpers/runCli.js";
import { corpusDir, tempDir } from "./helpers/tmp.js";

const GUILD = "234567890123456789";
const MODEL = "test-embedder";
const FEED = path.join(corpusDir, "2026-02-02.json");
const SAVED = "2601.15394";
const TEXT = "nanoflow-towards-optimal-large-language-model-serving-throughput";

/** The kinds `paperbot copy` checks, in the order it prints them. */
const KINDS = [
  "papers",
  "lexical index",
  "full texts",
  "passages",
  "vectors",
  "digest settings",
  "ledger",
  "group papers",
  "paper votes",
  "followed authors",
  "answers",
  "answer votes",
  "answer usage",
  "conversation turns",
  "conversation papers",
];

/** The `kind N = M` lines of a copy's output. */
function counts(stdout: string): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const m of stdout.matchAll(/^([a-z ]+) (\d+) (=|≠) (\d+)$/gm)) out.set(m[1]!, [Number(m[2]), Number(m[4])]);
  return out;
}

/**
 * A small installation: the bundled seed page and one day of the feed (through the CLI), a 👍 and a followed
 * author (CLI), and, written through the SQLite stores as the bot writes them, a saved paper, a server's digest
 * settings, a sent day in the ledger, a full text with passages and a failed one, three vectors, an answer with a
 * 👎 and its reason, a day's answer usage, and a conversation (an answer about one paper, continued in a thread).
 */
async function install(env: Record<string, string>): Promise<void> {
  expect((await runCli(["ingest", "hf", "--file", FEED], env)).code).toBe(0);
  expect((await runCli(["vote", "up", "NanoFlow"], env)).code).toBe(0);
  expect((await runCli(["follow", "Tri Dao"], env)).code).toBe(0);
  const store = openStore(env.PAPERBOT_DB!);
  try {
    const db = store.db;
    await new SqliteGroupPaperStore(db).add(GUILD, SAVED, "save", "user-7", new Date("2026-02-03T10:00:00Z"));
    await new SqliteDigestSettingsStore(db).change(GUILD, () => ({
      guildId: GUILD,
      channelId: "345678901234567890",
      time: "08:30",
      timezone: "Europe/Berlin",
      count: 3,
      include: ["serving"],
      exclude: ["robot"],
      minUpvotes: 2,
      rankMode: "trending",
      interests: ["KV cache"],
      paused: false,
      catchUpDays: 1,
      activeSince: "2026-02-01T00:00:00.000Z",
      updatedAt: "2026-02-01T00:00:00.000Z",
    }));
    const ledger = new SqliteDigestLedgerStore(db);
    const day = { guildId: GUILD, channelId: "345678901234567890", date: "2026-02-02" };
    expect((await ledger.claim(day, "nonce-1", new Date("2026-02-02T07:30:00Z"))).kind).toBe("owned");
    await ledger.markSent(day, "456789012345678901", new Date("2026-02-02T07:31:00Z"), [SAVED]);
    await ledger.release(day);
    const texts = new SqliteFullTextChunks(db);
    await texts.save(
      TEXT,
      {
        pageCount: 12,
        chunks: [
          { page: 1, pageEnd: 1, section: "Introduction", text: "NanoFlow overlaps compute, memory and network within a device." },
          { page: 2, pageEnd: 3, text: "We evaluate on eight A100 GPUs against vLLM and TensorRT-LLM." },
          { page: 4, pageEnd: 4, section: "Limitations", text: "Nano-batching adds scheduling overhead at small batch sizes." },
        ],
        references: "[1] vLLM. [2] Orca.",
      },
      "arxiv",
      new Date("2026-02-03T11:00:00Z"),
    );
    await texts.recordFailure(SAVED, "arxiv", "no PDF", "404 from arXiv", new Date("2026-02-03T11:05:00Z"));
    const papers = new SqlitePaperRecords(store);
    const embedded = await Promise.all([TEXT, SAVED, "2601.13097"].map((id) => papers.get(id)));
    const rows = embedded.flatMap((p, i) =>
      p ? [{ paperId: p.id, hash: contentHash(MODEL, p.title, p.abstract), vector: [1, i / 3 + 0.1, -0.25 * i, 0.5] }] : [],
    );
    expect(rows).toHaveLength(3);
    await new SqliteVectorStore(db).save(MODEL, rows, new Date("2026-02-03T12:00:00Z"));
    const feedback = new SqliteAnswerFeedbackStore(db);
    const answer = await feedback.record(
      { guildId: GUILD, channelId: "345678901234567890", question: "Which GPUs did NanoFlow use?", sourceIds: [TEXT], mode: "offline" },
      new Date("2026-02-04T09:00:00Z"),
    );
    await feedback.vote(answer, "user-9", "down", "it quoted the abstract, not the evaluation", new Date("2026-02-04T09:01:00Z"));
    await new SqliteAnswerUsageStore(db).bump("2026-02-04", [
      { scope: "user", subject: "user-9" },
      { scope: "guild", subject: GUILD },
    ]);
    const conversations = new SqliteConversationStore(db);
    await conversations.append(
      "answer-1",
      { question: "Which GPUs did NanoFlow use?", answer: "Eight A100s [1]." },
      new Date("2026-02-04T09:00:00Z"),
    );
    await conversations.keepToPaper("answer-1", TEXT, new Date("2026-02-04T09:00:00Z"));
    await conversations.copy("answer-1", "thread-1");
    await conversations.append(
      "thread-1",
      { question: "And the baselines?", answer: "vLLM and TensorRT-LLM [1, p. 2]." },
      new Date("2026-02-04T09:05:00Z"),
    );
  } finally {
    store.db.close();
  }
}

/** Runs test/helpers/dieMidCopy.ts: a real copy process killed right after its first batch of papers commits. */
function copyAndDie(env: Record<string, string>, to: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "helpers/dieMidCopy.ts")], {
      env: { PATH: process.env.PATH ?? "", ...env, COPY_TO: to },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => (signal ? resolve(signal) : reject(new Error(`the copy ended by itself (${code}): ${stderr}`))));
  });
}

const fileHash = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

const env = () => ({ PAPERBOT_DB: path.join(tempDir(), "paperbot.db") });

describe("paperbot migrate and copy: without a server", () => {
  it("says in one line which server it cannot reach, never the password, and exits 1", async () => {
    const e = env();
    const url = "postgres://paperbot:s3cret-Pa55@127.0.0.1:1/paperbot";
    expect((await runCli(["migrate"], e)).code).toBe(0);
    for (const args of [
      ["migrate", "--database-url", url],
      ["copy", "--to", url],
    ]) {
      const r = await runCli(args, e);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^paperbot: Cannot reach PostgreSQL at 127\.0\.0\.1:1\/paperbot: .*ECONNREFUSED/);
      expect(r.stderr).not.toContain("s3cret");
    }
    const viaEnv = await runCli(["migrate"], { ...e, DATABASE_URL: url });
    expect(viaEnv.code).toBe(1);
    expect(viaEnv.stderr).toMatch(/Cannot reach PostgreSQL at 127\.0\.0\.1:1\/paperbot/);
    expect(viaEnv.stderr).not.toContain("s3cret");
  });

  it("gives up on a server that accepts but never answers after DATABASE_TIMEOUT_MS, in one line, and exits 1", async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const r = await runCli(["migrate"], {
        ...env(),
        DATABASE_URL: `postgres://paperbot:pw@127.0.0.1:${port}/paperbot`,
        DATABASE_TIMEOUT_MS: "1000",
      });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^paperbot: Cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}/paperbot: .*timeout`, "i"));
    } finally {
      silent.close();
    }
  });

  it("brings the SQLite database up to date and says at which schema it is", async () => {
    const e = env();
    const first = await runCli(["migrate"], e);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^SQLite .*paperbot\.db: schema (\d+) \(applied 1–\1\)\n$/);
    const again = await runCli(["migrate"], e);
    expect(again.stdout).toMatch(/^SQLite .*paperbot\.db: schema \d+, already up to date\n$/);
    expect(again.stderr).toBe("");
  });
});

if (havePostgres()) {
  describe("paperbot migrate and copy on PostgreSQL", () => {
    let schema: { url: string; drop: () => Promise<void> };
    let pool: Pool | undefined;
    beforeEach(async () => {
      schema = await freshSchema(postgresUrl()!);
    });
    afterEach(async () => {
      await pool?.end();
      pool = undefined;
      await schema.drop();
    });

    it("applies PostgreSQL's migrations with --database-url or DATABASE_URL, once", async () => {
      const e = env();
      const first = await runCli(["migrate", "--database-url", schema.url], e);
      expect(first.code).toBe(0);
      // A fresh database gets every migration, each once.
      const versions = loadMigrations().map((m) => m.version);
      const last = versions.at(-1)!;
      expect(first.stdout).toMatch(new RegExp(`^PostgreSQL 127\\.0\\.0\\.1:\\d+/\\w+: schema ${last} \\(applied ${versions.join(", ")}\\)\n$`));
      const again = await runCli(["migrate"], { ...e, DATABASE_URL: schema.url });
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`^PostgreSQL .*: schema ${last}, already up to date\n$`));
      pool = await connectPostgres(schema.url);
      expect((await pool.query("SELECT count(*)::int AS n FROM schema_migrations")).rows[0].n).toBe(versions.length);
    });

    it("copies every kind, equal in count and content; a second run copies nothing", async () => {
      const e = env();
      await install(e);
      const before = fileHash(e.PAPERBOT_DB);
      const r = await runCli(["copy", "--to", schema.url], e);
      expect(fileHash(e.PAPERBOT_DB)).toBe(before);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^PostgreSQL .*: schema ${loadMigrations().at(-1)!.version} \\(applied`));
      const first = counts(r.stdout);
      expect([...first.keys()]).toEqual(KINDS);
      for (const [kind, [sqlite, postgres]] of first) expect(postgres, kind).toBe(sqlite);
      expect(first.get("papers")![0]).toBe(56 + 41);
      for (const kind of [
        "full texts",
        "digest settings",
        "ledger",
        "paper votes",
        "followed authors",
        "answers",
        "answer votes",
        "conversation turns",
      ])
        expect(first.get(kind)![0], kind).toBeGreaterThan(0);
      expect(first.get("passages")![0]).toBe(3);

      // Through the PostgreSQL stores: each kind arrived as it was.
      pool = await connectPostgres(schema.url);
      const sqliteStore = openStore(e.PAPERBOT_DB);
      try {
        const sqlitePapers = new SqlitePaperRecords(sqliteStore);
        const papers = new PostgresPaperRecords(pool);
        expect(await papers.count()).toBe(await sqlitePapers.count());
        for (const id of [TEXT, SAVED, "2601.13097"]) expect(await papers.get(id), id).toEqual(await sqlitePapers.get(id));
        const lexical = new PostgresLexicalIndexStore(pool);
        expect(await lexical.paperCount()).toBe(97);
        expect((await lexical.candidates(["nanoflow"], 5))[0]).toBe(TEXT);
        expect((await lexical.documentFrequencies(["nanoflow"])).get("nanoflow")).toBeGreaterThan(0);
        const texts = new PostgresFullTextChunks(pool);
        expect((await texts.chunks(TEXT)).map((c) => c.text)).toEqual(
          (await new SqliteFullTextChunks(sqliteStore.db).chunks(TEXT)).map((c) => c.text),
        );
        expect(await texts.status(TEXT)).toMatchObject({ status: "read", pages: 12, readAt: "2026-02-03T11:00:00.000Z" });
        expect(await texts.status(SAVED)).toMatchObject({ status: "failed", problem: "no PDF", detail: "404 from arXiv" });
        expect((await texts.searchAll(["A100"], 5))[0]).toMatchObject({ paperId: TEXT, page: 2 });
        const vectors = await PostgresVectorStore.open(pool);
        expect((await vectors.search(MODEL, [1, 0.1, 0, 0.5], 1))[0]).toMatchObject({ paperId: TEXT });
        expect((await vectors.search(MODEL, [1, 0.1, 0, 0.5], 1))[0]!.distance).toBeCloseTo(0, 6);
        const text = (await papers.get(TEXT))!;
        expect(await vectors.pending(MODEL, [{ id: TEXT, title: text.title, abstract: text.abstract }])).toEqual([]);
        expect(await new PostgresDigestSettingsStore(pool).get(GUILD)).toEqual(await new SqliteDigestSettingsStore(sqliteStore.db).get(GUILD));
        const day = { guildId: GUILD, channelId: "345678901234567890", date: "2026-02-02" };
        expect(await new PostgresDigestLedgerStore(pool).get(day)).toEqual(await new SqliteDigestLedgerStore(sqliteStore.db).get(day));
        const groups = new PostgresGroupPaperStore(pool);
        expect(await groups.savedIds(GUILD)).toEqual([SAVED]);
        expect(await groups.count("*", "seed")).toBe(56);
        expect(await new PostgresPaperVoteStore(pool).tally()).toEqual(new Map([[TEXT, 1]]));
        expect((await new PostgresFollowedAuthorStore(pool).list("*")).map((f) => f.name)).toEqual(["Tri Dao"]);
        const feedback = new PostgresAnswerFeedbackStore(pool);
        const sqliteVotes = await new SqliteAnswerFeedbackStore(sqliteStore.db).votes();
        expect(await feedback.votes()).toEqual(sqliteVotes);
        expect(sqliteVotes[0]).toMatchObject({ vote: "down", reason: "it quoted the abstract, not the evaluation" });
        // A new answer never takes a copied one's id (old messages' buttons carry them).
        expect(await feedback.record({ channelId: "c", question: "q", sourceIds: [], mode: "offline" })).toBeGreaterThan(sqliteVotes[0]!.answerId);
        await pool.query("DELETE FROM given_answers WHERE question = 'q'");
        expect(await new PostgresAnswerUsageStore(pool).answers("2026-02-04", "guild", GUILD)).toBe(1);
        const conversations = new PostgresConversationStore(pool);
        expect(first.get("conversation turns")![0]).toBe(3);
        expect(first.get("conversation papers")![0]).toBe(2);
        expect(await conversations.history("thread-1")).toEqual([
          { question: "Which GPUs did NanoFlow use?", answer: "Eight A100s [1]." },
          { question: "And the baselines?", answer: "vLLM and TensorRT-LLM [1, p. 2]." },
        ]);
        expect(await conversations.history("answer-1")).toEqual(await new SqliteConversationStore(sqliteStore.db).history("answer-1"));
        expect(await conversations.paper("thread-1")).toBe(TEXT);
        // Copied turns are numbered as in SQLite: the thread's next turn comes after them.
        await conversations.append("thread-1", { question: "q3", answer: "a3" });
        expect((await conversations.history("thread-1")).map((t) => t.question)).toEqual([
          "Which GPUs did NanoFlow use?",
          "And the baselines?",
          "q3",
        ]);
        await pool.query("DELETE FROM ask_turns WHERE question = 'q3'");
        // Every paper is known by its names on PostgreSQL as on SQLite: the same resolutions and suggestions.
        const onPostgres = { papers, names: new PostgresPaperNameIndex(pool) };
        const onSqlite = { papers: sqlitePapers, names: new SqlitePaperNameIndex(sqliteStore.db) };
        const named = async (stores: NameStores, title: string) => {
          const r = await resolvePaper(stores, title);
          const short = await resolvePaper(stores, title.split(":")[0]!);
          const completions = await autocomplete(stores.names, title.slice(0, 4));
          return [r.best?.paper.id, r.best?.confidence, short.best?.paper.id, short.ambiguous, completions.map((c) => c.id)];
        };
        const titles = sqliteStore.all().map((p) => p.title);
        expect(titles).toHaveLength(97);
        for (const title of titles) {
          const expected = await named(onSqlite, title);
          expect(expected[1], title).toBe(1);
          expect(await named(onPostgres, title), title).toEqual(expected);
        }
      } finally {
        sqliteStore.db.close();
      }

      const again = await runCli(["copy", "--to", schema.url], e);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`^PostgreSQL .*: schema ${loadMigrations().at(-1)!.version}, already up to date$`, "m"));
      expect(again.stdout).toMatch(/^nothing to copy: PostgreSQL had every row already/m);
      expect(again.stdout).not.toMatch(/: [1-9]\d* copied/);
      expect(again.stdout).toMatch(/^papers: 0 copied, 97 already there$/m);
      expect(counts(again.stdout)).toEqual(first);
    });

    it("finishes a copy that was killed after its first batch, copying each row once", async () => {
      const e = env();
      await install(e);
      expect(await copyAndDie(e, schema.url)).toBe("SIGKILL");
      pool = await connectPostgres(schema.url);
      const papers = new PostgresPaperRecords(pool);
      expect(await papers.count()).toBe(10);
      expect(Number((await pool.query("SELECT count(*) AS n FROM group_papers")).rows[0].n)).toBe(0);

      const r = await runCli(["copy", "--to", schema.url, "--batch", "7"], e);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^papers: 87 copied, 10 already there$/m);
      expect(r.stdout).toMatch(/^group papers: 57 copied, 0 already there$/m);
      for (const [kind, [sqlite, postgres]] of counts(r.stdout)) expect(postgres, kind).toBe(sqlite);
      expect(await papers.count()).toBe(97);
      // The index counts each paper once: the document frequencies are those of a copy made in one go.
      const once = await freshSchema(postgresUrl()!);
      try {
        expect((await runCli(["copy", "--to", once.url], e)).code).toBe(0);
        const other = await connectPostgres(once.url);
        try {
          const stats = "SELECT stem, df FROM term_stats WHERE df <> 0 ORDER BY stem";
          expect((await pool.query(stats)).rows).toEqual((await other.query(stats)).rows);
          const meta = "SELECT paper_count, title_words, abstract_words FROM papers_meta";
          expect((await pool.query(meta)).rows).toEqual((await other.query(meta)).rows);
        } finally {
          await other.end();
        }
      } finally {
        await once.drop();
      }
    });

    it("exits 1 naming the kinds whose counts differ when PostgreSQL had rows of its own", async () => {
      const e = env();
      await install(e);
      expect((await runCli(["migrate", "--database-url", schema.url], e)).code).toBe(0);
      pool = await connectPostgres(schema.url);
      await new PostgresFollowedAuthorStore(pool).add("*", "Someone Else", "someone else");
      const r = await runCli(["copy", "--to", schema.url], e);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^followed authors 1 ≠ 2$/m);
      expect(r.stdout).toMatch(/^papers 97 = 97$/m);
      expect(r.stderr).toMatch(/^paperbot: counts differ after the copy: followed authors \(1 in SQLite, 2 in PostgreSQL\)/);
    });
  });
}
