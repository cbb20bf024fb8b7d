import type { Command } from "commander";
import { UsageError, UserError } from "../config/errors.js";
import { resolvePaper } from "../retrieval/resolvePaper.js";
import { shortTitle } from "../text/prose.js";
import { EVERY_GROUP } from "../store/groupPapers.js";
import { CLI_VOTER, type Vote } from "../store/paperVotes.js";
import type { CliContext } from "./context.js";
import { guildOption } from "./parsers.js";

export function addVoteCommand(program: Command, ctx: CliContext): void {
  program
    .command("vote")
    .description("👍 (up) or 👎 (down) papers for the for-us ranking, as members do on the daily post; counts from the next post on")
    .argument("<direction>", "up or down")
    .argument("<papers...>", "paper ids, arXiv ids or titles (loosely)")
    .option("--guild <id>", `this server's votes (default ${EVERY_GROUP}: the whole installation's)`, guildOption, EVERY_GROUP)
    .addHelpText(
      "after",
      `
A vote replaces the command line's earlier vote on the paper; members' votes in Discord are kept apart.

Examples:
  paperbot vote up 2602.02192 "NanoFlow"
  paperbot vote down 2602.03412 --guild 234567890123456789`,
    )
    .action(async (direction: string, papers: string[], opts: { guild: string }) => {
      if (direction !== "up" && direction !== "down") throw new UsageError(`the direction must be up or down, not "${direction}"`);
      const stores = await ctx.stores();
      const resolved = await Promise.all(papers.map((text) => resolvePaper(stores, text)));
      const ids = papers.map((text, i) => {
        const r = resolved[i]!;
        if (!r.best || r.ambiguous) {
          const guesses = r.candidates.map((c) => `"${shortTitle(c.paper.title)}"`).join(", ");
          throw new UserError(`no paper "${text}" in the collection${guesses ? ` (did you mean ${guesses}?)` : ""}; nothing was recorded`);
        }
        return r.best.paper;
      });
      const { votes } = await ctx.stores();
      for (const p of ids) {
        await votes.set(opts.guild, p.id, CLI_VOTER, direction as Vote);
        ctx.io.out(`${direction === "up" ? "👍" : "👎"} ${p.arxivId ?? p.id} ${shortTitle(p.title)}`);
      }
    });
}
