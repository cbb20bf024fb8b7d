// The answer side's stores, run against SQLite and PostgreSQL alike: the answer cache, conversations,
// heartbeats and cooldowns. Each test gets two "machines" on one database: two handles on one SQLite
// file, or two pools on one PostgreSQL schema.
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AnswerCacheStore } from "../src/store/answerCache.js";
import type { ConversationStore } from "../src/store/conversations.js";
import type { CooldownStore } from "../src/store/cooldowns.js";
import { openDb } from "../src/store/sqlite/db.js";
import type { Heartbeat, HeartbeatStore } from "../src/store/heartbeat.js";
import { PostgresAnswerCacheStore } from "../src/store/postgres/answerCache.js";
import { PostgresConversationStore } from "../src/store/postgres/conversations.js";
import { PostgresCooldownStore } from "../src/store/postgres/cooldowns.js";
import { PostgresHeartbeatStore } from "../src/store/postgres/heartbeats.js";
import type { Pool } from "../src/store/postgres/pool.js";
import { SqliteAnswerCacheStore } from "../src/store/sqlite/answerCache.js";
import { SqliteConversationStore } from "../src/store/sqlite/conversations.js";
import { SqliteCooldownStore } from "../src/store/sqlite/cooldowns.js";
import { SqliteHeartbeatStore } from "../src/store/sqlite/heartbeats.js";
import { havePostgres, migratedSchemaForFile } from "./helpers/postgres.js";
import { tempDir } from "./helpers/tmp.js";

interface Machine {
  cache: AnswerCacheStore;
  conversations: ConversationStore;
  heartbeats: HeartbeatStore;
  cooldowns: CooldownStore;
}

interface Backend {
  name: string;
  /** Two machines on one empty database, for one test. */
  open: () => Promise<{ one: Machine; two: Machine; close: () => Promise<void> }>;
}

const sqlite: Backend = {
  name: "SQLite",
  open: async () => {
    const file = path.join(tempDir(), "papers.db");
    const dbs = [openDb(file), openDb(file)];
    const [one, two] = dbs.map((db) => ({
      cache: new SqliteAnswerCacheStore(db),
      conversations: new SqliteConversationStore(db),
      heartbeats: new SqliteHeartbeatStore(db),
      cooldowns: new SqliteCooldownStore(db),
    }));
    return { one: one!, two: two!, close: async () => dbs.forEach((db) => db.close()) };
  },
};

const postgresMachine = (pool: Pool): Machine => ({
  cache: new PostgresAnswerCacheStore(pool),
  conversations: new PostgresConversationStore(pool),
  heartbeats: new PostgresHeartbeatStore(pool),
  cooldowns: new PostgresCooldownStore(pool),
});

const backends: Backend[] = [sqlite];
const withPostgres = havePostgres();
const schema = withPostgres ? migratedSchemaForFile() : undefined;
if (withPostgres) {
  backends.push({
    name: "PostgreSQL",
    open: async () => {
      await schema!.pool().query("TRUNCATE answer_cache, ask_turns, conversation_papers, bot_heartbeats, cooldowns");
      return { one: postgresMachine(schema!.pool()), two: postgresMachine(schema!.other()), close: async () => {} };
    },
  });
}

let opened: Awaited<ReturnType<Backend["open"]>> | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

const day = (n: number) => new Date(Date.UTC(2026, 2, n, 9));

describe.each(backends)("the answer cache in $name", (backend) => {
  beforeEach(async () => {
    opened = await backend.open();
  });

  it("gives back what was set, as it was, to every machine; a second set replaces it", async () => {
    const { one, two } = opened!;
    expect(await one.cache.get("k")).toBeUndefined();
    const answer = { answer: "Ünïcode “quoted” [1]", citations: [{ n: 1, pages: [3, 4] }], covered: true, cached: false };
    await one.cache.set("k", answer, day(1));
    expect(await two.cache.get("k")).toEqual(answer);
    await two.cache.set("k", "a TL;DR", day(2));
    expect(await one.cache.get<string>("k")).toBe("a TL;DR");
    expect(await one.cache.get("K")).toBeUndefined();
  });

  it("forgets entries older than 30 days when one is set", async () => {
    const { one } = opened!;
    await one.cache.set("old", 1, day(1));
    await one.cache.set("newer", 2, day(5));
    await one.cache.set("now", 3, day(1 + 31));
    expect(await one.cache.get("old")).toBeUndefined();
    expect(await one.cache.get("newer")).toBe(2);
    expect(await one.cache.get("now")).toBe(3);
  });
});

describe.each(backends)("conversations in $name", (backend) => {
  beforeEach(async () => {
    opened = await backend.open();
  });

  it("keeps a conversation's turns in order, the last 20, for every machine", async () => {
    const { one, two } = opened!;
    expect(await one.conversations.has("m1")).toBe(false);
    expect(await one.conversations.history("m1")).toEqual([]);
    for (let i = 1; i <= 22; i++) await (i % 2 ? one : two).conversations.append("m1", { question: `q${i}`, answer: `a${i}` }, day(1));
    const history = await two.conversations.history("m1");
    expect(history).toHaveLength(20);
    expect(history[0]).toEqual({ question: "q3", answer: "a3" });
    expect(history.at(-1)).toEqual({ question: "q22", answer: "a22" });
    expect(history.map((t) => t.question)).toEqual(Array.from({ length: 20 }, (_, i) => `q${i + 3}`));
    expect(await one.conversations.has("m1")).toBe(true);
    expect(await one.conversations.history("m2")).toEqual([]);
  });

  it("turns appended at once from two machines are all kept, each once", async () => {
    const { one, two } = opened!;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two).conversations.append("t", { question: `q${i}`, answer: `a${i}` }, day(1))),
    );
    const questions = (await one.conversations.history("t")).map((t) => t.question);
    expect(questions.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `q${i}`).sort());
  });

  it("a conversation may stay on a paper: it then exists without turns, and the last paper given counts", async () => {
    const { one, two } = opened!;
    expect(await one.conversations.paper("thread")).toBeUndefined();
    await one.conversations.keepToPaper("thread", "2401.00001", day(1));
    expect(await two.conversations.has("thread")).toBe(true);
    expect(await two.conversations.paper("thread")).toBe("2401.00001");
    expect(await two.conversations.history("thread")).toEqual([]);
    await two.conversations.keepToPaper("thread", "kv-cache-paper", day(2));
    expect(await one.conversations.paper("thread")).toBe("kv-cache-paper");
  });

  it("a thread copies the answer's turns and paper, then goes on by itself; a second copy adds nothing", async () => {
    const { one, two } = opened!;
    await one.conversations.append("answer", { question: "q1", answer: "a1" }, day(1));
    await one.conversations.append("answer", { question: "q2", answer: "a2" }, day(1));
    await one.conversations.keepToPaper("answer", "p1", day(1));
    await two.conversations.copy("answer", "thread");
    expect(await one.conversations.history("thread")).toEqual([
      { question: "q1", answer: "a1" },
      { question: "q2", answer: "a2" },
    ]);
    expect(await one.conversations.paper("thread")).toBe("p1");
    await one.conversations.append("thread", { question: "q3", answer: "a3" }, day(2));
    await two.conversations.copy("answer", "thread");
    expect((await two.conversations.history("thread")).map((t) => t.question)).toEqual(["q1", "q2", "q3"]);
    expect((await two.conversations.history("answer")).map((t) => t.question)).toEqual(["q1", "q2"]);
    await one.conversations.copy("nothing", "empty");
    expect(await one.conversations.has("empty")).toBe(false);
  });
});

describe.each(backends)("heartbeats in $name", (backend) => {
  beforeEach(async () => {
    opened = await backend.open();
  });

  const beat = (over: Partial<Heartbeat>): Heartbeat => ({ at: day(1).toISOString(), pid: 1, gateway: "ready", shards: [0], ...over });

  it("holds each shard's last beat, from every machine", async () => {
    const { one, two } = opened!;
    expect(await one.heartbeats.all()).toEqual([]);
    const a = beat({ host: "bot-a", pid: 11, shards: [0, 1], shardCount: 4 });
    const b = beat({ host: "bot-b", pid: 12, shards: [2, 3], shardCount: 4, gateway: "connecting" });
    await one.heartbeats.write(a);
    await two.heartbeats.write(b);
    expect(await one.heartbeats.all()).toEqual([a, a, b, b]);
    const later = { ...b, at: day(2).toISOString(), gateway: "stopped" as const };
    await two.heartbeats.write(later);
    expect(await one.heartbeats.all()).toEqual([a, a, later, later]);
  });

  it("a beat without shards is shard 0's; one saying how many shards there are drops the beats past them", async () => {
    const { one, two } = opened!;
    await one.heartbeats.write(beat({ host: "old", shards: [0, 1, 2], shardCount: 3 }));
    const alone = beat({ host: "new", shards: [], pid: 7 });
    await two.heartbeats.write(alone);
    expect((await one.heartbeats.all()).map((b) => b.host)).toEqual(["new", "old", "old"]);
    const fewer = beat({ host: "new", shards: [0], shardCount: 1 });
    await two.heartbeats.write(fewer);
    expect(await one.heartbeats.all()).toEqual([fewer]);
  });
});

describe.each(backends)("cooldowns in $name", (backend) => {
  beforeEach(async () => {
    opened = await backend.open();
  });

  const at = (ms: number) => new Date(Date.UTC(2026, 2, 1) + ms);

  it("a take starts the cooldown; until it ends, takes from any machine wait the whole seconds left", async () => {
    const { one, two } = opened!;
    expect(await one.cooldowns.take("ask:u1", 5, at(0))).toBe(0);
    expect(await two.cooldowns.take("ask:u1", 5, at(0))).toBe(5);
    expect(await two.cooldowns.take("ask:u1", 5, at(1_200))).toBe(4);
    expect(await one.cooldowns.take("ask:u1", 5, at(4_999))).toBe(1);
    // Waiting did not extend it.
    expect(await two.cooldowns.take("ask:u1", 5, at(5_000))).toBe(0);
    expect(await one.cooldowns.take("ask:u1", 5, at(5_001))).toBe(5);
  });

  it("keys are independent", async () => {
    const { one, two } = opened!;
    expect(await one.cooldowns.take("ask:u1", 5, at(0))).toBe(0);
    expect(await two.cooldowns.take("ask:u2", 5, at(0))).toBe(0);
    expect(await two.cooldowns.take("compare:u1", 30, at(0))).toBe(0);
    expect(await one.cooldowns.take("compare:u1", 30, at(10_000))).toBe(20);
  });

  it("of takes at once from two machines, exactly one starts the cooldown", async () => {
    const { one, two } = opened!;
    const waits = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).cooldowns.take("ask:u1", 5, at(0))));
    expect(waits.filter((w) => w === 0)).toHaveLength(1);
    expect(waits.filter((w) => w === 5)).toHaveLength(9);
  });
});
