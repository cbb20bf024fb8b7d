import type { Logger } from "../config/logger.js";
import { fetchSameOrigin, RedirectRefused } from "../http/sameOriginFetch.js";

export interface RetryOptions {
  retries?: number;
  /** Longest single wait, in ms; a server asking for more is waited for this long and tried again. */
  maxWaitMs?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  log?: Logger;
  timeoutMs?: number;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    /** The wait the server asked for (429/503 rate-limit headers), for a caller that retries itself. */
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status} from ${url}`);
    this.name = "HttpError";
  }
}

/** How long one request waits for an answer (`timeoutMs`'s default). */
export const REQUEST_TIMEOUT_MS = 30_000;

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The wait a 429/503 asks for, in ms: `Retry-After` (seconds or a date), `RateLimit-Reset`,
 * or the IETF `RateLimit: ...;t=N` field. Undefined when the server does not say.
 */
export function requestedWaitMs(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get("retry-after");
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = headers.get("ratelimit-reset") ?? headers.get("x-ratelimit-reset");
  if (reset && /^\d+$/.test(reset.trim())) {
    const n = Number(reset);
    // Some servers send an epoch time, most the seconds left.
    return n > 1e9 ? Math.max(0, n * 1000 - now) : n * 1000;
  }
  const t = /(?:^|;)\s*t=(\d+)/.exec(headers.get("ratelimit") ?? "");
  if (t) return Number(t[1]) * 1000;
  return undefined;
}

const retryable = (status: number) => status === 429 || status >= 500;

/** GET with bounded retries on 429, 5xx and network errors, honouring the server's rate-limit headers. */
export async function fetchJsonWithRetry(url: string, opts: RetryOptions = {}): Promise<unknown> {
  const { retries = 5, maxWaitMs = 300_000, baseDelayMs = 1000, sleep = realSleep, log, timeoutMs = REQUEST_TIMEOUT_MS } = opts;
  const doFetch = opts.fetch ?? fetch;
  for (let attempt = 0; ; attempt++) {
    let wait: number;
    try {
      const res = await fetchSameOrigin(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) }, doFetch);
      if (res.ok) return await res.json();
      await res.body?.cancel();
      const requested = requestedWaitMs(res.headers);
      if (!retryable(res.status) || attempt >= retries) throw new HttpError(res.status, url, requested);
      wait = requested ?? backoff(attempt, baseDelayMs);
      log?.warn({ url, status: res.status, attempt: attempt + 1, waitMs: wait }, "retrying after HTTP error");
    } catch (err) {
      if (err instanceof HttpError || err instanceof RedirectRefused || attempt >= retries) throw err;
      wait = backoff(attempt, baseDelayMs);
      log?.warn({ url, err: String(err), attempt: attempt + 1, waitMs: wait }, "retrying after network error");
    }
    await sleep(Math.min(wait, maxWaitMs));
  }
}

function backoff(attempt: number, base: number): number {
  return Math.min(60_000, base * 2 ** attempt) * (0.75 + Math.random() * 0.5);
}
