import type { Logger } from "../config/logger.js";
import { realSleep, requestedWaitMs } from "./retryingFetch.js";
import { fetchSameOrigin, RedirectRefused } from "../http/sameOriginFetch.js";

/** Bounds for a lookup a user is waiting on: a short timeout, a retry or two, short waits. */
export interface LookupOptions {
  timeoutMs?: number;
  retries?: number;
  /** First wait before a retry, doubled after each; a server's Retry-After is honoured up to `maxWaitMs`. */
  baseDelayMs?: number;
  maxWaitMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  log?: Logger;
}

export const LOOKUP_TIMEOUT_MS = 10_000;

/** What an upstream answered: a status and its body (read only for a 200). */
export type Answer = { status: number; body: string } | { status: "timeout" | "unreachable" } | { status: "redirected"; to: string };

const retryable = (status: number) => status === 429 || status >= 500;

/** GET `url`, retrying 429, 5xx, timeouts and network errors a bounded number of times; never throws. */
export async function getWithRetry(url: string, accept: string, opts: LookupOptions = {}): Promise<Answer> {
  const { timeoutMs = LOOKUP_TIMEOUT_MS, retries = 2, baseDelayMs = 300, maxWaitMs = 3000, sleep = realSleep, log } = opts;
  const doFetch = opts.fetch ?? fetch;
  for (let attempt = 0; ; attempt++) {
    let answer: Answer;
    let wait = baseDelayMs * 2 ** attempt;
    try {
      const res = await fetchSameOrigin(url, { headers: { accept }, signal: AbortSignal.timeout(timeoutMs) }, doFetch);
      if (res.ok) return { status: res.status, body: await res.text() };
      await res.body?.cancel();
      answer = { status: res.status, body: "" };
      wait = requestedWaitMs(res.headers) ?? wait;
      if (!retryable(res.status)) return answer;
    } catch (err) {
      if (err instanceof RedirectRefused) return { status: "redirected", to: err.to };
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      answer = { status: timedOut ? "timeout" : "unreachable" };
    }
    if (attempt >= retries) return answer;
    log?.warn({ url, status: answer.status, attempt: attempt + 1, waitMs: wait }, "retrying a paper lookup");
    await sleep(Math.min(wait, maxWaitMs));
  }
}

/** "is not answering (HTTP 503)", "did not answer within 10 s": what went wrong, for a user. */
export function describeFailure(answer: Answer, timeoutMs = LOOKUP_TIMEOUT_MS): string {
  if (answer.status === "timeout") return `did not answer within ${Math.ceil(timeoutMs / 1000)} s`;
  if (answer.status === "unreachable") return "could not be reached";
  if (answer.status === "redirected") return `redirected to another host (${answer.to}), which paperbot does not contact`;
  if (retryable(answer.status)) return `is not answering (HTTP ${answer.status})`;
  return `refused the request (HTTP ${answer.status})`;
}
