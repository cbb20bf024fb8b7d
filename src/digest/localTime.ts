import { Cron } from "croner";

const DAY_MS = 86_400_000;
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) at instant `at` in an IANA timezone. */
export function localDate(at: Date, timezone: string): string {
  let f = dateFormats.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormats.set(timezone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** `date` moved by `days` (negative for earlier), as YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The croner pattern for "every day at HH:MM". */
export function cronPattern(time: string): string {
  const [h, m] = time.split(":");
  return `${Number(m)} ${Number(h)} * * *`;
}

/**
 * The instant a daily HH:MM job runs on local `date`. Croner computes it, so it agrees with the live
 * job on DST days: a time skipped by spring-forward runs at the first valid minute after the gap, a
 * time that occurs twice runs once (the earlier).
 */
export function scheduledInstant(date: string, time: string, timezone: string): Date {
  const job = new Cron(cronPattern(time), { timezone });
  // 15 h before UTC midnight is before local midnight in every zone (offsets reach +14 h).
  let at: Date | null = new Date(Date.parse(`${date}T00:00:00Z`) - 15 * 3_600_000);
  for (let i = 0; i < 4 && at; i++) {
    at = job.nextRun(at);
    if (at && localDate(at, timezone) === date) return at;
  }
  throw new Error(`no ${time} in ${timezone} on ${date}`);
}

/** The local date of the latest scheduled run at or before `now` (the date a run fired at `now` is for). */
export function lastScheduledDate(now: Date, time: string, timezone: string): string {
  const today = localDate(now, timezone);
  return scheduledInstant(today, time, timezone) <= now ? today : addDays(today, -1);
}

/** The next run strictly after `now`. */
export function nextScheduledRun(now: Date, time: string, timezone: string): Date {
  const next = new Cron(cronPattern(time), { timezone }).nextRun(now);
  if (!next) throw new Error(`no next run for ${time} in ${timezone}`);
  return next;
}

/** "Tue 10 Feb 2026, 09:00" in the given timezone. */
export function formatLocal(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
}

/** "3 h 12 min", "45 min", "under a minute". */
export function formatDuration(ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60_000);
  if (min < 1) return "under a minute";
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  return [d ? `${d} d` : "", h ? `${h} h` : "", m && !d ? `${m} min` : ""].filter(Boolean).join(" ");
}
