import { Cron } from "croner";
import type { Logger } from "../config/logger.js";
import type { DigestSettingsRepo } from "./digestConfig.js";
import type { DigestSettings } from "../store/digestSettings.js";
import type { DigestOutcome } from "./digestRunner.js";
import { LEASE_MS } from "../store/ledger.js";
import type { DigestLedgerStore } from "./ledger.js";
import { addDays, cronPattern, lastScheduledDate, localDate, scheduledInstant } from "./localTime.js";

export interface DigestSchedulerOptions {
  settings: DigestSettingsRepo;
  ledger: DigestLedgerStore;
  /** Runs one server's digest for a local date; typically `(g, d) => runDigest({ guildId: g, date: d, deps })`. */
  run: (guildId: string, date: string) => Promise<DigestOutcome>;
  now?: () => Date;
  log?: Logger;
  /** Which servers this process posts for; with shards, each shard schedules only its own servers. Default: all. */
  serves?: (guildId: string) => boolean;
  /** Waits before a scheduled day that failed transiently is run again (default `DAY_RETRY_DELAYS_MS`). */
  dayRetryDelaysMs?: readonly number[];
  /** Wait before a day another process was posting is looked at again (default `BUSY_RECHECK_MS`). */
  busyRecheckMs?: number;
}

/**
 * A scheduled day whose run failed on something that may pass (the feed, "database is locked")
 * is run again after these waits, each time it fails, until the server's next scheduled run.
 * Each run has the feed retry of its own, so these come after hours of trying already.
 */
export const DAY_RETRY_DELAYS_MS: readonly number[] = [15 * 60_000, 60 * 60_000, 3 * 3_600_000];

/**
 * A scheduled day another process held the claim of (on this machine or another) is looked at again once that
 * claim's lease could have run out: if the process died mid-post, this one finishes the day; if it posted, the
 * check finds the day sent.
 */
export const BUSY_RECHECK_MS = LEASE_MS + 30_000;

/** Outcomes worth another run later: the feed failed, or the run failed unexpectedly (it may not have posted). */
function isTransientFailure(outcome: DigestOutcome): boolean {
  return outcome.kind === "feed-failed" || outcome.kind === "error";
}

/** A day waiting to be run again. */
export interface PendingRetry {
  date: string;
  /** 1 for the first retry. */
  attempt: number;
  at: Date;
}

export interface ScheduledRun {
  guildId: string;
  date: string;
  outcome: DigestOutcome;
}

/**
 * The local dates start-up should still post for: today once its time has passed, and up to
 * `catchUpDays` earlier days, oldest first, skipping days already in the ledger (`has`) and
 * scheduled times before the schedule applied (`activeSince`).
 */
export async function missedDates(settings: DigestSettings, now: Date, has: (date: string) => Promise<boolean>): Promise<string[]> {
  const today = localDate(now, settings.timezone);
  const since = Date.parse(settings.activeSince);
  const out: string[] = [];
  for (let k = settings.catchUpDays; k >= 0; k--) {
    const date = addDays(today, -k);
    const at = scheduledInstant(date, settings.time, settings.timezone).getTime();
    if (at > now.getTime() || at < since || (await has(date))) continue;
    out.push(date);
  }
  return out;
}

/**
 * One croner job per server with a digest, at its HH:MM in its timezone (croner keeps it right
 * across DST). Runs of one server are queued one after another, never overlapping; the ledger makes
 * a repeated date a no-op.
 */
export class DigestScheduler {
  private readonly jobs = new Map<string, Cron>();
  private readonly queues = new Map<string, Promise<DigestOutcome>>();
  private readonly retries = new Map<string, PendingRetry & { timer?: NodeJS.Timeout }>();
  /** Each server's reloads, one after another: the last one read the settings last. */
  private readonly reloads = new Map<string, Promise<void>>();
  private readonly now: () => Date;
  private stopped = false;

  constructor(private readonly opts: DigestSchedulerOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Schedules every server whose digest is set up and not paused. */
  async start(): Promise<this> {
    this.stopped = false;
    for (const s of await this.served()) if (!this.stopped) this.schedule(s);
    return this;
  }

  /** Re-reads one server's settings (call after any change): reschedules, or unschedules when off. */
  reload(guildId: string): Promise<void> {
    const previous = this.reloads.get(guildId) ?? Promise.resolve();
    const next = previous.then(async () => {
      this.unschedule(guildId);
      const s = await this.opts.settings.get(guildId);
      this.unschedule(guildId);
      if (!this.stopped && s?.channelId && !s.paused && (this.opts.serves?.(guildId) ?? true)) this.schedule(s);
    });
    const settled = next.catch(() => undefined);
    this.reloads.set(guildId, settled);
    void settled.then(() => {
      if (this.reloads.get(guildId) === settled) this.reloads.delete(guildId);
    });
    return next;
  }

  stop(): void {
    this.stopped = true;
    for (const job of this.jobs.values()) job.stop();
    this.jobs.clear();
    for (const guildId of [...this.retries.keys()]) this.cancelRetry(guildId);
  }

  /** The server's day that failed and will be run again (also while that retry runs); undefined when none. */
  pendingRetry(guildId: string): PendingRetry | undefined {
    const r = this.retries.get(guildId);
    return r && { date: r.date, attempt: r.attempt, at: r.at };
  }

  /** When the server's digest runs next; undefined when it is not scheduled. */
  nextRun(guildId: string): Date | undefined {
    return this.jobs.get(guildId)?.nextRun(this.now()) ?? undefined;
  }

  scheduledGuilds(): string[] {
    return [...this.jobs.keys()];
  }

  /** What a server's job does when it fires: the digest for the local date of the scheduled time just passed. */
  async runScheduled(guildId: string): Promise<DigestOutcome | undefined> {
    const s = await this.opts.settings.get(guildId);
    if (!s?.channelId || s.paused) return undefined;
    return this.runDay(guildId, lastScheduledDate(this.now(), s.time, s.timezone));
  }

  /** On start-up: posts what was missed while the bot was down (see `missedDates`), each server on its own. */
  async catchUp(): Promise<ScheduledRun[]> {
    const now = this.now();
    const perGuild = await Promise.all(
      (await this.served()).map(async (s) => {
        const runs: ScheduledRun[] = [];
        let dates: string[] = [];
        try {
          dates = await missedDates(
            s,
            now,
            async (date) => (await this.opts.ledger.get({ guildId: s.guildId, channelId: s.channelId!, date }))?.state === "sent",
          );
        } catch (err) {
          this.opts.log?.error({ guildId: s.guildId, err }, "digest catch-up: bad schedule");
        }
        for (const date of dates) runs.push({ guildId: s.guildId, date, outcome: await this.runDay(s.guildId, date) });
        return runs;
      }),
    );
    return perGuild.flat();
  }

  private async served(): Promise<DigestSettings[]> {
    const serves = this.opts.serves;
    return (await this.opts.settings.active()).filter((s) => serves?.(s.guildId) ?? true);
  }

  private unschedule(guildId: string): void {
    this.jobs.get(guildId)?.stop();
    this.jobs.delete(guildId);
  }

  private schedule(s: DigestSettings): void {
    this.unschedule(s.guildId);
    try {
      const job = new Cron(
        cronPattern(s.time),
        {
          timezone: s.timezone,
          protect: true,
          catch: (err) => this.opts.log?.error({ guildId: s.guildId, err }, "digest job failed"),
        },
        async () => {
          await this.runScheduled(s.guildId);
        },
      );
      this.jobs.set(s.guildId, job);
    } catch (err) {
      this.opts.log?.error({ guildId: s.guildId, time: s.time, timezone: s.timezone, err }, "digest: cannot schedule");
    }
  }

  /** A scheduled day's run; when it fails transiently, its next retry is planned before this resolves. */
  private async runDay(guildId: string, date: string, attempt = 0): Promise<DigestOutcome> {
    const outcome = await this.enqueue(guildId, date);
    // Read before the retries are looked at: from there on nothing waits, so no other run comes in between.
    const busy = outcome.kind === "busy";
    const again = isTransientFailure(outcome) || busy;
    const settings = again && !this.stopped ? await this.opts.settings.get(guildId) : undefined;
    const pending = this.retries.get(guildId);
    // A later day's retries own the server's slot; an earlier day's retries end when a later day runs.
    if (pending && pending.date > date) return outcome;
    if (pending?.date === date && attempt === 0 && pending.timer) {
      // This day already has a retry planned: it stays the one (the count stays bounded), unless no longer needed.
      if (!again) this.cancelRetry(guildId);
      return outcome;
    }
    this.cancelRetry(guildId);
    // A busy day is not a failure: its checks do not count as retries.
    if (again && !this.stopped) this.planRetry(guildId, date, busy ? attempt : attempt + 1, settings, busy);
    return outcome;
  }

  private cancelRetry(guildId: string): void {
    clearTimeout(this.retries.get(guildId)?.timer);
    this.retries.delete(guildId);
  }

  private planRetry(guildId: string, date: string, attempt: number, s: DigestSettings | undefined, busy = false): void {
    const wait = busy ? (this.opts.busyRecheckMs ?? BUSY_RECHECK_MS) : (this.opts.dayRetryDelaysMs ?? DAY_RETRY_DELAYS_MS)[attempt - 1];
    if (wait === undefined || !s?.channelId || s.paused) {
      this.opts.log?.warn({ guildId, date }, "digest: the day failed; not retrying it again");
      return;
    }
    const at = new Date(this.now().getTime() + wait);
    if (at.getTime() >= scheduledInstant(addDays(date, 1), s.time, s.timezone).getTime()) {
      this.opts.log?.warn({ guildId, date }, "digest: the day failed; the next day's run is due before a retry could be");
      return;
    }
    const timer = setTimeout(() => {
      delete entry.timer;
      const retry = async () => {
        const now = await this.opts.settings.get(guildId);
        if (this.stopped || !now?.channelId || now.paused) return void this.retries.delete(guildId);
        await this.runDay(guildId, date, attempt);
      };
      retry().catch((err: unknown) => this.opts.log?.error({ guildId, date, err }, "digest retry failed"));
    }, wait);
    timer.unref();
    const entry: PendingRetry & { timer?: NodeJS.Timeout } = { date, attempt, at, timer };
    this.retries.set(guildId, entry);
    if (busy) this.opts.log?.info({ guildId, date, at }, "digest: another process is posting the day; it will be looked at again");
    else this.opts.log?.info({ guildId, date, attempt, at }, "digest: the day failed; it will be run again");
  }

  private enqueue(guildId: string, date: string): Promise<DigestOutcome> {
    const previous = this.queues.get(guildId) ?? Promise.resolve(undefined);
    const next: Promise<DigestOutcome> = previous.then(async () => {
      let outcome: DigestOutcome;
      try {
        outcome = await this.opts.run(guildId, date);
      } catch (err) {
        this.opts.log?.error({ guildId, date, err }, "digest run threw");
        return { guildId, date, kind: "error", error: err instanceof Error ? err.message : String(err) };
      }
      // A paused server (its channel went away) needs no job until someone resumes it; gone before the outcome is told.
      if (outcome.kind === "paused")
        await this.reload(guildId).catch((err: unknown) => this.opts.log?.error({ guildId, err }, "digest: could not unschedule a paused server"));
      return outcome;
    });
    this.queues.set(guildId, next);
    void next.then(() => {
      if (this.queues.get(guildId) === next) this.queues.delete(guildId);
    });
    return next;
  }
}
