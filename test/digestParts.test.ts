import { describe, expect, it } from "vitest";
import { UserError } from "../src/config/errors.js";
import { DigestSettingsRepo, TIMEZONES, parseTerms, parseTime, suggestTimezones, validateTimezone } from "../src/digest/digestConfig.js";
import { DISCORD_LIMITS, buildDigestPost, embedChars, formatAuthors, leadSentences, writeTldr } from "../src/digest/digestPost.js";
import { escapeMarkdown, neutralizeMentions } from "../src/text/discordText.js";
import { DigestLedger } from "../src/store/sqlite/ledger.js";
import { LEASE_MS } from "../src/store/ledger.js";
import { SqliteDigestSettingsStore } from "../src/store/sqlite/digestSettings.js";
import { addDays, lastScheduledDate, localDate, scheduledInstant } from "../src/digest/localTime.js";
import { digestNonce } from "../src/digest/nonce.js";
import { selectPapers, termMatcher } from "../src/digest/selectPapers.js";
import { splitSentences } from "../src/text/prose.js";
import { HfItemSchema, type HfItem } from "../src/ingest/hfItem.js";
import { tempStore } from "./helpers/tmp.js";

const item = (id: string, over: Record<string, unknown> = {}, top: Record<string, unknown> = {}): HfItem =>
  HfItemSchema.parse({
    paper: {
      id,
      title: `Paper ${id}`,
      summary: "We study things. It works.",
      authors: [{ name: "A" }],
      upvotes: 1,
      submittedOnDailyAt: "2026-02-10T03:00:00.000Z",
      ...over,
    },
    ...top,
  });

describe("sentences", () => {
  it("does not split on e.g., et al., vs., decimals or initialisms", () => {
    const text =
      "Large models (e.g. GPT-4) beat smaller ones, as Smith et al. Showed in 2023 with 3.5 points vs. BERT on U.S. Data. " +
      "A second sentence follows! Does a third? Yes.";
    expect(splitSentences(text)).toEqual([
      "Large models (e.g. GPT-4) beat smaller ones, as Smith et al. Showed in 2023 with 3.5 points vs. BERT on U.S. Data.",
      "A second sentence follows!",
      "Does a third?",
      "Yes.",
    ]);
  });

  it("tidies the feed's detached punctuation and splits before quotes and digits", () => {
    expect(splitSentences('It uses a world model . "This" helps. 42 runs agree.')).toEqual([
      "It uses a world model.",
      '"This" helps.',
      "42 runs agree.",
    ]);
  });

  it("takes a second sentence only when the first is short, and cuts long ones at a word", () => {
    expect(leadSentences("Short one. Then more detail here. And more.")).toBe("Short one. Then more detail here.");
    const long = `${"word ".repeat(100)}end. Next.`;
    const out = leadSentences(long, 120);
    expect(out.length).toBeLessThanOrEqual(120);
    expect(out.endsWith("word…")).toBe(true);
  });
});

describe("Discord text", () => {
  it("escapes markdown and defuses mentions", () => {
    expect(escapeMarkdown("x_t * y ~~ `code` | [a](b) > #1")).toBe("x\\_t \\* y \\~\\~ \\`code\\` \\| \\[a\\](b) \\> \\#1");
    expect(neutralizeMentions("hi @everyone and <@123> <@&4> <#5> @here")).not.toMatch(/@everyone|<@\d|<@&\d|<#\d|@here/);
  });

  it("lists three authors, then et al.", () => {
    expect(formatAuthors(["A", "B", "C", "D"])).toBe("A, B, C et al.");
    expect(formatAuthors(["A", "B"])).toBe("A, B");
    expect(formatAuthors([])).toBe("");
  });

  it("keeps ten long entries within Discord's limits by shortening TL;DRs and titles", async () => {
    const papers = Array.from({ length: 10 }, (_, i) =>
      item(`2602.${10000 + i}`, {
        title: `${"Very_Long *Title* ".repeat(30)}${i}`,
        summary: "An abstract that pings @everyone. Twice.",
        ai_summary: `${"A summary with @everyone in it and many words. ".repeat(30)}`,
        authors: Array.from({ length: 8 }, (_, k) => ({ name: `Author_${k} ${"Surname".repeat(5)}` })),
        githubRepo: `https://github.com/org/${"repo".repeat(20)}`,
        upvotes: 100 - i,
      }),
    );
    const post = await buildDigestPost({
      selection: selectPapers(papers, { date: "2026-02-10", count: 10, include: ["@everyone"], exclude: [], minUpvotes: 0 }),
      filter: { include: ["@everyone"], exclude: [], minUpvotes: 0 },
    });
    expect(post.entries).toHaveLength(10);
    expect(embedChars(post.entries)).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    for (const e of post.entries) {
      expect(e.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
      expect(e.description.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
      expect(e.description).not.toMatch(/@everyone/);
      expect(e.title).toContain("\\_");
    }
    expect(post.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(post.content).not.toMatch(/@everyone/);
  });

  it("prefers the feed's AI summary for the TL;DR", async () => {
    const withSummary = item("2602.00001", { ai_summary: "One clear line. Two. Three." });
    const model = async () => "never used";
    expect(await writeTldr(withSummary, model)).toEqual({ text: "One clear line. Two.", source: "ai_summary" });
    expect(await writeTldr(item("2602.00002"), async () => "  ")).toEqual({
      text: "We study things. It works.",
      source: "abstract",
    });
  });
});

describe("paper selection", () => {
  it("matches terms as whole words, plurals, hyphenated phrases and prefixes", () => {
    expect(termMatcher("RAG")("Retrieval (RAG) pipelines")).toBe(true);
    expect(termMatcher("rag")("better storage")).toBe(false);
    expect(termMatcher("agent")("multi-agent systems with agents")).toBe(true);
    expect(termMatcher("long context")("long-context models")).toBe(true);
    expect(termMatcher("quantiz*")("we quantized it")).toBe(true);
    expect(termMatcher("c++")("written in C++ code")).toBe(true);
  });

  it("keeps papers new that day, once each, not posted before, filtered, best first, top N", () => {
    const items = [
      item("2602.00001", { upvotes: 5 }),
      item("2602.00002", { upvotes: 50, title: "Robot arms" }),
      item("2602.00003", { upvotes: 30 }),
      item("2602.00003", { upvotes: 30 }),
      item("2602.00004", { upvotes: 40, submittedOnDailyAt: "2026-02-09T10:00:00Z" }),
      item("2602.00005", { upvotes: 20 }),
      item("2602.00006", { upvotes: 2 }),
      item("2602.00007", { upvotes: 30, ai_keywords: ["diffusion"] }),
    ];
    const sel = selectPapers(items, {
      date: "2026-02-10",
      count: 2,
      include: [],
      exclude: ["robot", "diffusion"],
      minUpvotes: 3,
      alreadyPosted: new Set(["2602.00003"]),
    });
    expect(sel.papers.map((p) => p.paper.id)).toEqual(["2602.00005", "2602.00001"]);
    expect(sel).toMatchObject({ newToday: 6, alreadyPosted: 1, belowMinUpvotes: 1, offTopic: 2, eligible: 2 });
  });
});

describe("digest settings", () => {
  it("validates and canonicalises, with messages a person can act on", async () => {
    const repo = new DigestSettingsRepo(new SqliteDigestSettingsStore(tempStore().store.db));
    const s = await repo.update("200000000000000001", {
      channelId: "300000000000000001",
      time: "7:05",
      timezone: "europe/berlin",
      count: 10,
      include: [" LLM ", "llm", "kv cache"],
    });
    expect(s).toMatchObject({ time: "07:05", timezone: "Europe/Berlin", count: 10, include: ["LLM", "kv cache"] });
    expect(await repo.get("200000000000000001")).toEqual(s);
    await expect(repo.update("200000000000000001", { timezone: "Europe/Berln" })).rejects.toThrow(UserError);
    await expect(repo.update("200000000000000001", { timezone: "Mars/Olympus" })).rejects.toThrow(/Unknown timezone "Mars\/Olympus"/);
    await expect(repo.update("200000000000000001", { count: 11 })).rejects.toThrow(/from 1 to 10/);
    await expect(repo.update("200000000000000001", { count: 0 })).rejects.toThrow(/from 1 to 10/);
    await expect(repo.update("200000000000000001", { time: "25:00" })).rejects.toThrow(/HH:MM/);
    await expect(repo.update("200000000000000001", { channelId: "general" })).rejects.toThrow(/channel id/);
    await expect(repo.update("200000000000000001", { nope: 1 } as never)).rejects.toThrow(/unknown digest setting: nope/);
    expect(await repo.get("200000000000000001")).toEqual(s);
  });

  it("defaults to 5 papers at 09:00 UTC and records pause reasons", async () => {
    const repo = new DigestSettingsRepo(new SqliteDigestSettingsStore(tempStore().store.db));
    expect(await repo.getOrDefault("1")).toMatchObject({ time: "09:00", timezone: "UTC", count: 5, paused: false });
    await repo.update("200000000000000001", { channelId: "300000000000000001" });
    expect(await repo.active()).toHaveLength(1);
    await repo.pause("200000000000000001", "holiday");
    expect(await repo.get("200000000000000001")).toMatchObject({ paused: true, pausedReason: "holiday" });
    expect(await repo.active()).toHaveLength(0);
    expect(await repo.resume("200000000000000001")).toMatchObject({ paused: false, pausedReason: undefined });
  });

  it("knows IANA timezones and suggests them for autocomplete", () => {
    expect(TIMEZONES).toContain("UTC");
    expect(TIMEZONES).toContain("Europe/Berlin");
    expect(validateTimezone("utc")).toBe("UTC");
    expect(suggestTimezones("europe/be")).toEqual(expect.arrayContaining(["Europe/Berlin", "Europe/Belgrade"]));
    expect(suggestTimezones("new york")[0]).toBe("America/New_York");
    expect(suggestTimezones("york")).toContain("America/New_York");
    expect(suggestTimezones("").length).toBeLessThanOrEqual(25);
    expect(suggestTimezones("a").length).toBe(25);
    expect(parseTime("9.30")).toBe("09:30");
    expect(parseTerms("llm, RAG; kv cache,,")).toEqual(["llm", "RAG", "kv cache"]);
  });
});

describe("the ledger", () => {
  const key = { guildId: "200000000000000001", channelId: "300000000000000001", date: "2026-02-10" };

  it("leaves another machine's claim alone while its lease runs, and takes it over once the lease has run out", () => {
    const { store } = tempStore();
    const t0 = new Date("2026-02-10T09:00:00Z");
    // A process on another host claimed the day a moment ago; whether it still runs cannot be seen from here.
    store.db
      .prepare(
        `INSERT INTO digest_posts (guild_id, channel_id, date, state, nonce, attempts, claimed_at, lease_owner, lease_until)
         VALUES (?, ?, ?, 'claimed', 'n', 1, ?, 'another-host:4242', ?)`,
      )
      .run(key.guildId, key.channelId, key.date, t0.toISOString(), new Date(t0.getTime() + LEASE_MS).toISOString());
    const ledger = new DigestLedger(store.db, () => t0);
    expect(ledger.claim(key, "n", new Date(t0.getTime() + LEASE_MS - 1000)).kind).toBe("busy");
    const later = new Date(t0.getTime() + LEASE_MS + 1000);
    expect(ledger.claim(key, "n", later)).toMatchObject({ kind: "owned", resumed: true, entry: { attempts: 2 } });
    // Now this process holds it: busy until released, then a rerun resumes it.
    expect(ledger.claim(key, "n", later).kind).toBe("busy");
    ledger.release(key);
    expect(ledger.claim(key, "n", later)).toMatchObject({ kind: "owned", resumed: true, entry: { attempts: 3 } });
  });

  it("claims once; a claim left by another process is resumed, one in flight here is busy", () => {
    const { store } = tempStore();
    const ledger = new DigestLedger(store.db);
    expect(ledger.claim(key, "n")).toMatchObject({ kind: "owned", resumed: false });
    expect(ledger.claim(key, "n").kind).toBe("busy");
    expect(new DigestLedger(store.db).claim(key, "n")).toMatchObject({ kind: "owned", resumed: true, entry: { attempts: 2 } });
    ledger.markSent(key, "999", new Date(), ["2602.00001"]);
    expect(ledger.claim(key, "n")).toMatchObject({ kind: "sent", entry: { messageId: "999" } });
    expect([...ledger.postedPaperIds(key.channelId)]).toEqual(["2602.00001"]);
    expect(ledger.postedPaperIds(key.channelId, key.date).size).toBe(0);
  });
});

describe("local time", () => {
  it("derives deterministic, short, non-numeric nonces per channel and date", () => {
    const n = digestNonce("300000000000000001", "2026-02-10");
    expect(n).toHaveLength(25);
    expect(n).toBe(digestNonce("300000000000000001", "2026-02-10"));
    expect(n).not.toBe(digestNonce("300000000000000001", "2026-02-11"));
    expect(n).not.toMatch(/^\d+$/);
  });

  it("finds local dates and scheduled instants, across DST changes", () => {
    const at = new Date("2026-02-10T23:30:00Z");
    expect(localDate(at, "Asia/Tokyo")).toBe("2026-02-11");
    expect(localDate(at, "America/Los_Angeles")).toBe("2026-02-10");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(scheduledInstant("2026-02-10", "09:00", "Asia/Tokyo").toISOString()).toBe("2026-02-10T00:00:00.000Z");
    expect(scheduledInstant("2026-03-29", "02:30", "Europe/Berlin").toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(scheduledInstant("2026-10-25", "02:30", "Europe/Berlin").toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(scheduledInstant("2026-02-10", "23:59", "Pacific/Kiritimati").toISOString()).toBe("2026-02-10T09:59:00.000Z");
    expect(lastScheduledDate(new Date("2026-02-11T00:00:30Z"), "23:59", "UTC")).toBe("2026-02-10");
    expect(lastScheduledDate(new Date("2026-02-10T23:59:30Z"), "23:59", "UTC")).toBe("2026-02-10");
  });
});
