import path from "node:path";
import { MessageFlags, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIMessage } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { AnswerFeedback } from "../src/store/sqlite/answerFeedback.js";
import { mentionsNobody, type FakeInteraction } from "./fakes/discord.js";
import { startTestBot, type TestBot } from "./helpers/bot.js";
import { runBin } from "./helpers/runBin.js";
import { runCli } from "./helpers/runCli.js";
import { tempDir } from "./helpers/tmp.js";

const QUESTION = "Which papers reduce KV cache memory in LLM serving?";
let t: TestBot | undefined;

afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const buttonsOf = (m: APIMessage) => ((m.components ?? []) as APIActionRowComponent<APIButtonComponentWithCustomId>[]).flatMap((r) => r.components);

/** Asks QUESTION and returns the message that carries the answer's buttons (its last one) and the answer's id in them. */
async function ask(opts: { user?: string; dm?: boolean } = {}): Promise<{ message: APIMessage; answerId: number }> {
  const ix = t!.discord.sendCommand({ name: "ask", user: opts.user, dm: opts.dm, options: { question: QUESTION } });
  const message = await ix.waitFor((i) => [i.original, ...i.followUps].find((m) => m?.content.includes("**Sources**")), 15_000);
  const up = buttonsOf(message).find((b) => b.custom_id.startsWith("answer-vote:up:"));
  expect(up, JSON.stringify(message.components)).toBeDefined();
  return { message, answerId: Number(up!.custom_id.split(":")[2]) };
}

/** The text of the ephemeral reply to an interaction, checked to ping nobody. */
async function privateReply(ix: FakeInteraction): Promise<string> {
  const msg = await ix.reply();
  expect((msg.flags ?? 0) & MessageFlags.Ephemeral, msg.content).toBe(MessageFlags.Ephemeral);
  expect(mentionsNobody(t!.discord.messageLog.filter((w) => w.messageId === msg.id).at(-1)!.allowedMentions)).toBe(true);
  return msg.content;
}

const votes = () => new AnswerFeedback(t!.store.db).votes();

describe("👍 / 👎 under an /ask answer", () => {
  it("records the answer and puts 👍 and 👎 beside the thread button; 👍 is noted, and clicked again taken back", async () => {
    t = await startTestBot();
    const { message, answerId } = await ask();
    expect(buttonsOf(message).map((b) => b.custom_id)).toEqual(["ask-thread:", `answer-vote:up:${answerId}`, `answer-vote:down:${answerId}`]);
    expect(buttonsOf(message).map((b) => b.emoji?.name ?? b.label)).toEqual(["Ask follow-ups in a thread", "👍", "👎"]);

    const click = () => t!.discord.clickButton({ customId: `answer-vote:up:${answerId}`, messageId: message.id });
    expect(await privateReply(click())).toBe("Thanks — noted.");
    const [vote, ...more] = votes();
    expect(more).toEqual([]);
    expect(vote).toMatchObject({ answerId, userId: t.discord.defaultUser.id, vote: "up", reason: undefined });
    expect(vote!.answer).toMatchObject({ guildId: t.discord.guild().id, channelId: message.channel_id, question: QUESTION, mode: "offline" });
    // The papers the answer cites, in its order.
    const cited = vote!.answer.sourceIds.map((id) => t!.store.get(id)!.title);
    expect(cited.length).toBeGreaterThan(0);
    for (const [i, title] of cited.entries()) expect(message.content).toContain(`[${i + 1}] ${title}`);

    expect(await privateReply(click())).toBe("Took back your 👍.");
    expect(votes()).toEqual([]);
    expect(t.discord.rejections).toEqual([]);
  });

  it("👎 asks what was wrong in a modal and records the reason; a 👍 after it replaces it", async () => {
    t = await startTestBot();
    const { message, answerId } = await ask();
    const down = t.discord.clickButton({ customId: `answer-vote:down:${answerId}`, messageId: message.id });
    const modal = await down.modal();
    expect(modal).toMatchObject({
      custom_id: `answer-reason:${answerId}`,
      components: [{ type: 18, label: "What was wrong?", component: { type: 4, custom_id: "reason", style: 1, required: false, max_length: 300 } }],
    });
    // Nothing is recorded until the modal is submitted.
    expect(votes()).toEqual([]);

    const submitted = t.discord.submitModal({
      opener: down,
      values: { reason: "  Cites\u200b the wrong\n paper;   FastSwitch is about scheduling " },
    });
    expect(await privateReply(submitted)).toBe("Thanks — noted.");
    expect(votes()).toMatchObject([{ answerId, vote: "down", reason: "Cites the wrong paper; FastSwitch is about scheduling" }]);

    expect(await privateReply(t.discord.clickButton({ customId: `answer-vote:up:${answerId}`, messageId: message.id }))).toBe("Thanks — noted.");
    expect(votes()).toMatchObject([{ answerId, vote: "up", reason: undefined }]);
    expect(t.discord.rejections).toEqual([]);
  });

  it("an empty reason is a 👎 without one; 👎 clicked again takes it back", async () => {
    t = await startTestBot();
    const { message, answerId } = await ask();
    const click = () => t!.discord.clickButton({ customId: `answer-vote:down:${answerId}`, messageId: message.id });
    const down = click();
    await down.modal();
    expect(await privateReply(t.discord.submitModal({ opener: down }))).toBe("Thanks — noted.");
    expect(votes()).toMatchObject([{ vote: "down", reason: undefined }]);
    expect(await privateReply(click())).toBe("Took back your 👎.");
    expect(votes()).toEqual([]);
  });

  it("says clearly, and privately, when the answer is no longer on record", async () => {
    t = await startTestBot();
    const { message, answerId } = await ask();
    const down = t.discord.clickButton({ customId: `answer-vote:down:${answerId}`, messageId: message.id });
    await down.modal();
    t.store.db.prepare("DELETE FROM given_answers WHERE id = ?").run(answerId);
    const gone = /^That answer is no longer on record, so your vote was not kept\. Ask again with \/ask\.$/;
    expect(await privateReply(t.discord.submitModal({ opener: down, values: { reason: "wrong" } }))).toMatch(gone);
    expect(await privateReply(t.discord.clickButton({ customId: `answer-vote:up:${answerId}`, messageId: message.id }))).toMatch(gone);
    expect(votes()).toEqual([]);
  });
});

describe("paperbot feedback export", () => {
  it("prints each vote with its question, sources, mode and reason, no user ids, narrowed by --since and --guild (the real executable)", async () => {
    t = await startTestBot();
    const inServer = await ask();
    const inDm = await ask({ dm: true, user: "100000000000000001" });
    await privateReply(t.discord.clickButton({ customId: `answer-vote:up:${inServer.answerId}`, messageId: inServer.message.id }));
    const down = t.discord.clickButton({
      customId: `answer-vote:down:${inDm.answerId}`,
      messageId: inDm.message.id,
      dm: true,
      user: "100000000000000001",
    });
    await down.modal();
    await privateReply(t.discord.submitModal({ opener: down, values: { reason: "Misses vLLM's PagedAttention" } }));

    const env = { PAPERBOT_DB: t.store.db.name };
    const all = await runBin(["feedback", "export"], env);
    expect(all.stderr).toBe("");
    expect(all.code).toBe(0);
    const lines = all.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const sources = votes()[0]!.answer.sourceIds.map((id) => ({ id, title: t!.store.get(id)!.title }));
    expect(lines).toEqual([
      {
        answerId: inServer.answerId,
        question: QUESTION,
        sources,
        mode: "offline",
        vote: "up",
        reason: null,
        guildId: t.discord.guild().id,
        answeredAt: expect.any(String),
        createdAt: expect.any(String),
      },
      {
        answerId: inDm.answerId,
        question: QUESTION,
        sources,
        mode: "offline",
        vote: "down",
        reason: "Misses vLLM's PagedAttention",
        guildId: null,
        answeredAt: expect.any(String),
        createdAt: expect.any(String),
      },
    ]);
    expect(all.stdout).not.toContain(t.discord.defaultUser.id);
    expect(all.stdout).not.toContain("100000000000000001");

    // --since is a day (UTC): the votes' own day keeps them, the next day drops them.
    const day = String(lines[0]!.createdAt).slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect((await runBin(["feedback", "export", "--since", day], env)).stdout).toBe(all.stdout);
    expect(await runBin(["feedback", "export", "--since", next], env)).toEqual({ code: 0, stdout: "", stderr: "" });

    const inGuild = await runCli(["feedback", "export", "--guild", t.discord.guild().id], env);
    expect(
      inGuild.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).answerId),
    ).toEqual([inServer.answerId]);
  });

  it("refuses a bad --since with one line and exit code 2", async () => {
    for (const since of ["2026-02-30", "yesterday", "2026-2-1"]) {
      const r = await runCli(["feedback", "export", "--since", since], { PAPERBOT_DB: path.join(tempDir(), "paperbot.db") });
      expect(r.code, since).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`error: option '--since <YYYY-MM-DD>' argument '${since}' is invalid. expected a date as YYYY-MM-DD\n`);
    }
  });
});
