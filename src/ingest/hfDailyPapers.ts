import { parseHfItems, type HfItem } from "./hfItem.js";
import { fetchJsonWithRetry, type RetryOptions } from "./retryingFetch.js";

export const HF_PAGE_SIZE = 100;
const MAX_PAGES = 20;

export interface DailyPapers {
  date: string;
  items: HfItem[];
  skipped: { index: number; reason: string }[];
}

/** All items the feed lists for one day (YYYY-MM-DD), following pages until a short one; deduplicated on arXiv id. */
export async function fetchDailyPapers(apiBase: string, date: string, opts: RetryOptions = {}): Promise<DailyPapers> {
  const out: DailyPapers = { date, items: [], skipped: [] };
  const seen = new Set<string>();
  for (let p = 0; p < MAX_PAGES; p++) {
    const url = `${apiBase}/api/daily_papers?date=${date}&limit=${HF_PAGE_SIZE}&p=${p}&sort=trending`;
    const payload = await fetchJsonWithRetry(url, opts);
    const page = parseHfItems(payload);
    out.skipped.push(...page.skipped);
    for (const item of page.items) {
      if (seen.has(item.paper.id)) continue;
      seen.add(item.paper.id);
      out.items.push(item);
    }
    if (!Array.isArray(payload) || payload.length < HF_PAGE_SIZE) break;
  }
  return out;
}

/** Every date from `since` to `until` inclusive, as YYYY-MM-DD. */
export function dateRange(since: string, until: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${since}T00:00:00Z`); t <= Date.parse(`${until}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
