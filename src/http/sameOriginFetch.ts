/** A redirect from an upstream to another origin: refused, since only the configured bases are ever contacted. */
export class RedirectRefused extends Error {
  override name = "RedirectRefused";
  constructor(
    readonly from: string,
    /** Where it pointed: scheme, host and port only (never the path or query, which may carry anything). */
    readonly to: string,
  ) {
    super(`${new URL(from).host} redirected to another host (${to}), which paperbot does not contact`);
  }
}

/** Redirects followed within one origin before giving up (fetch's own limit is 20). */
const MAX_REDIRECTS = 5;

const isRedirect = (status: number) => [301, 302, 303, 307, 308].includes(status);

/**
 * `fetch` for every outgoing request to an upstream (Hugging Face, arXiv): redirects are followed
 * only within the origin of `url`; one to another scheme, host or port throws `RedirectRefused`
 * without contacting it. Anything else is fetch's own behaviour.
 */
export async function fetchSameOrigin(url: string, init: RequestInit = {}, doFetch: typeof fetch = fetch): Promise<Response> {
  const origin = new URL(url).origin;
  let current = url;
  for (let hops = 0; ; hops++) {
    const res = await doFetch(current, { ...init, redirect: "manual" });
    const location = isRedirect(res.status) ? res.headers.get("location") : null;
    if (location === null) return res;
    await res.body?.cancel();
    const next = URL.canParse(location, current) ? new URL(location, current) : undefined;
    if (!next || next.origin !== origin) throw new RedirectRefused(current, next ? next.origin : "an unreadable address");
    if (hops >= MAX_REDIRECTS) throw new Error(`${new URL(url).host} redirected more than ${MAX_REDIRECTS} times`);
    current = next.href;
  }
}
