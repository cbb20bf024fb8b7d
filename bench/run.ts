import { Command } from "commander";
import { benchIngest } from "./ingest.js";
import { benchRetrieval } from "./retrieval.js";
import { benchPgRetrieval } from "./pgRetrieval.js";
import { benchScale } from "./scale.js";
import { benchPgScale } from "./pgScale.js";
import { benchCoverageTuning } from "./coverageTuning.js";
import { benchDigestRank } from "./digestRank.js";
import { benchDigestFeedback } from "./digestFeedback.js";
import { benchFulltextAnswers } from "./fulltextAnswers.js";
import { benchFulltextExtraction } from "./fulltextExtraction.js";
import { benchFailover } from "./failover.js";

const program = new Command("bench").description("paperbot benchmarks: they print figures and never gate CI");
const count = (v: string) => Number(v.replace(/_/g, ""));

program
  .command("ingest")
  .description("ingest N synthetic papers; report papers/s beside a plain SQLite FTS5 load of the same papers, database size and peak RSS")
  .option("-n, --papers <n>", "how many papers", count, 200_000)
  .option("--million", "1,000,000 papers")
  .option("--keep <db>", "keep the database at this path (reused by `bench scale`)")
  .option("--snapshot <file>", "use this synthetic snapshot instead of generating one")
  .option("--one-pass-only", "compare with the one-pass plain FTS5 load only (the trigger load takes 10 minutes at 1M)")
  .option(
    "--postgres",
    "also load the snapshot into PostgreSQL: plainly (one COPY, GIN index) and through paperbot's bulk upserts (PAPERBOT_BENCH_DATABASE_URL, else a throw-away server)",
  )
  .action(async (o: { papers: number; million?: boolean; keep?: string; snapshot?: string; onePassOnly?: boolean; postgres?: boolean }) => {
    await benchIngest(o.million ? 1_000_000 : o.papers, {
      keep: o.keep,
      snapshot: o.snapshot,
      onePassOnly: o.onePassOnly,
      postgres: o.postgres,
    });
  });

program
  .command("retrieval")
  .description("quality (R@1, R@5, MRR@10, multi recall@10) and speed of this project's retriever against other search engines")
  .option("--only <name>", "run only engines whose name contains this")
  .option(
    "--postgres",
    "instead: the dev set through the shipped search and the async ranker alone, on SQLite and on PostgreSQL (PAPERBOT_TEST_DATABASE_URL, else a throw-away server)",
  )
  .option("--papers <n>", "with --postgres: also load this many synthetic papers into both stores (bench/synthetic.ts)", (v) =>
    Number.parseInt(v, 10),
  )
  .action((o: { only?: string; postgres?: boolean; papers?: number }) => (o.postgres ? benchPgRetrieval({ papers: o.papers }) : benchRetrieval(o)));

program
  .command("coverage")
  .description('how the offline "not covered" signal was calibrated: a grid on the tune half of bench/dev, held-out beside it')
  .action(() => benchCoverageTuning());

program
  .command("digest")
  .description("the daily post ranked for the seed group (for-us) against trending and a tf-idf baseline, on the labelled dev days")
  .option("--tune", "also print the parameter grid on the tune days, best first")
  .option("--feedback", "only the feedback simulation: the dev days in date order, 👍/👎 from the labels after each post")
  .option("--cli", "with --feedback: the same protocol through paperbot digest --dry-run --json and paperbot vote (child processes)")
  .option("--labels <file>", "with --feedback: other labelled days (interest-labels.jsonl's shape)")
  .option("--feed <dir>", "with --labels: the folder of those days' feed files, YYYY-MM-DD.json")
  .action(async (o: { tune?: boolean; feedback?: boolean; cli?: boolean; labels?: string; feed?: string }) => {
    if (!o.feedback) await benchDigestRank(o);
    await benchDigestFeedback(o);
  });

program
  .command("failover")
  .description("exactly once across processes: two bots race for the same posts, one killed with SIGKILL at a random moment and restarted, N times")
  .option("--trials <n>", "how many trials", count, 50)
  .option("--postgres", "the bots share a PostgreSQL (PAPERBOT_TEST_DATABASE_URL, else a throw-away server) instead of a SQLite file")
  .action((o: { trials: number; postgres?: boolean }) => benchFailover(o));

program
  .command("scale")
  .description("search, autocomplete and name-resolution latency at 100k (and 1M) synthetic papers")
  .option("--million", "also 1,000,000 papers (builds a 1M database under bench/out the first time: several minutes)")
  .option("--db <file>", "use this database of synthetic papers instead of bench/out/synthetic-N.db")
  .option(
    "--postgres",
    "instead: the same papers in SQLite and in PostgreSQL (bulk upserts; PAPERBOT_BENCH_DATABASE_URL, else a throw-away server), search p95 of both beside plain FTS5 and ts_rank queries",
  )
  .option("--papers <n>", "with --postgres: how many synthetic papers (default 100,000)", count)
  .action(async (o: { million?: boolean; db?: string; postgres?: boolean; papers?: number }) => {
    if (o.postgres) return benchPgScale(o.papers ?? 100_000);
    if (o.db) return benchScale(0, { db: o.db });
    await benchScale(100_000);
    if (o.million) await benchScale(1_000_000);
  });

program
  .command("fulltext")
  .description(
    "full text of the dev PDFs (../shared/dev/fulltext): extraction (evidence found per page and per chunk, pages/s, peak RSS) and answers (gold page in the top-5 passages, gold paper cited, evidence in the model's prompt, latency)",
  )
  .option("--extraction", "only extraction quality and speed for each PDF method")
  .option("--answers", "only passages, citations, the model's prompt and latency of answers")
  .action(async (o: { extraction?: boolean; answers?: boolean }) => {
    if (o.extraction || !o.answers) await benchFulltextExtraction();
    if (o.answers || !o.extraction) await benchFulltextAnswers();
  });

await program.parseAsync(process.argv.slice(2), { from: "user" });
