import { EVERY_GROUP } from "../groupPapers.js";
import { GroupPapers } from "./groupPapers.js";
import type { Statement } from "better-sqlite3";
import type { PaperInput } from "../paper.js";
import { withoutRowid, type PaperRecords, type StoredPaper, type StoreStats, type UpsertOutcome } from "../paperRecords.js";
import { rowToPaper, type PaperRow } from "../paperRow.js";
import type { PaperStore } from "./paperStore.js";

/** The async `PaperRecords` over the synchronous SQLite `PaperStore`. */
export class SqlitePaperRecords implements PaperRecords {
  private byIds?: Statement<[string], PaperRow>;

  constructor(private readonly store: PaperStore) {}

  async upsert(input: PaperInput, now = new Date()): Promise<{ outcome: UpsertOutcome; id: string }> {
    return this.store.transaction(() => this.store.upsert(input, now.toISOString()));
  }

  async upsertMany(inputs: readonly PaperInput[], opts: { bulk?: boolean; now?: Date } = {}): Promise<{ outcome: UpsertOutcome; id: string }[]> {
    const now = (opts.now ?? new Date()).toISOString();
    const run = opts.bulk ? this.store.bulkTransaction.bind(this.store) : this.store.transaction.bind(this.store);
    return run(() => inputs.map((input) => this.store.upsert(input, now)));
  }

  async startBulkLoad(): Promise<void> {
    this.store.startBulkLoad();
  }

  async finishBulkLoad(): Promise<void> {
    this.store.finishBulkLoad();
  }

  async seedIfEmpty(inputs: readonly PaperInput[], opts: { now?: Date } = {}): Promise<{ outcome: UpsertOutcome; id: string }[] | undefined> {
    const now = opts.now ?? new Date();
    // The write lock is taken at BEGIN: a second process waits for it, then finds the papers.
    return this.store.transaction(() => {
      if (this.store.count() > 0) return undefined;
      const out = inputs.map((input) => this.store.upsert(input, now.toISOString()));
      new GroupPapers(this.store.db).addMany(
        EVERY_GROUP,
        out.map((o) => o.id),
        "seed",
        undefined,
        now,
      );
      return out;
    });
  }

  async optimizeIndexes(): Promise<number> {
    return this.store.optimizeIndexes();
  }

  async get(idOrArxivId: string): Promise<StoredPaper | undefined> {
    const p = this.store.get(idOrArxivId);
    return p && withoutRowid(p);
  }

  async getByTitle(title: string): Promise<StoredPaper | undefined> {
    const p = this.store.getByTitle(title);
    return p && withoutRowid(p);
  }

  async getMany(ids: readonly string[]): Promise<Map<string, StoredPaper>> {
    this.byIds ??= this.store.db.prepare<[string], PaperRow>("SELECT * FROM papers WHERE id IN (SELECT value FROM json_each(?))");
    const rows = this.byIds.all(JSON.stringify([...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, withoutRowid(rowToPaper(r))]));
  }

  async count(): Promise<number> {
    return this.store.count();
  }

  async byFeedDate(date: string): Promise<StoredPaper[]> {
    return this.store.byFeedDate(date).map(withoutRowid);
  }

  async newestInFeed(limit: number): Promise<StoredPaper[]> {
    const rows = this.store.db.prepare("SELECT * FROM papers WHERE source = 'hf' ORDER BY rowid DESC LIMIT ?").all(limit) as PaperRow[];
    return rows.map((r) => withoutRowid(rowToPaper(r)));
  }

  async stats(): Promise<StoreStats> {
    return this.store.cachedStats();
  }

  async version(): Promise<string> {
    return this.store.version();
  }
}
