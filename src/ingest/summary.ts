import type { PaperInput } from "../store/paper.js";
import type { PaperRecords, UpsertOutcome } from "../store/paperRecords.js";

export interface IngestSummary {
  read: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  reasons: Record<string, number>;
  seconds: number;
  /** Ids of papers added or updated, in the order they were seen. */
  changedIds: string[];
}

export function emptySummary(): IngestSummary {
  return { read: 0, added: 0, updated: 0, unchanged: 0, skipped: 0, reasons: {}, seconds: 0, changedIds: [] };
}

export function countSkip(s: IngestSummary, reason: string): void {
  s.read++;
  s.skipped++;
  s.reasons[reason] = (s.reasons[reason] ?? 0) + 1;
}

/** How many changed ids a summary keeps (enough for any daily feed; a bulk load past it is walked instead). */
export const CHANGED_IDS_KEPT = 100_000;

/** Tallies a batch's outcomes into `s`; returns every paper's id, in order. */
export function tally(s: IngestSummary, outcomes: readonly { outcome: UpsertOutcome; id: string }[]): string[] {
  return outcomes.map(({ outcome, id }) => {
    s.read++;
    s[outcome]++;
    if (outcome !== "unchanged" && s.changedIds.length < CHANGED_IDS_KEPT) s.changedIds.push(id);
    return id;
  });
}

/**
 * Upserts a batch in one transaction and tallies the outcomes into `s`; returns every paper's id, in order.
 * With `bulk`, new papers may be indexed only by the caller's `finishBulkLoad()` (see `bulkLoad`).
 */
export async function upsertBatch(
  papers: PaperRecords,
  inputs: readonly PaperInput[],
  s: IngestSummary,
  opts: { bulk?: boolean } = {},
): Promise<string[]> {
  return tally(s, await papers.upsertMany(inputs, { bulk: opts.bulk }));
}

/** Runs a bulk load whose batches use `upsertBatch(..., { bulk: true })`, then indexes what it added, even if it failed half way. */
export async function bulkLoad<T>(papers: PaperRecords, load: () => Promise<T>): Promise<T> {
  await papers.startBulkLoad();
  try {
    return await load();
  } finally {
    await papers.finishBulkLoad();
  }
}

/** "read 776, added 776, updated 0, unchanged 0, skipped 2 (bad id: 2), 0.41 s" */
export function formatSummary(what: string, s: IngestSummary): string {
  const reasons = Object.entries(s.reasons)
    .map(([r, n]) => `${r}: ${n}`)
    .join("; ");
  return (
    `${what}: read ${s.read}, added ${s.added}, updated ${s.updated}, unchanged ${s.unchanged}, ` +
    `skipped ${s.skipped}${reasons ? ` (${reasons})` : ""}, ${s.seconds.toFixed(2)} s`
  );
}

export async function timed<T extends IngestSummary>(fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  const s = await fn();
  s.seconds = (performance.now() - t0) / 1000;
  return s;
}
