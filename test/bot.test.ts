import { afterEach, describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { mentionsNobody } from "./fakes/discord.js";
import { FakeOpenAI } from "./fakes/openai.js";
import { startTestBot, type TestBot } from "./helpers/bot.js";
import { runCli } from "./helpers/runCli.js";
import { tempDir } from "./helpers/tmp.js";
import { spawn } from "node:child_process";
import path from "node:path";
import { FakeDiscord } from "./fakes/discord.js";
import { buttonCustomIds } from "./helpers/components.js";

const QUESTION = "Which papers reduce KV cache memory in LLM serving?";
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
  return model;
}

describe("/ask", () => {
  it("defers at once, then replies with a cited offline answer and source links", async () => {
    t = await startTestBot();
    // FastSwitch also arrived through the feed, so it has an arXiv id and links.
    const seed = t.store.getByTitle("FastSwitch: Optimizing Context Switching Efficiency in Fairness-aware Large Language Model Serving")!;
    t.store.upsert({ arxivId: "2411.18424", title: seed.title, abstract: seed.abstract, authors: ["Ao Shen"], source: "hf" });
    const ix = t.discord.sendCommand({ name: "ask", options: { question: "Which papers reduce KV cache memory in LLM serving?" } });
    expect((await ix.callback()).callbackType).toBe(5);
    const reply = await ix.reply();
    expect(reply.content).toMatch(/^\*\*FastSwitch\*\*: “.+” \[1\]/);
    const last = await ix.waitFor((i) => [i.original!, ...i.followUps].find((msg) => msg.content.includes("**Sources**")));
    expect(last.content).toMatch(
      /\*\*Sources\*\*\n\[1\] \[FastSwitch: Optimizing Context Switching .*\]\(<https:\/\/huggingface\.co\/papers\/2411\.18424>\) \(2024\)/,
    );
    expect(last.content).toMatch(/-# Offline answer/);
    // The fake refuses (and does not keep) a message over Discord's limits, so a refusal is what can show one.
    expect(t.discord.rejections).toEqual([]);
    const written = t.discord.messageLog.filter((m) => m.via !== "interaction-defer");
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(written.filter((m) => !mentionsNobody(m.allowedMentions)).map((m) => m.via)).toEqual([]);
  });

  it("shows the answer growing while the model writes, with throttled edits, then cites valid sources", async () => {
    const m = await withModel();
    // Streamed over about two seconds: the "searching" note takes the first edit, the text the next ones.
    m.chatReplies.push({
      text: "FastSwitch reduces the overhead of swapping KV caches between requests [1]. ".repeat(6) + "DualMap reuses prompt caches [2].",
      chunks: 400,
    });
    t = await startTestBot({ model: m });
    t.store.upsert({ arxivId: "2602.11111", title: "X", abstract: "y", authors: [], source: "hf" });
    const ix = t.discord.sendCommand({ name: "ask", options: { question: QUESTION } });
    const final = await ix.waitFor((i) =>
      i.events
        .filter((e) => e.kind === "edit" && e.status < 400)
        .map((e) => e.message!)
        .find((msg) => msg.content.includes("**Sources**")),
    );
    const edits = ix.events.filter((e) => e.kind === "edit" && e.status < 400);
    const progress = edits.filter((e) => e.message!.content.includes("writing…"));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(edits.length).toBeLessThan(10); // 60 pieces of text arrived; far fewer edits were made
    expect(final.content).toMatch(/DualMap reuses prompt caches \[2\]\./);
    expect(final.content).toMatch(/\[1\] .*FastSwitch/);
    expect(final.content).toMatch(/\[2\] .*DualMap/);
  });

  it("never shows a citation of a source it was not given, not even while the model is still writing", async () => {
    const m = await withModel();
    const invented = "KV cache memory limits serving [9]. ";
    // 400 pieces at least 5 ms apart: the stream outlasts the editor's first second, so several edits show it.
    m.chatReplies.push({
      text: invented + "FastSwitch swaps KV caches between requests quickly [1][9]. ".repeat(12) + "DualMap reuses prompt caches [2].",
      chunks: 400,
    });
    t = await startTestBot({ model: m });
    const ix = t.discord.sendCommand({ name: "ask", options: { question: QUESTION } });
    const final = await ix.waitFor((i) =>
      i.events
        .filter((e) => e.kind === "edit" && e.status < 400)
        .map((e) => e.message!)
        .find((msg) => msg.content.includes("**Sources**")),
    );
    const progress = ix.events
      .filter((e) => e.kind === "edit" && e.status < 400)
      .map((e) => e.message!.content)
      .filter((c) => c.includes("writing…"));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.filter((c) => c.includes("[9]"))).toEqual([]);
    expect(progress.some((c) => c.includes("serving."))).toBe(true);
    expect(final.content).not.toContain("[9]");
    expect(final.content).toMatch(/\[1\] .*FastSwitch/);
  });

  it("falls back to the offline answer when the model fails mid-stream, and says so", async () => {
    const m = await withModel();
    m.chatReplies.push({ partial: "FastSwitch is a fairness-aware serving sys" });
    t = await startTestBot({ model: m });
    const ix = t.discord.sendCommand({ name: "ask", options: { question: QUESTION } });
    const last = await ix.waitFor((i) => [i.original!, ...i.followUps].find((msg) => msg?.content.includes("**Sources**")));
    expect(last.content).toMatch(/-# The language model failed, so this is the offline answer/);
    expect(ix.original!.content).toMatch(/^\*\*FastSwitch\*\*: “.+” \[1\]/);
  });

  it("splits an over-long answer into messages within Discord's limits, losing nothing", async () => {
    const m = await withModel();
    const sentences = Array.from(
      { length: 60 },
      (_, i) => `Point ${i}: FastSwitch and DualMap manage KV cache memory differently in serving [${(i % 2) + 1}].`,
    );
    const text = [sentences.slice(0, 20).join(" "), sentences.slice(20, 40).join(" "), sentences.slice(40).join(" ")].join("\n\n");
    m.chatReplies.push({ text, chunks: 3 });
    t = await startTestBot({ model: m, env: { PAPERBOT_MAX_ANSWER_TOKENS: "4000" } });
    const ix = t.discord.sendCommand({ name: "ask", options: { question: QUESTION } });
    await ix.waitFor((i) => i.followUps.length >= 2 && i.followUps.at(-1)!.content.includes("**Sources**"));
    const parts = [ix.original!, ...ix.followUps].map((msg) => msg.content);
    const joined = parts.join("\n\n");
    for (const s of sentences) expect(joined).toContain(s);
    expect(t.discord.rejections).toEqual([]);
  });

  it("continues a line of questions in a thread opened from the answer", async () => {
    const m = await withModel();
    m.defaultChat = () => ({ text: "FastSwitch [1]." });
    t = await startTestBot({ model: m });
    const first = t.discord.sendCommand({ name: "ask", options: { question: QUESTION } });
    const answer = await first.waitFor((i) =>
      i.events
        .filter((e) => e.kind === "edit")
        .map((e) => e.message!)
        .find((msg) => msg.components?.length),
    );
    const click = t.discord.clickButton({ customId: "ask-thread:", messageId: answer.id });
    const note = await click.reply();
    const threadId = /<#(\d+)>/.exec(note.content)![1]!;
    expect(note.flags! & 64).toBe(64);
    // Another member of the group asks the follow-up (the first asker is still in their cooldown).
    const followUp = t.discord.sendCommand({
      name: "ask",
      channelId: threadId,
      user: { username: "colleague" },
      options: { question: "which of them is open source?" },
    });
    await followUp.waitFor((i) => i.events.some((e) => e.kind === "edit" && e.message?.content.includes("**Sources**")));
    const messages = m.chatRequests.at(-1)!.messages;
    expect(messages.map((x) => x.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(messages[1]!.content).toBe(QUESTION);
  });

  it("offers the thread button in a channel, but not inside a thread that is not one of its own (👍 / 👎 in both)", async () => {
    t = await startTestBot();
    const asked = t.discord.sendCommand({ name: "ask", options: { question: QUESTION } });
    const inChannel = await asked.waitFor((i) => [i.original!, ...i.followUps].find((msg) => msg?.content.includes("**Sources**")));
    expect(inChannel.components?.length ?? 0).toBeGreaterThan(0);
    const thread = t.discord.addThread(t.discord.channelId("general"), { name: "reading group" });
    const inThread = t.discord.sendCommand({ name: "ask", channelId: thread.id, user: { username: "other" }, options: { question: QUESTION } });
    const last = await inThread.waitFor((i) => [i.original!, ...i.followUps].find((msg) => msg?.content.includes("**Sources**")));
    // Inside the thread: no thread button, only 👍 / 👎 on the answer.
    expect([inThread.original!, ...inThread.followUps].flatMap(buttonCustomIds)).toEqual([
      expect.stringMatching(/^answer-vote:up:\d+$/),
      expect.stringMatching(/^answer-vote:down:\d+$/),
    ]);
    expect(last.content).toMatch(/\*\*Sources\*\*/);
  });

  it("asks a user to wait between questions", async () => {
    t = await startTestBot();
    await t.discord.sendCommand({ name: "ask", options: { question: QUESTION } }).reply();
    const again = await t.discord.sendCommand({ name: "ask", options: { question: QUESTION } }).reply();
    expect(again.content).toMatch(/^Please wait \d+ s before using \/ask again\.$/);
    expect(again.flags! & 64).toBe(64);
  });
});

describe("/compare, /paper, /search, /help", () => {
  it("autocompletes paper names from the collection", async () => {
    t = await startTestBot();
    const choices = await t.discord.sendAutocomplete({ name: "compare", focused: "a", value: "Nano" }).choices();
    expect(choices.length).toBeGreaterThan(0);
    expect(choices[0]!.name).toMatch(/^NanoFlow/);
    expect(choices[0]!.value).toBe("nanoflow-towards-optimal-large-language-model-serving-throughput");
    // Each is a paper of the collection with a title word starting "nano", named by its title. (Choices over
    // Discord's limits, 25 of them or 100 characters a name, the fake refuses: choices() would not resolve.)
    for (const c of choices) {
      const paper = t.store.get(String(c.value));
      expect(paper?.title, c.name).toMatch(/(^|[^a-z])nano/i);
      expect(paper!.title.startsWith(c.name.replace(/…$/, "")), c.name).toBe(true);
    }
  });

  it("replies to /compare with an embed of both papers side by side", async () => {
    t = await startTestBot();
    const reply = await t.discord.sendCommand({ name: "compare", options: { a: "SSDTrain", b: "memascend" } }).reply();
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe("SSDTrain vs MemAscend");
    expect(embed.fields!.map((f) => f.name)).toEqual(["Problem", "Approach", "Evidence", "Limitations", "Key differences", "When to choose"]);
    expect(embed.fields![0]!.value).toMatch(/\*\*A\*\* .+\[A\]\n\*\*B\*\* .+\[B\]/);
    expect(embed.footer?.text).toMatch(/Offline answer/);
  });

  it("offers a short did-you-mean list for an unknown name, privately", async () => {
    t = await startTestBot();
    const reply = await t.discord.sendCommand({ name: "compare", options: { a: "zzqx", b: "NanoFlow" } }).reply();
    expect(reply.content).toMatch(/\*\*A\*\*: no paper matches “zzqx”/);
    expect(reply.flags! & 64).toBe(64);
  });

  it("shows a paper card and a search list", async () => {
    t = await startTestBot();
    const card = (await t.discord.sendCommand({ name: "paper", options: { query: "burst gpt" } }).reply()).embeds[0]!;
    expect(card.title).toMatch(/^BurstGPT/);
    expect(card.fields!.map((f) => f.name)).toEqual(["Authors", "Published", "Upvotes", "Links", "Similar papers", "Full text"]);
    const list = (await t.discord.sendCommand({ name: "search", options: { query: "serverless cold starts", count: 3 } }).reply()).embeds[0]!;
    expect(list.description!.split("\n")).toHaveLength(3);
    expect(list.description).toMatch(/^1\. Serverless Cold Starts/);
    const help = await t.discord.sendCommand({ name: "help" }).reply();
    expect(help.content).toMatch(/The collection holds 56 papers/);
  });
});

describe("the bot as a whole", () => {
  it("answers an unknown command with a short private message", async () => {
    t = await startTestBot();
    const reply = await t.discord.sendCommand({ name: "frobnicate" }).reply();
    expect(reply.content).toMatch(/don't know that command/);
    expect(reply.flags! & 64).toBe(64);
  });

  it("answers autocomplete for a command it no longer has with no choices (not Discord's 'loading options failed')", async () => {
    t = await startTestBot();
    const choices = await t.discord.sendAutocomplete({ name: "frobnicate", focused: "paper", value: "Nano" }).choices();
    expect(choices).toEqual([]);
  });

  it("turns an internal failure into a private message with an error id that is also logged", async () => {
    t = await startTestBot();
    t.store.db.exec("DROP TABLE papers_fts");
    // The public "thinking…" reply is withdrawn and the error goes to the asker alone.
    const ix = t.discord.sendCommand({ name: "search", options: { query: "serving" } });
    const reply = await ix.followUp(0);
    expect(ix.events.some((e) => e.kind === "delete" && e.status < 400)).toBe(true);
    const id = /error id `([0-9a-f]{8})`/.exec(reply.content)?.[1];
    expect(id).toBeTruthy();
    expect(reply.flags! & 64).toBe(64);
    expect(t.logs.some((l) => l.errorId === id && l.level === 50)).toBe(true);
  });

  it("keeps serving commands after a gateway reconnect and resume", async () => {
    t = await startTestBot();
    t.discord.requestReconnect();
    await t.discord.waitFor(() => t!.discord.resumes.length > 0, 10_000, "a RESUME");
    const reply = await t.discord.sendCommand({ name: "help" }).reply();
    expect(reply.content).toMatch(/paperbot/);
  });

  it("registers the command list idempotently with npm run register", async () => {
    t = await startTestBot();
    const env = {
      DISCORD_TOKEN: "t",
      DISCORD_APP_ID: t.discord.applicationId,
      DISCORD_API_BASE: t.discord.apiBase,
      PAPERBOT_DB: path.join(tempDir(), "db.sqlite"),
    };
    const first = await runCli(["register"], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^registered \d+ commands for all servers/);
    const second = await runCli(["register"], env);
    expect(second.code).toBe(0);
    const names = t.discord.globalCommands.map((c) => c.name).sort();
    expect(names).toEqual(commands.map((c) => c.data.name).sort());
    const ask = t.discord.globalCommands.find((c) => c.name === "ask")!;
    expect(ask.options![0]).toMatchObject({ name: "question", required: true, max_length: 500 });
  });

  it("serves commands with `paperbot start` and shuts down cleanly on SIGTERM", async () => {
    const discord = new FakeDiscord();
    await discord.start();
    const env = {
      PATH: process.env.PATH ?? "",
      DISCORD_TOKEN: "secret-bot-token-xyz",
      DISCORD_APP_ID: discord.applicationId,
      DISCORD_API_BASE: discord.apiBase,
      PAPERBOT_DB: path.join(tempDir(), "bot.db"),
    };
    try {
      expect((await runCli(["register"], env)).code).toBe(0);
      const child = spawn(process.execPath, [path.resolve(import.meta.dirname, "../bin/paperbot.js"), "start"], { env });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      await discord.waitFor(() => stderr.includes("logged in as"), 20_000, "the bot to log in");
      const reply = await discord.sendCommand({ name: "help" }).reply(10_000);
      expect(reply.content).toMatch(/The collection holds 56 papers/);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/shutting down/);
      expect(stderr).not.toContain("secret-bot-token-xyz");
    } finally {
      await discord.stop();
    }
  });
});
