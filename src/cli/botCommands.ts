import type { Command } from "commander";
import { commands } from "../../commands/index.js";
import type { Logger } from "../config/logger.js";
import { startBot, type RunningBot } from "../discord/bot.js";
import { registerCommands } from "../discord/registerCommands.js";
import type { CliContext } from "./context.js";

/** How long a stop waits for the replies and digest runs under way before the process exits anyway. */
export const SHUTDOWN_GRACE_MS = 5_000;
/**
 * After `start` ends the process exits by itself, unless something still holds the event loop:
 * discord.js keeps retrying the gateway when it is destroyed between two reconnect attempts.
 */
const EXIT_BACKSTOP_MS = 1_000;

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
      // From here on a signal stops the bot, even while it is still logging in.
      const stop = stopOnSignals(ctx.log);
      try {
        const store = await ctx.papers();
        let bot: RunningBot;
        try {
          bot = await startBot(ctx.config, store, commands, { log: ctx.log, signal: stop.signal });
        } catch (err) {
          if (stop.signal.aborted) return;
          throw err;
        }
        ctx.io.err(`paperbot: logged in as ${bot.client.user?.tag ?? "?"}; serving ${commands.length} commands. Ctrl+C stops.`);
        await new Promise<void>((resolve) => stop.signal.addEventListener("abort", () => resolve(), { once: true }));
        const stopped = bot.stop().catch((err: unknown) => ctx.log.error({ err }, "shutdown failed"));
        if (!(await settlesWithin(stopped, SHUTDOWN_GRACE_MS)))
          ctx.log.warn({ graceMs: SHUTDOWN_GRACE_MS }, "shutting down: stopped waiting for replies and digest runs in flight");
      } finally {
        stop.dispose();
        setTimeout(() => process.exit(), EXIT_BACKSTOP_MS).unref();
      }
    });
}

/** SIGINT/SIGTERM abort the returned signal (once; a second signal ends the process the default way). */
function stopOnSignals(log: Logger): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const dispose = () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    dispose();
    log.info({ signal }, "shutting down: finishing replies in flight");
    controller.abort(new Error(`stopped by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return { signal: controller.signal, dispose };
}

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
