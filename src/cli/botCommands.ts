import type { Command } from "commander";
import { commands } from "../../commands/index.js";
import { startBot } from "../discord/bot.js";
import { registerCommands } from "../discord/registerCommands.js";
import type { CliContext } from "./context.js";

export function addBotCommands(program: Command, ctx: CliContext): void {
  program
    .command("register")
    .description("register the slash commands with Discord (globally, or in DISCORD_GUILD_ID); safe to repeat")
    .action(async () => {
      const r = await registerCommands(ctx.config, commands.map((c) => c.data));
      ctx.io.out(`registered ${r.count} commands for ${r.scope}`);
    });

  program
    .command("start")
    .description("run the Discord bot until SIGINT/SIGTERM")
    .action(async () => {
      const store = await ctx.papers();
      const bot = await startBot(ctx.config, store, commands, { log: ctx.log });
      ctx.io.err(`paperbot: logged in as ${bot.client.user?.tag ?? "?"}; serving ${commands.length} commands. Ctrl+C stops.`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          ctx.log.info({ signal }, "shutting down: finishing replies in flight");
          bot.stop().then(resolve, resolve);
        };
        process.once("SIGINT", () => stop("SIGINT"));
        process.once("SIGTERM", () => stop("SIGTERM"));
      });
    });
}
