import { startSeededBot } from "./helpers/seededBot.js";
import path from "node:path";
import { MessageFlags } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { MANAGER_PERMISSIONS, mentionsNobody, type CommandInput } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { runBin } from "./helpers/runBin.js";
import { corpusDir, tempDir } from "./helpers/tmp.js";

const DAY = "2026-02-10";
/** "SoulX-Singer" (4 upvotes, first author Jiale Qian): far from the seed page's ML systems, ranked 39th of the day for-us. */
const SINGER = "2602.07803";
const paperIdOf = (url: string | undefined) => url?.replace("https://huggingface.co/papers/", "");

let stop: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stop.reverse()) await s();
  stop = [];
});

async function startLabBot() {
  const seeded = await startSeededBot({ now: new Date(`${DAY}T12:00:00Z`) });
  stop.push(() => seeded.stop());
  const { discord } = seeded;
  const guildId = discord.guild("Paper Lab").id;
  const papers = discord.channelId("papers", guildId);
  const general = discord.channelId("general", guildId);
  const digest = async (subcommand: string, options: CommandInput["options"] = {}) => {
    const msg = await discord
      .sendCommand({ name: "digest", subcommand, options, permissions: MANAGER_PERMISSIONS, channelId: general })
      .reply(15_000);
    expect((msg.flags ?? 0) & MessageFlags.Ephemeral).toBeTruthy();
    return msg;
  };
  const authors = async (subcommand: string, value: string) =>
    (
      await discord
        .sendAutocomplete({ name: "digest", subcommand, focused: "author", value, channelId: general, permissions: MANAGER_PERMISSIONS })
        .choices()
    ).map((c) => c.value as string);
  return { discord, papers, digest, authors };
}

describe("/digest follow and unfollow", () => {
  it("post a followed author's low-ranked paper first, with its reason, whatever the minimum upvotes", async () => {
    const { discord, papers, digest, authors } = await startLabBot();
    await digest("channel", { channel: papers });
    const before = (await digest("preview")).embeds.map((e) => paperIdOf(e.url));
    expect(before).not.toContain(SINGER);

    // The preview stored the day's papers, so their authors are suggested.
    expect(await authors("follow", "jiale q")).toContain("Jiale Qian");
    expect((await digest("follow", { author: "Qian, J." })).content).toMatch(/Now following \*\*Qian, J\.\*\*.*follows 1 author\./s);
    expect((await digest("follow", { author: "J QIAN" })).content).toContain("already follows **Qian, J.**");
    expect((await digest("follow", { author: " . " })).content).toMatch(/Give an author's name/);
    expect((await digest("status")).content).toContain("**Following:** Qian, J.");
    expect((await digest("min-upvotes", { upvotes: 10 })).content).toContain("at least 10 upvotes");

    expect((await digest("now")).content).toMatch(/[Pp]osted/);
    const [post] = discord.messages(papers);
    const ids = post!.embeds!.map((e) => paperIdOf(e.url));
    expect(ids[0]).toBe(SINGER);
    expect(ids).toHaveLength(5);
    expect(post!.embeds![0]!.description).toContain("🎯 by Jiale Qian (followed)");
    // The others still need 10 upvotes and are ranked after it.
    expect(post!.embeds!.slice(1).every((e) => !e.description?.includes("(followed)"))).toBe(true);

    expect(await authors("unfollow", "")).toEqual(["Qian, J."]);
    expect((await digest("unfollow", { author: "Jiale Qian" })).content).toBe("No longer following **Qian, J.**.");
    expect((await digest("unfollow", { author: "Jiale Qian" })).content).toContain('does not follow "Jiale Qian"');
    expect(await authors("unfollow", "")).toEqual([]);
    expect((await digest("status")).content).toContain("**Following:** nobody (`/digest follow`)");
    const written = discord.messageLog.filter((m) => m.via !== "interaction-defer");
    expect(written.filter((m) => !mentionsNobody(m.allowedMentions)).map((m) => m.via)).toEqual([]);
  });
});

describe("paperbot follow", () => {
  it("follows installation-wide or for one server, lists and unfollows, and the dry run posts the followed paper first", async () => {
    const hf = FakeHuggingFace.fromCorpus(corpusDir);
    await hf.start();
    stop.push(() => hf.stop());
    const env = { PAPERBOT_DB: path.join(tempDir(), "paperbot.db"), HF_API_BASE: hf.url };
    const run = async (...args: string[]) => {
      const r = await runBin(args, env);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    expect(await run("follow", "J. Qian")).toBe("following J. Qian for every server");
    expect(await run("follow", "Tri Dao", "--guild", "123456789012345678")).toBe("following Tri Dao for server 123456789012345678");
    expect((await run("follow", "--list")).split("\n")).toEqual(["J. Qian\tevery server", "Tri Dao\tserver 123456789012345678"]);

    const dry = JSON.parse(await run("digest", "--date", DAY, "--dry-run", "--json")) as { papers: { id: string; reason: string | null }[] };
    expect(dry.papers[0]).toMatchObject({ id: SINGER, reason: "by Jiale Qian (followed)" });
    expect(dry.papers).toHaveLength(5);

    expect(await run("unfollow", "jiale qian")).toBe("no longer following J. Qian for every server");
    expect(await run("follow", "--list", "--guild", "123456789012345678")).toBe("Tri Dao\tserver 123456789012345678");
    const missing = await runBin(["unfollow", "Tri Dao"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('every server does not follow "Tri Dao"');
    const bad = await runBin(["follow", "Tri Dao", "--guild", "nope"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--guild.*expected a Discord server id/);
    const none = await runBin(["follow"], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("give the author to follow");
  });
});
