import { requestedWaitMs } from "./retryingFetch.js";
import { fetchSameOrigin, RedirectRefused } from "../http/sameOriginFetch.js";

/** How paperbot names itself to the servers it downloads from. */
export const USER_AGENT = "paperbot/0.1 (Discord bot for research groups; reads the papers its group asks about)";

export type DownloadProblem = "not-found" | "http" | "too-large" | "timeout" | "unreachable" | "redirected";

export class DownloadError extends Error {
  override name = "DownloadError";
  constructor(
    readonly problem: DownloadProblem,
    message: string,
    /** For a 429 or 503: the wait the server asked for, in ms. */
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface DownloadOptions {
  maxBytes: number;
  /** The whole download, a stalled one included. */
  timeoutMs: number;
  accept?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/**
 * GETs `url` into memory: never more than `maxBytes` (a larger Content-Length is refused before the
 * body is read, a body that grows past it is cut off), redirects only within its origin, within
 * `timeoutMs` in all. Throws `DownloadError`.
 */
export async function downloadBytes(url: string, opts: DownloadOptions): Promise<Uint8Array> {
  const host = new URL(url).host;
  const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]) : AbortSignal.timeout(opts.timeoutMs);
  try {
    const res = await fetchSameOrigin(url, { headers: { accept: opts.accept ?? "*/*", "user-agent": USER_AGENT }, signal }, opts.fetch);
    if (!res.ok) {
      await res.body?.cancel();
      if (res.status === 404 || res.status === 410)
        throw new DownloadError("not-found", `${host} has no such file (HTTP ${res.status})`, undefined, res.status);
      throw new DownloadError("http", `${host} answered HTTP ${res.status}`, requestedWaitMs(res.headers), res.status);
    }
    const declared = Number(res.headers.get("content-length") ?? Number.NaN);
    if (declared > opts.maxBytes) {
      await res.body?.cancel();
      throw new DownloadError("too-large", `the file is ${mb(declared)}, more than the ${mb(opts.maxBytes)} limit`);
    }
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const part of res.body ?? []) {
      size += part.byteLength;
      if (size > opts.maxBytes) throw new DownloadError("too-large", `the file is more than the ${mb(opts.maxBytes)} limit`);
      parts.push(part);
    }
    return Buffer.concat(parts, size);
  } catch (err) {
    if (err instanceof DownloadError) throw err;
    if (err instanceof RedirectRefused) throw new DownloadError("redirected", err.message);
    if (opts.signal?.aborted) throw err;
    if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError"))
      throw new DownloadError("timeout", `${host} did not send the file within ${Math.ceil(opts.timeoutMs / 1000)} s`);
    throw new DownloadError("unreachable", `${host} could not be reached`);
  }
}
