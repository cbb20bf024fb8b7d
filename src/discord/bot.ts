import os from "node:os";
import { Events, Status, type Client } from "discord.js";
import type { Config } from "../config/config.js";
import { UsageError } from "../config/errors.js";
import type { Logger } from "../config/logger.js";
import type { Stores } from "../store/stores.js";
import type { ScheduledRun } from "../digest/scheduler.js";
import { sharedDayFetcher } from "../digest/fetchDay.js";
import type { Heartbeat, HeartbeatStore } from "../store/heartbeat.js";
import { gatewayConnected } from "../metrics/metrics.js";
import { startMetricsServer, type MetricsServer } from "../metrics/metricsServer.js";
import type { BotDeps, Command } from "./command.js";
import { createClient } from "./client.js";
import { DigestService, engineTldr, type DigestServiceOptions } from "../digest/digestService.js";
import { Dispatcher } from "./dispatcher.js";
import { RestDigestPoster } from "./restDigestPoster.js";
import { buildServices } from "../app/services.js";

export interface RunningBot {
  client: Client;
  deps: BotDeps;
  /** Start-up catch-up of missed digests (resolves once done; never rejects). */
  digestCatchUp: Promise<ScheduledRun[]>;
  /** Where /metrics and /healthz are served, when PAPERBOT_METRICS_PORT is set. */
  metricsUrl?: string;
  /**
   * Stops taking interactions, finishes the replies under way, logs out. The caller closes the
   * store. A gateway connection that is not ready (Discord unreachable) is left to the process
   * exit: discord.js 14 mishandles destroying one (it hangs, keeps reconnecting or throws later).
   */
  stop(): Promise<void>;
}

/** How often a running bot records that it is alive, for `paperbot health` (which allows three missed beats). */
export const HEARTBEAT_MS = 30_000;

/** Records the gateway's state in the database now, every `HEARTBEAT_MS`, and once more as "stopped" (awaited by `stop`). */
function startHeartbeat(client: Client, heartbeats: HeartbeatStore, log: Logger): { stop(): Promise<void> } {
  const shards = () => client.shard?.ids ?? [0];
  const write = async (gateway?: Heartbeat["gateway"]) => {
    const ready = client.ws.shards.size > 0 && client.ws.shards.every((shard) => shard.status === Status.Ready);
    gatewayConnected.set(ready && gateway !== "stopped" ? 1 : 0);
    try {
      await heartbeats.write({
        at: new Date().toISOString(),
        host: os.hostname(),
        pid: process.pid,
        gateway: gateway ?? (ready ? "ready" : "connecting"),
        shards: shards(),
        shardCount: client.options.shardCount ?? 1,
      });
    } catch (err) {
      log.warn({ err }, "could not record the heartbeat");
    }
  };
  // One beat at a time, in order: a slow "ready" can never land after the "stopped" that follows it.
  let last = Promise.resolve();
  const beat = (gateway?: Heartbeat["gateway"]) => (last = last.then(() => write(gateway)));
  void beat();
  client.on(Events.ClientReady, () => void beat());
  const timer = setInterval(() => void beat(), HEARTBEAT_MS).unref();
  return {
    async stop() {
      clearInterval(timer);
      await beat("stopped");
    },
  };
}

/**
 * `/metrics` and `/healthz` when PAPERBOT_METRICS_PORT is set: shard N of a launcher serves on the
 * port + N, so shards never compete for one port. A port that cannot be bound is logged, and the
 * bot runs on without metrics: a shard that exits over it would be restarted into the same failure.
 */
async function serveMetrics(config: Readonly<Config>, client: Client, log: Logger): Promise<MetricsServer | undefined> {
  const { port: base, host } = config.metrics;
  if (base === undefined) return undefined;
  const port = base === 0 ? 0 : base + (client.shard?.ids[0] ?? 0);
  try {
    return await startMetricsServer({
      port,
      host,
      healthy: () => client.isReady() && client.ws.shards.every((shard) => shard.status === Status.Ready),
      log,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    log.error({ host, port, code }, `could not serve metrics on ${host}:${port} (${code}); running without /metrics and /healthz`);
    return undefined;
  }
}

/** Builds the domain objects once, logs in with the minimal intent, and serves the commands. Registers nothing. */
export async function startBot(
  config: Readonly<Config>,
  stores: Stores,
  commands: Command[],
  opts: {
    log: Logger;
    now?: () => Date;
    /** Test knobs for the digest (waits and retry policies). */
    digest?: Pick<DigestServiceOptions, "sleep" | "feedRetry" | "sendRetryDelaysMs">;
    /** Aborted while logging in: gives up and rejects with the abort reason; the half-connected client is left to the process exit. */
    signal?: AbortSignal;
  },
): Promise<RunningBot> {
  if (!config.discord.token) throw new UsageError("DISCORD_TOKEN is not set: create a bot in the Discord Developer Portal (see README).");
  const client = createClient(config);
  // A shard's lines say which shard wrote them (discord.js reads its ids from the launcher's environment).
  const log = client.shard ? opts.log.child({ shard: client.shard.ids }) : opts.log;
  const now = opts.now ?? (() => new Date());
  const { embeddings, retriever, engine } = buildServices(config, stores, log);
  const deps: BotDeps = {
    config,
    log,
    stores,
    retriever,
    engine,
    now,
  };
  const dispatcher = new Dispatcher(commands, deps);
  // The digest's feed requests end at once when the bot stops (its waits are the digest service's, cut short too).
  const stopping = new AbortController();
  const fetchUntilStopped = ((input, init) =>
    fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, stopping.signal]) : stopping.signal })) as typeof fetch;
  const heartbeat = startHeartbeat(client, stores.heartbeats, log);
  let accepting = true;
  client.on(Events.InteractionCreate, (interaction) => {
    if (accepting) dispatcher.handle(interaction);
  });
  client.on(Events.Error, (err) => log.error({ err }, "discord client error"));
  const ready = new Promise<void>((resolve) =>
    client.once(Events.ClientReady, (c) => {
      log.info({ user: c.user.tag, guilds: c.guilds.cache.size }, "logged in");
      resolve();
    }),
  );
  // The digest is built on ready (it needs the bot's user id) and never takes the bot down.
  let digestCatchUp: Promise<ScheduledRun[]> = Promise.resolve([]);
  client.once(Events.ClientReady, (c) => {
    try {
      deps.digest = new DigestService({
        stores: deps.stores,
        poster: new RestDigestPoster(c.rest, c.user.id),
        fetchDay: sharedDayFetcher(config.hfApiBase, { log, fetch: fetchUntilStopped }),
        embeddings,
        tldr: engineTldr(deps.engine, deps.stores.papers),
        log,
        now: deps.now,
        // A shard posts only for the servers it serves; the others have their own shard.
        serves: (guildId) => c.guilds.cache.has(guildId),
        // The post's papers are read after it is sent; the post never waits for them.
        afterPost: (paperIds) => deps.engine.fullText?.readLater(paperIds),
        ...opts.digest,
      });
      digestCatchUp = deps.digest.start().catch((err: unknown) => {
        log.error({ err }, "digest catch-up failed");
        return [];
      });
    } catch (err) {
      log.error({ err }, "the daily digest could not start; the other commands still work");
    }
  });
  client.on(Events.GuildDelete, (guild) => {
    deps.digest
      ?.forgetGuild(guild.id)
      .then((removed) => {
        if (removed) log.info({ guildId: guild.id }, "left a server: its digest settings were removed");
      })
      .catch((err: unknown) => log.error({ err, guildId: guild.id }, "could not forget a server's digest settings"));
  });
  client.on(Events.ChannelDelete, (channel) => {
    if (channel.isDMBased()) return;
    deps.digest
      ?.channelDeleted(channel.guildId, channel.id)
      .then((paused) => {
        if (paused) log.warn({ guildId: channel.guildId, channelId: channel.id }, "the digest channel was deleted; digest paused");
      })
      .catch((err: unknown) => log.error({ err, channelId: channel.id }, "could not pause the digest of a deleted channel"));
  });
  // Served from before the login, so a scrape during a slow start sees the gateway not yet connected.
  const metrics = await serveMetrics(config, client, log);
  try {
    await logIn(client, config.discord.token, ready, opts.signal);
  } catch (err) {
    await heartbeat.stop();
    await metrics?.stop();
    throw err;
  }
  return {
    client,
    deps,
    metricsUrl: metrics?.url,
    get digestCatchUp() {
      return digestCatchUp;
    },
    async stop() {
      accepting = false;
      stopping.abort();
      deps.engine.fullText?.stop();
      await heartbeat.stop();
      await metrics?.stop();
      await deps.digest?.stop();
      await dispatcher.drain();
      if (client.isReady() && client.ws.shards.every((shard) => shard.status === Status.Ready)) await client.destroy();
    },
  };
}

/**
 * Logs in and waits for ready, or rejects with the abort reason when `signal` aborts first. The
 * client is then left as it is, still connecting: destroying it now is what discord.js gets wrong.
 */
async function logIn(client: Client, token: string, ready: Promise<void>, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  const loggedIn = client.login(token).then(() => ready);
  loggedIn.catch(() => undefined); // a failure after the abort is moot
  try {
    await Promise.race([loggedIn, aborted]);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
