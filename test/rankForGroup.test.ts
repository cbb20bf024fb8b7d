import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../src/config/logger.js";
import { bundledSeedPage } from "../src/config/paths.js";
import { DigestSettingsRepo } from "../src/digest/digestConfig.js";
import { buildDigestPost } from "../src/digest/digestPost.js";
import { previewDigest, type DigestDeps } from "../src/digest/digestRunner.js";
import { sharedDayFetcher } from "../src/digest/fetchDay.js";
import { loadGroupProfile } from "../src/digest/groupProfile.js";
import { collectionIdf } from "../src/digest/collectionIdf.js";
import { FOR_US_WEIGHTS, groupRanker, rankedTexts, rankForGroup } from "../src/digest/rankForGroup.js";
import { selectPapers } from "../src/digest/selectPapers.js";
import { restDigestPoster } from "../src/discord/restDigestPoster.js";
import { hfItemToInput, parseHfItems, type HfItem } from "../src/ingest/hfItem.js";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { EVERY_GROUP } from "../src/store/groupPapers.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { SqliteDigestSettingsStore } from "../src/store/sqlite/digestSettings.js";
import { sqliteStores, type Stores } from "../src/store/stores.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { corpusDir, tempStore } from "./helpers/tmp.js";

const DAY = "2026-02-10";

/** Feed items as the Hugging Face API sends them. */
function feed(papers: { id: string; title: string; summary: string; upvotes: number }[]) {
  const payload = papers.map((p) => ({
    paper: { ...p, authors: [{ name: "Ada Lovelace" }], submittedOnDailyAt: `${DAY}T08:00:00.000Z` },
    title: p.title,
    summary: p.summary,
  }));
  return parseHfItems(payload).items;
}

/** The seed page as every server's profile and a day of the real feed before. */
async function seeded(): Promise<{ store: PaperStore; stores: Stores }> {
  const { store } = tempStore();
  await ingestSeedPage(sqliteStores(store), bundledSeedPage);
  const earlier = JSON.parse(fs.readFileSync(path.join(corpusDir, "2026-02-09.json"), "utf8")) as unknown;
  for (const item of parseHfItems(earlier).items) store.upsert(hfItemToInput(item));
  return { store, stores: sqliteStores(store) };
}

/** The group's profile and the collection's idf for ranking `items` for it, as the digest reads them. */
async function profileAndIdf(stores: Stores, items: readonly HfItem[], interests?: string[]) {
  const profile = await loadGroupProfile({ stores, interests });
  return { profile, idf: await collectionIdf(stores, rankedTexts(items, profile)) };
}

const IN_SCOPE = {
  id: "2602.90001",
  title: "PageServe: Offloading the KV Cache to CPU Memory for High-Throughput LLM Serving",
  summary:
    "Serving large language models is limited by GPU memory for the KV cache. We offload KV cache pages to host memory " +
    "and overlap the transfers with decoding, raising serving throughput by 2.1x and cutting latency on long requests.",
  upvotes: 3,
};
/** A day's other papers: the background every candidate is set against. */
const OTHERS = [
  [
    "Reward Models for Mathematical Reasoning",
    "We train reward models that score chains of thought on math word problems and use them for reinforcement learning.",
  ],
  ["Video Generation with Consistent Characters", "A video diffusion model keeps characters consistent across shots using identity embeddings."],
  ["A Benchmark for Web Agents", "We collect tasks on real websites and measure how often language model agents complete them."],
  [
    "Speech Translation without Transcripts",
    "An end-to-end model translates speech in one language into text in another without intermediate transcripts.",
  ],
  ["Protein Structure from Sequence with Language Models", "Protein language models predict structure from amino-acid sequences."],
  ["Multimodal Reasoning over Charts", "Vision-language models answer questions about charts and plots with step-by-step reasoning."],
].map(([title, summary], i) => ({ id: `2602.9100${i}`, title: title!, summary: summary!, upvotes: 20 + i }));

const OFF_TOPIC = {
  id: "2602.90002",
  title: "Painting Sunsets: A Diffusion Model for Watercolour Landscapes",
  summary: "We fine-tune a text-to-image diffusion model on watercolour paintings of landscapes and sunsets, and ask artists to rate them.",
  upvotes: 250,
};

describe("for-us ranking", () => {
  it("puts a paper in the group's scope above a far more upvoted one out of it, and says why", async () => {
    const { stores } = await seeded();
    const items = feed([OFF_TOPIC, IN_SCOPE, ...OTHERS]);
    const { profile, idf } = await profileAndIdf(stores, items);
    expect(profile.papers.length).toBeGreaterThan(40);
    const trending = selectPapers(items, { date: DAY, count: 2, include: [], exclude: [], minUpvotes: 0 });
    expect(trending.papers.map((i) => i.paper.id)).toEqual([OFF_TOPIC.id, OTHERS.at(-1)!.id]);

    const forUs = selectPapers(items, { date: DAY, count: 2, include: [], exclude: [], minUpvotes: 0, rank: groupRanker(profile, idf) });
    expect(forUs.papers[0]!.paper.id).toBe(IN_SCOPE.id);
    expect(forUs.papers.map((i) => i.paper.id)).not.toContain(OFF_TOPIC.id);
    expect(forUs.reasons.get(IN_SCOPE.id)).toMatch(/^close to \S.* and \S/);
  });

  it("lets a very popular paper in scope rise above a slightly closer, barely upvoted one", async () => {
    const { stores } = await seeded();
    const closer = { ...IN_SCOPE, id: "2602.90003", upvotes: 1 };
    // The same paper, less its last clause: a little less close.
    const popular = {
      id: "2602.90004",
      title: "KVPager: Offloading the KV Cache to CPU Memory for High-Throughput LLM Serving",
      summary: IN_SCOPE.summary.replace(" and cutting latency on long requests", ""),
      upvotes: 400,
    };
    const items = feed([closer, popular, OFF_TOPIC, ...OTHERS]);
    const { profile, idf } = await profileAndIdf(stores, items);
    const top2 = (r: { item: { paper: { id: string } } }[]) => r.slice(0, 2).map((x) => x.item.paper.id);
    const plain = rankForGroup(items, profile, idf, { ...FOR_US_WEIGHTS, upvoteWeight: 0 });
    expect(top2(plain)).toEqual([closer.id, popular.id]);
    const blended = rankForGroup(items, profile, idf);
    expect(top2(blended)).toEqual([popular.id, closer.id]);
    // Upvotes never lift a paper out of scope past one in it.
    expect(blended.findIndex((r) => r.item.paper.id === OFF_TOPIC.id)).toBeGreaterThan(1);
  });
});

describe("a group's saved papers shape its next post", () => {
  let hf: FakeHuggingFace | undefined;
  afterEach(async () => {
    await hf?.stop();
    hf = undefined;
  });

  it("a paper saved in one server moves a related paper into that server's post, not into another server's", async () => {
    hf = FakeHuggingFace.fromCorpus(corpusDir);
    await hf.start();
    const { store, stores } = await seeded();
    const settings = new DigestSettingsRepo(new SqliteDigestSettingsStore(store.db));
    const deps: DigestDeps = {
      stores,
      settings,
      fetchDay: sharedDayFetcher(hf.url, { log: silentLogger }),
      poster: restDigestPoster("http://127.0.0.1:9/api", "unused", "unused"),
      log: silentLogger,
      now: () => new Date(`${DAY}T12:00:00Z`),
    };
    const [a, b] = ["111111111111111111", "222222222222222222"];
    const posted = async (guildId: string) => (await previewDigest({ guildId, date: DAY, deps })).post;
    // "SoulX-Singer" (2602.07803): 4 upvotes, far from the seed page's ML systems.
    const singer = "2602.07803";
    const before = await posted(a);
    expect(before.paperIds).not.toContain(singer);
    expect((await posted(b)).paperIds).toEqual(before.paperIds);

    const saved = store.upsert({
      arxivId: "2601.99901",
      title: "Zero-Shot Singing Voice Synthesis with Lyrics and Melody Control",
      abstract:
        "We synthesise a singing voice for unseen singers from lyrics and a melody score, with zero-shot timbre transfer " +
        "from a short reference recording, and evaluate singing quality with listeners.",
      authors: ["Grace Hopper"],
      source: "arxiv",
    }).id;
    await stores.groupPapers.add(a, saved, "save", "333333333333333333");

    const mine = await posted(a);
    expect(mine.paperIds).toContain(singer);
    expect(mine.entries.find((e) => e.paperId === singer)!.reason).toMatch(/^close to Zero-Shot Singing Voice Synthesis/);
    const theirs = await posted(b);
    expect(theirs.paperIds).not.toContain(singer);
  });

  it("shows each paper's reason in its entry, within Discord's limits", async () => {
    const { stores } = await seeded();
    const items = feed([IN_SCOPE, OFF_TOPIC]);
    const { profile, idf } = await profileAndIdf(stores, items, ["LLM serving"]);
    const selection = selectPapers(items, {
      date: DAY,
      count: 5,
      include: [],
      exclude: [],
      minUpvotes: 0,
      rank: groupRanker(profile, idf),
    });
    const post = await buildDigestPost({ selection, filter: { include: [], exclude: [], minUpvotes: 0 } });
    const entry = post.entries[0]!;
    expect(entry.paperId).toBe(IN_SCOPE.id);
    expect(entry.reason).toBeTruthy();
    expect(entry.description).toContain(`🎯 ${entry.reason}`);
    expect(entry.description.length).toBeLessThanOrEqual(4096);
  });
});

describe("for-us learns from votes", () => {
  /** A real feed day (2026-02-10) after 2026-02-09, ranked for the seed group: the top 5 as posted. */
  async function topFive(store: PaperStore, stores: Stores): Promise<string[]> {
    const items = parseHfItems(JSON.parse(fs.readFileSync(path.join(corpusDir, "2026-02-10.json"), "utf8")) as unknown).items;
    for (const item of items) store.upsert(hfItemToInput(item));
    const { profile, idf } = await profileAndIdf(stores, items);
    return selectPapers(items, { date: DAY, count: 5, include: [], exclude: [], minUpvotes: 0, rank: groupRanker(profile, idf) }).papers.map(
      (i) => i.paper.id,
    );
  }

  it("two papers of another field 👍'd by two members each bring some of that field in, not a post of it", async () => {
    const { store, stores } = await seeded();
    const about = (ids: string[]) =>
      ids.filter((id) => /audio|speech|sound|music|singing|voice/i.test(`${store.get(id)?.title} ${store.get(id)?.abstract}`));
    const before = await topFive(store, stores);
    expect(about(before)).toEqual([]);
    // Two audio papers of the day before (speech recognition, audio-visual understanding), far from the seed page's ML systems.
    for (const id of ["2601.18415", "2602.06139"]) for (const user of ["u1", "u2"]) await stores.votes.set(EVERY_GROUP, id, user, "up");
    const after = await topFive(store, stores);
    expect(about(after).length).toBeGreaterThan(0);
    expect(about(after).length).toBeLessThanOrEqual(2);
    // The group's two best papers of the day stay.
    expect(after).toEqual(expect.arrayContaining(before.slice(0, 2)));
  });
});
