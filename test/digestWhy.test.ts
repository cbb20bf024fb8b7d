import { startSeededBot } from "./helpers/seededBot.js";
import path from "node:path";
import { MessageFlags } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { MANAGER_PERMISSIONS, mentionsNobody, type CommandInput } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { runBin } from "./helpers/runBin.js";
import { corpusDir, tempDir } from "./helpers/tmp.js";

const DAY = "2026-02-10";
/** "SoulX-Singer: Towards High-Quality Zero-Shot Singing Voice Synthesis", 4 upvotes, ranked 39th for-us. */
const SINGER = "2602.07803";
const paperIdOf = (url: string | undefined) => url?.replace("https://huggingface.co/papers/", "");

let stop: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stop.reverse()) await s();
  stop = [];
});

describe("/digest why", () => {
  it("says why a posted paper is there, which term filtered another, and that a paper was not in the day's feed", async () => {
    const seeded = await startSeededBot({ now: new Date(`${DAY}T12:00:00Z`) });
    stop.push(() => seeded.stop());
    const { discord, store } = seeded;
    const guildId = discord.guild("Paper Lab").id;
    const papers = discord.channelId("papers", guildId);
    const general = discord.channelId("general", guildId);
    const digest = async (subcommand: string, options: CommandInput["options"] = {}) => {
      const msg = await discord
        .sendCommand({ name: "digest", subcommand, options, permissions: MANAGER_PERMISSIONS, channelId: general })
        .reply(15_000);
      expect((msg.flags ?? 0) & MessageFlags.Ephemeral).toBeTruthy();
      return msg.content;
    };

    await digest("channel", { channel: papers });
    await digest("filter", { exclude: "singing, robot" });
    expect(await digest("now")).toMatch(/[Pp]osted/);
    const posted = discord.messages(papers)[0]!.embeds!.map((e) => paperIdOf(e.url)!);
    expect(posted).toHaveLength(5);

    // The date defaults to the latest post's day.
    const second = await digest("why", { paper: posted[1]! });
    expect(second).toMatch(
      new RegExp(
        `^\\*\\*“.+” \\(${posted[1]!.replace(".", "\\.")}\\) on ${DAY}:\\*\\* posted: ranked 2nd, score 0\\.\\d\\d — (close to|matches) .+ \\(close to the group's papers \\+0\\.\\d\\d.*, like the rest of the feed -0\\.\\d\\d\\)$`,
      ),
    );

    expect(await digest("why", { paper: "SoulX-Singer", date: DAY })).toBe(
      `**“SoulX-Singer: Towards High-Quality Zero-Shot Singing Voice Synthesis” (${SINGER}) on ${DAY}:** filtered by "singing"`,
    );
    // A seed-page paper the collection knows, which was not in that day's feed.
    const seedPaper = store.all().find((p) => p.source === "seed" && p.feedDate !== DAY)!;
    expect(await digest("why", { paper: seedPaper.id })).toContain(`on ${DAY}:** not in that day's feed`);
    expect(await digest("why", { paper: "zzqx no such paper" })).toBe(
      `No paper matching "zzqx no such paper" is in the feed of ${DAY} or the collection.`,
    );
    expect(await digest("why", { paper: SINGER, date: "2026-02-31" })).toBe('"2026-02-31" is not a date; use YYYY-MM-DD.');

    const choices = await discord
      .sendAutocomplete({ name: "digest", subcommand: "why", focused: "paper", value: "SoulX", channelId: general, permissions: MANAGER_PERMISSIONS })
      .choices();
    expect(choices.map((c) => c.name)).toContain("SoulX-Singer: Towards High-Quality Zero-Shot Singing Voice Synthesis");
    const written = discord.messageLog.filter((m) => m.via !== "interaction-defer");
    expect(written.filter((m) => !mentionsNobody(m.allowedMentions)).map((m) => m.via)).toEqual([]);
  });
});

describe("paperbot digest --why", () => {
  it("names the outcome of a paper of the day with the installation-wide settings", async () => {
    const hf = FakeHuggingFace.fromCorpus(corpusDir);
    await hf.start();
    stop.push(() => hf.stop());
    const env = { PAPERBOT_DB: path.join(tempDir(), "paperbot.db"), HF_API_BASE: hf.url };
    const why = (paper: string, ...more: string[]) => runBin(["digest", "--date", DAY, "--why", paper, ...more], env);

    const singer = await why("soulx-singer: towards high quality zero shot singing voice synthesis");
    expect(singer.code, singer.stderr).toBe(0);
    // Out of scope: its score is 0, and the signals say why (near nothing of the group's, like the rest of the feed).
    expect(singer.stdout.trim()).toMatch(
      new RegExp(
        `^${DAY} ${SINGER} "SoulX-Singer: Towards High-Quality Zero-Shot Singing Voice Synthesis": ranked 39th, post holds 5, score 0 — popular today \\(▲ 4\\) \\(close to the group's papers \\+0\\.0\\d, like the rest of the feed -0\\.\\d\\d\\)$`,
      ),
    );

    const first = await why("2602.06025", "--json");
    expect(first.code, first.stderr).toBe(0);
    const answer = JSON.parse(first.stdout) as { outcome: { kind: string; rank: number }; text: string; paper: { id: string } };
    expect(answer.paper.id).toBe("2602.06025");
    expect(answer.outcome).toMatchObject({ kind: "posted", rank: 1 });
    expect(answer.text).toMatch(/^posted: ranked 1st, score 0\.\d\d — close to .+ \(close to the group's papers \+0\.\d\d/);

    const followed = await runBin(["follow", "Jiale Qian"], env);
    expect(followed.code, followed.stderr).toBe(0);
    expect((await why(SINGER)).stdout).toContain(": posted: by Jiale Qian (followed)");

    const absent = await why("2401.00001");
    expect(absent.code).toBe(0);
    expect(absent.stdout.trim()).toBe(`${DAY}: no paper matching "2401.00001" in that day's feed or the collection`);
    const both = await why(SINGER, "--channel", "123456789012345678");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--why only explains a day's post");
  });
});
