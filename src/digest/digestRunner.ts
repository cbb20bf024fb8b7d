import { UserError } from "../config/errors.js";
import type { Logger } from "../config/logger.js";
import { digestRuns } from "../metrics/metrics.js";
import type { DailyPapers } from "../ingest/hfDailyPapers.js";
import { hfItemToInput } from "../ingest/hfItem.js";
import { realSleep } from "../ingest/retryingFetch.js";
import { addToCollection, type PaperCollection } from "../ingest/addToCollection.js";
import { countSkip, emptySummary, upsertBatch, type IngestSummary } from "../ingest/summary.js";
import type { Stores } from "../store/stores.js";
import type { DigestSettingsRepo } from "./digestConfig.js";
import type { DigestSettings } from "../store/digestSettings.js";
import type { DigestPoster } from "./digestPoster.js";
import { buildDigestPost, digestHeaderPrefix, type DigestPost, type TldrWriter } from "./digestPost.js";
import type { LedgerEntry, LedgerKey } from "./ledger.js";
import { digestNonce } from "./nonce.js";
import type { FetchDay } from "./fetchDay.js";
import { feedWindow, fetchWindow, type FeedWindow } from "./feedWindow.js";
import { INTERACTIVE_FEED_RETRY, SCHEDULED_FEED_RETRY, withFeedRetry, type FeedResult, type FeedRetryPolicy } from "./feedRetry.js";
import { DigestPosterError, PostRejectedError } from "./posterErrors.js";
import { selectPapers, type PaperRanker, type Selection } from "./selectPapers.js";
import { loadGroupProfile } from "./groupProfile.js";
import { groupRanker, rankedTexts } from "./rankForGroup.js";
import { collectionIdf } from "./collectionIdf.js";

export type { FeedRetryPolicy } from "./feedRetry.js";

/** Retries of a failed send; all well inside the few minutes Discord remembers a nonce. */
export const DEFAULT_SEND_RETRY_DELAYS_MS: readonly number[] = [2_000, 10_000, 30_000];
/** Messages per history request when searching for an earlier post (Discord's maximum). */
export const RECONCILE_PAGE_SIZE = 100;
/** At most this many pages are searched; a channel busier than that since the first attempt stays undecided. */
export const RECONCILE_MAX_PAGES = 50;
/** How far Discord's clock may run behind ours when a message's time is compared with the claim's. */
const CLOCK_SKEW_MS = 10 * 60_000;

export interface DigestDeps {
  /** Everything the digest reads and writes; its `ledger` is the process's one (see `DigestLedgerStore`). */
  stores: Stores;
  settings: DigestSettingsRepo;
  fetchDay: FetchDay;
  poster: DigestPoster;
  tldr?: TldrWriter;
  /** With an embedding model, the day's new papers get their vectors in the same run. */
  embeddings?: PaperCollection["embeddings"];
  log: Logger;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  feedRetry?: Partial<FeedRetryPolicy>;
  sendRetryDelaysMs?: readonly number[];
  /** Rank for-us posts against the installation-wide profile (every server's papers), as the CLI does. */
  installationProfile?: boolean;
}

interface OutcomeBase {
  guildId: string;
  date: string;
  channelId?: string;
}

export interface StoredCounts {
  fetched: number;
  added: number;
  updated: number;
  skipped: number;
}

export type DigestOutcome = OutcomeBase &
  (
    | { kind: "posted"; channelId: string; messageId: string; paperIds: string[]; newToday: number; stored: StoredCounts }
    /** An earlier attempt had posted (found in the channel); marked sent, nothing new sent. */
    | { kind: "reconciled"; channelId: string; messageId: string; paperIds: string[] }
    | { kind: "already-sent"; channelId: string; messageId?: string }
    /** Nothing to post that day (a weekend, or everything filtered); recorded as done, no message. */
    | { kind: "nothing-new"; channelId: string; newToday: number; stored: StoredCounts }
    /** Another run (in this process, or in another one whose lease on the claim is live) is posting this day right now. */
    | { kind: "busy"; channelId: string }
    | { kind: "skipped"; reason: "not-configured" | "paused"; detail?: string }
    | { kind: "feed-failed"; channelId: string; error: string }
    /** The channel is gone or off-limits; the server's digest is now paused with `reason`. */
    | { kind: "paused"; channelId: string; reason: string }
    | { kind: "send-failed"; channelId: string; error: string }
    | { kind: "error"; error: string }
  );

/**
 * Posts one server's digest for one local date, at most once per channel and date, and never
 * throws: every ending is an outcome (and is in the ledger for status).
 */
export async function runDigest(args: DigestRunArgs): Promise<DigestOutcome> {
  const outcome = await runOnce(args);
  digestRuns.inc({ outcome: outcome.kind });
  return outcome;
}

export interface DigestRunArgs {
  guildId: string;
  date: string;
  deps: DigestDeps;
  /** A person asked ("post now"): run even if the schedule is paused. */
  ignorePause?: boolean;
}

async function runOnce(args: DigestRunArgs): Promise<DigestOutcome> {
  const { guildId, date, deps } = args;
  const now = deps.now ?? (() => new Date());
  const base = { guildId, date };
  let key: LedgerKey | undefined;
  try {
    const settings = await deps.settings.get(guildId);
    if (!settings?.channelId) return { ...base, kind: "skipped", reason: "not-configured" };
    if (settings.paused && !args.ignorePause) return { ...base, kind: "skipped", reason: "paused", detail: settings.pausedReason };
    const channelId = settings.channelId;
    const nonce = digestNonce(channelId, date);
    const claim = await deps.stores.ledger.claim({ guildId, channelId, date }, nonce, now());
    if (claim.kind === "sent") return { ...base, channelId, kind: "already-sent", messageId: claim.entry.messageId };
    if (claim.kind === "busy") return { ...base, channelId, kind: "busy" };
    key = { guildId: claim.entry.guildId, channelId: claim.entry.channelId, date: claim.entry.date };
    return await runClaimed({ deps, settings, key, nonce, entry: claim.entry, resumed: claim.resumed, now });
  } catch (err) {
    deps.log.error({ guildId, date, err }, "digest run failed unexpectedly");
    if (key) {
      try {
        await deps.stores.ledger.markFailed(key, `unexpected error: ${errorText(err)}`, { posted: "unknown" });
      } catch {
        // The ledger itself is failing; the claim stays and the next run reconciles it.
      }
    }
    return { ...base, channelId: key?.channelId, kind: "error", error: errorText(err) };
  } finally {
    if (key) await deps.stores.ledger.release(key);
  }
}

async function runClaimed(ctx: {
  deps: DigestDeps;
  settings: DigestSettings;
  key: LedgerKey;
  nonce: string;
  entry: LedgerEntry;
  resumed: boolean;
  now: () => Date;
}): Promise<DigestOutcome> {
  const { deps, settings, key, nonce, now } = ctx;
  const ledger = deps.stores.ledger;
  const base = { guildId: key.guildId, date: key.date, channelId: key.channelId };
  const sleep = deps.sleep ?? realSleep;

  if (ctx.resumed) {
    // An earlier attempt may have posted and died before marking it; Discord forgets nonces after
    // minutes, so look for the message itself.
    const since = new Date(ctx.entry.claimedAt);
    const found = await withRetries(
      deps,
      sleep,
      () => findEarlierPost(deps.poster, key, nonce, since),
      (error) => ledger.noteError(key, `checking for an earlier post: ${error}`),
    );
    if (found.kind === "gone") return pauseFor(deps, key, found.error, now);
    const couldNotCheck = async (why: string): Promise<DigestOutcome> => {
      const error = `could not check the channel for an earlier post: ${why}`;
      await ledger.markFailed(key, error, { posted: "unknown" });
      return { ...base, kind: "send-failed", error };
    };
    if (found.kind === "failed") return couldNotCheck(found.error);
    const earlier = found.value;
    if (earlier.kind === "undecided") return couldNotCheck(earlier.error);
    if (earlier.kind === "found") {
      const messageId = earlier.messageId;
      await ledger.markSent(key, messageId, now());
      deps.log.info({ ...base, messageId }, "digest: found the earlier post, not posting again");
      return { ...base, kind: "reconciled", messageId, paperIds: ctx.entry.paperIds };
    }
  }

  const window = feedWindow(key.date, settings.time, settings.timezone, now(), await ledger.lastSentAt(key.channelId, key.date));
  const feed = await fetchWithRetry(deps, key, window, sleep);
  if (!feed.ok) {
    await ledger.markFailed(key, feed.error, { posted: "no" });
    deps.log.warn({ ...base, error: feed.error }, "digest: feed failed for the day");
    return { ...base, kind: "feed-failed", error: feed.error };
  }
  // The new papers are embedded while the post is made; the run ends when both are done.
  const { summary, searchable } = await storeFeedDay(deps, feed.day);
  try {
    return await postDay({ deps, key, base, settings, day: feed.day, window, stored: storedCounts(feed.day, summary), nonce, sleep, now });
  } finally {
    await searchable;
  }
}

async function postDay(ctx: {
  deps: DigestDeps;
  key: LedgerKey;
  base: OutcomeBase & { channelId: string };
  settings: DigestSettings;
  day: DailyPapers;
  window: FeedWindow;
  stored: StoredCounts;
  nonce: string;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
}): Promise<DigestOutcome> {
  const { deps, key, base, settings, window, stored, nonce, sleep, now } = ctx;
  const ledger = deps.stores.ledger;
  const selection = await selectFor(deps, settings, ctx.day, window, await ledger.postedPaperDays(key.channelId, key.date));
  if (!selection.papers.length) {
    await ledger.markSent(key, null, now(), []);
    return { ...base, kind: "nothing-new", newToday: selection.newToday, stored };
  }

  const post = await buildDigestPost({ selection, filter: settings, tldr: deps.tldr, log: deps.log });
  // A run that stalled past its lease may have lost the day to another process, which posts it: this one must not.
  if (!(await ledger.holds(key))) {
    deps.log.warn({ ...base }, "digest: another process took the day over; not sending");
    return { ...base, kind: "busy" };
  }
  await ledger.recordPlan(key, post.paperIds);
  const sent = await withRetries(
    deps,
    sleep,
    () => deps.poster.send(key.channelId, post, nonce),
    (error) => ledger.noteError(key, `posting: ${error}`),
  );
  if (sent.kind === "gone") return pauseFor(deps, key, sent.error, now);
  if (sent.kind === "failed") {
    const error = `could not post: ${sent.error}`;
    await ledger.markFailed(key, error, { posted: sent.rejected ? "no" : "unknown" });
    deps.log.warn({ ...base, error }, "digest: send failed");
    return { ...base, kind: "send-failed", error };
  }
  await ledger.markSent(key, sent.value.messageId, now(), post.paperIds);
  deps.log.info({ ...base, messageId: sent.value.messageId, papers: post.paperIds.length }, "digest posted");
  return {
    ...base,
    kind: "posted",
    messageId: sent.value.messageId,
    paperIds: post.paperIds,
    newToday: selection.newToday,
    stored,
  };
}

export interface DigestPreview {
  settings: DigestSettings;
  selection: Selection;
  post: DigestPost;
  /** Set when this channel already has its post for the date ("now" would not post again). */
  alreadySent?: LedgerEntry;
}

/**
 * What the server's digest for `date` would post now; sends nothing and claims nothing (the fetched
 * papers are still added to the collection). The feed is retried as for a run someone waits for
 * (`INTERACTIVE_FEED_RETRY`, or `deps.feedRetry`); then its failure is thrown, for the caller to show.
 */
export async function previewDigest(args: { guildId: string; date: string; deps: DigestDeps }): Promise<DigestPreview> {
  const { deps } = args;
  const { settings, selection } = await selectDay(args);
  const post = await buildDigestPost({ selection, filter: settings, tldr: deps.tldr, log: deps.log });
  const entry = settings.channelId
    ? await deps.stores.ledger.get({ guildId: args.guildId, channelId: settings.channelId, date: args.date })
    : undefined;
  return { settings, selection, post, alreadySent: entry?.state === "sent" ? entry : undefined };
}

export interface DaySelection {
  settings: DigestSettings;
  day: DailyPapers;
  selection: Selection;
}

/**
 * The server's selection for `date` as a run would make it now (its settings, the papers its channel
 * was sent on other days); nothing is sent or claimed, the fetched papers join the collection. A
 * failed feed, after the interactive retries, is thrown as a `UserError`.
 */
export async function selectDay(args: { guildId: string; date: string; deps: DigestDeps }): Promise<DaySelection> {
  const { deps } = args;
  const settings = await deps.settings.getOrDefault(args.guildId);
  const previous = settings.channelId ? await deps.stores.ledger.lastSentAt(settings.channelId, args.date) : undefined;
  const window = feedWindow(args.date, settings.time, settings.timezone, (deps.now ?? (() => new Date()))(), previous);
  const feed = await withFeedRetry({
    date: args.date,
    policy: { ...INTERACTIVE_FEED_RETRY, ...deps.feedRetry },
    sleep: deps.sleep ?? realSleep,
    attempt: () => fetchWindow(window, args.date, deps.fetchDay),
  });
  if (!feed.ok) throw new UserError(feed.error);
  const day = feed.day;
  await (await storeFeedDay(deps, day)).searchable;
  const posted = settings.channelId ? await deps.stores.ledger.postedPaperDays(settings.channelId, args.date) : new Map<string, string>();
  return { settings, day, selection: await selectFor(deps, settings, day, window, posted) };
}

async function selectFor(
  deps: DigestDeps,
  settings: DigestSettings,
  day: DailyPapers,
  window: FeedWindow,
  alreadyPosted: ReadonlyMap<string, string>,
): Promise<Selection> {
  const followed = await deps.stores.follows.forGroup(deps.installationProfile ? undefined : settings.guildId);
  return selectPapers(day.items, {
    rank: await rankerFor(deps, settings, day),
    date: day.date,
    window,
    count: settings.count,
    include: settings.include,
    exclude: settings.exclude,
    minUpvotes: settings.minUpvotes,
    alreadyPosted,
    followed: followed.map((f) => f.name),
  });
}

/** for-us: the group's own order; trending, or a group with no papers or interests yet: most upvoted. */
async function rankerFor(deps: DigestDeps, settings: DigestSettings, day: DailyPapers): Promise<PaperRanker | undefined> {
  if (settings.rankMode !== "for-us") return undefined;
  const profile = await loadGroupProfile({
    stores: deps.stores,
    guildId: deps.installationProfile ? undefined : settings.guildId,
    interests: settings.interests,
  });
  if (!profile.papers.length && !profile.interests.length) return undefined;
  return groupRanker(profile, await collectionIdf(deps.stores, rankedTexts(day.items, profile)));
}

/**
 * Every fetched paper goes into the collection, posted or not: stored at once (`summary`), made
 * searchable (embedded) by `searchable`.
 */
async function storeFeedDay(deps: DigestDeps, day: DailyPapers): Promise<{ summary: IngestSummary; searchable: Promise<unknown> }> {
  const summary: IngestSummary = emptySummary();
  for (const k of day.skipped) countSkip(summary, `malformed item (${k.reason})`);
  await upsertBatch(deps.stores.papers, day.items.map(hfItemToInput), summary);
  const collection: PaperCollection = { stores: deps.stores, embeddings: deps.embeddings, log: deps.log };
  return { summary, searchable: addToCollection(collection, () => summary) };
}

const storedCounts = (day: DailyPapers, s: IngestSummary): StoredCounts => ({
  fetched: day.items.length,
  added: s.added,
  updated: s.updated,
  skipped: s.skipped,
});

type EarlierPost = { kind: "found"; messageId: string } | { kind: "none" } | { kind: "undecided"; error: string };

/**
 * Pages back through the channel's history to the day's first claim (`since`): an earlier
 * attempt's post cannot be older, however many messages came after it.
 */
async function findEarlierPost(poster: DigestPoster, key: LedgerKey, nonce: string, since: Date): Promise<EarlierPost> {
  const prefix = digestHeaderPrefix(key.date);
  const oldest = since.getTime() - CLOCK_SKEW_MS;
  let before: string | undefined;
  for (let page = 0; page < RECONCILE_MAX_PAGES; page++) {
    const messages = await poster.recentMessages(key.channelId, RECONCILE_PAGE_SIZE, before);
    const mine = messages.find((m) => m.authorIsMe && (m.nonce === nonce || m.content === prefix || m.content.startsWith(`${prefix} `)));
    if (mine) return { kind: "found", messageId: mine.id };
    const last = messages.at(-1);
    if (!last || last.sentAt.getTime() < oldest) return { kind: "none" };
    before = last.id;
  }
  return {
    kind: "undecided",
    error: `more than ${RECONCILE_MAX_PAGES * RECONCILE_PAGE_SIZE} messages since the first attempt (${since.toISOString()}); not searched further`,
  };
}

type Attempt<T> = { kind: "ok"; value: T } | { kind: "gone"; error: DigestPosterError } | { kind: "failed"; error: string; rejected?: boolean };

/** Calls Discord, retrying transient failures after the configured delays; channel errors end it at once. */
async function withRetries<T>(
  deps: DigestDeps,
  sleep: (ms: number) => Promise<void>,
  fn: () => Promise<T>,
  onRetry: (error: string) => Promise<void>,
): Promise<Attempt<T>> {
  const delays = deps.sendRetryDelaysMs ?? DEFAULT_SEND_RETRY_DELAYS_MS;
  for (let i = 0; ; i++) {
    try {
      return { kind: "ok", value: await fn() };
    } catch (err) {
      if (err instanceof DigestPosterError) return { kind: "gone", error: err };
      if (err instanceof PostRejectedError) return { kind: "failed", error: errorText(err), rejected: true };
      if (i >= delays.length) return { kind: "failed", error: errorText(err) };
      await onRetry(errorText(err));
      deps.log.warn({ err: errorText(err), attempt: i + 1 }, "digest: Discord call failed, retrying");
      await sleep(delays[i]!);
    }
  }
}

async function pauseFor(deps: DigestDeps, key: LedgerKey, err: DigestPosterError, now: () => Date): Promise<DigestOutcome> {
  await deps.settings.pause(key.guildId, err.reason, now());
  await deps.stores.ledger.markFailed(key, err.message, { posted: "no" });
  deps.log.warn({ ...key, error: err.message }, "digest paused for this server");
  return { guildId: key.guildId, date: key.date, channelId: key.channelId, kind: "paused", reason: err.reason };
}

/** The window's feed, tried under the day's one retry policy (scheduled unless `deps.feedRetry` says otherwise). */
function fetchWithRetry(
  deps: DigestDeps,
  key: LedgerKey,
  window: FeedWindow,
  sleep: (ms: number) => Promise<void>,
): Promise<FeedResult<DailyPapers>> {
  return withFeedRetry({
    date: key.date,
    policy: { ...SCHEDULED_FEED_RETRY, ...deps.feedRetry },
    sleep,
    attempt: () => fetchWindow(window, key.date, deps.fetchDay),
    onRetry: async ({ error, attempt, waitMs }) => {
      await deps.stores.ledger.noteError(key, `the Hugging Face feed failed (${error}); retrying (attempt ${attempt})`);
      deps.log.warn({ ...key, error, attempt, waitMs }, "digest: feed failed, retrying");
    },
  });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
