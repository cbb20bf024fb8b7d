export type DigestPostState = "claimed" | "sent" | "failed";

export interface LedgerKey {
  guildId: string;
  channelId: string;
  /** The server's local date the post is for, YYYY-MM-DD. */
  date: string;
}

export interface LedgerEntry extends LedgerKey {
  state: DigestPostState;
  /** Absent on a sent day that had nothing new (no message). */
  messageId?: string;
  paperIds: string[];
  nonce: string;
  attempts: number;
  lastError?: string;
  /** When the day was first claimed (later attempts keep it): no attempt can have posted before. */
  claimedAt: string;
  sentAt?: string;
}

/**
 * - `owned`: this caller now sends. `resumed` means an earlier attempt may already have sent the
 *   message (a claim left by a crash, or a failed day): look for it before sending again.
 * - `sent`: done already. - `busy`: another run is on it right now, in this process or in another
 *   one (on any machine) whose lease on the claim has not run out.
 */
export type ClaimResult =
  | { kind: "owned"; entry: LedgerEntry; resumed: boolean }
  | { kind: "sent"; entry: LedgerEntry }
  | { kind: "busy"; entry: LedgerEntry };

/** How long a claim stays another process's without a renewal. */
export const LEASE_MS = 2 * 60_000;

/**
 * The digest ledger in either store (SQLite or PostgreSQL); see `DigestLedger` for what each operation does.
 * Keep one per process: it remembers which claims this process is working on and renews their leases.
 */
export interface DigestLedgerStore {
  claim(key: LedgerKey, nonce: string, now?: Date): Promise<ClaimResult>;
  release(key: LedgerKey): Promise<void>;
  /** Whether this process still holds the claim: no other process has taken the day over. */
  holds(key: LedgerKey): Promise<boolean>;
  recordPlan(key: LedgerKey, paperIds: readonly string[]): Promise<void>;
  noteError(key: LedgerKey, error: string): Promise<void>;
  markSent(key: LedgerKey, messageId: string | null, now?: Date, paperIds?: readonly string[]): Promise<void>;
  markFailed(key: LedgerKey, error: string, opts: { posted: "no" | "unknown" }): Promise<void>;
  get(key: LedgerKey): Promise<LedgerEntry | undefined>;
  postedPaperIds(channelId: string, exceptDate?: string): Promise<Set<string>>;
  /** `postedPaperIds` with the earliest such date of each paper. */
  postedPaperDays(channelId: string, exceptDate?: string): Promise<Map<string, string>>;
  lastSentAt(channelId: string, beforeDate: string): Promise<Date | undefined>;
  /** The server's latest day that produced a message. */
  lastPost(guildId: string): Promise<LedgerEntry | undefined>;
  lastRun(guildId: string): Promise<LedgerEntry | undefined>;
  lastError(guildId: string): Promise<LedgerEntry | undefined>;
  history(guildId: string, limit?: number): Promise<LedgerEntry[]>;
}

export interface LedgerOptions {
  /** The lease's clock for renewals (the runner's own `now` is used when claiming). */
  clock?: () => Date;
  /** Who holds this ledger's leases: this process (`host:pid`) unless a test plays another machine. */
  owner?: string;
}

/** One claim's key among this process's claims in flight: the channel and date (the table's UNIQUE). */
export function flightKey(k: { channelId: string; date: string }): string {
  return `${k.channelId}\n${k.date}`;
}
