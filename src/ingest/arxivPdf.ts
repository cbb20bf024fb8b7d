import type { Logger } from "../config/logger.js";
import { DownloadError, downloadBytes } from "./download.js";
import { setTimeout as sleepFor } from "node:timers/promises";

export interface ArxivPdfOptions {
  /** `{base}/pdf/{id}`. */
  base: string;
  /** Pause after each request before the next one starts (arXiv asks for one every 3 s). */
  pauseMs: number;
  maxBytes: number;
  timeoutMs?: number;
  /** Tries after a 429 or 503, each after the wait the server asks for (or a doubling one). */
  retries?: number;
  /** The longest wait for a 429 or 503 that is honoured; a server asking for more fails the paper. */
  maxWaitMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  log?: Logger;
}

const DOWNLOAD_TIMEOUT_MS = 60_000;

/**
 * Fetches arXiv PDFs politely: one request at a time for the whole process (callers queue), a pause
 * between requests, 429 and 503 honoured with their Retry-After, a descriptive User-Agent.
 */
export class ArxivPdfFetcher {
  private queue: Promise<unknown> = Promise.resolve();
  /** When the next request may start. */
  private nextAt = 0;

  constructor(private readonly opts: ArxivPdfOptions) {}

  /** The PDF's bytes; throws `DownloadError` (`not-found` when arXiv has no PDF for it). */
  fetch(arxivId: string, signal?: AbortSignal): Promise<Uint8Array> {
    const turn = this.queue.then(() => this.fetchNow(arxivId, signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async fetchNow(arxivId: string, signal?: AbortSignal): Promise<Uint8Array> {
    const { base, pauseMs, maxBytes, retries = 3, maxWaitMs = 120_000, log } = this.opts;
    // Waits end at once when the caller gives up (a stopping bot must not sit out a Retry-After).
    const sleep = (ms: number) => (this.opts.sleep ? untilAborted(this.opts.sleep(ms), signal) : sleepFor(ms, undefined, { signal }));
    const url = `${base}/pdf/${encodeURIComponent(arxivId).replace(/%2F/g, "/")}`;
    for (let attempt = 0; ; attempt++) {
      const early = this.nextAt - Date.now();
      if (early > 0) await sleep(early);
      signal?.throwIfAborted();
      try {
        const bytes = await downloadBytes(url, {
          maxBytes,
          timeoutMs: this.opts.timeoutMs ?? DOWNLOAD_TIMEOUT_MS,
          accept: "application/pdf",
          fetch: this.opts.fetch,
          signal,
        });
        this.nextAt = Date.now() + pauseMs;
        return bytes;
      } catch (err) {
        this.nextAt = Date.now() + pauseMs;
        const busy = err instanceof DownloadError && (err.status === 429 || err.status === 503);
        if (!busy) throw err;
        const wait = err.retryAfterMs ?? 2 ** attempt * Math.max(pauseMs, 1000);
        // Whatever becomes of this paper, the papers queued behind it wait as long as arXiv asked.
        this.nextAt = Math.max(this.nextAt, Date.now() + Math.min(wait, maxWaitMs));
        if (attempt >= retries || wait > maxWaitMs) throw err;
        log?.warn({ arxivId, status: err.status, waitMs: wait, attempt: attempt + 1 }, "arXiv asked to wait before the next PDF");
      }
    }
  }
}

async function untilAborted(wait: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return wait;
  signal.throwIfAborted();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([wait, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
