// The async stores' contract, run against SQLite and PostgreSQL alike: digest settings, group papers,
// answer feedback and answer usage (budgets).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_REASON_CHARS, type AnswerFeedbackStore } from "../src/store/answerFeedback.js";
import type { AnswerUsageStore } from "../src/store/answerUsage.js";
import { openDb } from "../src/store/sqlite/db.js";
import type { DigestSettings, DigestSettingsStore } from "../src/store/digestSettings.js";
import type { GroupPaperStore } from "../src/store/groupPapers.js";
import { PostgresAnswerFeedbackStore } from "../src/store/postgres/answerFeedback.js";
import { PostgresAnswerUsageStore } from "../src/store/postgres/answerUsage.js";
import { PostgresDigestSettingsStore } from "../src/store/postgres/digestSettings.js";
import { PostgresGroupPaperStore } from "../src/store/postgres/groupPapers.js";
import type { Pool } from "../src/store/postgres/pool.js";
import { SqliteAnswerFeedbackStore } from "../src/store/sqlite/answerFeedback.js";
import { SqliteAnswerUsageStore } from "../src/store/sqlite/answerUsage.js";
import { SqliteDigestSettingsStore } from "../src/store/sqlite/digestSettings.js";
import { SqliteGroupPaperStore } from "../src/store/sqlite/groupPapers.js";
import { havePostgres, migratedSchemaForFile } from "./helpers/postgres.js";

interface Stores {
  settings: DigestSettingsStore;
  groups: GroupPaperStore;
  feedback: AnswerFeedbackStore;
  usage: AnswerUsageStore;
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
    return {
      settings: new SqliteDigestSettingsStore(db),
      groups: new SqliteGroupPaperStore(db),
      feedback: new SqliteAnswerFeedbackStore(db),
      usage: new SqliteAnswerUsageStore(db),
      close: async () => void db.close(),
    };
  },
};

const postgresStores = (pool: Pool): Omit<Stores, "close"> => ({
  settings: new PostgresDigestSettingsStore(pool),
  groups: new PostgresGroupPaperStore(pool),
  feedback: new PostgresAnswerFeedbackStore(pool),
  usage: new PostgresAnswerUsageStore(pool),
});

const backends: Backend[] = [sqlite];

// One fresh schema for this file, emptied before each test; `other` is a second pool on it, as a second machine.
const empty = () => pool().query("TRUNCATE digest_settings, group_papers, given_answers, answer_votes, answer_usage");
const withPostgres = havePostgres();
const schema = withPostgres ? migratedSchemaForFile() : undefined;
const pool = () => schema!.pool();
const other = () => schema!.other();
if (withPostgres) {
  backends.push({
    name: "PostgreSQL",
    open: async () => {
      await empty();
      return { ...postgresStores(pool()), close: async () => {} };
    },
  });
}

let stores: Stores;
afterEach(async () => {
  await stores?.close();
});

const day = (n: number, hour = 9) => new Date(Date.UTC(2026, 2, n, hour));

const settingsOf = (guildId: string, over: Partial<DigestSettings> = {}): DigestSettings => ({
  guildId,
  channelId: "c1",
  time: "09:00",
  timezone: "UTC",
  count: 5,
  include: [],
  exclude: [],
  minUpvotes: 0,
  rankMode: "for-us",
  interests: [],
  paused: false,
  catchUpDays: 0,
  activeSince: day(1).toISOString(),
  updatedAt: day(1).toISOString(),
  ...over,
});

describe.each(backends)("digest settings in $name", (backend) => {
  beforeEach(async () => {
    stores = await backend.open();
  });

  it("a server has no settings until a change writes them; a change sees what is stored and its result is read back whole", async () => {
    const { settings } = stores;
    expect(await settings.get("g1")).toBeUndefined();
    const seen: (DigestSettings | undefined)[] = [];
    const first = settingsOf("g1", {
      channelId: undefined,
      include: ["diffusion", "LLM serving"],
      exclude: ['Ünïcode "quoted" term', "a,b {c}"],
      interests: ["graph neural networks"],
      rankMode: "trending",
      minUpvotes: 3,
      paused: true,
      pausedReason: "missing permission: Send Messages",
      catchUpDays: 2,
      time: "18:30",
      timezone: "Europe/Berlin",
      count: 10,
    });
    expect(
      await settings.change("g1", (s) => {
        seen.push(s);
        return first;
      }),
    ).toEqual(first);
    expect(await settings.get("g1")).toEqual(first);
    const second = await settings.change("g1", (s) => {
      seen.push(s);
      return { ...s!, channelId: "c2", paused: false, pausedReason: undefined, include: [], updatedAt: day(2).toISOString() };
    });
    expect(seen).toEqual([undefined, first]);
    expect(await settings.get("g1")).toEqual(second);
    expect(second).toEqual({ ...first, channelId: "c2", paused: false, pausedReason: undefined, include: [], updatedAt: day(2).toISOString() });
    expect((await settings.get("g1"))!.pausedReason).toBeUndefined();
  });

  it("lists every server's settings by server id, byte for byte, and removes one server's once", async () => {
    const { settings } = stores;
    for (const g of ["g2", "G9", "g10", "g1"]) await settings.change(g, () => settingsOf(g));
    expect((await settings.all()).map((s) => s.guildId)).toEqual(["G9", "g1", "g10", "g2"]);
    expect(await settings.remove("g10")).toBe(true);
    expect(await settings.remove("g10")).toBe(false);
    expect(await settings.get("g10")).toBeUndefined();
    expect((await settings.all()).map((s) => s.guildId)).toEqual(["G9", "g1", "g2"]);
  });

  it("a change that throws, or that breaks the table's limits, writes nothing", async () => {
    const { settings } = stores;
    const stored = await settings.change("g1", () => settingsOf("g1", { count: 3 }));
    await expect(
      settings.change("g1", () => {
        throw new Error("no such channel");
      }),
    ).rejects.toThrow("no such channel");
    await expect(settings.change("g1", (s) => ({ ...s!, count: 11 }))).rejects.toThrow();
    await expect(settings.change("g1", (s) => ({ ...s!, minUpvotes: -1 }))).rejects.toThrow();
    await expect(settings.change("g2", () => settingsOf("g2", { catchUpDays: -1 }))).rejects.toThrow();
    expect(await settings.get("g1")).toEqual(stored);
    expect(await settings.get("g2")).toBeUndefined();
  });

  it("changes to one server at once take turns: each sees the one before it", async () => {
    const { settings } = stores;
    await settings.change("g1", () => settingsOf("g1", { count: 1 }));
    await Promise.all(Array.from({ length: 9 }, () => settings.change("g1", (s) => ({ ...s!, count: s!.count + 1 }))));
    expect((await settings.get("g1"))!.count).toBe(10);
  });
});

describe.each(backends)("group papers in $name", (backend) => {
  beforeEach(async () => {
    stores = await backend.open();
  });

  it("adds a paper once per server and way it came, and removes it once", async () => {
    const { groups } = stores;
    expect(await groups.add("g1", "2401.00001", "save", "u1", day(1))).toBe(true);
    expect(await groups.add("g1", "2401.00001", "save", "u2", day(2))).toBe(false);
    expect(await groups.add("g1", "2401.00001", "add", "u2", day(2))).toBe(true);
    expect(await groups.add("g2", "2401.00001", "save", undefined, day(3))).toBe(true);
    expect(await groups.has("g1", "2401.00001", "save")).toBe(true);
    expect(await groups.has("g1", "2401.00002", "save")).toBe(false);
    expect(await groups.has("g3", "2401.00001", "save")).toBe(false);
    expect(await groups.list("g1", "save")).toEqual([
      { guildId: "g1", paperId: "2401.00001", via: "save", userId: "u1", createdAt: day(1).toISOString() },
    ]);
    expect(await groups.list("g2", "save")).toEqual([
      { guildId: "g2", paperId: "2401.00001", via: "save", userId: undefined, createdAt: day(3).toISOString() },
    ]);
    expect(await groups.remove("g1", "2401.00001", "save")).toBe(true);
    expect(await groups.remove("g1", "2401.00001", "save")).toBe(false);
    expect(await groups.has("g1", "2401.00001", "save")).toBe(false);
    expect(await groups.has("g1", "2401.00001", "add")).toBe(true);
    expect(await groups.count("g1", "save")).toBe(0);
    expect(await groups.count("g1", "add")).toBe(1);
  });

  it("addMany counts only the papers it added, a paper named twice once", async () => {
    const { groups } = stores;
    await groups.add("*", "p2", "seed", undefined, day(1));
    expect(await groups.addMany("*", ["p1", "p2", "p3", "p1"], "seed", undefined, day(2))).toBe(2);
    expect(await groups.addMany("*", [], "seed")).toBe(0);
    expect(await groups.count("*", "seed")).toBe(3);
    expect(await groups.list("*", "seed")).toEqual([
      { guildId: "*", paperId: "p1", via: "seed", userId: undefined, createdAt: day(2).toISOString() },
      { guildId: "*", paperId: "p3", via: "seed", userId: undefined, createdAt: day(2).toISOString() },
      { guildId: "*", paperId: "p2", via: "seed", userId: undefined, createdAt: day(1).toISOString() },
    ]);
  });

  it("lists a server's papers newest first, then by id byte for byte, a page at a time", async () => {
    const { groups } = stores;
    await groups.add("g1", "b", "save", "u1", day(2));
    await groups.add("g1", "a", "save", "u1", day(2));
    await groups.add("g1", "B", "save", "u1", day(2));
    await groups.add("g1", "z", "save", "u1", day(1));
    await groups.add("g1", "y", "save", "u1", day(3));
    await groups.add("g1", "x", "add", "u1", day(4));
    await groups.add("g2", "w", "save", "u1", day(4));
    const ids = async (page?: { limit: number; offset?: number }) => (await groups.list("g1", "save", page)).map((p) => p.paperId);
    expect(await ids()).toEqual(["y", "B", "a", "b", "z"]);
    expect(await ids({ limit: 2 })).toEqual(["y", "B"]);
    expect(await ids({ limit: 2, offset: 2 })).toEqual(["a", "b"]);
    expect(await ids({ limit: 2, offset: 4 })).toEqual(["z"]);
    expect(await ids({ limit: 2, offset: 6 })).toEqual([]);
    expect(await groups.count("g1", "save")).toBe(5);
  });

  it("a server's profile is its own papers and the installation's, each once; saved ids are only what was saved", async () => {
    const { groups } = stores;
    await groups.addMany("*", ["s1", "s2"], "seed");
    await groups.add("*", "s3", "save");
    await groups.add("g1", "a1", "add", "u1");
    await groups.add("g1", "s1", "save", "u1");
    await groups.add("g1", "v1", "save", "u1");
    await groups.add("g2", "a2", "add", "u2");
    await groups.add("g2", "v2", "save", "u2");
    const sorted = (ids: string[]) => [...ids].sort();
    expect(sorted(await groups.profileIds("g1"))).toEqual(["a1", "s1", "s2", "s3", "v1"]);
    expect(sorted(await groups.profileIds("g3"))).toEqual(["s1", "s2", "s3"]);
    expect(sorted(await groups.profileIds())).toEqual(["a1", "a2", "s1", "s2", "s3", "v1", "v2"]);
    expect(sorted(await groups.savedIds("g1"))).toEqual(["s1", "s3", "v1"]);
    expect(sorted(await groups.savedIds("g3"))).toEqual(["s3"]);
    expect(sorted(await groups.savedIds())).toEqual(["s1", "s3", "v1", "v2"]);
  });

  it("the same paper saved many times at once is recorded once, and only one save is told it added it", async () => {
    const { groups } = stores;
    const added = await Promise.all(Array.from({ length: 8 }, (_, i) => groups.add("g1", "p1", "save", `u${i}`)));
    expect(added.filter(Boolean)).toHaveLength(1);
    expect(await groups.count("g1", "save")).toBe(1);
  });
});

describe.each(backends)("answer feedback in $name", (backend) => {
  beforeEach(async () => {
    stores = await backend.open();
  });

  const asked = { guildId: "g1", channelId: "c1", question: "What is LoRA?", sourceIds: ["2106.09685", "2305.14314"], mode: "llm" };

  it("records answers under new ids; a vote on an answer not on record is refused", async () => {
    const { feedback } = stores;
    const a = await feedback.record(asked, day(1));
    const b = await feedback.record({ ...asked, guildId: undefined, sourceIds: [] }, day(1));
    expect(Number.isSafeInteger(a) && a > 0).toBe(true);
    expect(b).toBeGreaterThan(a);
    expect(await feedback.has(a)).toBe(true);
    expect(await feedback.has(b + 1000)).toBe(false);
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 63]) {
      expect(await feedback.has(bad)).toBe(false);
      expect(await feedback.vote(bad, "u1", "up")).toBe(false);
      expect(await feedback.voteOf(bad, "u1")).toBeUndefined();
      expect(await feedback.takeBack(bad, "u1")).toBe(false);
    }
    expect(await feedback.vote(b + 1000, "u1", "up")).toBe(false);
    expect(await feedback.votes()).toEqual([]);
  });

  it("one vote per user and answer, the latest with its reason; taken back once", async () => {
    const { feedback } = stores;
    const a = await feedback.record(asked, day(1));
    expect(await feedback.voteOf(a, "u1")).toBeUndefined();
    expect(await feedback.vote(a, "u1", "down", "  cites the\n wrong   paper ", day(2))).toBe(true);
    expect(await feedback.voteOf(a, "u1")).toBe("down");
    expect(await feedback.vote(a, "u2", "up", undefined, day(3))).toBe(true);
    expect((await feedback.votes()).map((v) => [v.userId, v.vote, v.reason])).toEqual([
      ["u1", "down", "cites the wrong paper"],
      ["u2", "up", undefined],
    ]);
    expect(await feedback.vote(a, "u1", "up", undefined, day(4))).toBe(true);
    expect((await feedback.votes()).map((v) => [v.userId, v.vote, v.reason, v.createdAt])).toEqual([
      ["u2", "up", undefined, day(3).toISOString()],
      ["u1", "up", undefined, day(4).toISOString()],
    ]);
    expect(await feedback.vote(a, "u1", "down", " \n ", day(5))).toBe(true);
    expect((await feedback.votes()).at(-1)!.reason).toBeUndefined();
    const long = await feedback.vote(a, "u1", "down", "x".repeat(MAX_REASON_CHARS + 50), day(6));
    expect(long).toBe(true);
    const reason = (await feedback.votes()).at(-1)!.reason!;
    expect(reason).toHaveLength(MAX_REASON_CHARS);
    expect(reason.endsWith("…")).toBe(true);
    expect(await feedback.takeBack(a, "u1")).toBe(true);
    expect(await feedback.takeBack(a, "u1")).toBe(false);
    expect(await feedback.voteOf(a, "u1")).toBeUndefined();
    expect(await feedback.voteOf(a, "u2")).toBe("up");
  });

  it("votes come oldest first with the answer they are on, narrowed by day or time (UTC) and by server", async () => {
    const { feedback } = stores;
    const a = await feedback.record(asked, day(1, 8));
    const dm = await feedback.record({ ...asked, guildId: undefined, question: "in a DM", sourceIds: [], mode: "offline" }, day(1, 9));
    const g2 = await feedback.record({ ...asked, guildId: "g2", channelId: "c9", question: "elsewhere" }, day(1, 10));
    await feedback.vote(g2, "u3", "up", undefined, day(3, 0));
    await feedback.vote(a, "u2", "up", undefined, day(2, 12));
    await feedback.vote(dm, "u1", "down", "off topic", day(2, 23));
    await feedback.vote(a, "u1", "down", undefined, day(2, 12));
    const all = await feedback.votes();
    expect(all.map((v) => [v.answerId, v.userId])).toEqual([
      [a, "u1"],
      [a, "u2"],
      [dm, "u1"],
      [g2, "u3"],
    ]);
    expect(all[0]).toEqual({
      answerId: a,
      answer: { ...asked, createdAt: day(1, 8).toISOString() },
      userId: "u1",
      vote: "down",
      reason: undefined,
      createdAt: day(2, 12).toISOString(),
    });
    expect(all[2]).toEqual({
      answerId: dm,
      answer: { guildId: undefined, channelId: "c1", question: "in a DM", sourceIds: [], mode: "offline", createdAt: day(1, 9).toISOString() },
      userId: "u1",
      vote: "down",
      reason: "off topic",
      createdAt: day(2, 23).toISOString(),
    });
    expect((await feedback.votes({ since: "2026-03-03" })).map((v) => v.answerId)).toEqual([g2]);
    expect((await feedback.votes({ since: "2026-03-02" })).map((v) => v.answerId)).toEqual([a, a, dm, g2]);
    expect((await feedback.votes({ since: day(2, 23).toISOString() })).map((v) => v.answerId)).toEqual([dm, g2]);
    expect((await feedback.votes({ guildId: "g1" })).map((v) => v.userId)).toEqual(["u1", "u2"]);
    expect((await feedback.votes({ guildId: "g2", since: "2026-03-04" })).map((v) => v.userId)).toEqual([]);
  });
});

describe.each(backends)("answer usage in $name", (backend) => {
  beforeEach(async () => {
    stores = await backend.open();
  });

  it("counts each subject's answers per day and scope; a subject named twice counts twice", async () => {
    const { usage } = stores;
    expect(await usage.answers("2026-03-01", "user", "u1")).toBe(0);
    await usage.bump("2026-03-01", [
      { scope: "user", subject: "u1" },
      { scope: "guild", subject: "g1" },
    ]);
    await usage.bump("2026-03-01", [{ scope: "user", subject: "u1" }]);
    await usage.bump("2026-03-02", [{ scope: "guild", subject: "g1" }]);
    await usage.bump("2026-03-01", [
      { scope: "guild", subject: "u1" },
      { scope: "guild", subject: "u1" },
    ]);
    await usage.bump("2026-03-01", []);
    expect(await usage.answers("2026-03-01", "user", "u1")).toBe(2);
    expect(await usage.answers("2026-03-01", "guild", "g1")).toBe(1);
    expect(await usage.answers("2026-03-02", "guild", "g1")).toBe(1);
    expect(await usage.answers("2026-03-01", "guild", "u1")).toBe(2);
    expect(await usage.answers("2026-03-02", "user", "u1")).toBe(0);
    expect(await usage.answers("2026-03-01", "user", "g1")).toBe(0);
  });

  it("bumps made at once all count", async () => {
    const { usage } = stores;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        usage.bump("2026-03-01", [
          { scope: "user", subject: "u1" },
          { scope: "guild", subject: "g1" },
        ]),
      ),
    );
    expect(await usage.answers("2026-03-01", "user", "u1")).toBe(20);
    expect(await usage.answers("2026-03-01", "guild", "g1")).toBe(20);
  });
});

if (withPostgres) {
  // Two pools on one database stand for two machines sharing it.
  describe("PostgreSQL shared by two machines", () => {
    beforeEach(async () => {
      await empty();
    });

    it("two pools bumping the same budget counters 50 times each at once end at exactly 100, in either order of counters", async () => {
      const [a, b] = [new PostgresAnswerUsageStore(pool()), new PostgresAnswerUsageStore(other())];
      const user = { scope: "user", subject: "u1" } as const;
      const guild = { scope: "guild", subject: "g1" } as const;
      await Promise.all([
        ...Array.from({ length: 50 }, () => a.bump("2026-03-01", [user, guild])),
        ...Array.from({ length: 50 }, () => b.bump("2026-03-01", [guild, user])),
      ]);
      expect(await a.answers("2026-03-01", "user", "u1")).toBe(100);
      expect(await b.answers("2026-03-01", "guild", "g1")).toBe(100);
    });

    it("two pools adding the same paper at once record it once, and one of them is told it added it", async () => {
      const [a, b] = [new PostgresGroupPaperStore(pool()), new PostgresGroupPaperStore(other())];
      for (let round = 0; round < 20; round++) {
        const added = await Promise.all([a.add("g1", `p${round}`, "save", "u1"), b.add("g1", `p${round}`, "save", "u2")]);
        expect(added.filter(Boolean)).toHaveLength(1);
      }
      const many = await Promise.all([a.addMany("g1", ["q1", "q2", "q3"], "add"), b.addMany("g1", ["q3", "q2", "q1"], "add")]);
      expect(many[0]! + many[1]!).toBe(3);
      expect(await a.count("g1", "save")).toBe(20);
      expect(await b.count("g1", "add")).toBe(3);
    });

    it("two pools changing one server's settings at once take turns, even before the server has a row", async () => {
      const [a, b] = [new PostgresDigestSettingsStore(pool()), new PostgresDigestSettingsStore(other())];
      const step = (s: DigestSettings | undefined) => (s ? { ...s, catchUpDays: s.catchUpDays + 1 } : settingsOf("g1", { catchUpDays: 1 }));
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).change("g1", step)));
      expect((await a.get("g1"))!.catchUpDays).toBe(10);
    });

    it("two pools recording answers at once get distinct ids", async () => {
      const [a, b] = [new PostgresAnswerFeedbackStore(pool()), new PostgresAnswerFeedbackStore(other())];
      const given = { guildId: "g1", channelId: "c1", question: "q", sourceIds: [], mode: "llm" };
      const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).record(given)));
      expect(new Set(ids).size).toBe(20);
    });
  });
}
