// Two bots on one database, as two machines: a member's cooldown and the daily budgets are the
// database's, not a process's. On SQLite, two stores over one file; on PostgreSQL, two pools on one schema.
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AnswerEngine } from "../src/answer/answerEngine.js";
import { BudgetExceededError, Budgets } from "../src/answer/budgets.js";
import { createChatModel } from "../src/answer/chatModel.js";
import { savedPage, savePaper } from "../src/answer/savedPapers.js";
import { ensureSeeded } from "../src/ingest/ensureSeeded.js";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { Retriever } from "../src/retrieval/retriever.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import { postgresStores, sqliteStores, type Stores } from "../src/store/stores.js";
import { startTestBot, type TestBot } from "./helpers/bot.js";
import { havePostgres, migratedSchemaForFile } from "./helpers/postgres.js";
import { FakeOpenAI } from "./fakes/openai.js";
import { seedPage, tempDir, tempStore } from "./helpers/tmp.js";

const QUESTION = "Which papers reduce KV cache memory in LLM serving?";

interface Backend {
  name: string;
  /** Two machines' stores on one empty database. */
  machines: () => Promise<[Stores, Stores]>;
}

const closing: Stores[] = [];
const backends: Backend[] = [
  {
    name: "SQLite",
    machines: async () => {
      const file = path.join(tempDir(), "shared.db");
      const both: [Stores, Stores] = [sqliteStores(openStore(file)), sqliteStores(openStore(file))];
      closing.push(...both);
      return both;
    },
  },
];
const withPostgres = havePostgres();
const schema = withPostgres ? migratedSchemaForFile() : undefined;
if (withPostgres) {
  backends.push({
    name: "PostgreSQL",
    machines: async () => {
      await schema!.pool().query("TRUNCATE cooldowns, answer_usage, answer_cache");
      // The pools are the file's: ended after its tests, not with the stores.
      return [await postgresStores(schema!.pool(), "test"), await postgresStores(schema!.other(), "test")];
    },
  });
}

const bots: TestBot[] = [];
const models: FakeOpenAI[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
  for (const model of models.splice(0)) await model.stop();
  for (const stores of closing.splice(0)) await stores.close();
});

const sources = (content?: string) => Boolean(content?.includes("**Sources**"));

describe.each(backends)("two machines on $name", (backend) => {
  it("see at once what the other adds: a new paper is found by search there, a ⭐ saved paper is on the server's list there", async () => {
    const [one, two] = await backend.machines();
    await ensureSeeded(one);
    const searchOnTwo = new Retriever(two);
    const query = "surface codes for fault tolerant quantum error correction";
    const before = await searchOnTwo.retrieve(query, { k: 3 });
    const added = await one.papers.upsert({
      arxivId: "2612.00042",
      title: "Surface Codes at Scale: Fault-Tolerant Quantum Error Correction on Superconducting Qubits",
      abstract: "We run surface codes for fault tolerant quantum error correction on a superconducting processor.",
      authors: ["Ada Qubit"],
      source: "arxiv",
    });
    expect(before.hits.map((h) => h.paper.id)).not.toContain(added.id);
    expect((await searchOnTwo.retrieve(query, { k: 3 })).hits[0]?.paper.id).toBe(added.id);

    const guild = "900000000000000001";
    expect((await savePaper(one, guild, added.id, "100000000000000001", new Date())).saved).toBe(true);
    expect((await savedPage(two, guild, 1)).items.map((i) => i.paper.id)).toEqual([added.id]);
  });

  it("share a member's cooldown: after /ask on one, the same member waits on the other; another member does not", async () => {
    const [one, two] = await backend.machines();
    // The shared collection, seeded once: what /ask answers from on either machine.
    await ensureSeeded(one);
    const a = await startTestBot({ stores: () => one });
    bots.push(a);
    const b = await startTestBot({ stores: () => two });
    bots.push(b);
    const member = { id: a.discord.defaultUser.id, username: "alice" };
    const first = a.discord.sendCommand({ name: "ask", user: member, options: { question: QUESTION } });
    await first.waitFor((i) => [i.original, ...i.followUps].some((m) => sources(m?.content)));
    const again = await b.discord.sendCommand({ name: "ask", user: member, options: { question: QUESTION } }).reply();
    expect(again.content).toMatch(/^Please wait [1-5] s before using \/ask again\.$/);
    expect(again.flags! & 64).toBe(64);
    const other = b.discord.sendCommand({ name: "ask", user: { username: "colleague" }, options: { question: QUESTION } });
    await other.waitFor((i) => [i.original, ...i.followUps].some((m) => sources(m?.content)));
    expect([other.original!, ...other.followUps].some((m) => m.content.startsWith("Please wait"))).toBe(false);
  });

  it("share the answer cache: a question answered on one is answered from the cache on the other", async () => {
    const [one, two] = await backend.machines();
    const model = new FakeOpenAI();
    await model.start();
    models.push(model);
    model.defaultChat = () => ({ text: "FastSwitch swaps KV caches between requests [1]." });
    const { store } = tempStore();
    await ingestSeedPage(sqliteStores(store), seedPage);
    const engineOn = (stores: Stores) =>
      new AnswerEngine({
        papers: stores.papers,
        retriever: new Retriever(sqliteStores(store)),
        model: createChatModel({ openai: { baseUrl: model.url, model: "fake-chat" } }, { timeoutMs: 5000, maxRetries: 0 }),
        cache: stores.answerCache,
        budgets: new Budgets(stores.answerUsage, {}),
      });
    const written = await engineOn(one).ask(QUESTION, { userId: "u1" });
    expect(written).toMatchObject({ mode: "llm", cached: false, answer: "FastSwitch swaps KV caches between requests [1]." });
    const calls = model.chatRequests.length;
    const cached = await engineOn(two).ask(QUESTION, { userId: "u2" });
    expect(cached).toEqual({ ...written, cached: true });
    expect(model.chatRequests.length).toBe(calls);
  });

  it("count one daily budget: answers recorded on either machine, also at once, all count", async () => {
    const [one, two] = await backend.machines();
    const limits = { userDaily: 2, guildDaily: 13 };
    const [a, b] = [new Budgets(one.answerUsage, limits), new Budgets(two.answerUsage, limits)];
    const now = new Date(Date.UTC(2026, 2, 1, 12));
    await a.record({ userId: "u1", guildId: "g1" }, now);
    await b.check({ userId: "u1", guildId: "g1" }, now);
    await b.record({ userId: "u1", guildId: "g1" }, now);
    await expect(a.check({ userId: "u1", guildId: "g1" }, now)).rejects.toThrow(BudgetExceededError);
    await expect(b.check({ userId: "u1" }, now)).rejects.toThrow("You have used your 2 written answers for today");
    // Ten members at once, half on each machine: the server's count is 2 + 10.
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).record({ userId: `m${i}`, guildId: "g1" }, now)));
    await a.check({ userId: "new", guildId: "g1" }, now);
    await b.record({ userId: "new", guildId: "g1" }, now);
    await expect(a.check({ userId: "newer", guildId: "g1" }, now)).rejects.toThrow("This server has used its 13 written answers for today");
    // A new day starts over.
    await a.check({ userId: "u1", guildId: "g1" }, new Date(Date.UTC(2026, 2, 2, 0, 0, 1)));
  });
});
