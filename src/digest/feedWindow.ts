import type { DailyPapers } from "../ingest/hfDailyPapers.js";
import type { HfItem } from "../ingest/hfItem.js";
import { scheduledInstant } from "./localTime.js";

const DAY_MS = 86_400_000;

/** The 24 hours of feed a post covers: papers that entered the feed after `start`, up to and including `end`. */
export interface FeedWindow {
  start: Date;
  end: Date;
  /** The feed's (UTC) days that overlap the window, oldest first. */
  days: string[];
}

/**
 * A server's post for local date `date` covers the 24 hours up to its scheduled time that day (or up
 * to `now`, when posting early). So a paper that enters the feed after today's post is in
 * tomorrow's, and a server east of UTC, posting in the small hours UTC, gets yesterday's full
 * feed day instead of today's barely started one. When the previous post went out early
 * (`/digest now`), the window reaches back to it (at most 48 hours), so nothing falls in between.
 */
export function feedWindow(date: string, time: string, timezone: string, now: Date, previousPostAt?: Date): FeedWindow {
  const scheduled = scheduledInstant(date, time, timezone);
  const end = scheduled.getTime() > now.getTime() ? now : scheduled;
  let start = new Date(end.getTime() - DAY_MS);
  const prev = previousPostAt?.getTime();
  if (prev !== undefined && prev < start.getTime() && prev > end.getTime() - 2 * DAY_MS) start = new Date(prev);
  const days: string[] = [];
  for (let t = Date.parse(start.toISOString().slice(0, 10)); t <= end.getTime(); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return { start, end, days };
}

/** Whether an item entered the feed inside the window; an item without a timestamp counts as inside. */
export function inWindow(item: HfItem, window: Pick<FeedWindow, "start" | "end">): boolean {
  const at = item.paper.submittedOnDailyAt;
  if (at === undefined) return true;
  const t = Date.parse(at);
  return t > window.start.getTime() && t <= window.end.getTime();
}

/** The window's feed days fetched and merged into one list; a paper listed on both days keeps its later entry. */
export async function fetchWindow(window: FeedWindow, date: string, fetchDay: (day: string) => Promise<DailyPapers>): Promise<DailyPapers> {
  const byId = new Map<string, HfItem>();
  const skipped: DailyPapers["skipped"] = [];
  for (const day of window.days) {
    const got = await fetchDay(day);
    skipped.push(...got.skipped);
    for (const item of got.items) {
      byId.delete(item.paper.id);
      byId.set(item.paper.id, item);
    }
  }
  return { date, items: [...byId.values()], skipped };
}
