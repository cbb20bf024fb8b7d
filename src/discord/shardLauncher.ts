import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { REST, Routes, ShardingManager, type Shard } from "discord.js";
import { z } from "zod";
import type { Config } from "../config/config.js";
import { UsageError } from "../config/errors.js";
import type { Logger } from "../config/logger.js";

export type ShardCount = number | "auto";

/** Which shards this launcher runs: a count of them all, or some of them (`ids` of `total`), the others running elsewhere. */
export type ShardPlan = ShardCount | { ids: readonly number[]; total: number };

/** How long stopped shards get to finish their replies and log out before they are killed. */
export const SHARD_STOP_GRACE_MS = 10_000;
/** After a kill, how long to wait for the kernel to report the exits. */
const KILL_WAIT_MS = 2_000;
/** Discord lets a bot identify about once per 5 s, so the next shard starts after that. */
const SPAWN_SPACING_MS = 5_500;
/** How long a new shard may take to connect before the next one starts anyway. */
const READY_TIMEOUT_MS = 60_000;
/** Waits before respawning a shard that exited, by how often it failed in a row (a bad token must not fork a process a second). */
const RESPAWN_DELAYS_MS = [1_000, 5_000, 15_000, 60_000];

const GatewayBot = z.object({ shards: z.number().int().min(1) });

/** Whether this process is a shard that a launcher started (discord.js's ShardingManager environment). */
export function isShardProcess(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SHARDING_MANAGER !== undefined && env.SHARDS !== undefined && typeof process.send === "function";
}

/** The shard count Discord recommends for this bot (`GET /gateway/bot`, through DISCORD_API_BASE). */
export async function recommendedShardCount(config: Readonly<Config>, signal?: AbortSignal): Promise<number> {
  const rest = new REST({ api: config.discord.apiBase }).setToken(config.discord.token ?? "");
  return GatewayBot.parse(await rest.get(Routes.gatewayBot(), { signal })).shards;
}

/**
 * Runs `count` shards, each a `file args...` process started by discord.js's ShardingManager (which
 * hands each one its shard id and the count), one after another as Discord's identify limit wants.
 * A shard that exits is started again after a growing wait. When `signal` aborts, every shard gets
 * SIGTERM, and whatever has not exited `SHARD_STOP_GRACE_MS` later gets SIGKILL; resolves once
 * every shard process has exited.
 */
export async function runShards(
  config: Readonly<Config>,
  plan: ShardPlan,
  opts: { file: string; args: string[]; log: Logger; signal: AbortSignal },
): Promise<void> {
  const { log, signal } = opts;
  if (!config.discord.token) throw new UsageError("DISCORD_TOKEN is not set: create a bot in the Discord Developer Portal (see README).");
  let total: number;
  try {
    total = typeof plan === "object" ? plan.total : plan === "auto" ? await recommendedShardCount(config, signal) : plan;
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  }
  if (signal.aborted) return;
  const ids = typeof plan === "object" ? [...plan.ids] : Array.from({ length: total }, (_, i) => i);
  const manager = new ShardingManager(opts.file, {
    totalShards: total,
    shardList: ids,
    shardArgs: opts.args,
    token: config.discord.token,
    mode: "process",
    // Respawning is done here, with a wait; discord.js's own respawn starts a crashing shard again at once, forever.
    respawn: false,
  });
  log.info({ shards: total, ids }, plan === "auto" ? "starting the shards Discord recommends" : "starting shards");

  const live = new Set<ChildProcess>();
  const respawns = new Set<NodeJS.Timeout>();
  const stopping = () => signal.aborted;
  const spawn = (shard: Shard) =>
    shard.spawn(READY_TIMEOUT_MS).then(
      () => undefined,
      (err: unknown) => {
        if (!stopping()) log.warn({ shard: shard.id, error: (err as Error).message }, "shard did not connect");
      },
    );
  const watch = (shard: Shard) => {
    let failures = 0;
    // mode "process": a shard is a ChildProcess, never a Worker.
    shard.on("spawn", (spawned) => {
      const child = spawned as ChildProcess;
      live.add(child);
      child.once("exit", () => live.delete(child));
    });
    shard.on("ready", () => {
      failures = 0;
      log.info({ shard: shard.id }, "shard connected");
    });
    shard.on("death", (died) => {
      if (stopping()) return;
      const child = died as ChildProcess;
      const waitMs = RESPAWN_DELAYS_MS[Math.min(failures++, RESPAWN_DELAYS_MS.length - 1)]!;
      log.warn(
        { shard: shard.id, pid: child.pid, code: child.exitCode, signal: child.signalCode, respawnInMs: waitMs },
        "shard exited; respawning it",
      );
      const timer = setTimeout(() => {
        respawns.delete(timer);
        if (!stopping()) void spawn(shard);
      }, waitMs);
      respawns.add(timer);
    });
    shard.on("error", (err: Error) => log.error({ shard: shard.id, err }, "shard error"));
  };

  const started = (async () => {
    for (const [i, id] of ids.entries()) {
      if (stopping()) break;
      const shard = manager.createShard(id);
      watch(shard);
      const spacing = i + 1 < ids.length ? sleep(SPAWN_SPACING_MS, undefined, { signal }).catch(() => undefined) : undefined;
      await Promise.all([spawn(shard), spacing]);
    }
    if (!stopping()) log.info({ shards: total, ids }, "all shards started");
  })();

  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
  for (const timer of respawns) clearTimeout(timer);
  respawns.clear();
  for (const child of live) child.kill("SIGTERM");
  if (!(await allExit(live, SHARD_STOP_GRACE_MS))) {
    log.warn({ graceMs: SHARD_STOP_GRACE_MS, pids: [...live].map((c) => c.pid) }, "shutting down: killing shards that did not stop");
    for (const child of live) child.kill("SIGKILL");
    await allExit(live, KILL_WAIT_MS);
  }
  // The start-up loop sees the stop and ends by itself; it is not waited for (a shard it waits on may be one just killed).
  void started;
}

/** Whether every process in `children` exits within `ms`. */
async function allExit(children: Set<ChildProcess>, ms: number): Promise<boolean> {
  const exits = [...children].map((c) =>
    c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => c.once("exit", () => resolve())),
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([Promise.all(exits).then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
