import { fetchDailyPapers, type DailyPapers } from "../ingest/hfDailyPapers.js";
import type { RetryOptions } from "../ingest/retryingFetch.js";

export type FetchDay = (date: string) => Promise<DailyPapers>;

/**
 * `fetchDailyPapers` against `apiBase` (HF_API_BASE), shared between servers: calls for a date while
 * one is in flight wait for it, and a fetched day is reused for `reuseMs` (servers posting at the
 * same minute make one request). Failures are not kept. Each request is tried once: the digest's
 * feed retry policy (`withFeedRetry`) is the one that waits and tries again.
 */
export function sharedDayFetcher(
  apiBase: string,
  opts: Pick<RetryOptions, "fetch" | "log" | "timeoutMs"> & { reuseMs?: number; now?: () => number } = {},
): FetchDay {
  const { reuseMs = 5 * 60_000, now = Date.now, ...request } = opts;
  const retry: RetryOptions = { ...request, retries: 0 };
  const cache = new Map<string, { day: Promise<DailyPapers>; doneAt?: number }>();
  const fresh = (e: { doneAt?: number }) => e.doneAt === undefined || now() - e.doneAt < reuseMs;
  return (date) => {
    for (const [d, e] of cache) if (!fresh(e)) cache.delete(d);
    const hit = cache.get(date);
    if (hit) return hit.day;
    const entry: { day: Promise<DailyPapers>; doneAt?: number } = { day: fetchDailyPapers(apiBase, date, retry) };
    cache.set(date, entry);
    entry.day.then(
      () => (entry.doneAt = now()),
      () => cache.get(date) === entry && cache.delete(date),
    );
    return entry.day;
  };
}
