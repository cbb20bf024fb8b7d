import { startSeededBot } from "./helpers/seededBot.js";
import fs from "node:fs";
import path from "node:path";
import { MessageFlags } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningBot } from "../src/discord/bot.js";
import { type FakeDiscord, MANAGER_PERMISSIONS, type CommandInput, type FakeInteraction } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { runCli } from "./helpers/runCli.js";
import { corpusDir, tempDir } from "./helpers/tmp.js";

const DAY = "2026-02-10";
const topIds = (n: number) =>
  (JSON.parse(fs.readFileSync(path.join(corpusDir, `${DAY}.json`), "utf8")) as { paper: { id: string; upvotes: number } }[])
    .map((i) => i.paper)
    .sort((a, b) => b.upvotes - a.upvotes)
    .slice(0, n)
    .map((p) => p.id);
const paperIdOf = (url: string | undefined) => url?.replace("https://huggingface.co/papers/", "");

let stop: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stop.reverse()) await s();
  stop = [];
});

/** The real bot against the fakes, on a collection holding the seed page (every server's profile). */
async function startLabBot(): Promise<{ discord: FakeDiscord; bot: RunningBot; guildId: string; papers: string; general: string }> {
  const seeded = await startSeededBot({ now: new Date(`${DAY}T12:00:00Z`) });
  stop.push(() => seeded.stop());
  const { discord, bot } = seeded;
  const guildId = discord.guild("Paper Lab").id;
  return { discord, bot, guildId, papers: discord.channelId("papers", guildId), general: discord.channelId("general", guildId) };
}

describe("/digest rank and /digest interests", () => {
  it("change what /digest preview shows, and /digest status says how the post is ranked", async () => {
    const { discord, papers, general } = await startLabBot();
    const digest = async (subcommand: string, options: CommandInput["options"] = {}) => {
      const ix: FakeInteraction = discord.sendCommand({ name: "digest", subcommand, options, permissions: MANAGER_PERMISSIONS, channelId: general });
      const msg = await ix.reply(15_000);
      expect((msg.flags ?? 0) & MessageFlags.Ephemeral).toBeTruthy();
      return msg;
    };
    await digest("channel", { channel: papers });
    expect((await digest("status")).content).toContain("**Ranking:** for-us");

    // A new server ranks for-us: the seed page is its profile, and each paper says why it is there.
    const forUs = await digest("preview");
    const forUsIds = forUs.embeds.map((e) => paperIdOf(e.url));
    expect(forUsIds).toHaveLength(5);
    expect(forUsIds).not.toEqual(topIds(5));
    for (const e of forUs.embeds) expect(e.description).toMatch(/\n🎯 (close to|matches) /);

    expect((await digest("rank", { mode: "trending" })).content).toMatch(/ranked by upvotes[\s\S]*\*\*Ranking:\*\* trending/);
    const trending = await digest("preview");
    expect(trending.embeds.map((e) => paperIdOf(e.url))).toEqual(topIds(5));
    for (const e of trending.embeds) expect(e.description).not.toContain("🎯");

    await digest("rank", { mode: "for-us" });
    // "SoulX-Singer" (2602.07803, 4 upvotes) is far from ML systems; an interest in singing brings it in.
    const singer = "2602.07803";
    expect(forUsIds).not.toContain(singer);
    expect((await digest("interests", { text: "singing voice synthesis, GPU kernels" })).content).toMatch(
      /counts 2 interest phrases[\s\S]*interests: singing voice synthesis, GPU kernels/,
    );
    expect((await digest("status")).content).toContain("interests: singing voice synthesis, GPU kernels");
    const withInterest = await digest("preview");
    const entry = withInterest.embeds.find((e) => paperIdOf(e.url) === singer);
    expect(entry?.description).toContain("🎯 matches “singing voice synthesis”");

    expect((await digest("interests", {})).content).toMatch(/interests are cleared/);
    const tooMany = Array.from({ length: 11 }, (_, i) => `topic ${i}`).join(", ");
    expect((await digest("interests", { text: tooMany })).content).toMatch(/at most 10 interests/);
    expect((await digest("status")).content).toContain("no interests set");
    expect((await digest("preview")).embeds.map((e) => paperIdOf(e.url))).toEqual(forUsIds);
    expect(discord.messages(papers)).toHaveLength(0);
  });

  it("/digest interests keeps no invisible characters: hidden ones do not stop a phrase matching, and invisible phrases are none", async () => {
    const { discord, papers, general } = await startLabBot();
    const digest = async (subcommand: string, options: CommandInput["options"] = {}) =>
      (await discord.sendCommand({ name: "digest", subcommand, options, permissions: MANAGER_PERMISSIONS, channelId: general }).reply(15_000))
        .content;
    await digest("channel", { channel: papers });
    const invisible = "\u200b, \u2060\ufeff, \u00ad\u200b\u2063";
    expect(await digest("interests", { text: invisible })).toMatch(/interests are cleared/);
    const tenAndInvisible = `${Array.from({ length: 10 }, (_, i) => `topic ${i}`).join(", ")}, ${invisible}`;
    expect(await digest("interests", { text: tenAndInvisible })).toMatch(/counts 10 interest phrases/);
    // "singing voice synthesis" with zero-width characters inside its words, as pasted text often has.
    expect(await digest("interests", { text: "sin\u200bging voice syn\u2060the\u00adsis" })).toContain("interests: singing voice synthesis)");
    const preview = await discord
      .sendCommand({ name: "digest", subcommand: "preview", permissions: MANAGER_PERMISSIONS, channelId: general })
      .reply(15_000);
    expect(preview.embeds.find((e) => paperIdOf(e.url) === "2602.07803")?.description).toContain("🎯 matches “singing voice synthesis”");
  });
});

describe("paperbot digest --rank", () => {
  it("ranks for the installation's profile with for-us, by upvotes with trending, and refuses another mode", async () => {
    const hf = FakeHuggingFace.fromCorpus(corpusDir);
    await hf.start();
    stop.push(() => hf.stop());
    const env = { PAPERBOT_DB: path.join(tempDir(), "paperbot.db"), HF_API_BASE: hf.url };
    type Out = { settings: { rank: string }; papers: { id: string; reason: string | null }[] };
    const run = async (...args: string[]) => {
      const r = await runCli(["digest", "--date", DAY, "--dry-run", "--json", ...args], env);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Out;
    };
    const trending = await run("--rank", "trending");
    expect(trending.settings.rank).toBe("trending");
    expect(trending.papers.map((p) => p.id)).toEqual(topIds(5));
    const forUs = await run("--rank", "for-us");
    expect(forUs.settings.rank).toBe("for-us");
    expect(forUs.papers.map((p) => p.id)).not.toEqual(topIds(5));
    for (const p of forUs.papers) expect(p.reason).toMatch(/^close to /);
    expect((await run()).papers).toEqual(forUs.papers);

    const bad = await runCli(["digest", "--date", DAY, "--dry-run", "--rank", "newest"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--rank.*expected for-us or trending/);
  });
});
