import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FakeOpenAI, schemaName } from "./fakes/openai.js";
import { readRecordedRewrites, replayRewrites } from "./fakes/recordedRewrites.js";
import { startTestBot, type TestBot } from "./helpers/bot.js";
import { buttonCustomIds } from "./helpers/components.js";

const recordings = readRecordedRewrites(path.resolve(import.meta.dirname, "../bench/dev/rewrites.jsonl"));
let t: TestBot | undefined;
let model: FakeOpenAI | undefined;

afterEach(async () => {
  await t?.stop();
  await model?.stop();
  t = model = undefined;
});

async function withModel(): Promise<FakeOpenAI> {
  model = new FakeOpenAI();
  await model.start();
  replayRewrites(model, recordings);
  return model;
}

describe("the model helps search in the bot", () => {
  it("/ask says it is searching, then answers from the papers the model judged relevant", async () => {
    const m = await withModel();
    m.structured.set("relevance", () => ({ text: JSON.stringify({ relevant: [1] }) }));
    m.defaultChat = () => ({ text: "Pre- and post-processing take most of the time [1]." });
    t = await startTestBot({ model: m });
    const question = recordings.find((r) => r.q.startsWith("in picture-recognition web services"))!.q;
    const ix = t.discord.sendCommand({ name: "ask", options: { question } });
    const final = await ix.waitFor((i) =>
      i.events
        .filter((e) => e.kind === "edit" && e.status < 400)
        .map((e) => e.message!)
        .find((msg) => msg.content.includes("**Sources**")),
    );
    const edits = ix.events.filter((e) => e.kind === "edit" && e.status < 400).map((e) => e.message!.content);
    expect(edits[0]).toMatch(/searching the collection/);
    expect(final.content).toMatch(/\*\*Sources\*\*\n\[1\] .*Beyond Inference/);
    expect(final.content).not.toMatch(/\[2\]/);
    expect(m.chatRequests.map((r) => schemaName({ body: r } as never) ?? "answer")).toEqual(["search_queries", "relevance", "answer"]);
  });

  it("/ask answers 'not covered' without citing when the model finds nothing relevant", async () => {
    const m = await withModel();
    m.structured.set("relevance", () => ({ text: JSON.stringify({ relevant: [] }) }));
    t = await startTestBot({ model: m });
    const ix = t.discord.sendCommand({ name: "ask", options: { question: "Which papers reduce KV cache memory in LLM serving?" } });
    const final = await ix.waitFor((i) =>
      i.events
        .filter((e) => e.kind === "edit" && e.status < 400)
        .map((e) => e.message!)
        .find((msg) => msg.content.includes("**Nearest papers**")),
    );
    expect(final.content).toMatch(/does not seem to cover this question/);
    expect(final.content).not.toMatch(/\*\*Sources\*\*|\[1\]/);
    // Nothing cited, so no thread to open from it; 👍 / 👎 still let the asker say it is covered after all.
    expect(buttonCustomIds(final)).toEqual([expect.stringMatching(/^answer-vote:up:\d+$/), expect.stringMatching(/^answer-vote:down:\d+$/)]);
    expect(m.writingRequests).toHaveLength(0);
  });

  it("/search assist searches with the model's rewrites", async () => {
    const m = await withModel();
    t = await startTestBot({ model: m });
    const reply = await t.discord.sendCommand({ name: "search", options: { query: recordings[0]!.q, assist: true } }).reply();
    expect(reply.embeds[0]!.description).toMatch(/SVDQu/);
    expect(m.chatRequests.map((r) => schemaName({ body: r } as never))).toEqual(["search_queries"]);
  });

  it("/search assist without a model is refused privately", async () => {
    t = await startTestBot();
    const reply = await t.discord.sendCommand({ name: "search", options: { query: "serving", assist: true } }).reply();
    expect(reply.content).toMatch(/needs a language model/);
    expect(reply.flags! & 64).toBe(64);
  });
});
