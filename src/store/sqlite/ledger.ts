import type { Db } from "../db.js";
import { type ClaimResult, DigestLedger, type DigestLedgerStore, type LedgerEntry, type LedgerKey, type LedgerOptions } from "../ledger.js";

/**
 * The async `DigestLedgerStore` over the synchronous SQLite `DigestLedger`: given a database, its own
 * ledger; given the process's ledger, that one (so its claims in flight are the same).
 */
export class SqliteDigestLedgerStore implements DigestLedgerStore {
  private readonly ledger: DigestLedger;

  constructor(from: Db | DigestLedger, options: LedgerOptions = {}) {
    this.ledger = from instanceof DigestLedger ? from : new DigestLedger(from, options);
  }

  async claim(key: LedgerKey, nonce: string, now?: Date): Promise<ClaimResult> {
    return this.ledger.claim(key, nonce, now);
  }

  async holds(key: LedgerKey): Promise<boolean> {
    return this.ledger.holds(key);
  }

  async release(key: LedgerKey): Promise<void> {
    this.ledger.release(key);
  }

  async recordPlan(key: LedgerKey, paperIds: readonly string[]): Promise<void> {
    this.ledger.recordPlan(key, paperIds);
  }

  async noteError(key: LedgerKey, error: string): Promise<void> {
    this.ledger.noteError(key, error);
  }

  async markSent(key: LedgerKey, messageId: string | null, now?: Date, paperIds?: readonly string[]): Promise<void> {
    this.ledger.markSent(key, messageId, now, paperIds);
  }

  async markFailed(key: LedgerKey, error: string, opts: { posted: "no" | "unknown" }): Promise<void> {
    this.ledger.markFailed(key, error, opts);
  }

  async get(key: LedgerKey): Promise<LedgerEntry | undefined> {
    return this.ledger.get(key);
  }

  async postedPaperIds(channelId: string, exceptDate?: string): Promise<Set<string>> {
    return this.ledger.postedPaperIds(channelId, exceptDate);
  }

  async postedPaperDays(channelId: string, exceptDate?: string): Promise<Map<string, string>> {
    return this.ledger.postedPaperDays(channelId, exceptDate);
  }

  async lastSentAt(channelId: string, beforeDate: string): Promise<Date | undefined> {
    return this.ledger.lastSentAt(channelId, beforeDate);
  }

  async lastPost(guildId: string): Promise<LedgerEntry | undefined> {
    return this.ledger.lastPost(guildId);
  }

  async lastRun(guildId: string): Promise<LedgerEntry | undefined> {
    return this.ledger.lastRun(guildId);
  }

  async lastError(guildId: string): Promise<LedgerEntry | undefined> {
    return this.ledger.lastError(guildId);
  }

  async history(guildId: string, limit?: number): Promise<LedgerEntry[]> {
    return this.ledger.history(guildId, limit);
  }
}
