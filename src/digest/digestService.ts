import { setTimeout as sleepFor } from "node:timers/promises";
import type { Logger } from "../config/logger.js";
import { DigestSettingsRepo, type DigestSettingsPatch } from "./digestConfig.js";
import type { DigestSettings } from "../store/digestSettings.js";
import type { TldrWriter } from "./digestPost.js";
import type { DigestPoster } from "./digestPoster.js";
import { previewDigest, runDigest, type DigestDeps, type DigestOutcome, type DigestPreview, type FeedRetryPolicy } from "./digestRunner.js";
import { digestStatus, type DigestStatus } from "./digestStatus.js";
import { INTERACTIVE_FEED_RETRY } from "./feedRetry.js";
import type { FetchDay } from "./fetchDay.js";
import { localDate } from "./localTime.js";
import { ChannelGoneError } from "./posterErrors.js";
import { DigestScheduler, type ScheduledRun } from "./scheduler.js";
import { whyPaper, type WhyAnswer } from "./digestWhy.js";
import { FollowedAuthors } from "./follows.js";
import type { DigestLedgerStore } from "./ledger.js";
import type { PaperRecords, StoredPaper } from "../store/paperRecords.js";
import type { Stores } from "../store/stores.js";
import { netVotes } from "./groupProfile.js";

export interface DigestServiceOptions {
  /** The process's stores: the digest's ledger is theirs (one per process). */
  stores: Stores;
  poster: DigestPoster;
  fetchDay: FetchDay;
  tldr?: TldrWriter;
  embeddings?: DigestDeps["embeddings"];
  log: Logger;
  now?: () => Date;
  /** Waits between retries (default: real time, cut short by `stop()`). */
  sleep?: (ms: number) => Promise<void>;
  feedRetry?: Partial<FeedRetryPolicy>;
  sendRetryDelaysMs?: readonly number[];
  /** Servers this process posts for (a shard's own servers); default all. */
  serves?: (guildId: string) => boolean;
  /** Told the papers of each post once it is sent (their full texts are read then); must not throw or wait. */
  afterPost?: (paperIds: string[]) => void;
}

/**
 * Everything the daily digest needs in one process: settings, the ledger (one per process), the
 * schedule and the deps `runDigest` takes. Every settings change goes through here so the schedule
 * follows it. Nothing here throws from a run: outcomes are values.
 */
export class DigestService {
  readonly settings: DigestSettingsRepo;
  readonly ledger: DigestLedgerStore;
  readonly scheduler: DigestScheduler;
  readonly deps: DigestDeps;
  readonly follows: FollowedAuthors;
  private readonly now: () => Date;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();
  private readonly afterPost?: (paperIds: string[]) => void;
  private readonly log: Logger;

  constructor(opts: DigestServiceOptions) {
    this.afterPost = opts.afterPost;
    this.log = opts.log;
    this.now = opts.now ?? (() => new Date());
    this.settings = new DigestSettingsRepo(opts.stores.digestSettings);
    this.ledger = opts.stores.ledger;
    this.follows = new FollowedAuthors(opts.stores.follows);
    const signal = this.stopping.signal;
    this.deps = {
      stores: opts.stores,
      settings: this.settings,
      fetchDay: opts.fetchDay,
      poster: opts.poster,
      tldr: opts.tldr,
      embeddings: opts.embeddings,
      log: opts.log,
      now: this.now,
      sleep: opts.sleep ?? ((ms) => sleepFor(ms, undefined, { signal })),
      feedRetry: opts.feedRetry,
      sendRetryDelaysMs: opts.sendRetryDelaysMs,
    };
    this.scheduler = new DigestScheduler({
      settings: this.settings,
      ledger: this.ledger,
      run: (guildId, date) => this.track(runDigest({ guildId, date, deps: this.deps }).then((o) => this.posted(o))),
      now: this.now,
      log: opts.log,
      serves: opts.serves,
    });
  }

  /** Schedules every server's digest, then posts what was missed while the bot was down. */
  async start(): Promise<ScheduledRun[]> {
    await this.scheduler.start();
    return this.scheduler.catchUp();
  }

  /** No new runs; waits cut short; resolves when the runs under way have ended. */
  async stop(): Promise<void> {
    this.scheduler.stop();
    this.stopping.abort();
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** The server's local date now (what `/digest now` and `preview` are for). */
  async today(guildId: string): Promise<string> {
    return localDate(this.now(), (await this.settings.getOrDefault(guildId, this.now())).timezone);
  }

  async status(guildId: string): Promise<DigestStatus> {
    const [followed, votes] = await Promise.all([this.follows.namesFor(guildId), netVotes(this.deps.stores, guildId)]);
    return digestStatus({ guildId, settings: this.settings, ledger: this.ledger, followed, votes, now: this.now() });
  }

  /** Applies a checked change (a `UserError` when a value is wrong) and reschedules the server. */
  async configure(guildId: string, patch: DigestSettingsPatch): Promise<DigestSettings> {
    const s = await this.settings.update(guildId, patch, this.now());
    await this.scheduler.reload(guildId);
    return s;
  }

  async pause(guildId: string, reason: string): Promise<DigestSettings> {
    const s = await this.settings.pause(guildId, reason, this.now());
    await this.scheduler.reload(guildId);
    return s;
  }

  async resume(guildId: string): Promise<DigestSettings> {
    const s = await this.settings.resume(guildId, this.now());
    await this.scheduler.reload(guildId);
    return s;
  }

  /** What the digest would post for `date` (default today); sends and claims nothing. Feed errors are thrown. */
  preview(guildId: string, date?: string): Promise<DigestPreview> {
    return this.track((async () => previewDigest({ guildId, date: date ?? (await this.today(guildId)), deps: this.deps }))());
  }

  /**
   * Posts the server's digest for `date` (default today) now, paused or not; still at most once
   * per channel and date. The feed is retried for minutes only: someone is waiting.
   */
  postNow(guildId: string, date?: string): Promise<DigestOutcome> {
    const deps = { ...this.deps, feedRetry: { ...INTERACTIVE_FEED_RETRY, ...this.deps.feedRetry } };
    return this.track(
      (async () => {
        const outcome = await runDigest({ guildId, date: date ?? (await this.today(guildId)), deps, ignorePause: true });
        // The channel went away: the run paused the server, so its job goes too.
        if (outcome.kind === "paused") await this.scheduler.reload(guildId);
        return this.posted(outcome);
      })(),
    );
  }

  /** The day `/digest why` asks about by default: the server's latest post, else today. */
  async latestPostDay(guildId: string): Promise<string> {
    return (await this.ledger.lastPost(guildId))?.date ?? this.today(guildId);
  }

  /** Why `paper` is or is not in the server's post for `date` (default: its latest post day). Feed errors are thrown. */
  why(guildId: string, paper: string, date?: string): Promise<WhyAnswer> {
    return this.track((async () => whyPaper({ guildId, date: date ?? (await this.latestPostDay(guildId)), paper, deps: this.deps }))());
  }

  /** The bot left the server: forget its settings and unschedule it. */
  async forgetGuild(guildId: string): Promise<boolean> {
    const removed = await this.settings.remove(guildId);
    await this.scheduler.reload(guildId);
    return removed;
  }

  /** A channel was deleted: when it is a server's digest channel, pause that server with the reason. */
  async channelDeleted(guildId: string, channelId: string): Promise<boolean> {
    const s = await this.settings.get(guildId);
    if (s?.channelId !== channelId || s.paused) return false;
    await this.pause(guildId, new ChannelGoneError(channelId).reason);
    return true;
  }

  private posted(outcome: DigestOutcome): DigestOutcome {
    if (outcome.kind !== "posted") return outcome;
    try {
      this.afterPost?.(outcome.paperIds);
    } catch (err) {
      this.log.warn({ err }, "could not queue the posted papers' full texts");
    }
    return outcome;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }
}

/** What the digest needs of the answer engine: its TL;DR of a paper. */
export interface TldrEngine {
  readonly hasModel: boolean;
  tldr(paper: StoredPaper): Promise<string | undefined>;
}

/**
 * The answer engine's TL;DR as the digest's `TldrWriter`: the digest stores a day's papers before
 * writing TL;DRs, so the full paper is looked up by its arXiv id. None without a model.
 */
export function engineTldr(engine: TldrEngine, papers: PaperRecords): TldrWriter | undefined {
  if (!engine.hasModel) return undefined;
  return async ({ arxivId }) => {
    const paper = await papers.get(arxivId);
    return paper ? engine.tldr(paper) : undefined;
  };
}
