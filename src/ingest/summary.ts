import type { PaperInput } from "../store/paper.js";
import type { PaperStore } from "../store/paperStore.js";

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

/**
 * Upserts a batch in one transaction and tallies the outcomes into `s`; returns every paper's id, in order.
 * With `bulk`, new papers are indexed only by the caller's `store.finishBulkLoad()` (see `bulkLoad`).
 */
export function upsertBatch(store: PaperStore, inputs: PaperInput[], s: IngestSummary, opts: { bulk?: boolean } = {}): string[] {
  const run = opts.bulk ? store.bulkTransaction.bind(store) : store.transaction.bind(store);
  return run(() =>
    inputs.map((input) => {
      const { outcome, id } = store.upsert(input);
      s.read++;
      s[outcome]++;
      if (outcome !== "unchanged" && s.changedIds.length < CHANGED_IDS_KEPT) s.changedIds.push(id);
      return id;
    }),
  );
}

/** Runs a bulk load whose batches use `upsertBatch(..., { bulk: true })`, then indexes what it added, even if it failed half way. */
export async function bulkLoad<T>(store: PaperStore, load: () => Promise<T>): Promise<T> {
  store.startBulkLoad();
  try {
    return await load();
  } finally {
    store.finishBulkLoad();
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
