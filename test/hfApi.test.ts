import fs from "node:fs";
import { sqliteStores } from "../src/store/stores.js";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FeedFormatError, fetchDailyPapers } from "../src/ingest/hfDailyPapers.js";
import { ingestHfDates } from "../src/ingest/ingestHf.js";
import { requestedWaitMs } from "../src/ingest/retryingFetch.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import { FakeHuggingFace, type FeedGlitch } from "./fakes/huggingface.js";
import { runCli } from "./helpers/runCli.js";
import { corpusDir, fixtures, tempDir, tempStore } from "./helpers/tmp.js";

const example = JSON.parse(fs.readFileSync(path.join(fixtures, "hf-api-item-example.json"), "utf8"));
const day = (date: string) => JSON.parse(fs.readFileSync(path.join(corpusDir, `${date}.json`), "utf8")) as unknown[];

let hf: FakeHuggingFace;
let base: string;
const waits: number[] = [];
const sleep = async (ms: number) => void waits.push(ms);

beforeEach(async () => {
  hf = FakeHuggingFace.fromCorpus(corpusDir);
  base = await hf.start();
  waits.length = 0;
});
afterEach(() => hf.stop());

describe("the Hugging Face daily papers API", () => {
  it("follows pages until a short one and keeps every item of the day", async () => {
    const many = Array.from({ length: 230 }, (_, i) => ({
      ...example,
      paper: { ...example.paper, id: `2603.${String(10000 + i)}`, title: `Paper ${i}` },
    }));
    hf.days.set("2026-03-06", many);
    const got = await fetchDailyPapers(base, "2026-03-06", { sleep });
    expect(got.items).toHaveLength(230);
    expect(hf.requests.map((r) => r.query.p)).toEqual(["0", "1", "2"]);
    expect(hf.requests[0]!.query).toMatchObject({ date: "2026-03-06", limit: "100" });
  });

  it("waits as long as a 429 asks, then succeeds", async () => {
    hf.failures.push({ status: 429, headers: { "retry-after": "7" } });
    const got = await fetchDailyPapers(base, "2026-02-02", { sleep });
    expect(got.items).toHaveLength(day("2026-02-02").length);
    expect(waits).toEqual([7000]);
  });

  it("retries a 500 with backoff, then succeeds", async () => {
    hf.failures.push({ status: 500 }, { status: 503 });
    const got = await fetchDailyPapers(base, "2026-02-03", { sleep, baseDelayMs: 100 });
    expect(got.items.length).toBeGreaterThan(0);
    expect(waits).toHaveLength(2);
    expect(waits[1]!).toBeGreaterThan(waits[0]!);
  });

  it("gives up after its retries when the feed stays down, with the status in the error", async () => {
    hf.down = 502;
    await expect(fetchDailyPapers(base, "2026-02-03", { sleep, retries: 3 })).rejects.toThrow(/HTTP 502/);
    expect(hf.requests).toHaveLength(4);
  });

  it("does not retry a 404", async () => {
    hf.failures.push({ status: 404 });
    await expect(fetchDailyPapers(base, "2026-02-03", { sleep })).rejects.toThrow(/HTTP 404/);
    expect(hf.requests).toHaveLength(1);
  });

  it("skips and counts malformed items without losing the good ones", async () => {
    const good = day("2026-02-04");
    hf.days.set("2026-02-04", [
      ...good,
      { paper: { id: "not-an-id", title: "x", summary: "y" } },
      { paper: { id: "2602.99999", summary: "no title" } },
      "junk",
    ]);
    const { store } = tempStore();
    const s = await ingestHfDates(sqliteStores(store).papers, base, ["2026-02-04"], { sleep });
    expect(s.added).toBe(good.length);
    expect(s.skipped).toBe(3);
    expect(Object.keys(s.reasons).join(" ")).toMatch(/arXiv id/);
  });

  it("treats an empty day (a weekend) as normal", async () => {
    const { store } = tempStore();
    const s = await ingestHfDates(sqliteStores(store).papers, base, ["2026-02-07", "2026-02-08"], { sleep });
    expect(s).toMatchObject({ read: 0, added: 0, skipped: 0 });
  });

  it("fails a day the feed answers with an error object, null or renamed fields, instead of calling it empty", async () => {
    const expected: Record<FeedGlitch, RegExp> = {
      "error-object": /answer for 2026-02-10 is not a list of papers but an object \(error, message\)/,
      null: /answer for 2026-02-10 is not a list of papers but null/,
      "renamed-fields": /answer for 2026-02-10 has \d+ items and none is a paper \(first problem: paper\.title/,
    };
    for (const [kind, message] of Object.entries(expected)) {
      hf.glitch = { kind: kind as FeedGlitch };
      const got = fetchDailyPapers(base, "2026-02-10", { sleep });
      await expect(got, kind).rejects.toThrow(FeedFormatError);
      await expect(got, kind).rejects.toThrow(message);
    }
    hf.glitch = undefined;
    expect((await fetchDailyPapers(base, "2026-02-10", { sleep })).items).toHaveLength(day("2026-02-10").length);
  });

  it("fails a day whose second page does not parse, instead of keeping only the first", async () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ ...example, paper: { ...example.paper, id: `2603.${10000 + i}` } }));
    hf.days.set("2026-03-06", many);
    for (const kind of ["error-object", "null", "renamed-fields"] as const) {
      hf.glitch = { kind, fromPage: 1 };
      await expect(fetchDailyPapers(base, "2026-03-06", { sleep }), kind).rejects.toThrow(/answer for 2026-03-06 \(page 2\)/);
    }
  });

  it("ingest hf --date fails with one clear line on a glitching feed; --since keeps the days before and says where to go on", async () => {
    const env = { PAPERBOT_DB: path.join(tempDir(), "paperbot.db"), HF_API_BASE: base };
    hf.glitch = { kind: "null", date: "2026-02-10" };
    const one = await runCli(["ingest", "hf", "--date", "2026-02-10"], env);
    expect(one.code).toBe(1);
    expect(one.stdout).not.toMatch(/hf api/);
    expect(one.stderr.trim().split("\n").at(-1)).toBe("paperbot: the Hugging Face feed's answer for 2026-02-10 is not a list of papers but null");

    const range = await runCli(["ingest", "hf", "--since", "2026-02-09", "--until", "2026-02-11"], env);
    expect(range.code).toBe(1);
    expect(range.stderr.trim().split("\n").at(-1)).toBe(
      "paperbot: the Hugging Face feed's answer for 2026-02-10 is not a list of papers but null; " +
        "the days before it were saved (go on with --since 2026-02-10)",
    );
    const saved = openStore(env.PAPERBOT_DB);
    expect(saved.byFeedDate("2026-02-09")).toHaveLength(day("2026-02-09").length);
    expect(saved.byFeedDate("2026-02-10")).toHaveLength(0);
    saved.db.close();
    hf.glitch = undefined;
    const rest = await runCli(["ingest", "hf", "--since", "2026-02-10", "--until", "2026-02-11"], env);
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stdout).toMatch(new RegExp(`^hf api 2026-02-10..2026-02-11: read ${day("2026-02-10").length + day("2026-02-11").length}, `));
  });

  it("keeps the live feed's extra fields: AI summary, keywords, GitHub, thumbnail", async () => {
    hf.days.set("2026-03-06", [example]);
    const { store } = tempStore();
    await ingestHfDates(sqliteStores(store).papers, base, ["2026-03-06"], { sleep });
    const p = store.get("2602.23229")!;
    expect(p.aiSummary).toMatch(/^Large Multimodal Models/);
    expect(p.aiKeywords).toContain("in-context learning");
    expect(p.links.github).toBe("https://github.com/marco-garosi/CIRCLE");
    expect(p.githubStars).toBe(9);
    expect(p.thumbnail).toMatch(/2602\.23229\.png$/);
    expect(p.feedDate).toBe("2026-03-06");
  });
});

describe("rate-limit headers", () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it("reads Retry-After in seconds or as a date, RateLimit-Reset, and the RateLimit field", () => {
    expect(requestedWaitMs(h({ "retry-after": "3" }))).toBe(3000);
    expect(requestedWaitMs(h({ "retry-after": new Date(10_000).toUTCString() }), 4000)).toBe(6000);
    expect(requestedWaitMs(h({ "ratelimit-reset": "12" }))).toBe(12_000);
    expect(requestedWaitMs(h({ ratelimit: '"api";r=0;t=55' }))).toBe(55_000);
    expect(requestedWaitMs(h({}))).toBeUndefined();
  });
});
