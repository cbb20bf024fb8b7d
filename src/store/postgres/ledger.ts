import {
  type ClaimResult,
  type DigestLedgerStore,
  type DigestPostState,
  flightKey,
  LEASE_MS,
  type LedgerEntry,
  type LedgerKey,
  type LedgerOptions,
} from "../ledger.js";
import { processGone, thisProcess } from "../processOwner.js";
import { inTransaction, type Pool } from "./pool.js";

interface PostRow {
  guild_id: string;
  channel_id: string;
  date: string;
  state: DigestPostState;
  message_id: string | null;
  paper_ids: string[];
  nonce: string;
  attempts: number;
  last_error: string | null;
  claimed_at: Date;
  sent_at: Date | null;
  lease_owner: string | null;
  lease_until: Date | null;
}

const toEntry = (r: PostRow): LedgerEntry => ({
  guildId: r.guild_id,
  channelId: r.channel_id,
  date: r.date,
  state: r.state,
  messageId: r.message_id ?? undefined,
  paperIds: r.paper_ids,
  nonce: r.nonce,
  attempts: r.attempts,
  lastError: r.last_error ?? undefined,
  claimedAt: r.claimed_at.toISOString(),
  sentAt: r.sent_at?.toISOString(),
});

const KEY = "guild_id = $1 AND channel_id = $2 AND date = $3";
/** A write of a claim's work ($4: this process): not once another process has taken the day over. */
const MINE = " AND (lease_owner = $4 OR lease_owner IS NULL)";
const keyParams = (k: LedgerKey) => [k.guildId, k.channelId, k.date];

/**
 * The digest ledger in PostgreSQL, shared by the bot's machines: which (server, channel, date) posts were
 * claimed, sent or failed. A claim is a lease held by one process (`host:pid`) until `lease_until`, renewed
 * every LEASE_MS / 3 while it works; claiming is one transaction that locks the day's row, so of processes on
 * any machines claiming at once exactly one gets it. Keep one instance per process (see `DigestLedger`).
 */
export class PostgresDigestLedgerStore implements DigestLedgerStore {
  private readonly inFlight = new Map<string, NodeJS.Timeout>();
  private readonly clock: () => Date;
  private readonly owner: string;

  constructor(
    private readonly pool: Pool,
    options: LedgerOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.owner = options.owner ?? thisProcess();
  }

  private leaseUntil(now: Date): Date {
    return new Date(now.getTime() + LEASE_MS);
  }

  /** Keeps renewing the lease on `key` until `release`. */
  private hold(key: LedgerKey): void {
    clearInterval(this.inFlight.get(flightKey(key)));
    const renew = setInterval(() => {
      this.pool
        .query(`UPDATE digest_posts SET lease_until = $4 WHERE ${KEY} AND lease_owner = $5 AND state = 'claimed'`, [
          ...keyParams(key),
          this.leaseUntil(this.clock()),
          this.owner,
        ])
        // An unreachable server: the next renewal tries again, and the claim's own writes go on (or fail) as they will.
        .catch(() => {});
    }, LEASE_MS / 3);
    renew.unref();
    this.inFlight.set(flightKey(key), renew);
  }

  private drop(key: LedgerKey): void {
    clearInterval(this.inFlight.get(flightKey(key)));
    this.inFlight.delete(flightKey(key));
  }

  /** Whether a claimed row is being worked on by a live process other than this one. */
  private leasedElsewhere(row: PostRow, now: Date): boolean {
    if (!row.lease_owner || row.lease_owner === this.owner) return false;
    return (row.lease_until?.getTime() ?? 0) > now.getTime() && !processGone(row.lease_owner);
  }

  async claim(key: LedgerKey, nonce: string, now = new Date()): Promise<ClaimResult> {
    let held: LedgerKey | undefined;
    try {
      return await inTransaction(this.pool, async (c): Promise<ClaimResult> => {
        const until = this.leaseUntil(now);
        const inserted = await c.query<PostRow>(
          `INSERT INTO digest_posts (guild_id, channel_id, date, state, nonce, attempts, claimed_at, lease_owner, lease_until)
           VALUES ($1, $2, $3, 'claimed', $4, 1, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING *`,
          [...keyParams(key), nonce, now, this.owner, until],
        );
        if (inserted.rows[0]) {
          // Marked in flight before the commit: a claim of this process waiting on the row then finds it busy.
          this.hold((held = key));
          return { kind: "owned", entry: toEntry(inserted.rows[0]), resumed: false };
        }
        // The row that conflicted, locked until this transaction ends: the same channel and date under another
        // server id conflicts too (UNIQUE (channel_id, date)), and it is that row that counts.
        const { rows } = await c.query<PostRow>("SELECT * FROM digest_posts WHERE channel_id = $1 AND date = $2 FOR UPDATE", [
          key.channelId,
          key.date,
        ]);
        const existing = rows[0];
        if (!existing) throw new Error(`digest ledger: conflicting row for ${key.channelId} ${key.date} vanished`);
        const entry = toEntry(existing);
        if (existing.state === "sent") return { kind: "sent", entry };
        // A run of this process still on the day (even one that failed and is finishing up) is busy, whatever the row says.
        if (this.inFlight.has(flightKey(entry)) || (existing.state === "claimed" && this.leasedElsewhere(existing, now)))
          return { kind: "busy", entry };
        const taken = await c.query<PostRow>(
          `UPDATE digest_posts SET state = 'claimed', attempts = attempts + 1, lease_owner = $4, lease_until = $5 WHERE ${KEY} RETURNING *`,
          [...keyParams(entry), this.owner, until],
        );
        this.hold((held = entry));
        return { kind: "owned", entry: toEntry(taken.rows[0]!), resumed: true };
      });
    } catch (err) {
      // Not committed: the claim is not this process's after all.
      if (held) this.drop(held);
      throw err;
    }
  }

  async release(key: LedgerKey): Promise<void> {
    this.drop(key);
    await this.pool.query(`UPDATE digest_posts SET lease_owner = NULL, lease_until = NULL WHERE ${KEY} AND lease_owner = $4`, [
      ...keyParams(key),
      this.owner,
    ]);
  }

  async recordPlan(key: LedgerKey, paperIds: readonly string[]): Promise<void> {
    await this.pool.query(`UPDATE digest_posts SET paper_ids = $5::jsonb WHERE ${KEY}${MINE}`, [
      ...keyParams(key),
      this.owner,
      JSON.stringify(paperIds),
    ]);
  }

  async holds(key: LedgerKey): Promise<boolean> {
    const { rows } = await this.pool.query<{ lease_owner: string | null }>(`SELECT lease_owner FROM digest_posts WHERE ${KEY}`, keyParams(key));
    return rows[0]?.lease_owner === this.owner;
  }

  async noteError(key: LedgerKey, error: string): Promise<void> {
    await this.pool.query(`UPDATE digest_posts SET last_error = $5 WHERE ${KEY}${MINE}`, [...keyParams(key), this.owner, error]);
  }

  async markSent(key: LedgerKey, messageId: string | null, now = new Date(), paperIds?: readonly string[]): Promise<void> {
    await this.pool.query(
      `UPDATE digest_posts SET state = 'sent', message_id = $5, sent_at = $6, last_error = NULL,
         paper_ids = coalesce($7::jsonb, paper_ids) WHERE ${KEY}${MINE}`,
      [...keyParams(key), this.owner, messageId, now, paperIds ? JSON.stringify(paperIds) : null],
    );
  }

  async markFailed(key: LedgerKey, error: string, opts: { posted: "no" | "unknown" }): Promise<void> {
    await this.pool.query(
      `UPDATE digest_posts SET state = 'failed', last_error = $5,
         paper_ids = CASE WHEN $6 THEN '[]'::jsonb ELSE paper_ids END WHERE ${KEY}${MINE}`,
      [...keyParams(key), this.owner, error, opts.posted === "no"],
    );
  }

  /**
   * Copies days from another store's ledger as they are (state, nonce, attempts, times and any lease kept), in
   * one statement; a day here already (same server, channel and date, or same channel and date) is left alone.
   * For `paperbot copy`: `claim` would start a new attempt. Returns how many were added.
   */
  async copyIn(entries: readonly (LedgerEntry & { leaseOwner?: string; leaseUntil?: string })[]): Promise<number> {
    if (entries.length === 0) return 0;
    const col = <T>(f: (e: (typeof entries)[number]) => T) => entries.map(f);
    const r = await this.pool.query(
      `INSERT INTO digest_posts (guild_id, channel_id, date, state, message_id, paper_ids, nonce, attempts, last_error,
         claimed_at, sent_at, lease_owner, lease_until)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::int[], $9::text[],
         $10::timestamptz[], $11::timestamptz[], $12::text[], $13::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [
        col((e) => e.guildId),
        col((e) => e.channelId),
        col((e) => e.date),
        col((e) => e.state),
        col((e) => e.messageId ?? null),
        col((e) => JSON.stringify(e.paperIds)),
        col((e) => e.nonce),
        col((e) => e.attempts),
        col((e) => e.lastError ?? null),
        col((e) => e.claimedAt),
        col((e) => e.sentAt ?? null),
        col((e) => e.leaseOwner ?? null),
        col((e) => e.leaseUntil ?? null),
      ],
    );
    return r.rowCount ?? 0;
  }

  async get(key: LedgerKey): Promise<LedgerEntry | undefined> {
    const { rows } = await this.pool.query<PostRow>(`SELECT * FROM digest_posts WHERE ${KEY}`, keyParams(key));
    return rows[0] ? toEntry(rows[0]) : undefined;
  }

  async postedPaperIds(channelId: string, exceptDate?: string): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT DISTINCT j.id FROM digest_posts d, jsonb_array_elements_text(d.paper_ids) AS j(id)
       WHERE d.channel_id = $1 AND d.date IS DISTINCT FROM $2`,
      [channelId, exceptDate ?? null],
    );
    return new Set(rows.map((r) => r.id));
  }

  async postedPaperDays(channelId: string, exceptDate?: string): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ id: string; date: string }>(
      `SELECT j.id, min(d.date) AS date FROM digest_posts d, jsonb_array_elements_text(d.paper_ids) AS j(id)
       WHERE d.channel_id = $1 AND d.date IS DISTINCT FROM $2 GROUP BY j.id`,
      [channelId, exceptDate ?? null],
    );
    return new Map(rows.map((r) => [r.id, r.date]));
  }

  async lastSentAt(channelId: string, beforeDate: string): Promise<Date | undefined> {
    const { rows } = await this.pool.query<{ at: Date | null }>(
      "SELECT max(sent_at) AS at FROM digest_posts WHERE channel_id = $1 AND date < $2 AND state = 'sent'",
      [channelId, beforeDate],
    );
    return rows[0]?.at ?? undefined;
  }

  async lastPost(guildId: string): Promise<LedgerEntry | undefined> {
    return this.latest(guildId, "state = 'sent' AND message_id IS NOT NULL");
  }

  async lastRun(guildId: string): Promise<LedgerEntry | undefined> {
    return this.latest(guildId, "true");
  }

  async lastError(guildId: string): Promise<LedgerEntry | undefined> {
    return this.latest(guildId, "last_error IS NOT NULL");
  }

  async history(guildId: string, limit = 30): Promise<LedgerEntry[]> {
    const { rows } = await this.pool.query<PostRow>("SELECT * FROM digest_posts WHERE guild_id = $1 ORDER BY date DESC, claimed_at DESC LIMIT $2", [
      guildId,
      limit,
    ]);
    return rows.map(toEntry);
  }

  private async latest(guildId: string, where: string): Promise<LedgerEntry | undefined> {
    const { rows } = await this.pool.query<PostRow>(
      `SELECT * FROM digest_posts WHERE guild_id = $1 AND ${where} ORDER BY date DESC, claimed_at DESC LIMIT 1`,
      [guildId],
    );
    return rows[0] ? toEntry(rows[0]) : undefined;
  }
}
