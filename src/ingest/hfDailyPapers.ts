import { UserError } from "../config/errors.js";
import { parseHfItems, type HfItem } from "./hfItem.js";
import { fetchJsonWithRetry, type RetryOptions } from "./retryingFetch.js";

export const HF_PAGE_SIZE = 100;
const MAX_PAGES = 20;

export interface DailyPapers {
  date: string;
  items: HfItem[];
  skipped: { index: number; reason: string }[];
}

/**
 * The feed answered, but not with a list of papers (an error object, `null`, items whose fields
 * were renamed): a failure of the feed, never an empty day.
 */
export class FeedFormatError extends UserError {
  override name = "FeedFormatError";
  constructor(
    readonly date: string,
    readonly page: number,
    problem: string,
  ) {
    super(`the Hugging Face feed's answer for ${date}${page ? ` (page ${page + 1})` : ""} ${problem}`);
  }
}

/** All items the feed lists for one day (YYYY-MM-DD), following pages until a short one; deduplicated on arXiv id. */
export async function fetchDailyPapers(apiBase: string, date: string, opts: RetryOptions = {}): Promise<DailyPapers> {
  const out: DailyPapers = { date, items: [], skipped: [] };
  const seen = new Set<string>();
  for (let p = 0; p < MAX_PAGES; p++) {
    const url = `${apiBase}/api/daily_papers?date=${date}&limit=${HF_PAGE_SIZE}&p=${p}&sort=trending`;
    const payload = await fetchJsonWithRetry(url, opts);
    if (!Array.isArray(payload)) throw new FeedFormatError(date, p, `is not a list of papers but ${describeJson(payload)}`);
    const page = parseHfItems(payload);
    if (payload.length && !page.items.length)
      throw new FeedFormatError(date, p, `has ${payload.length} items and none is a paper (first problem: ${page.skipped[0]?.reason})`);
    out.skipped.push(...page.skipped);
    for (const item of page.items) {
      if (seen.has(item.paper.id)) continue;
      seen.add(item.paper.id);
      out.items.push(item);
    }
    if (payload.length < HF_PAGE_SIZE) break;
  }
  return out;
}

/** "null", "an object (error, message)": enough to recognise a glitch, without echoing the body. */
function describeJson(v: unknown): string {
  if (v === null) return "null";
  if (typeof v !== "object") return `a ${typeof v}`;
  const keys = Object.keys(v).filter((k) => /^[\w.-]{1,30}$/.test(k));
  return keys.length ? `an object (${keys.slice(0, 5).join(", ")})` : "an object";
}

/** Every date from `since` to `until` inclusive, as YYYY-MM-DD. */
export function dateRange(since: string, until: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${since}T00:00:00Z`); t <= Date.parse(`${until}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
