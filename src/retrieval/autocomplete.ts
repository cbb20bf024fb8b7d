import { normalizeTitle } from "../store/paperId.js";
import type { PaperNameIndex } from "../store/paperNames.js";
import { nameKey } from "./nameKey.js";
import { truncate } from "../text/prose.js";

export interface Suggestion {
  /** The paper's id: what the command receives when the user picks the suggestion. */
  id: string;
  /** The title, cut to MAX_NAME_LENGTH. */
  name: string;
}

/** Discord shows at most 25 choices, each named in at most 100 characters. */
export const MAX_SUGGESTIONS = 25;
export const MAX_NAME_LENGTH = 100;

/**
 * Papers whose short name or title starts with `prefix` (ignoring case, spaces and punctuation),
 * then papers with title words starting with the prefix's words; the exact short name first, then
 * by upvotes within each group. An empty prefix lists the most upvoted, newest first.
 */
export async function autocomplete(names: PaperNameIndex, prefix: string, limit = MAX_SUGGESTIONS): Promise<Suggestion[]> {
  const n = Math.min(Math.max(0, Math.floor(limit)), MAX_SUGGESTIONS);
  if (!n) return [];
  const key = nameKey(prefix);
  const picked = new Set<string>();
  const add = (ids: string[]) => ids.forEach((id) => picked.size < n && picked.add(id));
  if (!key) add(await names.popular(n));
  else {
    add(await names.rankedByPrefix("short", key, n));
    if (picked.size < n) add(await names.rankedByPrefix("title", key, n + picked.size));
    if (picked.size < n) add(await names.wordPrefix(normalizeTitle(prefix).split(" ").filter(Boolean), n + picked.size));
  }
  const rows = new Map((await names.titles([...picked])).map((r) => [r.id, r]));
  return [...picked].flatMap((id) => {
    const r = rows.get(id);
    return r ? [{ id: r.id, name: truncate(r.title || r.id, MAX_NAME_LENGTH) }] : [];
  });
}
