import type { Command } from "commander";
import type { CliContext } from "./context.js";
import { discordId, isoDate } from "./parsers.js";

export function addFeedbackCommand(program: Command, ctx: CliContext): void {
  const feedback = program.command("feedback").description("what users said of /ask answers (👍 / 👎)");
  feedback
    .command("export")
    .description("print every vote on an /ask answer as one JSON object per line, oldest first")
    .option("--since <YYYY-MM-DD>", "only votes given on or after this day (UTC)", isoDate)
    .option("--guild <id>", "only votes on answers given in this server", discordId)
    .addHelpText(
      "after",
      `
Each line: {"answerId", "question", "sources": [{"id", "title"}], "mode", "vote": "up"|"down",
"reason", "guildId", "answeredAt", "createdAt"}. "mode" is "llm" (a written answer) or "offline";
"reason" is what a 👎 said was wrong (null when nothing); "guildId" is null for an answer in a DM;
"createdAt" is when the vote was given (a changed vote counts from its change). A source's
"title" is null when the paper is no longer in the collection. Who voted is not exported.`,
    )
    .action(async (opts: { since?: string; guild?: string }) => {
      const stores = await ctx.stores({ seed: false });
      const votes = await stores.answerFeedback.votes({ since: opts.since, guildId: opts.guild });
      const papers = await stores.papers.getMany(votes.flatMap((v) => v.answer.sourceIds));
      for (const v of votes)
        ctx.io.out(
          JSON.stringify({
            answerId: v.answerId,
            question: v.answer.question,
            sources: v.answer.sourceIds.map((id) => ({ id, title: papers.get(id)?.title ?? null })),
            mode: v.answer.mode,
            vote: v.vote,
            reason: v.reason ?? null,
            guildId: v.answer.guildId ?? null,
            answeredAt: v.answer.createdAt,
            createdAt: v.createdAt,
          }),
        );
    });
}
