import { startSeededBot } from "./helpers/seededBot.js";
import path from "node:path";
import type { APIMessage } from "discord.js";
import { MessageFlags } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningBot } from "../src/discord/bot.js";
import { type FakeDiscord, MANAGER_PERMISSIONS, type CommandInput, type FakeInteraction } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { runCli } from "./helpers/runCli.js";
import { corpusDir, tempDir } from "./helpers/tmp.js";

// 👍 / 👎 on the daily post, through the real discord.js client against the local fake, and `paperbot vote`.

const FIRST = "2026-02-09";
const NEXT = "2026-02-10";
const paperIdOf = (url: string | undefined) => url?.replace("https://huggingface.co/papers/", "");

let stop: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stop.reverse()) await s();
  stop = [];
});

async function startLabBot(): Promise<{ discord: FakeDiscord; bot: RunningBot }> {
  const seeded = await startSeededBot({ now: new Date(`${NEXT}T12:00:00Z`), guilds: ["Paper Lab", "Other Lab"] });
  stop.push(() => seeded.stop());
  const { discord, bot } = seeded;
  return { discord, bot };
}

async function privateReply(ix: FakeInteraction): Promise<APIMessage> {
  const msg = await ix.reply(15_000);
  expect((msg.flags ?? 0) & MessageFlags.Ephemeral, msg.content).toBeTruthy();
  return msg;
}

const buttonIds = (msg: { components?: unknown }) =>
  ((msg.components ?? []) as { components: { custom_id?: string; label?: string }[] }[]).map((r) => r.components.map((c) => c.label ?? ""));

describe("👍 / 👎 on the daily post", () => {
  it("are recorded per member (again takes back, the other replaces) and change that server's next post, not another's", async () => {
    const { discord, bot } = await startLabBot();
    const lab = discord.guild("Paper Lab").id;
    const other = discord.guild("Other Lab").id;
    const digest = (guildId: string, subcommand: string, options: CommandInput["options"] = {}) =>
      privateReply(
        discord.sendCommand({
          name: "digest",
          subcommand,
          options,
          permissions: MANAGER_PERMISSIONS,
          guildId,
          channelId: discord.channelId("general", guildId),
        }),
      );
    for (const g of [lab, other]) await digest(g, "channel", { channel: discord.channelId("papers", g) });
    const before = (await digest(lab, "preview")).embeds.map((e) => paperIdOf(e.url));
    expect((await digest(other, "preview")).embeds.map((e) => paperIdOf(e.url))).toEqual(before);

    // Five papers: a row each, ⭐ Title 👍 👎.
    expect((await bot.deps.digest!.postNow(lab, FIRST)).kind).toBe("posted");
    const post = discord.messages(discord.channelId("papers", lab)).at(-1)!;
    const posted = post.embeds.map((e) => paperIdOf(e.url)!);
    expect(posted).toHaveLength(5);
    const rows = buttonIds(post);
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(r.slice(1)).toEqual(["👍", "👎"]);
    expect(rows.map((r) => r[0])).toEqual(post.embeds.map(() => expect.stringMatching(/^⭐ /)));

    const alice = discord.user({ username: "alice" });
    const bob = discord.user({ username: "bob" });
    const click = (vote: "up" | "down", paper: string, user = alice) =>
      privateReply(discord.clickButton({ customId: `vote-${vote}:${paper}`, messageId: post.id, user: user.id }));

    const up = await click("up", posted[0]!);
    expect(up.content).toMatch(/^👍 Noted: papers like \*\*.+\*\* rank higher in this server's next posts\.$/);
    // Not saved yet: the reply offers ⭐ Save.
    expect(buttonIds(up)).toEqual([["⭐ Save"]]);
    expect((await click("up", posted[0]!)).content).toMatch(/^Your vote on \*\*.+\*\* is taken back\.$/);
    expect((await click("down", posted[0]!)).content).toMatch(/^👎 Noted/);
    expect((await click("up", posted[0]!)).content).toMatch(/^👍 Noted/);

    // The group dislikes the rest of the post, two members each.
    for (const id of posted.slice(1)) for (const u of [alice, bob]) expect((await click("down", id, u)).content).toMatch(/^👎 Noted/);

    const after = await digest(lab, "preview");
    const afterIds = after.embeds.map((e) => paperIdOf(e.url));
    expect(afterIds).not.toEqual(before);
    expect((await digest(other, "preview")).embeds.map((e) => paperIdOf(e.url))).toEqual(before);
    expect((await digest(lab, "status")).content).toContain("**Learned from votes:** 1 paper 👍 or ⭐, 4 papers 👎");
    expect((await digest(other, "status")).content).not.toContain("Learned from votes");
  });

  it("six to ten papers keep a ⭐ each, and one button answers a member with 👍 Title 👎 for every paper", async () => {
    const { discord, bot } = await startLabBot();
    const lab = discord.guild("Paper Lab").id;
    const general = discord.channelId("general", lab);
    for (const [subcommand, options] of [
      ["channel", { channel: discord.channelId("papers", lab) }],
      ["count", { count: 10 }],
    ] as const)
      await privateReply(
        discord.sendCommand({ name: "digest", subcommand, options, permissions: MANAGER_PERMISSIONS, guildId: lab, channelId: general }),
      );
    expect((await bot.deps.digest!.postNow(lab, FIRST)).kind).toBe("posted");
    const post = discord.messages(discord.channelId("papers", lab)).at(-1)!;
    const posted = post.embeds.map((e) => paperIdOf(e.url)!);
    expect(posted).toHaveLength(10);
    const rows = buttonIds(post);
    expect(rows.map((r) => r.length)).toEqual([5, 5, 1]);
    expect(rows.at(-1)).toEqual(["👍 👎 Rate these papers"]);

    const rate = await privateReply(discord.clickButton({ customId: "vote-rate:", messageId: post.id }));
    const rateRows = buttonIds(rate);
    expect(rateRows).toHaveLength(5);
    for (const r of rateRows) expect(r).toEqual([expect.stringMatching(/^👍 \S/), "👎", expect.stringMatching(/^👍 \S/), "👎"]);
    // A 👍 from there is recorded like one on the post, and offers ⭐ Save.
    const up = await privateReply(discord.clickButton({ customId: `vote-up:${posted[9]}`, messageId: rate.id }));
    expect(up.content).toMatch(/^👍 Noted/);
    expect(buttonIds(up)).toEqual([["⭐ Save"]]);
    expect((await privateReply(discord.clickButton({ customId: `vote-up:${posted[9]}`, messageId: rate.id }))).content).toMatch(/taken back/);
  });
});

describe("paperbot vote", () => {
  it("records installation-wide votes that digest --dry-run ranks with, and refuses what it cannot find", async () => {
    const hf = FakeHuggingFace.fromCorpus(corpusDir);
    await hf.start();
    stop.push(() => hf.stop());
    const env = { PAPERBOT_DB: path.join(tempDir(), "paperbot.db"), HF_API_BASE: hf.url };
    const dryRun = async (date: string) => {
      const r = await runCli(["digest", "--date", date, "--dry-run", "--json"], env);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { papers: { id: string; reason: string | null }[] }).papers;
    };
    const first = await dryRun(FIRST);
    const next = await dryRun(NEXT);
    const down = await runCli(["vote", "down", ...first.map((p) => p.id)], env);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout.trim().split("\n")).toHaveLength(5);
    expect(down.stdout).toMatch(/^👎 2602\.\d+ \S/);
    expect((await dryRun(NEXT)).map((p) => p.id)).not.toEqual(next.map((p) => p.id));

    const bad = await runCli(["vote", "sideways", first[0]!.id], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/up or down/);
    const unknown = await runCli(["vote", "up", "qqqq zzzz xxxx"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no paper "qqqq zzzz xxxx".*nothing was recorded/);
  });
});
