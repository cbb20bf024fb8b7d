import type { Command } from "commander";
import { UsageError, UserError } from "../config/errors.js";
import { createFullTextReader, describeOutcome } from "../ingest/fullTextReader.js";
import { EVERY_GROUP, type GroupPaperStore } from "../store/groupPapers.js";
import type { CliContext } from "./context.js";
import { guildOption } from "./parsers.js";

/** The papers of a group's profile worth fetching: added and saved ones, and seed papers with an arXiv id. */
async function groupPaperIds(groups: GroupPaperStore, guildId: string, hasArxivId: (id: string) => Promise<boolean>): Promise<string[]> {
  const ids: string[] = [];
  for (const g of guildId === EVERY_GROUP ? [EVERY_GROUP] : [guildId, EVERY_GROUP])
    for (const via of ["add", "save", "seed"] as const)
      for (const p of await groups.list(g, via, { limit: 100_000 })) if (via !== "seed" || (await hasArxivId(p.paperId))) ids.push(p.paperId);
  return ids;
}

export function addFullTextCommand(program: Command, ctx: CliContext): void {
  program
    .command("fulltext")
    .description("fetch and read the PDFs of papers (arXiv), so answers can quote their full text with pages; resumable")
    .argument("[ids...]", "paper ids or arXiv ids")
    .option("--group", "every paper of the group's profile: added, saved, and seed papers that have an arXiv id")
    .option("--guild <id>", `with --group: this server's profile (default ${EVERY_GROUP}: the installation's)`, guildOption, EVERY_GROUP)
    .option("--retry", "try again papers whose PDF failed before")
    .action(async (ids: string[], opts: { group?: boolean; guild: string; retry?: boolean }) => {
      if (!ids.length && !opts.group) throw new UsageError("give paper ids, or --group for every paper of the group's profile");
      const stores = await ctx.stores();
      const papers: string[] = [];
      for (const id of ids) {
        const paper = await stores.papers.get(id);
        if (!paper) throw new UserError(`no paper ${id} in the collection (add it first: paperbot add ${id})`);
        papers.push(paper.id);
      }
      if (opts.group)
        papers.push(...(await groupPaperIds(stores.groupPapers, opts.guild, async (id) => Boolean((await stores.papers.get(id))?.arxivId))));
      const todo = [...new Set(papers)];
      const reader = createFullTextReader(ctx.config, stores, ctx.log);
      const progress = ctx.progress("fulltext", todo.length);
      let failed = 0;
      for (const [i, id] of todo.entries()) {
        const outcome = await reader.readPaper(id, { retry: opts.retry });
        if (outcome.status === "failed" || outcome.status === "failed-before") failed++;
        ctx.io.out(`${(await stores.papers.get(id))?.arxivId ?? id}: ${describeOutcome(outcome)}`);
        progress.update(i + 1, id);
      }
      progress.stop();
      if (failed) throw new UserError(`${failed} of ${todo.length} ${todo.length === 1 ? "paper" : "papers"} could not be read`);
    });
}
