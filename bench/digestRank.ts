import fs from "node:fs";
import path from "node:path";
import { loadGroupProfile, type GroupProfile } from "../src/digest/groupProfile.js";
import { collectionIdf } from "../src/digest/collectionIdf.js";
import { FOR_US_WEIGHTS, groupRanker, rankedTexts, type RankWeights } from "../src/digest/rankForGroup.js";
import { selectPapers, type PaperRanker } from "../src/digest/selectPapers.js";
import { parseHfItems, type HfItem } from "../src/ingest/hfItem.js";
import { sqliteStores } from "../src/store/stores.js";
import { corpusDir } from "./ingest.js";
import { benchCollection } from "./retrieval.js";

const LABELS = path.resolve(import.meta.dirname, "dev/interest-labels.jsonl");
export const POST = 5;

export interface Day {
  date: string;
  items: HfItem[];
  labels: Map<string, number>;
}

/** Labelled days (interest-labels.jsonl's shape) with their feed files (`DIR/YYYY-MM-DD.json`, the Hugging Face API's shape). */
export function loadDays(labels = LABELS, feedDir = corpusDir): Day[] {
  const byDate = new Map<string, Map<string, number>>();
  for (const line of fs.readFileSync(labels, "utf8").split("\n").filter(Boolean)) {
    const l = JSON.parse(line) as { id: string; date: string; label: number };
    if (!byDate.has(l.date)) byDate.set(l.date, new Map());
    byDate.get(l.date)!.set(l.id, l.label);
  }
  return [...byDate.keys()].sort().map((date) => ({
    date,
    items: parseHfItems(JSON.parse(fs.readFileSync(path.join(feedDir, `${date}.json`), "utf8"))).items,
    labels: byDate.get(date)!,
  }));
}

const gain = (label: number) => 2 ** label - 1;

function dcg(labels: number[]): number {
  return labels.reduce((n, l, i) => n + gain(l) / Math.log2(i + 2), 0);
}

/** nDCG@5 of what was posted against the day's best 5, and the share of posted papers with label ≥ 1. */
export function scorePosted(day: Day, posted: readonly string[]): { ndcg: number; inScope: number } {
  const got = posted.map((id) => day.labels.get(id) ?? 0);
  const ideal = [...day.labels.values()].sort((a, b) => b - a).slice(0, POST);
  const best = dcg(ideal);
  return { ndcg: best ? dcg(got) / best : 0, inScope: got.length ? got.filter((l) => l >= 1).length / got.length : 0 };
}

/** The day's post through the digest's own selection path (no topic filters, no minimum), scored; and what was posted. */
export function scoreDay(day: Day, rank?: PaperRanker): { score: { ndcg: number; inScope: number }; posted: string[] } {
  const sel = selectPapers(day.items, { date: day.date, count: POST, include: [], exclude: [], minUpvotes: 0, rank });
  const posted = sel.papers.map((i) => i.paper.id);
  return { score: scorePosted(day, posted), posted };
}

function evaluate(days: Day[], rank?: PaperRanker): { ndcg: number; inScope: number } {
  const s = days.map((d) => scoreDay(d, rank).score);
  const mean = (f: (x: { ndcg: number; inScope: number }) => number) => s.reduce((n, x) => n + f(x), 0) / (s.length || 1);
  return { ndcg: mean((x) => x.ndcg), inScope: mean((x) => x.inScope) };
}

const f = (x: number) => x.toFixed(2);

/** The tf-idf baseline of the issue: mean cosine of the 3 closest seed papers, no upvotes, plain fields. */
export const BASELINE_WEIGHTS: RankWeights = {
  k: 3,
  titleWeight: 1,
  keywordWeight: 0,
  upvoteWeight: 0,
  idfPower: 1,
  interestWeight: 0,
  background: 0,
  likedWeight: 0,
  dislikedWeight: 0,
  feedbackK: 3,
  voteCap: 2,
};

function grid(): RankWeights[] {
  const out: RankWeights[] = [];
  for (const k of [8, 15, 30])
    for (const titleWeight of [1, 2])
      for (const upvoteWeight of [0.05, 0.1, 0.2])
        for (const idfPower of [1])
          for (const background of [0, 1, 1.5, 2, 3])
            out.push({ ...FOR_US_WEIGHTS, k, titleWeight, keywordWeight: 1, upvoteWeight, idfPower, interestWeight: 0, background });
  return out;
}

export async function benchDigestRank(opts: { tune?: boolean } = {}): Promise<void> {
  const { store, cleanup } = await benchCollection();
  try {
    const stores = sqliteStores(store);
    const profile: GroupProfile = await loadGroupProfile({ stores });
    const days = loadDays();
    const idf = await collectionIdf(
      stores,
      rankedTexts(
        days.flatMap((d) => d.items),
        profile,
      ),
    );
    const tune = days.filter((_, i) => i % 2 === 0);
    const held = days.filter((_, i) => i % 2 === 1);
    console.log(
      `digest ranking: ${days.length} labelled dev days (${days.reduce((n, d) => n + d.items.length, 0)} feed papers), ` +
        `profile = ${profile.papers.length} seed papers; top ${POST} per day`,
    );
    console.log(`tune days: ${tune.map((d) => d.date.slice(5)).join(" ")}; held-out days: ${held.map((d) => d.date.slice(5)).join(" ")}\n`);
    if (opts.tune) {
      const rows = grid().map((w) => ({ w, t: evaluate(tune, groupRanker(profile, idf, w)), h: evaluate(held, groupRanker(profile, idf, w)) }));
      rows.sort((a, b) => b.t.ndcg - a.t.ndcg || b.t.inScope - a.t.inScope);
      console.log("| k | title × | upvote w | idf^ | background | tune nDCG@5 | tune in scope | held-out nDCG@5 | held-out in scope |");
      console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
      for (const r of rows.slice(0, 25))
        console.log(
          `| ${r.w.k} | ${r.w.titleWeight} | ${r.w.upvoteWeight} | ${r.w.idfPower} | ${r.w.background} | ${f(r.t.ndcg)} | ${f(r.t.inScope)} | ${f(r.h.ndcg)} | ${f(r.h.inScope)} |`,
        );
      console.log("");
    }
    const w = FOR_US_WEIGHTS;
    const methods: { name: string; rank?: PaperRanker }[] = [
      { name: "trending (most upvoted)" },
      { name: "tf-idf baseline (mean cosine of the 3 closest seed papers)", rank: groupRanker(profile, idf, BASELINE_WEIGHTS) },
      {
        name: `for-us (k ${w.k}, title × ${w.titleWeight}, upvote w ${w.upvoteWeight}, idf^${w.idfPower}, background ${w.background})`,
        rank: groupRanker(profile, idf),
      },
    ];
    console.log("| ranking, top 5 | nDCG@5 all | in scope all | nDCG@5 tune | in scope tune | nDCG@5 held-out | in scope held-out |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const m of methods) {
      const [a, t, h] = [evaluate(days, m.rank), evaluate(tune, m.rank), evaluate(held, m.rank)];
      console.log(`| ${m.name} | ${f(a.ndcg)} | ${f(a.inScope)} | ${f(t.ndcg)} | ${f(t.inScope)} | ${f(h.ndcg)} | ${f(h.inScope)} |`);
    }
  } finally {
    cleanup();
  }
}
