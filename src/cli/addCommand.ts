import type { Command } from "commander";
import fs from "node:fs";
import { UsageError, UserError } from "../config/errors.js";
import { createFullTextReader, describeOutcome } from "../ingest/fullTextReader.js";
import { PdfError } from "../ingest/pdf/pdfDocument.js";
import { addPapers, type AddOutcome } from "../ingest/addPapers.js";
import { parsePaperRefs } from "../ingest/paperRefs.js";
import { EVERY_GROUP } from "../store/groupPapers.js";
import type { CliContext } from "./context.js";
import { guildOption } from "./parsers.js";
import { userText } from "../text/userText.js";

/** Papers one `paperbot add` takes (the bot takes fewer: each gets a card). */
const CLI_MAX_PAPERS = 50;

const FROM = { hf: "Hugging Face", arxiv: "arXiv" } as const;

/** "added 2602.01053 (Hugging Face): LRAgent: ..." and so on, one line per paper. */
export function outcomeLine(o: AddOutcome, group: string): string {
  const id = o.ref.arxivId;
  switch (o.status) {
    case "added":
      return `added ${id} (${o.from ? FROM[o.from] : "collection"}): ${o.paper.title}`;
    case "known":
      return `already known ${id}: ${o.paper.title}${o.newToGroup ? ` (now counted as ${group === EVERY_GROUP ? "the installation's" : `server ${group}'s`})` : ""}`;
    case "unknown":
      return `unknown ${id}: neither Hugging Face nor arXiv knows this paper`;
    case "failed":
      return `failed ${id}: ${o.problem}`;
  }
}

export function addAddCommand(program: Command, ctx: CliContext): void {
  program
    .command("add")
    .description("add papers by arXiv id or link (Hugging Face's paper API, else arXiv's) as the group's own papers")
    .argument("[papers...]", "arXiv ids or links (arxiv.org/abs/…, arxiv.org/pdf/…, huggingface.co/papers/…)")
    .option(
      "--pdf <file>",
      "add a local PDF: matched to a known paper by its arXiv id or title, else a new paper from its first page; its full text is read",
    )
    .option(
      "--guild <id>",
      `the Discord server whose papers they become (default ${EVERY_GROUP}: every server of the installation)`,
      guildOption,
      EVERY_GROUP,
    )
    .action(async (papers: string[], opts: { guild: string; pdf?: string }) => {
      if (opts.pdf) {
        if (papers.length) throw new UsageError("give either --pdf FILE or arXiv ids, not both");
        return addPdf(ctx, opts.pdf, opts.guild);
      }
      const refs = parsePaperRefs(userText(papers.join(" ")), CLI_MAX_PAPERS);
      const stores = await ctx.stores();
      const { config, log } = ctx;
      const outcomes = await addPapers(
        { stores, embeddings: ctx.embeddings(), log },
        { hfApiBase: config.hfApiBase, arxivApiBase: config.arxivApiBase, lookup: { log } },
        refs,
        { guildId: opts.guild },
      );
      for (const o of outcomes) ctx.io.out(outcomeLine(o, opts.guild));
      const missed = outcomes.filter((o) => o.status === "failed" || o.status === "unknown").length;
      if (missed) throw new UserError(`${missed} of ${outcomes.length} ${outcomes.length === 1 ? "paper was" : "papers were"} not added`);
    });
}

/** `paperbot add --pdf FILE`: one line, "added …: read 14 pages" or "already known …: read 14 pages". */
async function addPdf(ctx: CliContext, file: string, guildId: string): Promise<void> {
  let bytes: Uint8Array;
  try {
    const size = fs.statSync(file).size;
    const max = ctx.config.fulltext.maxPdfMb * 1024 * 1024;
    if (size > max)
      throw new UserError(
        `${file} is ${(size / 1024 / 1024).toFixed(1)} MB, more than the ${ctx.config.fulltext.maxPdfMb} MB limit (PAPERBOT_PDF_MAX_MB)`,
      );
    bytes = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const reader = createFullTextReader(ctx.config, await ctx.stores(), ctx.log);
  try {
    const { paper, created, outcome } = await reader.attach(bytes, "file", { guildId });
    ctx.io.out(`${created ? "added" : "already known"} ${paper.arxivId ?? paper.id}: ${paper.title}: ${describeOutcome(outcome)}`);
  } catch (err) {
    if (err instanceof PdfError) throw new UserError(`${file}: ${err.message}`);
    throw err;
  }
}
