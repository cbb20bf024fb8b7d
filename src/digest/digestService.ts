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
import { DigestLedger } from "./ledger.js";
import { localDate } from "./localTime.js";
import { ChannelGoneError } from "./posterErrors.js";
import { DigestScheduler, type ScheduledRun } from "./scheduler.js";
import { whyPaper, type WhyAnswer } from "./digestWhy.js";
import { FollowedAuthors } from "./follows.js";
import type { Paper } from "../store/paper.js";
import type { PaperStore } from "../store/paperStore.js";
import { netVotes } from "./groupProfile.js";
import { GroupPapers } from "../store/groupPapers.js";

export interface DigestServiceOptions {
  store: PaperStore;
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
  readonly ledger: DigestLedger;
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
    this.settings = new DigestSettingsRepo(opts.store.db);
    this.ledger = new DigestLedger(opts.store.db, this.now);
    this.follows = new FollowedAuthors(opts.store.db);
    const signal = this.stopping.signal;
    this.deps = {
      store: opts.store,
      settings: this.settings,
      ledger: this.ledger,
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
    this.scheduler.start();
    return this.scheduler.catchUp();
  }

  /** No new runs; waits cut short; resolves when the runs under way have ended. */
  async stop(): Promise<void> {
    this.scheduler.stop();
    this.stopping.abort();
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** The server's local date now (what `/digest now` and `preview` are for). */
  today(guildId: string): string {
    return localDate(this.now(), this.settings.getOrDefault(guildId, this.now()).timezone);
  }

  status(guildId: string): DigestStatus {
    return digestStatus({
      guildId,
      settings: this.settings,
      ledger: this.ledger,
      followed: this.follows.namesFor(guildId),
      votes: netVotes(this.deps.store, new GroupPapers(this.deps.store.db), guildId),
      now: this.now(),
    });
  }

  /** Applies a checked change (a `UserError` when a value is wrong) and reschedules the server. */
  configure(guildId: string, patch: DigestSettingsPatch): DigestSettings {
    const s = this.settings.update(guildId, patch, this.now());
    this.scheduler.reload(guildId);
    return s;
  }

  pause(guildId: string, reason: string): DigestSettings {
    const s = this.settings.pause(guildId, reason, this.now());
    this.scheduler.reload(guildId);
    return s;
  }

  resume(guildId: string): DigestSettings {
    const s = this.settings.resume(guildId, this.now());
    this.scheduler.reload(guildId);
    return s;
  }

  /** What the digest would post for `date` (default today); sends and claims nothing. Feed errors are thrown. */
  preview(guildId: string, date = this.today(guildId)): Promise<DigestPreview> {
    return this.track(previewDigest({ guildId, date, deps: this.deps }));
  }

  /**
   * Posts the server's digest for `date` (default today) now, paused or not; still at most once
   * per channel and date. The feed is retried for minutes only: someone is waiting.
   */
  postNow(guildId: string, date = this.today(guildId)): Promise<DigestOutcome> {
    const deps = { ...this.deps, feedRetry: { ...INTERACTIVE_FEED_RETRY, ...this.deps.feedRetry } };
    return this.track(
      runDigest({ guildId, date, deps, ignorePause: true }).then((outcome) => {
        // The channel went away: the run paused the server, so its job goes too.
        if (outcome.kind === "paused") this.scheduler.reload(guildId);
        return this.posted(outcome);
      }),
    );
  }

  /** The day `/digest why` asks about by default: the server's latest post, else today. */
  latestPostDay(guildId: string): string {
    return this.ledger.lastPost(guildId)?.date ?? this.today(guildId);
  }

  /** Why `paper` is or is not in the server's post for `date` (default: its latest post day). Feed errors are thrown. */
  why(guildId: string, paper: string, date = this.latestPostDay(guildId)): Promise<WhyAnswer> {
    return this.track(whyPaper({ guildId, date, paper, deps: this.deps }));
  }

  /** The bot left the server: forget its settings and unschedule it. */
  forgetGuild(guildId: string): boolean {
    const removed = this.settings.remove(guildId);
    this.scheduler.reload(guildId);
    return removed;
  }

  /** A channel was deleted: when it is a server's digest channel, pause that server with the reason. */
  channelDeleted(guildId: string, channelId: string): boolean {
    const s = this.settings.get(guildId);
    if (s?.channelId !== channelId || s.paused) return false;
    this.pause(guildId, new ChannelGoneError(channelId).reason);
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
  tldr(paper: Paper): Promise<string | undefined>;
}

/**
 * The answer engine's TL;DR as the digest's `TldrWriter`: the digest stores a day's papers before
 * writing TL;DRs, so the full paper is looked up by its arXiv id. None without a model.
 */
export function engineTldr(engine: TldrEngine, store: PaperStore): TldrWriter | undefined {
  if (!engine.hasModel) return undefined;
  return async ({ arxivId }) => {
    const paper = store.get(arxivId);
    return paper ? engine.tldr(paper) : undefined;
  };
}
