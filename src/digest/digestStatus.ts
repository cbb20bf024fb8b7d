import type { DigestSettingsRepo } from "./digestConfig.js";
import type { DigestSettings } from "../store/digestSettings.js";
import type { DigestLedgerStore, LedgerEntry } from "./ledger.js";
import { formatDuration, formatLocal, nextScheduledRun } from "./localTime.js";

export interface DigestStatus {
  guildId: string;
  /** Stored settings, or the defaults when the server never set anything. */
  settings: DigestSettings;
  /** A channel is set. */
  configured: boolean;
  paused: boolean;
  pausedReason?: string;
  nextRun?: {
    iso: string;
    /** Seconds since the epoch, for Discord's `<t:…>` timestamps. */
    unix: number;
    /** "Tue 10 Feb 2026, 09:00 (Europe/Berlin), in 3 h 12 min" */
    human: string;
  };
  lastPost?: { date: string; messageId: string; channelId: string; count: number; sentAt?: string };
  lastRun?: { date: string; state: LedgerEntry["state"]; nothingNew: boolean };
  lastError?: { date: string; error: string; state: LedgerEntry["state"] };
  /** Followed authors' names, the server's own and the installation's. */
  followed: string[];
  /** What members taught the ranking: papers with a net 👍 (⭐ counting), with a net 👎. */
  votes: { liked: number; disliked: number };
}

/**
 * Everything /digest status shows. The next run is computed from the settings (as the scheduler
 * would), so it is right even in a process that does not run the scheduler.
 */
export async function digestStatus(args: {
  guildId: string;
  settings: DigestSettingsRepo;
  ledger: DigestLedgerStore;
  /** The names the server's post follows; without them and the votes, the status names none. */
  followed?: string[];
  /** Each voted paper's net votes for the server (`netVotes`). */
  votes?: ReadonlyMap<string, number>;
  now?: Date;
}): Promise<DigestStatus> {
  const now = args.now ?? new Date();
  const s = await args.settings.getOrDefault(args.guildId, now);
  const status: DigestStatus = {
    guildId: args.guildId,
    settings: s,
    configured: s.channelId !== undefined,
    paused: s.paused,
    pausedReason: s.pausedReason,
    followed: args.followed ?? [],
    votes: { liked: 0, disliked: 0 },
  };
  for (const net of args.votes?.values() ?? []) {
    if (net > 0) status.votes.liked++;
    else status.votes.disliked++;
  }
  if (s.channelId && !s.paused) {
    const next = nextScheduledRun(now, s.time, s.timezone);
    status.nextRun = {
      iso: next.toISOString(),
      unix: Math.floor(next.getTime() / 1000),
      human: `${formatLocal(next, s.timezone)} (${s.timezone}), in ${formatDuration(next.getTime() - now.getTime())}`,
    };
  }
  const [post, run, err] = await Promise.all([
    args.ledger.lastPost(args.guildId),
    args.ledger.lastRun(args.guildId),
    args.ledger.lastError(args.guildId),
  ]);
  if (post?.messageId)
    status.lastPost = {
      date: post.date,
      messageId: post.messageId,
      channelId: post.channelId,
      count: post.paperIds.length,
      sentAt: post.sentAt,
    };
  if (run) status.lastRun = { date: run.date, state: run.state, nothingNew: run.state === "sent" && !run.messageId };
  if (err?.lastError) status.lastError = { date: err.date, error: err.lastError, state: err.state };
  return status;
}
