import { fileURLToPath } from "node:url";
import { InvalidArgumentError, type Command } from "commander";
import { commands } from "../../commands/index.js";
import { UsageError } from "../config/errors.js";
import type { Logger } from "../config/logger.js";
import { startBot, type RunningBot } from "../discord/bot.js";
import { registerCommands } from "../discord/registerCommands.js";
import { isShardProcess, runShards, type ShardCount } from "../discord/shardLauncher.js";
import type { CliContext } from "./context.js";
import { positiveInt } from "./parsers.js";

/** What each shard process runs: this CLI's `start`. */
const BIN = fileURLToPath(new URL("../../bin/paperbot.js", import.meta.url));
const MAX_SHARDS = 1024;

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
      const r = await registerCommands(
        ctx.config,
        commands.map((c) => c.data),
      );
      ctx.io.out(`registered ${r.count} commands for ${r.scope}`);
    });

  program
    .command("start")
    .description("run the Discord bot until SIGINT/SIGTERM")
    .option(
      "--shards <count>",
      `run the bot as this many shard processes (1-${MAX_SHARDS}) under one launcher, or "auto" for as many as Discord recommends`,
      shardCount,
    )
    .action(async (opts: { shards?: ShardCount }) => {
      if (opts.shards !== undefined) return launchShards(ctx, opts.shards);
      // From here on a signal stops the bot, even while it is still logging in.
      const stop = stopOnSignals(ctx.log, { shard: isShardProcess() });
      // One request's forgotten promise must not end a bot that serves every server's replies and posts.
      const onRejection = (reason: unknown) => ctx.log.error({ err: reason }, "unhandled promise rejection; the bot keeps running");
      process.on("unhandledRejection", onRejection);
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
        process.off("unhandledRejection", onRejection);
        setTimeout(() => process.exit(), EXIT_BACKSTOP_MS).unref();
      }
    });
}

function shardCount(value: string): ShardCount {
  if (value === "auto") return "auto";
  try {
    return positiveInt(MAX_SHARDS)(value);
  } catch {
    throw new InvalidArgumentError(`expected "auto" or a whole number from 1 to ${MAX_SHARDS}`);
  }
}

/** `start --shards`: the launcher. It runs no bot itself; each shard process runs `start`. */
async function launchShards(ctx: CliContext, count: ShardCount): Promise<void> {
  if (isShardProcess()) throw new UsageError("--shards is for the launcher, not for a shard it started");
  if (!ctx.config.discord.token) throw new UsageError("DISCORD_TOKEN is not set: create a bot in the Discord Developer Portal (see README).");
  const stop = stopOnSignals(ctx.log, { shard: false });
  try {
    // The database is migrated (and seeded) once here, before the shards open it.
    await ctx.papers();
    ctx.close();
    if (stop.signal.aborted) return;
    ctx.io.err(`paperbot: starting ${count === "auto" ? "the shards Discord recommends" : `${count} shard${count > 1 ? "s" : ""}`}. Ctrl+C stops.`);
    await runShards(ctx.config, count, { file: BIN, args: ["start"], log: ctx.log, signal: stop.signal });
  } finally {
    stop.dispose();
    setTimeout(() => process.exit(), EXIT_BACKSTOP_MS).unref();
  }
}

/**
 * SIGINT/SIGTERM abort the returned signal, once: a second signal ends the process the default way,
 * except in a shard, which the launcher and a terminal's Ctrl+C may both signal (it ignores the
 * repeats) and which also stops when its launcher is gone.
 */
function stopOnSignals(log: Logger, opts: { shard: boolean }): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const dispose = () => {
    if (opts.shard) return;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  const onSignal = (signal: NodeJS.Signals | "disconnect") => {
    if (controller.signal.aborted) return;
    dispose();
    log.info({ signal }, signal === "disconnect" ? "shutting down: the shard launcher is gone" : "shutting down: finishing replies in flight");
    controller.abort(new Error(`stopped by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  if (opts.shard) process.once("disconnect", () => onSignal("disconnect"));
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
