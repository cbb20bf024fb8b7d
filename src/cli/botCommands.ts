import { fileURLToPath } from "node:url";
import { InvalidArgumentError, type Command } from "commander";
import { commands } from "../../commands/index.js";
import { UsageError } from "../config/errors.js";
import type { Logger } from "../config/logger.js";
import { startBot, type RunningBot } from "../discord/bot.js";
import { registerCommands } from "../discord/registerCommands.js";
import { isShardProcess, runShards, type ShardCount, type ShardPlan } from "../discord/shardLauncher.js";
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
      "--shards <count|ids>",
      `run the bot as this many shard processes (1-${MAX_SHARDS}) under one launcher, "auto" for as many as Discord recommends, ` +
        "or only the shards listed (0,1) of --shard-count, the others running on other machines",
      shardsOption,
    )
    .option("--shard-count <total>", "how many shards all machines run together (with --shards 0,1)", positiveInt(MAX_SHARDS))
    .action(async (opts: { shards?: ShardCount | number[]; shardCount?: number }) => {
      const plan = shardPlan(opts);
      if (plan !== undefined) return launchShards(ctx, plan);
      // From here on a signal stops the bot, even while it is still logging in.
      const stop = stopOnSignals(ctx.log, { shard: isShardProcess() });
      // One request's forgotten promise must not end a bot that serves every server's replies and posts.
      const onRejection = (reason: unknown) => ctx.log.error({ err: reason }, "unhandled promise rejection; the bot keeps running");
      process.on("unhandledRejection", onRejection);
      try {
        const stores = await ctx.stores();
        let bot: RunningBot;
        try {
          bot = await startBot(ctx.config, stores, commands, { log: ctx.log, signal: stop.signal });
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

const SHARDS_EXPECTED = `expected "auto", a whole number from 1 to ${MAX_SHARDS}, or this machine's shard ids such as 0,1 (with --shard-count)`;

/** "auto", a number (a count, or with --shard-count one shard's id), or a list of shard ids. */
function shardsOption(value: string): ShardCount | number[] {
  if (value === "auto") return "auto";
  const parts = value.split(",").map((v) => v.trim());
  if (!parts.every((v) => /^\d{1,4}$/.test(v))) throw new InvalidArgumentError(SHARDS_EXPECTED);
  return parts.length === 1 ? Number(parts[0]) : parts.map(Number);
}

/** What `--shards` and `--shard-count` ask for; a UsageError when they do not fit together. */
function shardPlan(opts: { shards?: ShardCount | number[]; shardCount?: number }): ShardPlan | undefined {
  const { shards, shardCount } = opts;
  if (shards === undefined) {
    if (shardCount !== undefined)
      throw new UsageError("--shard-count goes with --shards: name this machine's shards, e.g. --shards 0,1 --shard-count 4");
    return undefined;
  }
  if (shardCount === undefined) {
    if (Array.isArray(shards)) throw new UsageError(`--shards ${shards.join(",")} needs --shard-count: how many shards all machines run together`);
    if (shards !== "auto" && (shards < 1 || shards > MAX_SHARDS)) throw new UsageError(`--shards ${shards}: ${SHARDS_EXPECTED}`);
    return shards;
  }
  const ids = Array.isArray(shards) ? shards : typeof shards === "number" ? [shards] : undefined;
  if (!ids) throw new UsageError("--shards auto cannot go with --shard-count: list this machine's shards, e.g. --shards 0,1");
  const wrong = ids.find((id) => id >= shardCount);
  if (wrong !== undefined) throw new UsageError(`shard ${wrong} is not below --shard-count ${shardCount} (shards are numbered from 0)`);
  if (new Set(ids).size !== ids.length) throw new UsageError(`--shards lists a shard twice: ${ids.join(",")}`);
  return { ids: [...ids].sort((a, b) => a - b), total: shardCount };
}

/** `start --shards`: the launcher. It runs no bot itself; each shard process runs `start`. */
async function launchShards(ctx: CliContext, plan: ShardPlan): Promise<void> {
  if (isShardProcess()) throw new UsageError("--shards is for the launcher, not for a shard it started");
  if (!ctx.config.discord.token) throw new UsageError("DISCORD_TOKEN is not set: create a bot in the Discord Developer Portal (see README).");
  const stop = stopOnSignals(ctx.log, { shard: false });
  try {
    // The database is migrated (and seeded) once here, before the shards open it.
    await ctx.stores();
    await ctx.close();
    if (stop.signal.aborted) return;
    ctx.io.err(`paperbot: starting ${describePlan(plan)}. Ctrl+C stops.`);
    await runShards(ctx.config, plan, { file: BIN, args: ["start"], log: ctx.log, signal: stop.signal });
  } finally {
    stop.dispose();
    setTimeout(() => process.exit(), EXIT_BACKSTOP_MS).unref();
  }
}

function describePlan(plan: ShardPlan): string {
  if (plan === "auto") return "the shards Discord recommends";
  if (typeof plan === "number") return `${plan} shard${plan > 1 ? "s" : ""}`;
  return `shard${plan.ids.length > 1 ? "s" : ""} ${plan.ids.join(", ")} of ${plan.total}`;
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
