import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { bundledSeedPage } from "../src/config/paths.js";
import { loadGroupProfile } from "../src/digest/groupProfile.js";
import { collectionIdf } from "../src/digest/collectionIdf.js";
import { FOR_US_WEIGHTS, groupRanker, rankedTexts, type RankWeights } from "../src/digest/rankForGroup.js";
import type { PaperRanker } from "../src/digest/selectPapers.js";
import { ingestHfFiles } from "../src/ingest/ingestHf.js";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { FOR_US_SIGNALS } from "../src/digest/signals/forUs.js";
import type { RankSignal } from "../src/digest/signals/signal.js";
import { EVERY_GROUP } from "../src/store/groupPapers.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import { CLI_VOTER } from "../src/store/paperVotes.js";
import { sqliteStores } from "../src/store/stores.js";
import { corpusDir } from "./ingest.js";
import { BASELINE_WEIGHTS, loadDays, POST, scoreDay, scorePosted, type Day } from "./digestRank.js";
import { FakeHuggingFace } from "../test/fakes/huggingface.js";
import { runBin } from "../test/helpers/runBin.js";

export interface DayScore {
  date: string;
  ndcg: number;
  inScope: number;
}

type Method = "trending" | "baseline" | "for-us" | "for-us + feedback";

/**
 * The labelled dev days in date order on a fresh database fed day by day, as the bot meets them:
 * each day is ranked, posted (top 5) and, with feedback, the simulated group 👍s the posted papers
 * labelled 2 and 👎s those labelled 0, through the same vote store the bot and `paperbot vote` use.
 */
export async function simulate(
  method: Method,
  weights: RankWeights = FOR_US_WEIGHTS,
  days: Day[] = loadDays(),
  signals: readonly RankSignal[] = FOR_US_SIGNALS,
): Promise<DayScore[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paperbot-feedback-"));
  const store = openStore(path.join(dir, "sim.db"));
  try {
    const stores = sqliteStores(store);
    await ingestSeedPage(stores, bundledSeedPage);
    const out: DayScore[] = [];
    for (const day of days) {
      await ingestHfFiles(stores.papers, path.join(corpusDir, `${day.date}.json`));
      let rank: PaperRanker | undefined;
      if (method !== "trending") {
        const profile = await loadGroupProfile({ stores });
        const idf = await collectionIdf(stores, rankedTexts(day.items, profile));
        rank = groupRanker(profile, idf, method === "baseline" ? BASELINE_WEIGHTS : weights, signals);
      }
      const { score, posted } = scoreDay(day, rank);
      out.push({ date: day.date, ...score });
      if (method === "for-us + feedback")
        for (const id of posted) {
          const label = day.labels.get(id) ?? 0;
          if (label === 2) await stores.votes.set(EVERY_GROUP, id, CLI_VOTER, "up");
          if (label === 0) await stores.votes.set(EVERY_GROUP, id, CLI_VOTER, "down");
        }
    }
    return out;
  } finally {
    store.db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same protocol as a user runs it: a fresh database, and each day `paperbot digest --date D
 * --dry-run --json` against a local fake of the Hugging Face API serving `feedDir`, then `paperbot
 * vote up` / `vote down` for the posted papers by their labels.
 */
export async function simulateCli(feedback: boolean, days: Day[], feedDir = corpusDir): Promise<DayScore[]> {
  const hf = FakeHuggingFace.fromCorpus(feedDir);
  await hf.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paperbot-feedback-cli-"));
  const env = { PAPERBOT_DB: path.join(dir, "paperbot.db"), HF_API_BASE: hf.url };
  const run = async (args: string[]) => {
    const r = await runBin(args, env);
    if (r.code !== 0) throw new Error(`paperbot ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  try {
    const out: DayScore[] = [];
    for (const day of days) {
      const posted = (JSON.parse(await run(["digest", "--date", day.date, "--dry-run", "--json"])) as { papers: { id: string }[] }).papers.map(
        (p) => p.id,
      );
      out.push({ date: day.date, ...scorePosted(day, posted) });
      if (!feedback) continue;
      const up = posted.filter((id) => day.labels.get(id) === 2);
      const down = posted.filter((id) => (day.labels.get(id) ?? 0) === 0);
      if (up.length) await run(["vote", "up", ...up]);
      if (down.length) await run(["vote", "down", ...down]);
    }
    return out;
  } finally {
    await hf.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const avg = (xs: DayScore[], f: (d: DayScore) => number) => xs.reduce((n, d) => n + f(d), 0) / (xs.length || 1);
const f2 = (x: number) => x.toFixed(2);

export function feedbackGrid(): RankWeights[] {
  const out: RankWeights[] = [];
  for (const likedWeight of [0.5, 1, 2, 3])
    for (const dislikedWeight of [0, 0.5, 1, 2, 3])
      for (const feedbackK of [3, 5, 8]) out.push({ ...FOR_US_WEIGHTS, likedWeight, dislikedWeight, feedbackK });
  return out;
}

/** `npm run bench -- digest --feedback [--tune]`: the simulation per day, first and last five days, with and without feedback. */
export async function benchDigestFeedback(opts: { tune?: boolean; cli?: boolean; labels?: string; feed?: string } = {}): Promise<void> {
  const days = loadDays(opts.labels, opts.feed);
  if (opts.cli) {
    console.log(
      `feedback through the CLI: ${days.length} labelled days in date order (${days[0]?.date} to ${days.at(-1)?.date}), top ${POST} a day\n`,
    );
    const without = await simulateCli(false, days, opts.feed);
    const withVotes = await simulateCli(true, days, opts.feed);
    console.log("| day | for-us nDCG@5 | in scope | for-us + votes nDCG@5 | in scope |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    days.forEach((d, i) =>
      console.log(`| ${d.date} | ${f2(without[i]!.ndcg)} | ${f2(without[i]!.inScope)} | ${f2(withVotes[i]!.ndcg)} | ${f2(withVotes[i]!.inScope)} |`),
    );
    const half = Math.floor(days.length / 2);
    for (const [name, a, b] of [
      ["first half", 0, half],
      ["second half", half, days.length],
    ] as const) {
      const w = without.slice(a, b);
      const v = withVotes.slice(a, b);
      console.log(
        `| **${name}** | ${f2(avg(w, (d) => d.ndcg))} | ${f2(avg(w, (d) => d.inScope))} | ${f2(avg(v, (d) => d.ndcg))} | ${f2(avg(v, (d) => d.inScope))} |`,
      );
    }
    return;
  }
  console.log(`feedback simulation: ${days.length} labelled dev days in date order, top ${POST} a day, fresh database fed day by day\n`);
  if (opts.tune) {
    const rows: { w: RankWeights; first: number; last: number }[] = [];
    for (const w of feedbackGrid()) {
      const s = await simulate("for-us + feedback", w, days);
      rows.push({ w, first: avg(s.slice(0, 5), (d) => d.ndcg), last: avg(s.slice(5), (d) => d.ndcg) });
    }
    rows.sort((a, b) => b.last - a.last || b.first - a.first);
    console.log("| liked w | disliked w | feedback k | nDCG@5 first five | nDCG@5 last five |");
    console.log("| ---: | ---: | ---: | ---: | ---: |");
    for (const r of rows.slice(0, 15))
      console.log(`| ${r.w.likedWeight} | ${r.w.dislikedWeight} | ${r.w.feedbackK} | ${f2(r.first)} | ${f2(r.last)} |`);
    console.log("");
  }
  const methods: Method[] = ["trending", "baseline", "for-us", "for-us + feedback"];
  const results = new Map<Method, DayScore[]>();
  for (const m of methods) results.set(m, await simulate(m, FOR_US_WEIGHTS, days));
  console.log(`| day | ${methods.map((m) => `${m} nDCG@5 | in scope`).join(" | ")} |`);
  console.log(`| --- | ${methods.map(() => "---: | ---:").join(" | ")} |`);
  days.forEach((d, i) => {
    console.log(`| ${d.date} | ${methods.map((m) => `${f2(results.get(m)![i]!.ndcg)} | ${f2(results.get(m)![i]!.inScope)}`).join(" | ")} |`);
  });
  for (const [name, slice] of [
    ["first five", [0, 5]],
    ["last five", [5, 10]],
  ] as const) {
    const part = (m: Method) => results.get(m)!.slice(slice[0], slice[1]);
    console.log(`| **${name}** | ${methods.map((m) => `${f2(avg(part(m), (d) => d.ndcg))} | ${f2(avg(part(m), (d) => d.inScope))}`).join(" | ")} |`);
  }
  // One row per signal: what the whole (with feedback) loses without it. A new signal is a file in src/digest/signals/ and a row here.
  console.log("\n| for-us + feedback | nDCG@5 first five | in scope | nDCG@5 last five | in scope |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const drop of [undefined, ...FOR_US_SIGNALS]) {
    const s = await simulate("for-us + feedback", FOR_US_WEIGHTS, days, drop ? FOR_US_SIGNALS.filter((x) => x !== drop) : FOR_US_SIGNALS);
    const [first, last] = [s.slice(0, 5), s.slice(5)];
    console.log(
      `| ${drop ? `without “${drop.name}”` : "all signals"} | ${f2(avg(first, (d) => d.ndcg))} | ${f2(avg(first, (d) => d.inScope))} | ${f2(avg(last, (d) => d.ndcg))} | ${f2(avg(last, (d) => d.inScope))} |`,
    );
  }
}
