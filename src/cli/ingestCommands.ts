import type { Command } from "commander";
import { UsageError, UserError } from "../config/errors.js";
import { bundledSeedPage } from "../config/paths.js";
import { ingestArxivSnapshot } from "../ingest/ingestArxiv.js";
import { ingestHfDates, ingestHfFiles } from "../ingest/ingestHf.js";
import { ingestSeedPage } from "../ingest/ingestSeed.js";
import { dateRange, FeedFormatError } from "../ingest/hfDailyPapers.js";
import { formatSummary, type IngestSummary } from "../ingest/summary.js";
import type { CliContext } from "./context.js";
import { formatEmbedSummary } from "../retrieval/embedBacklog.js";
import { addToCollection } from "../ingest/addToCollection.js";
import { isoDate, positiveInt } from "./parsers.js";

export function addIngestCommands(program: Command, ctx: CliContext): void {
  const ingest = program.command("ingest").description("add papers to the collection");
  const report = async (what: string, load: () => Promise<IngestSummary>) => {
    const collection = {
      stores: await ctx.stores(),
      embeddings: ctx.embeddings(),
      log: ctx.log,
      progress: (label: string, total: number) => ctx.progress(label, total),
    };
    const added = await addToCollection(collection, load);
    ctx.io.out(formatSummary(what, added.summary));
    if (added.mergedSeconds !== undefined) ctx.io.out(`optimized the search indexes in ${added.mergedSeconds.toFixed(1)} s`);
    if (added.embedded) ctx.io.out(formatEmbedSummary(collection.embeddings!.model, added.embedded));
    if (added.embedError) ctx.io.err(`paperbot: papers were saved, but embedding them failed (run \`paperbot embed\` to retry): ${added.embedError}`);
  };

  ingest
    .command("seed")
    .description("load a saved Hugging Face Daily Papers page (default: the bundled one)")
    .option("--file <path>", "the page as plain text", bundledSeedPage)
    .option("--capture-year <year>", "the year of the page's capture date (default: inferred)", positiveInt(9999))
    .action(async (opts: { file: string; captureYear?: number }) => {
      const stores = await ctx.stores({ seed: false });
      await report("seed page", () => ingestSeedPage(stores, opts.file, { captureYear: opts.captureYear }));
    });

  ingest
    .command("hf")
    .description("load Hugging Face Daily Papers items from JSON files or from the API")
    .option("--file <path>", "a JSON file holding an array of items, or a folder of such files")
    .option("--date <YYYY-MM-DD>", "fetch one day from the API", isoDate)
    .option("--since <YYYY-MM-DD>", "fetch every day from this date (backfill)", isoDate)
    .option("--until <YYYY-MM-DD>", "last day of a --since backfill (default: today, UTC)", isoDate)
    .action(async (opts: { file?: string; date?: string; since?: string; until?: string }) => {
      const sources = [opts.file, opts.date, opts.since].filter(Boolean).length;
      if (sources !== 1) throw new UsageError("give exactly one of --file, --date or --since");
      const { papers } = await ctx.stores();
      if (opts.file) return await report(`hf files ${opts.file}`, () => ingestHfFiles(papers, opts.file!));
      const dates = opts.date ? [opts.date] : dateRange(opts.since!, opts.until ?? new Date().toISOString().slice(0, 10));
      if (!dates.length) throw new UsageError("--since is after --until");
      await report(`hf api ${dates[0]}..${dates.at(-1)}`, () =>
        ingestHfDates(papers, ctx.config.hfApiBase, dates, { log: ctx.log }).catch((err: unknown) => {
          if (err instanceof FeedFormatError && err.date !== dates[0])
            throw new UserError(`${err.message}; the days before it were saved (go on with --since ${err.date})`);
          throw err;
        }),
      );
    });

  ingest
    .command("arxiv")
    .description("stream an arXiv metadata snapshot (JSON lines), e.g. the public arxiv-metadata-oai-snapshot.json")
    .argument("<file>")
    .option("--category <prefix>", "keep only papers with a category starting with this, e.g. cs.DC")
    .action(async (file: string, opts: { category?: string }) => {
      const { papers } = await ctx.stores();
      await report(`arxiv ${file}`, () =>
        ingestArxivSnapshot(papers, file, { category: opts.category, progress: (total) => ctx.progress("arxiv", total) }),
      );
    });
}
