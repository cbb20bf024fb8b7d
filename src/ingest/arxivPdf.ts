import type { Logger } from "../config/logger.js";
import { DownloadError, downloadBytes } from "./download.js";
import { setTimeout as sleepFor } from "node:timers/promises";

export interface ArxivPdfOptions {
  /** `{base}/pdf/{id}`. */
  base: string;
  /** Pause after each request before the next one starts (arXiv asks for one every 3 s). */
  pauseMs: number;
  maxBytes: number;
  log?: Logger;
}

const DOWNLOAD_TIMEOUT_MS = 60_000;
/** Tries after a 429 or 503, each after the wait the server asks for (or a doubling one). */
const RETRIES = 3;
/** The longest wait for a 429 or 503 that is honoured; a server asking for more fails the paper. */
const MAX_WAIT_MS = 120_000;

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
    const { base, pauseMs, maxBytes, log } = this.opts;
    const url = `${base}/pdf/${encodeURIComponent(arxivId).replace(/%2F/g, "/")}`;
    for (let attempt = 0; ; attempt++) {
      const early = this.nextAt - Date.now();
      // The wait ends at once when the caller gives up (a stopping bot must not sit out a Retry-After).
      if (early > 0) await sleepFor(early, undefined, { signal });
      signal?.throwIfAborted();
      try {
        const bytes = await downloadBytes(url, {
          maxBytes,
          timeoutMs: DOWNLOAD_TIMEOUT_MS,
          accept: "application/pdf",
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
        this.nextAt = Math.max(this.nextAt, Date.now() + Math.min(wait, MAX_WAIT_MS));
        if (attempt >= RETRIES || wait > MAX_WAIT_MS) throw err;
        log?.warn({ arxivId, status: err.status, waitMs: wait, attempt: attempt + 1 }, "arXiv asked to wait before the next PDF");
      }
    }
  }
}
