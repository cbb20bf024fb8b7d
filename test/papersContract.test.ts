// The papers table and the lexical index behind their async interfaces, run against SQLite and PostgreSQL alike:
// upserts with the merge rules, lookups, and what the BM25F re-ranker reads (candidates, df, counts, texts).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bestCorrection, correctionRange, SCAN_LIMIT } from "../src/retrieval/spelling.js";
import { tokenize } from "../src/text/queryTerms.js";
import { stem } from "../src/text/stem.js";
import { openDb } from "../src/store/sqlite/db.js";
import type { FollowedAuthorStore } from "../src/store/followedAuthors.js";
import type { GroupPaperStore } from "../src/store/groupPapers.js";
import type { LexicalIndexStore } from "../src/store/lexicalIndex.js";
import type { PaperInput } from "../src/store/paper.js";
import type { PaperRecords } from "../src/store/paperRecords.js";
import { PaperStore } from "../src/store/sqlite/paperStore.js";
import { PostgresFollowedAuthorStore } from "../src/store/postgres/followedAuthors.js";
import { PostgresGroupPaperStore } from "../src/store/postgres/groupPapers.js";
import { PostgresLexicalIndexStore } from "../src/store/postgres/lexicalIndex.js";
import { slugify } from "../src/store/paperId.js";
import { CONTENT_COLUMNS } from "../src/store/paperRow.js";
import { PostgresPaperRecords } from "../src/store/postgres/papers.js";
import type { Pool } from "../src/store/postgres/pool.js";
import { SqliteFollowedAuthorStore } from "../src/store/sqlite/followedAuthors.js";
import { SqliteGroupPaperStore } from "../src/store/sqlite/groupPapers.js";
import { SqliteLexicalIndexStore } from "../src/store/sqlite/lexicalIndex.js";
import { SqlitePaperRecords } from "../src/store/sqlite/papers.js";
import { emptyPapers, havePostgres, migratedSchemaForFile } from "./helpers/postgres.js";

interface Stores {
  papers: PaperRecords;
  lexical: LexicalIndexStore;
  groups: GroupPaperStore;
  follows: FollowedAuthorStore;
  /** Queries sent to the server so far; undefined in-process (SQLite has no round trips). */
  roundTrips?: () => number;
  close: () => Promise<void>;
}

interface Backend {
  name: string;
  open: () => Promise<Stores>;
}

const sqlite: Backend = {
  name: "SQLite",
  open: async () => {
    const db = openDb(":memory:");
    return {
      papers: new SqlitePaperRecords(new PaperStore(db)),
      lexical: new SqliteLexicalIndexStore(db),
      groups: new SqliteGroupPaperStore(db),
      follows: new SqliteFollowedAuthorStore(db),
      close: async () => void db.close(),
    };
  },
};

/** A pool that counts the queries sent through it. */
function counting(pool: Pool): { pool: Pool; count: () => number } {
  let n = 0;
  const proxy = new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop === "query")
        return (...args: unknown[]) => {
          n++;
          return (target.query as (...a: unknown[]) => unknown)(...args);
        };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { pool: proxy, count: () => n };
}

const backends: Backend[] = [sqlite];

// One fresh schema for this file, emptied before each test; `other` is a second pool on it, as a second machine.
const empty = () => emptyPapers(pool(), "group_papers");
const withPostgres = havePostgres();
const schema = withPostgres ? migratedSchemaForFile() : undefined;
const pool = () => schema!.pool();
const other = () => schema!.other();
if (withPostgres) {
  backends.push({
    name: "PostgreSQL",
    open: async () => {
      await empty();
      const c = counting(pool());
      return {
        papers: new PostgresPaperRecords(c.pool),
        lexical: new PostgresLexicalIndexStore(c.pool),
        groups: new PostgresGroupPaperStore(c.pool),
        follows: new PostgresFollowedAuthorStore(c.pool),
        roundTrips: c.count,
        close: async () => {},
      };
    },
  });
}

let stores: Stores;
afterEach(async () => {
  await stores?.close();
});

const feedItem = (over: Partial<PaperInput> = {}): PaperInput => ({
  arxivId: "2408.12757",
  title: "NanoFlow: Towards Optimal Large Language Model Serving Throughput",
  abstract: "The increasing usage of LLMs has resulted in a surging demand for planet-scale serving systems.",
  authors: ["Kan Zhu", "Yilong Zhao"],
  upvotes: 12,
  feedDate: "2024-08-23",
  links: { github: "https://github.com/efeslab/Nanoflow" },
  source: "hf",
  ...over,
});

const seedItem = (over: Partial<PaperInput> = {}): PaperInput => ({
  title: "NanoFlow: Towards Optimal Large Language Model Serving Throughput",
  abstract: "",
  authors: ["Kan Zhu"],
  organization: "University of Washington",
  source: "seed",
  ...over,
});

const at = (n: number) => new Date(Date.UTC(2026, 2, n, 9));
const stems = (text: string) => [...new Set(tokenize(text).map(stem))];

const words =
  "sparse attention kernels speculative decoding serving throughput gossip membership lattice cryptography diffusion protein folding quantization pruning retrieval augmented generation tokenizer scaling laws".split(
    " ",
  );
const common = "A Very Long Title About Efficient Serving Of Large Language Models On Many Accelerators At Once";
const slug = slugify(`${common}: Part One`);

/** Batches that exercise every merge rule, within a batch and across batches, among independent new papers. */
function bulkBatches(): PaperInput[][] {
  const text = (i: number, n: number) => Array.from({ length: n }, (_, k) => words[(i * 7 + k * k * 3 + k) % words.length]).join(" ");
  const plain = (i: number, over: Partial<PaperInput> = {}): PaperInput =>
    feedItem({
      arxivId: `2505.${String(i).padStart(5, "0")}`,
      title: `Paper ${i}: ${text(i, 4)}`,
      abstract: `${text(i + 1, 30)}.`,
      upvotes: i % 3,
      feedDate: `2025-05-0${1 + (i % 3)}`,
      links: {},
      ...over,
    });
  return [
    [
      plain(1),
      seedItem(),
      plain(2),
      // Its feed twin in the same batch: merges into the seed entry by title.
      feedItem(),
      seedItem({ title: `${common}: Part One`, organization: undefined }),
      plain(3),
      // Another paper making the same slug, and the same arXiv id twice (more upvotes the second time).
      seedItem({ title: `${common}: Part Two`, organization: undefined }),
      plain(4),
      plain(4, { upvotes: 40 }),
      seedItem({ title: "Gossip Membership at Scale", abstract: "Gossip protocols.", organization: undefined }),
      ...Array.from({ length: 20 }, (_, k) => plain(10 + k)),
    ],
    [
      // The feed twin of a seed entry of an earlier batch, alone in its batch: merged by title.
      feedItem({ arxivId: "2505.90001", title: "Gossip membership at scale", abstract: "Gossip membership protocols at scale." }),
      // A rename and new text; an upvote change only; the same again (unchanged); an older source filling a gap only.
      plain(10, { title: "Renamed: lattice sparse kernels", abstract: "A new abstract about lattice kernels." }),
      plain(11, { upvotes: 99 }),
      plain(12),
      plain(15),
      plain(13, { source: "arxiv", title: "Older title", abstract: "Older abstract.", organization: "Filled In", upvotes: undefined }),
      // A new paper named like one that has an arXiv id; a seed entry under a renamed paper's old title.
      plain(30, { title: plain(14).title }),
      seedItem({ title: plain(10).title, abstract: "", organization: "Seed Org" }),
      seedItem({ title: `${common}: Part Three`, organization: undefined }),
      ...Array.from({ length: 10 }, (_, k) => plain(40 + k)),
      // Two papers that could merge into the same paper: the renamed one (new title) and one under its old title.
      plain(10, { title: "Renamed again: lattice kernels" }),
      plain(31, { title: "Renamed: lattice sparse kernels" }),
    ],
  ];
}

/** What the stores show of their papers: every paper, lookups, candidates, frequencies, counts, the title vocabulary. */
async function everything(s: Stores, inputs: PaperInput[]) {
  const all = await s.papers.getMany(
    (await Promise.all(inputs.map((i) => s.papers.getByTitle(i.title))))
      .flatMap((p) => (p ? [p.id] : []))
      .concat(inputs.flatMap((i) => i.arxivId ?? [])),
  );
  const papers = [...(await s.papers.getMany([...all.values()].map((p) => p.id))).values()].sort((a, b) => a.id.localeCompare(b.id));
  const ids = new Set(papers.map((p) => p.id));
  const allStems = [...new Set(papers.flatMap((p) => stems(`${p.title} ${p.abstract}`)))].sort();
  const candidates = [];
  for (const st of allStems) candidates.push(await s.lexical.candidates([st], 100));
  for (let k = 0; k + 3 <= allStems.length; k += 3) candidates.push(await s.lexical.candidates(allStems.slice(k, k + 3), 7));
  const pg = s.roundTrips ? await tables() : undefined;
  return {
    papers,
    count: await s.papers.count(),
    byTitle: await Promise.all(inputs.map(async (i) => (await s.papers.getByTitle(i.title))?.id)),
    byFeedDate: await Promise.all(
      ["2025-05-01", "2025-05-02", "2025-05-03", "2024-08-23"].map(async (d) => (await s.papers.byFeedDate(d)).map((p) => p.id)),
    ),
    candidates,
    df: await s.lexical.documentFrequencies(allStems),
    paperCount: await s.lexical.paperCount(),
    averageLengths: await s.lexical.averageLengths(),
    titleTerms: await s.lexical.titleTerms([{ lo: "", hi: "\uffff", minLength: 1, maxLength: 100 }], 10_000),
    everyPaperSeen: ids.size,
    pg,
  };
}

/** PostgreSQL's own index tables, by paper id. */
async function tables() {
  const q = async (sql: string) => (await pool().query(sql)).rows;
  return {
    postings: await q(
      "SELECT p.id, t.stem, t.tf_title, t.tf_abstract, t.words FROM paper_terms t JOIN papers p ON p.seq = t.paper_seq ORDER BY p.id, t.stem",
    ),
    termStats: await q("SELECT stem, df FROM term_stats WHERE df <> 0 ORDER BY stem"),
    titleWords: await q("SELECT word, doc FROM title_words WHERE doc <> 0 ORDER BY word"),
    titles: await q("SELECT title_key, paper_id FROM paper_titles ORDER BY title_key, paper_id"),
    meta: await q("SELECT paper_count, title_words, abstract_words FROM papers_meta"),
    lex: await q("SELECT id, lex::text FROM papers ORDER BY id"),
    order: await q("SELECT id FROM papers ORDER BY seq"),
  };
}

describe.each(backends)("papers in $name", (backend) => {
  beforeEach(async () => {
    stores = await backend.open();
  });

  it("a seed entry meets its feed twin by title: one record that gains the arXiv id and links; a seed entry after it only fills gaps", async () => {
    const { papers } = stores;
    const v0 = await papers.version();
    const seed = await papers.upsert(seedItem(), at(1));
    expect(seed).toEqual({ outcome: "added", id: "nanoflow-towards-optimal-large-language-model-serving-throughput" });
    const v1 = await papers.version();
    expect(v1).not.toBe(v0);

    expect(await papers.upsert(feedItem(), at(2))).toEqual({ outcome: "updated", id: seed.id });
    const v2 = await papers.version();
    expect(v2).not.toBe(v1);
    const merged = await papers.get("2408.12757");
    expect(merged).toEqual(await papers.get(seed.id));
    expect(merged).toMatchObject({
      id: seed.id,
      arxivId: "2408.12757",
      abstract: feedItem().abstract,
      authors: ["Kan Zhu", "Yilong Zhao"],
      authorCount: 2,
      organization: "University of Washington",
      upvotes: 12,
      feedDate: "2024-08-23",
      source: "hf",
      links: {
        hf: "https://huggingface.co/papers/2408.12757",
        arxiv: "https://arxiv.org/abs/2408.12757",
        pdf: "https://arxiv.org/pdf/2408.12757",
        github: "https://github.com/efeslab/Nanoflow",
      },
      firstSeenAt: at(1).toISOString(),
      updatedAt: at(2).toISOString(),
    });
    expect(merged).not.toHaveProperty("rowid");

    // The seed page again, with other text: a lower-ranked source never overwrites; nothing changes.
    expect(await papers.upsert(seedItem({ abstract: "Another abstract.", authors: ["Someone Else"] }), at(3))).toEqual({
      outcome: "unchanged",
      id: seed.id,
    });
    expect(await papers.upsert(feedItem(), at(3))).toEqual({ outcome: "unchanged", id: seed.id });
    expect(await papers.version()).toBe(v2);
    expect(await papers.get(seed.id)).toEqual(merged);
    expect(await papers.count()).toBe(1);

    // New upvotes are a change.
    expect(await papers.upsert(feedItem({ upvotes: 40 }), at(4))).toEqual({ outcome: "updated", id: seed.id });
    expect(await papers.get(seed.id)).toMatchObject({ upvotes: 40, updatedAt: at(4).toISOString(), firstSeenAt: at(1).toISOString() });
    expect(await papers.version()).not.toBe(v2);
    expect(await papers.count()).toBe(1);
  });

  it("looks papers up by id, arXiv id and title, also by a title the paper had before a rename", async () => {
    const { papers } = stores;
    const seed = await papers.upsert(seedItem());
    expect(await papers.upsert(feedItem())).toEqual({ outcome: "updated", id: seed.id });
    // The feed renames it; it is still the same paper (by arXiv id).
    expect(await papers.upsert(feedItem({ title: "NanoFlow: Optimal LLM Serving Throughput" }))).toEqual({ outcome: "updated", id: seed.id });
    expect(await papers.get("2408.12757")).toMatchObject({ id: seed.id, title: "NanoFlow: Optimal LLM Serving Throughput" });
    expect(await papers.getByTitle("nanoflow: optimal llm serving throughput")).toMatchObject({ id: seed.id });
    expect(await papers.getByTitle(seedItem().title)).toMatchObject({ id: seed.id });
    // The seed page still names it by its old title: it merges into the renamed paper, it is not added again.
    expect((await papers.upsert(seedItem({ organization: "UW" }))).id).toBe(seed.id);
    expect(await papers.count()).toBe(1);
    expect(await papers.get("nope")).toBeUndefined();
    expect(await papers.getByTitle("No Such Paper")).toBeUndefined();
  });

  it("a batch upserts in order by the same rules, and a bulk load's papers are searchable once it is finished", async () => {
    const { papers } = stores;
    await papers.startBulkLoad();
    const out = await papers.upsertMany(
      [seedItem(), feedItem(), feedItem({ arxivId: "2501.00001", title: "Speculative decoding for tiny drafts" })],
      {
        bulk: true,
      },
    );
    await papers.finishBulkLoad();
    expect(out.map((o) => o.outcome)).toEqual(["added", "updated", "added"]);
    expect(out[1]!.id).toBe(out[0]!.id);
    expect(await papers.count()).toBe(2);
    expect(await stores.lexical.candidates(stems("speculative drafts"), 5)).toEqual(["2501.00001"]);
  });

  it("a bulk load gives the papers, candidates, document frequencies and counts of the same batches upserted one by one", async () => {
    const batches = bulkBatches();
    const observe = async (s: Stores, bulk: boolean) => {
      if (bulk) await s.papers.startBulkLoad();
      const outcomes = [];
      for (const batch of batches) outcomes.push(await s.papers.upsertMany(batch, { bulk, now: at(5) }));
      if (bulk) await s.papers.finishBulkLoad();
      return { outcomes, ...(await everything(s, batches.flat())) };
    };
    const rowByRow = await observe(stores, false);
    const bulkStores = await backend.open();
    try {
      const bulk = await observe(bulkStores, true);
      expect(bulk).toEqual(rowByRow);
    } finally {
      await bulkStores.close();
    }
    // The batches do merge, rename, clash and repeat: the comparison covers each rule.
    const outcomes = rowByRow.outcomes.flat();
    expect(outcomes.filter((o) => o.outcome === "updated").length).toBeGreaterThanOrEqual(8);
    expect(outcomes.filter((o) => o.outcome === "unchanged").length).toBeGreaterThanOrEqual(2);
    expect(rowByRow.count).toBe(new Set(outcomes.map((o) => o.id)).size);
    expect(rowByRow.papers.map((p) => p.id)).toContain(`${slug}-2`);
  });

  it("counts papers by source with their date ranges (paperbot stats, /help)", async () => {
    const { papers } = stores;
    await papers.upsert(seedItem({ title: "A seed paper without an id" }));
    await papers.upsert(feedItem({ publishedAt: "2024-08-22T00:00:00.000Z" }));
    await papers.upsert(feedItem({ arxivId: "2501.00001", title: "Another feed paper", feedDate: "2025-01-02", publishedAt: "2025-01-01" }));
    expect(await papers.stats()).toEqual({
      total: 3,
      bySource: { hf: 2, seed: 1 },
      withArxivId: 2,
      published: { first: "2024-08-22", last: "2025-01-01" },
      feed: { first: "2024-08-23", last: "2025-01-02" },
    });
  });

  it("two different papers whose titles make the same slug get different ids", async () => {
    const { papers } = stores;
    const common = "A Very Long Title About Efficient Serving Of Large Language Models On Many Accelerators At Once";
    const a = await papers.upsert(seedItem({ title: `${common}: Part One`, organization: undefined }));
    const b = await papers.upsert(seedItem({ title: `${common}: Part Two`, organization: undefined }));
    expect(a.outcome).toBe("added");
    expect(b.outcome).toBe("added");
    expect(b.id).toBe(`${a.id}-2`);
    expect(await papers.count()).toBe(2);
  });

  it("getMany returns the papers found whatever the order of the ids, in one query", async () => {
    const { papers } = stores;
    for (let i = 1; i <= 5; i++) await papers.upsert(feedItem({ arxivId: `2501.0000${i}`, title: `Paper number ${i}`, upvotes: i }));
    const ids = ["2501.00003", "missing", "2501.00001", "2501.00005", "2501.00003"];
    const before = stores.roundTrips?.();
    const got = await papers.getMany(ids);
    if (before !== undefined) expect(stores.roundTrips!() - before).toBe(1);
    expect([...got.keys()].sort()).toEqual(["2501.00001", "2501.00003", "2501.00005"]);
    const reversed = await papers.getMany([...ids].reverse());
    expect(new Map([...reversed].sort())).toEqual(new Map([...got].sort()));
    expect(got.get("2501.00005")).toEqual(await papers.get("2501.00005"));
    expect((await papers.getMany([])).size).toBe(0);
  });

  it("lists a feed day's papers, most upvoted first, then in the order they came", async () => {
    const { papers } = stores;
    await papers.upsert(feedItem({ arxivId: "2501.00001", title: "First", upvotes: 3, feedDate: "2025-01-02" }));
    await papers.upsert(feedItem({ arxivId: "2501.00002", title: "Second", upvotes: 9, feedDate: "2025-01-02" }));
    await papers.upsert(feedItem({ arxivId: "2501.00003", title: "Third", upvotes: 3, feedDate: "2025-01-02" }));
    await papers.upsert(feedItem({ arxivId: "2501.00004", title: "Other day", upvotes: 99, feedDate: "2025-01-03" }));
    expect((await papers.byFeedDate("2025-01-02")).map((p) => p.id)).toEqual(["2501.00002", "2501.00001", "2501.00003"]);
    expect(await papers.byFeedDate("2025-01-04")).toEqual([]);
  });

  it("lists the papers newest in from the feed first, seed papers left out, an update keeping a paper's place", async () => {
    const { papers } = stores;
    await papers.upsert(feedItem({ arxivId: "2501.00001", title: "First", feedDate: "2025-01-02" }));
    await papers.upsert(seedItem({ title: "A seed paper" }));
    await papers.upsert(feedItem({ arxivId: "2501.00002", title: "Second", feedDate: "2025-01-01" }));
    await papers.upsert(feedItem({ arxivId: "2501.00003", title: "Third", feedDate: "2025-01-03" }));
    await papers.upsert(feedItem({ arxivId: "2501.00001", title: "First", upvotes: 50, feedDate: "2025-01-02" }));
    const newest = await papers.newestInFeed(10);
    expect(newest.map((p) => p.id)).toEqual(["2501.00003", "2501.00002", "2501.00001"]);
    expect(newest[2]).toEqual(await papers.get("2501.00001"));
    expect(newest[2]!.upvotes).toBe(50);
    expect((await papers.newestInFeed(2)).map((p) => p.id)).toEqual(["2501.00003", "2501.00002"]);
    expect(await papers.newestInFeed(0)).toEqual([]);
  });

  it("gives follow suggestions the author lists of the newest feed days' papers and of every group's papers", async () => {
    const { papers, groups, follows } = stores;
    const paper = (n: number, feedDate: string | undefined, authors: string[]) =>
      papers.upsert(feedItem({ arxivId: `2501.0000${n}`, title: `Paper ${n}`, feedDate, authors, source: feedDate ? "hf" : "arxiv" }));
    await paper(1, "2025-01-01", ["Old Author"]);
    await paper(2, "2025-01-03", ["Ana Newest", "Bo Newest"]);
    await paper(3, "2025-01-02", ["Cy Middle"]);
    await paper(4, undefined, ["Dee Grouped"]);
    await paper(5, undefined, ["Ed Nobody"]);
    await groups.add("g1", "2501.00004", "add");
    await groups.add("g2", "2501.00004", "save");
    await groups.add("*", "2501.00001", "seed");
    const sorted = (lists: string[][]) => lists.map((l) => l.join(", ")).sort();
    expect(sorted(await follows.authorLists(2))).toEqual(["Ana Newest, Bo Newest", "Cy Middle", "Dee Grouped", "Old Author"]);
    expect(sorted(await follows.authorLists(3))).toEqual(["Ana Newest, Bo Newest", "Cy Middle", "Dee Grouped", "Old Author", "Old Author"]);
    expect(sorted(await follows.authorLists(0))).toEqual(["Dee Grouped", "Old Author"]);
  });
});

describe.each(backends)("the lexical index in $name", (backend) => {
  beforeEach(async () => {
    stores = await backend.open();
  });

  const titled = {
    arxivId: "2502.00001",
    title: "Sparse attention kernels for transformers",
    abstract: "We speed up inference on long documents.",
  };
  const abstracted = {
    arxivId: "2502.00002",
    title: "Efficient inference",
    abstract: "A survey of pruning and quantization, with a note on sparse attention and its kernels among many other methods.",
  };
  const unrelated = { arxivId: "2502.00003", title: "Protein folding", abstract: "We fold proteins with diffusion models." };

  it("finds candidates for stems in the title or the abstract, title matches first, at most `limit`", async () => {
    const { papers, lexical } = stores;
    for (const p of [abstracted, unrelated, titled]) await papers.upsert(feedItem(p));
    expect(await lexical.candidates([stem("sparse")], 10)).toEqual(["2502.00001", "2502.00002"]);
    // "kernel" stems as "kernels" does: the title's "kernels" and the abstract's "kernels" both count.
    expect(await lexical.candidates([stem("kernel")], 10)).toEqual(["2502.00001", "2502.00002"]);
    expect(await lexical.candidates([stem("quantization")], 10)).toEqual(["2502.00002"]);
    expect(await lexical.candidates([stem("inference")], 10)).toEqual(["2502.00002", "2502.00001"]);
    expect((await lexical.candidates([stem("proteins"), stem("quantization")], 10)).sort()).toEqual(["2502.00002", "2502.00003"]);
    expect(await lexical.candidates([stem("sparse")], 1)).toEqual(["2502.00001"]);
    expect(await lexical.candidates([stem("blockchain")], 10)).toEqual([]);
    expect(await lexical.candidates([], 10)).toEqual([]);
  });

  it("counts document frequencies in one round trip; an update that drops a word lowers its df, one that adds a word raises it", async () => {
    const { papers, lexical } = stores;
    for (const p of [titled, abstracted, unrelated]) await papers.upsert(feedItem(p));
    const ask = [stem("sparse"), stem("inference"), stem("we"), stem("proteins"), stem("blockchain"), stem("quantization")];
    const before = stores.roundTrips?.();
    const df = await lexical.documentFrequencies(ask);
    if (before !== undefined) expect(stores.roundTrips!() - before).toBe(1);
    expect(Object.fromEntries(df)).toEqual({
      [stem("sparse")]: 2,
      [stem("inference")]: 2,
      [stem("we")]: 2,
      [stem("proteins")]: 1,
      [stem("blockchain")]: 0,
      [stem("quantization")]: 1,
    });
    expect(await lexical.paperCount()).toBe(3);

    // The survey's new abstract drops "sparse" and "quantization" and brings "blockchain".
    expect((await papers.upsert(feedItem({ ...abstracted, abstract: "A survey of pruning for blockchain inference." }))).outcome).toBe("updated");
    expect(Object.fromEntries(await lexical.documentFrequencies(ask))).toEqual({
      [stem("sparse")]: 1,
      [stem("inference")]: 2,
      [stem("we")]: 2,
      [stem("proteins")]: 1,
      [stem("blockchain")]: 1,
      [stem("quantization")]: 0,
    });
    expect(await lexical.candidates([stem("quantization")], 10)).toEqual([]);
    expect(await lexical.candidates([stem("blockchain")], 10)).toEqual(["2502.00002"]);

    // A change that leaves the words alone (upvotes) and an unchanged upsert leave the counts alone.
    await papers.upsert(feedItem({ ...titled, upvotes: 99 }));
    await papers.upsert(feedItem(unrelated));
    expect(await lexical.documentFrequencies([stem("sparse"), stem("we")])).toEqual(
      new Map([
        [stem("sparse"), 1],
        [stem("we"), 2],
      ]),
    );
    expect(await lexical.paperCount()).toBe(3);
  });

  it("hands out the texts of many candidates in one call, and the average lengths of titles and abstracts", async () => {
    const { papers, lexical } = stores;
    for (const p of [titled, abstracted, unrelated]) await papers.upsert(feedItem(p));
    const before = stores.roundTrips?.();
    const texts = await lexical.texts(["2502.00003", "2502.00001", "missing"]);
    if (before !== undefined) expect(stores.roundTrips!() - before).toBe(1);
    expect(texts).toEqual(
      new Map([
        ["2502.00003", { title: unrelated.title, abstract: unrelated.abstract }],
        ["2502.00001", { title: titled.title, abstract: titled.abstract }],
      ]),
    );
    expect((await lexical.texts([])).size).toBe(0);
    const words = (k: "title" | "abstract") => [titled, abstracted, unrelated].reduce((n, p) => n + tokenize(p[k]).length, 0) / 3;
    const avg = await lexical.averageLengths();
    expect(avg.title).toBeCloseTo(words("title"), 9);
    expect(avg.abstract).toBeCloseTo(words("abstract"), 9);
  });

  it("lists the title vocabulary in ranges with title counts, all ranges in one round trip; a new title moves the counts", async () => {
    const { papers, lexical } = stores;
    await papers.upsert(feedItem({ arxivId: "2504.00001", title: "Speculative decoding for generalisation", abstract: "Speculation." }));
    await papers.upsert(feedItem({ arxivId: "2504.00002", title: "SPECULATIVE sampling", abstract: "Generalisation of spectrograms." }));
    await papers.upsert(feedItem({ arxivId: "2504.00003", title: "Café Généralisation: spectral GPT-4o methods", abstract: "" }));
    const ranges = [
      { lo: "sp", hi: "sq", minLength: 8, maxLength: 11 },
      { lo: "ge", hi: "gf", minLength: 1, maxLength: 20 },
      { lo: "4", hi: "5", minLength: 2, maxLength: 2 },
      { lo: "zz", hi: "z{", minLength: 1, maxLength: 20 },
    ];
    const before = stores.roundTrips?.();
    expect(await lexical.titleTerms(ranges, 10)).toEqual([
      // Title words only ("speculation" and "spectrograms" are in abstracts), unstemmed, lower case, diacritics removed.
      [
        { term: "spectral", doc: 1 },
        { term: "speculative", doc: 2 },
      ],
      [{ term: "generalisation", doc: 2 }],
      [{ term: "4o", doc: 1 }],
      [],
    ]);
    if (before !== undefined) expect(stores.roundTrips!() - before).toBe(1);
    // At most `limit` words of each range, the first in order.
    expect(await lexical.titleTerms(ranges.slice(0, 2), 1)).toEqual([[{ term: "spectral", doc: 1 }], [{ term: "generalisation", doc: 2 }]]);
    expect(await lexical.titleTerms([], 10)).toEqual([]);

    // A new title drops "sampling" and adds "decoding"; a new abstract leaves the title words alone.
    await papers.upsert(feedItem({ arxivId: "2504.00002", title: "Speculative decoding", abstract: "Generalisation of spectrograms." }));
    await papers.upsert(
      feedItem({ arxivId: "2504.00003", title: "Café Généralisation: spectral GPT-4o methods", abstract: "Now with an abstract." }),
    );
    const near = [
      { lo: "de", hi: "df", minLength: 1, maxLength: 20 },
      { lo: "sa", hi: "sb", minLength: 1, maxLength: 20 },
      { lo: "sp", hi: "sq", minLength: 1, maxLength: 20 },
    ];
    expect(await lexical.titleTerms(near, 10)).toEqual([
      [{ term: "decoding", doc: 2 }],
      [],
      [
        { term: "spectral", doc: 1 },
        { term: "speculative", doc: 2 },
      ],
    ]);
  });

  it("gives spelling correction the same title words to correct a misspelt 8+-letter word to", async () => {
    const { papers, lexical } = stores;
    await papers.upsert(feedItem({ arxivId: "2504.00001", title: "Speculative decoding for generalisation", abstract: "Speculation." }));
    await papers.upsert(feedItem({ arxivId: "2504.00002", title: "Speculation and specialist models", abstract: "" }));
    await papers.upsert(feedItem({ arxivId: "2504.00003", title: "Café Généralisation: speculative GPT-4o methods", abstract: "" }));
    await papers.upsert(feedItem({ arxivId: "2504.00004", title: "Modelling speech", abstract: "" }));
    await papers.upsert(feedItem({ arxivId: "2504.00005", title: "Modeling speech", abstract: "" }));
    await papers.upsert(feedItem({ arxivId: "2504.00006", title: "Modeling text", abstract: "" }));
    const correct = async (word: string) => bestCorrection(word, (await lexical.titleTerms([correctionRange(word)!], SCAN_LIMIT))[0]!);
    expect(await correct("speculatve")).toBe("speculative");
    expect(await correct("speculatie")).toBe("speculative");
    // Two words one edit away ("modelling", "modeling"): the one more titles have.
    expect(await correct("modellng")).toBe("modeling");
    expect(await correct("generalsation")).toBe("generalisation");
    expect(await correct("specialst")).toBe("specialist");
    expect(await correct("blockchain")).toBeUndefined();
  });

  it("finds stems of unusual words: digits, non-ASCII letters, and stems Porter changes", async () => {
    const { papers, lexical } = stores;
    await papers.upsert(feedItem({ arxivId: "2503.00001", title: "GPT-4o and Café Généralisation", abstract: "Generalization of 3D models." }));
    for (const word of ["gpt", "4o", "café", "généralisation", "generalization", "3d", "models"]) {
      expect(await lexical.candidates([stem(word)], 5), word).toEqual(["2503.00001"]);
      expect((await lexical.documentFrequencies([stem(word)])).get(stem(word)), word).toBe(1);
    }
    expect(stems("Generalization of 3D models.")).toContain(stem("generalization"));
  });
});

if (withPostgres) {
  // Two pools on one database stand for two machines sharing it.
  describe("PostgreSQL papers shared by two machines", () => {
    beforeEach(async () => {
      await empty();
    });

    it("two pools upserting the same paper at once end with one row and df counted once", async () => {
      const [a, b] = [new PostgresPaperRecords(pool()), new PostgresPaperRecords(other())];
      const lexical = new PostgresLexicalIndexStore(pool());
      const outcomes = await Promise.all([
        ...Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).upsert(seedItem())),
        ...Array.from({ length: 6 }, (_, i) => (i % 2 ? b : a).upsert(feedItem())),
      ]);
      const ids = new Set(outcomes.map((o) => o.id));
      expect(ids.size).toBe(1);
      expect(outcomes.filter((o) => o.outcome === "added")).toHaveLength(1);
      expect(await a.count()).toBe(1);
      const { rows } = await pool().query<{ n: number }>("SELECT count(*)::int AS n FROM papers");
      expect(rows[0]!.n).toBe(1);
      expect(await b.get("2408.12757")).toMatchObject({ arxivId: "2408.12757", organization: "University of Washington", source: "hf" });
      const words = stems(`${feedItem().title} ${feedItem().abstract}`);
      expect([...(await lexical.documentFrequencies(words)).values()]).toEqual(words.map(() => 1));
      const { rows: stats } = await pool().query<{ n: number }>("SELECT count(*)::int AS n FROM term_stats WHERE df <> 0");
      expect(stats[0]!.n).toBe(words.length);
    });

    it("two pools adding many papers that share words at once lose no count", async () => {
      const [a, b] = [new PostgresPaperRecords(pool()), new PostgresPaperRecords(other())];
      const lexical = new PostgresLexicalIndexStore(pool());
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? a : b).upsert(
            feedItem({ arxivId: `2504.${String(i).padStart(5, "0")}`, title: `Shared words paper ${i}`, abstract: `Common abstract ${i % 4}.` }),
          ),
        ),
      );
      expect(await lexical.paperCount()).toBe(40);
      // "0": the ten abstracts of i % 4 = 0 (paper 0's title among them); "39": paper 39's title only.
      const df = await lexical.documentFrequencies([stem("shared"), stem("common"), stem("0"), stem("3"), stem("39")]);
      expect(Object.fromEntries(df)).toEqual({ [stem("shared")]: 40, [stem("common")]: 40, "0": 10, "3": 10, "39": 1 });
    });
  });

  describe("PostgreSQL postings (paper_terms)", () => {
    beforeEach(async () => {
      await empty();
    });

    const postings = async () =>
      (
        await pool().query(
          `SELECT p.id, t.stem, t.tf_title, t.tf_abstract, t.words FROM paper_terms t JOIN papers p ON p.seq = t.paper_seq
           ORDER BY p.id, t.stem`,
        )
      ).rows;

    it("copyIn writes the postings upsert writes, and a text change rewrites a paper's postings", async () => {
      const records = new PostgresPaperRecords(pool());
      const texts = [
        { arxivId: "2504.00001", title: "Sparse sparse attention", abstract: "Attention kernels: sparse ones, dense ones." },
        { arxivId: "2504.00002", title: "Kernels", abstract: "Fast kernels for sparse attention." },
      ];
      for (const t of texts) await records.upsert(feedItem(t));
      const upserted = await postings();
      expect(upserted).toContainEqual({ id: "2504.00001", stem: stem("sparse"), tf_title: 2, tf_abstract: 1, words: 9 });
      const { rows } = await pool().query(
        `SELECT id, ${CONTENT_COLUMNS.join(", ")}, first_seen_at::text, updated_at::text, ARRAY[title_key] AS title_keys FROM papers ORDER BY seq`,
      );
      await empty();
      expect(await postings()).toEqual([]);
      await records.copyIn(rows);
      expect(await postings()).toEqual(upserted);

      await records.upsert(feedItem({ ...texts[1]!, abstract: "Slow kernels." }));
      const after = (await postings()).filter((r) => r.id === "2504.00002");
      expect(after).toEqual(
        [stem("kernels"), stem("slow")]
          .sort()
          .map((s) => ({ id: "2504.00002", stem: s, tf_title: s === stem("kernels") ? 1 : 0, tf_abstract: 1, words: 3 })),
      );
    });
  });
}
