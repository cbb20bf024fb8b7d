import { type Db, writeTransaction } from "./db.js";
import {
  type ClaimResult,
  type DigestLedgerStore,
  type LedgerEntry,
  type LedgerKey,
  type LedgerOptions,
  flightKey,
  LEASE_MS,
  type DigestPostState,
} from "../ledger.js";
import { processGone, thisProcess } from "../processOwner.js";

/** A `digest_posts` row as SQLite holds it. */
export interface PostRow {
  guild_id: string;
  channel_id: string;
  date: string;
  state: DigestPostState;
  message_id: string | null;
  paper_ids: string;
  nonce: string;
  attempts: number;
  last_error: string | null;
  claimed_at: string;
  sent_at: string | null;
  lease_owner: string | null;
  lease_until: string | null;
}

export function rowToEntry(r: PostRow): LedgerEntry {
  return {
    guildId: r.guild_id,
    channelId: r.channel_id,
    date: r.date,
    state: r.state,
    messageId: r.message_id ?? undefined,
    paperIds: JSON.parse(r.paper_ids) as string[],
    nonce: r.nonce,
    attempts: r.attempts,
    lastError: r.last_error ?? undefined,
    claimedAt: r.claimed_at,
    sentAt: r.sent_at ?? undefined,
  };
}

const keyParams = (k: LedgerKey) => ({ guild: k.guildId, channel: k.channelId, date: k.date });
/** A write of a claim's work: not once another process has taken the day over. */
const MINE = " AND (lease_owner = @owner OR lease_owner IS NULL)";

const WHERE_KEY = "guild_id = @guild AND channel_id = @channel AND date = @date";

/**
 * The `digest_posts` table: which (server, channel, date) posts were claimed, sent or failed.
 * A claim is a lease: its process (`host:pid`) holds it until `lease_until` and renews it every
 * LEASE_MS / 3 while it works, so another process, here or on another machine, leaves a live claim
 * alone and takes over one whose process died (at once on this host, after the lease elsewhere).
 * Keep one instance per process: it also remembers which claims this process is working on.
 */
export class DigestLedger {
  private readonly inFlight = new Map<string, NodeJS.Timeout>();
  private readonly clock: () => Date;
  private readonly owner: string;

  constructor(
    private readonly db: Db,
    /** The lease's clock, or the ledger's options. */
    options: (() => Date) | LedgerOptions = {},
  ) {
    const opts = typeof options === "function" ? { clock: options } : options;
    this.clock = opts.clock ?? (() => new Date());
    this.owner = opts.owner ?? thisProcess();
  }

  private leaseUntil(now: Date): string {
    return new Date(now.getTime() + LEASE_MS).toISOString();
  }

  /** Keeps renewing the lease on `key` until `release`. */
  private hold(key: LedgerKey): void {
    // A failed day taken up again by this process: its earlier renewal stops.
    clearInterval(this.inFlight.get(flightKey(key)));
    const renew = setInterval(() => {
      try {
        this.db
          .prepare(`UPDATE digest_posts SET lease_until = @until WHERE ${WHERE_KEY} AND lease_owner = @owner AND state = 'claimed'`)
          .run({ ...keyParams(key), until: this.leaseUntil(this.clock()), owner: this.owner });
      } catch {
        // A busy or closed database: the next renewal tries again, and the claim's own writes go on.
      }
    }, LEASE_MS / 3);
    renew.unref();
    this.inFlight.set(flightKey(key), renew);
  }

  /** Whether a claimed row is being worked on by a live process other than this one. */
  private leasedElsewhere(row: PostRow, now: Date): boolean {
    if (!row.lease_owner || row.lease_owner === this.owner) return false;
    return (row.lease_until ?? "") > now.toISOString() && !processGone(row.lease_owner);
  }

  /** Atomically takes the right to post for `key`, or says why not. Pair every `owned` with `release`. */
  claim(key: LedgerKey, nonce: string, now = new Date()): ClaimResult {
    return writeTransaction(this.db, (): ClaimResult => {
      const lease = { owner: this.owner, until: this.leaseUntil(now) };
      const inserted = this.db
        .prepare(
          `INSERT INTO digest_posts (guild_id, channel_id, date, state, nonce, attempts, claimed_at, lease_owner, lease_until)
           VALUES (@guild, @channel, @date, 'claimed', @nonce, 1, @at, @owner, @until) ON CONFLICT DO NOTHING`,
        )
        .run({ ...keyParams(key), nonce, at: now.toISOString(), ...lease });
      if (inserted.changes === 1) {
        this.hold(key);
        return { kind: "owned", entry: this.get(key)!, resumed: false };
      }
      // The same channel and date under another server id would also conflict; it is that row that counts.
      const existing =
        this.row(key) ??
        this.rowByChannel(key.channelId, key.date) ??
        (() => {
          throw new Error(`digest ledger: conflicting row for ${key.channelId} ${key.date} vanished`);
        })();
      const entry = rowToEntry(existing);
      if (existing.state === "sent") return { kind: "sent", entry };
      // A run of this process still on the day (even one that failed and is finishing up) is busy, whatever the row says.
      if (this.inFlight.has(flightKey(entry)) || (existing.state === "claimed" && this.leasedElsewhere(existing, now)))
        return { kind: "busy", entry };
      this.db
        .prepare(`UPDATE digest_posts SET state = 'claimed', attempts = attempts + 1, lease_owner = @owner, lease_until = @until WHERE ${WHERE_KEY}`)
        .run({ ...keyParams(entry), ...lease });
      this.hold(entry);
      return { kind: "owned", entry: this.get(entry)!, resumed: true };
    });
  }

  /** Ends this process's work on `key` (whatever state it was left in) and gives up its lease. */
  release(key: LedgerKey): void {
    clearInterval(this.inFlight.get(flightKey(key)));
    this.inFlight.delete(flightKey(key));
    this.db
      .prepare(`UPDATE digest_posts SET lease_owner = NULL, lease_until = NULL WHERE ${WHERE_KEY} AND lease_owner = @owner`)
      .run({ ...keyParams(key), owner: this.owner });
  }

  /** Whether this process still holds the claim on `key`: no other process has taken the day over (its lease having run out). */
  holds(key: LedgerKey): boolean {
    return this.row(key)?.lease_owner === this.owner;
  }

  /** Records which papers are about to be posted, before the send. */
  recordPlan(key: LedgerKey, paperIds: readonly string[]): void {
    this.db.prepare(`UPDATE digest_posts SET paper_ids = @ids WHERE ${WHERE_KEY}${MINE}`).run({
      ...keyParams(key),
      owner: this.owner,
      ids: JSON.stringify(paperIds),
    });
  }

  /** Notes a problem while the claim is still being worked on (status shows it; e.g. the feed is being retried). */
  noteError(key: LedgerKey, error: string): void {
    this.db.prepare(`UPDATE digest_posts SET last_error = @error WHERE ${WHERE_KEY}${MINE}`).run({ ...keyParams(key), owner: this.owner, error });
  }

  /** The post went out as `messageId` (null: nothing new that day, no message). */
  markSent(key: LedgerKey, messageId: string | null, now = new Date(), paperIds?: readonly string[]): void {
    this.db
      .prepare(
        `UPDATE digest_posts SET state = 'sent', message_id = @messageId, sent_at = @at, last_error = NULL,
           paper_ids = coalesce(@ids, paper_ids) WHERE ${WHERE_KEY}${MINE}`,
      )
      .run({ ...keyParams(key), owner: this.owner, messageId, at: now.toISOString(), ids: paperIds ? JSON.stringify(paperIds) : null });
  }

  /**
   * The day failed. `posted: "no"` when nothing can have gone out (its papers stay postable);
   * `"unknown"` when a send may have reached Discord (its papers are not offered again).
   */
  markFailed(key: LedgerKey, error: string, opts: { posted: "no" | "unknown" }): void {
    this.db
      .prepare(
        `UPDATE digest_posts SET state = 'failed', last_error = @error,
           paper_ids = CASE WHEN @clear THEN '[]' ELSE paper_ids END WHERE ${WHERE_KEY}${MINE}`,
      )
      .run({ ...keyParams(key), owner: this.owner, error, clear: opts.posted === "no" ? 1 : 0 });
  }

  get(key: LedgerKey): LedgerEntry | undefined {
    const row = this.row(key);
    return row ? rowToEntry(row) : undefined;
  }

  /**
   * arXiv ids this channel has been sent (or may have been: claims and failures that kept their
   * papers) on dates other than `exceptDate`.
   */
  postedPaperIds(channelId: string, exceptDate?: string): Set<string> {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT j.value AS id FROM digest_posts d, json_each(d.paper_ids) j
         WHERE d.channel_id = ? AND d.date IS NOT ?`,
      )
      .all(channelId, exceptDate ?? null) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  /** `postedPaperIds` with the earliest such date of each paper. */
  postedPaperDays(channelId: string, exceptDate?: string): Map<string, string> {
    const rows = this.db
      .prepare(
        `SELECT j.value AS id, min(d.date) AS date FROM digest_posts d, json_each(d.paper_ids) j
         WHERE d.channel_id = ? AND d.date IS NOT ? GROUP BY j.value`,
      )
      .all(channelId, exceptDate ?? null) as { id: string; date: string }[];
    return new Map(rows.map((r) => [r.id, r.date]));
  }

  /** When this channel's latest post before `date` was sent (empty days included), if any. */
  lastSentAt(channelId: string, beforeDate: string): Date | undefined {
    const r = this.db
      .prepare("SELECT max(sent_at) AS at FROM digest_posts WHERE channel_id = ? AND date < ? AND state = 'sent'")
      .get(channelId, beforeDate) as { at: string | null };
    return r.at ? new Date(r.at) : undefined;
  }

  /** The server's latest day that produced a message. */
  lastPost(guildId: string): LedgerEntry | undefined {
    return this.latest(guildId, "state = 'sent' AND message_id IS NOT NULL");
  }

  /** The server's latest day of any outcome. */
  lastRun(guildId: string): LedgerEntry | undefined {
    return this.latest(guildId, "1");
  }

  /** The server's latest day with an error that was not followed by success on that day. */
  lastError(guildId: string): LedgerEntry | undefined {
    return this.latest(guildId, "last_error IS NOT NULL");
  }

  /** The server's days, newest first. */
  history(guildId: string, limit = 30): LedgerEntry[] {
    return (
      this.db.prepare("SELECT * FROM digest_posts WHERE guild_id = ? ORDER BY date DESC, claimed_at DESC LIMIT ?").all(guildId, limit) as PostRow[]
    ).map(rowToEntry);
  }

  private latest(guildId: string, where: string): LedgerEntry | undefined {
    const row = this.db
      .prepare(`SELECT * FROM digest_posts WHERE guild_id = ? AND ${where} ORDER BY date DESC, claimed_at DESC LIMIT 1`)
      .get(guildId) as PostRow | undefined;
    return row ? rowToEntry(row) : undefined;
  }

  private row(key: LedgerKey): PostRow | undefined {
    return this.db.prepare(`SELECT * FROM digest_posts WHERE ${WHERE_KEY}`).get(keyParams(key)) as PostRow | undefined;
  }

  private rowByChannel(channelId: string, date: string): PostRow | undefined {
    return this.db.prepare("SELECT * FROM digest_posts WHERE channel_id = ? AND date = ?").get(channelId, date) as PostRow | undefined;
  }
}

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
