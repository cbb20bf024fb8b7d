import type { Db } from "./db.js";

/**
 * The papers a channel's digest has held (or may have: claims and failures that kept their papers)
 * on dates other than `exceptDate`, each with the earliest such date.
 */
export function postedPaperDays(db: Db, channelId: string, exceptDate?: string): Map<string, string> {
  const rows = db
    .prepare(
      `SELECT j.value AS id, min(d.date) AS date FROM digest_posts d, json_each(d.paper_ids) j
       WHERE d.channel_id = ? AND d.date IS NOT ? GROUP BY j.value`,
    )
    .all(channelId, exceptDate ?? null) as { id: string; date: string }[];
  return new Map(rows.map((r) => [r.id, r.date]));
}
