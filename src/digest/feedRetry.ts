import { FeedFormatError } from "../ingest/hfDailyPapers.js";
import { HttpError } from "../ingest/retryingFetch.js";

/**
 * How long a digest keeps trying a failing feed: waits double from `firstDelayMs` up to
 * `maxDelayMs`, and all of them together come to `windowMs` (the last one is cut short to fit).
 * This is the only feed retry a digest makes: its day fetcher tries each request once.
 */
export interface FeedRetryPolicy {
  windowMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

/** A scheduled post: nobody is waiting, so the feed gets hours. */
export const SCHEDULED_FEED_RETRY: FeedRetryPolicy = { windowMs: 3 * 3_600_000, firstDelayMs: 60_000, maxDelayMs: 30 * 60_000 };
/** A run someone is waiting for (`/digest now`, `/digest preview`, the CLI digest): two minutes. */
export const INTERACTIVE_FEED_RETRY: FeedRetryPolicy = { windowMs: 2 * 60_000, firstDelayMs: 15_000, maxDelayMs: 60_000 };

/** The waits between tries when every try fails and the feed never asks for a longer one. */
export function feedRetryWaits(policy: FeedRetryPolicy): number[] {
  const waits: number[] = [];
  const first = Math.max(1, policy.firstDelayMs);
  for (let total = 0, i = 0; total < policy.windowMs; i++) {
    const wait = Math.min(first * 2 ** i, Math.max(first, policy.maxDelayMs), policy.windowMs - total);
    waits.push(wait);
    total += wait;
  }
  return waits;
}

/** "tried 5 times, waiting 15 s, 30 s, 1 min and 15 s between tries (2 min of waiting in all)" */
export function describeFeedRetry(policy: FeedRetryPolicy): string {
  const waits = feedRetryWaits(policy);
  if (!waits.length) return "tried once";
  const each = waits.map(span);
  const list = each.length > 1 ? `${each.slice(0, -1).join(", ")} and ${each.at(-1)}` : each[0];
  return `tried ${waits.length + 1} times, waiting ${list} between tries (${span(policy.windowMs)} of waiting in all)`;
}

/** 15 s, 1 min, 1 min 30 s, 2 h 30 min */
function span(ms: number): string {
  const s = Math.round(ms / 1000);
  const parts = [
    [Math.floor(s / 3600), "h"],
    [Math.floor(s / 60) % 60, "min"],
    [s % 60, "s"],
  ] as const;
  return (
    parts
      .filter(([n]) => n > 0)
      .map(([n, unit]) => `${n} ${unit}`)
      .join(" ") || "0 s"
  );
}

/** Unreachable, rate-limited, failing (429, 5xx, network) or answering garbage is worth waiting for; a 4xx is not. */
export function isTransientFeedError(err: unknown): boolean {
  return !(err instanceof HttpError) || err.status === 408 || err.status === 429 || err.status >= 500;
}

export type FeedResult<T> = { ok: true; day: T } | { ok: false; error: string };

/**
 * Runs `attempt` (one fetch of a day's feed) until it succeeds, the policy's waits are used up, or
 * the feed refuses for good. A wait the feed asks for (Retry-After) is honoured within the window.
 */
export async function withFeedRetry<T>(args: {
  date: string;
  policy: FeedRetryPolicy;
  sleep: (ms: number) => Promise<void>;
  attempt: () => Promise<T>;
  /** Told before each wait, e.g. to show the problem in status while the day is still being tried. */
  onRetry?: (note: { error: string; attempt: number; waitMs: number }) => void | Promise<void>;
}): Promise<FeedResult<T>> {
  const waits = feedRetryWaits(args.policy);
  let left = args.policy.windowMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, day: await args.attempt() };
    } catch (err) {
      const what = err instanceof HttpError ? `HTTP ${err.status}` : errorText(err);
      if (!isTransientFeedError(err)) return { ok: false, error: `the Hugging Face feed refused ${args.date}: ${what}` };
      const planned = waits[attempt - 1] ?? 0;
      const wait = Math.min(Math.max(planned, err instanceof HttpError ? (err.retryAfterMs ?? 0) : 0), left);
      if (wait <= 0) {
        const why = err instanceof FeedFormatError ? err.message : `the Hugging Face feed was unreachable for ${args.date} (${what})`;
        return { ok: false, error: `${why}; gave up after ${attempt} attempts` };
      }
      await args.onRetry?.({ error: what, attempt, waitMs: wait });
      await args.sleep(wait);
      left -= wait;
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
