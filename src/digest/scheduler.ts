import { Cron } from "croner";
import type { Logger } from "../config/logger.js";
import type { DigestSettings, DigestSettingsRepo } from "./digestConfig.js";
import type { DigestOutcome } from "./digestRunner.js";
import type { DigestLedger } from "./ledger.js";
import { addDays, cronPattern, lastScheduledDate, localDate, scheduledInstant } from "./localTime.js";

export interface DigestSchedulerOptions {
  settings: DigestSettingsRepo;
  ledger: DigestLedger;
  /** Runs one server's digest for a local date; typically `(g, d) => runDigest({ guildId: g, date: d, deps })`. */
  run: (guildId: string, date: string) => Promise<DigestOutcome>;
  now?: () => Date;
  log?: Logger;
  /** Which servers this process posts for; with shards, each shard schedules only its own servers. Default: all. */
  serves?: (guildId: string) => boolean;
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
export function missedDates(settings: DigestSettings, now: Date, has: (date: string) => boolean): string[] {
  const today = localDate(now, settings.timezone);
  const since = Date.parse(settings.activeSince);
  const out: string[] = [];
  for (let k = settings.catchUpDays; k >= 0; k--) {
    const date = addDays(today, -k);
    const at = scheduledInstant(date, settings.time, settings.timezone).getTime();
    if (at > now.getTime() || at < since || has(date)) continue;
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
  private readonly now: () => Date;
  private stopped = false;

  constructor(private readonly opts: DigestSchedulerOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Schedules every server whose digest is set up and not paused. */
  start(): this {
    this.stopped = false;
    for (const s of this.served()) this.schedule(s);
    return this;
  }

  /** Re-reads one server's settings (call after any change): reschedules, or unschedules when off. */
  reload(guildId: string): void {
    this.jobs.get(guildId)?.stop();
    this.jobs.delete(guildId);
    const s = this.opts.settings.get(guildId);
    if (!this.stopped && s?.channelId && !s.paused && (this.opts.serves?.(guildId) ?? true)) this.schedule(s);
  }

  stop(): void {
    this.stopped = true;
    for (const job of this.jobs.values()) job.stop();
    this.jobs.clear();
  }

  /** When the server's digest runs next; undefined when it is not scheduled. */
  nextRun(guildId: string): Date | undefined {
    return this.jobs.get(guildId)?.nextRun(this.now()) ?? undefined;
  }

  scheduledGuilds(): string[] {
    return [...this.jobs.keys()];
  }

  /** What a server's job does when it fires: the digest for the local date of the scheduled time just passed. */
  runScheduled(guildId: string): Promise<DigestOutcome | undefined> {
    const s = this.opts.settings.get(guildId);
    if (!s?.channelId || s.paused) return Promise.resolve(undefined);
    return this.enqueue(guildId, lastScheduledDate(this.now(), s.time, s.timezone));
  }

  /** On start-up: posts what was missed while the bot was down (see `missedDates`), each server on its own. */
  async catchUp(): Promise<ScheduledRun[]> {
    const now = this.now();
    const perGuild = await Promise.all(
      this.served().map(async (s) => {
        const runs: ScheduledRun[] = [];
        let dates: string[] = [];
        try {
          dates = missedDates(s, now, (date) => this.opts.ledger.get({ guildId: s.guildId, channelId: s.channelId!, date })?.state === "sent");
        } catch (err) {
          this.opts.log?.error({ guildId: s.guildId, err }, "digest catch-up: bad schedule");
        }
        for (const date of dates) runs.push({ guildId: s.guildId, date, outcome: await this.enqueue(s.guildId, date) });
        return runs;
      }),
    );
    return perGuild.flat();
  }

  private served(): DigestSettings[] {
    const serves = this.opts.serves;
    return this.opts.settings.active().filter((s) => serves?.(s.guildId) ?? true);
  }

  private schedule(s: DigestSettings): void {
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

  private enqueue(guildId: string, date: string): Promise<DigestOutcome> {
    const previous = this.queues.get(guildId) ?? Promise.resolve(undefined);
    const next: Promise<DigestOutcome> = previous.then(async () => {
      try {
        return await this.opts.run(guildId, date);
      } catch (err) {
        this.opts.log?.error({ guildId, date, err }, "digest run threw");
        return { guildId, date, kind: "error", error: err instanceof Error ? err.message : String(err) };
      }
    });
    this.queues.set(guildId, next);
    void next.then((outcome) => {
      if (this.queues.get(guildId) === next) this.queues.delete(guildId);
      // A paused server (its channel went away) needs no job until someone resumes it.
      if (outcome.kind === "paused") this.reload(guildId);
    });
    return next;
  }
}
