import type { Command } from "commander";
import { UsageError, UserError } from "../config/errors.js";
import { FollowedAuthors } from "../digest/follows.js";
import { EVERY_GROUP } from "../store/groupPapers.js";
import type { CliContext } from "./context.js";
import { guildOption } from "./parsers.js";

const whose = (guildId: string) => (guildId === EVERY_GROUP ? "every server" : `server ${guildId}`);

export function addFollowCommands(program: Command, ctx: CliContext): void {
  program
    .command("follow")
    .description("follow an author: their papers new in the daily feed are posted first, whatever their upvotes")
    .argument("[name]", 'the author, e.g. "Tri Dao" (case, accents and initials need not match)')
    .option("--guild <id>", `the Discord server that follows (default ${EVERY_GROUP}: every server of the installation)`, guildOption, EVERY_GROUP)
    .option("--list", "list the followed authors (with --guild: that server's and every server's)")
    .action(async (name: string | undefined, opts: { guild: string; list?: boolean }) => {
      const follows = new FollowedAuthors((await ctx.stores()).follows);
      if (opts.list) {
        if (name) throw new UsageError("give a name to follow, or --list, not both");
        const rows = opts.guild === EVERY_GROUP ? await listAll(follows) : await listFor(follows, opts.guild);
        ctx.io.out(rows || "no followed authors");
        return;
      }
      if (!name) throw new UsageError('give the author to follow, e.g. paperbot follow "Tri Dao", or --list');
      const { author, added } = await follows.follow(opts.guild, name);
      ctx.io.out(added ? `following ${author.name} for ${whose(opts.guild)}` : `already following ${author.name} for ${whose(opts.guild)}`);
    });

  program
    .command("unfollow")
    .description("stop following an author")
    .argument("<name>", "the author as followed (or a loose form of it)")
    .option("--guild <id>", `the Discord server that follows (default ${EVERY_GROUP}: every server of the installation)`, guildOption, EVERY_GROUP)
    .action(async (name: string, opts: { guild: string }) => {
      const follows = new FollowedAuthors((await ctx.stores()).follows);
      const gone = await follows.unfollow(opts.guild, name);
      if (!gone) throw new UserError(`${whose(opts.guild)} does not follow "${name}"`);
      ctx.io.out(`no longer following ${gone.name} for ${whose(opts.guild)}`);
    });
}

async function listFor(follows: FollowedAuthors, guildId: string): Promise<string> {
  return [...(await follows.list(guildId)), ...(await follows.list(EVERY_GROUP))].map((f) => `${f.name}\t${whose(f.guildId)}`).join("\n");
}

async function listAll(follows: FollowedAuthors): Promise<string> {
  return (await follows.everyFollow()).map((f) => `${f.name}\t${whose(f.guildId)}`).join("\n");
}
