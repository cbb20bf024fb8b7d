import { newestFeedPapers } from "../store/feedPapers.js";
import type { GroupPapers } from "../store/groupPapers.js";
import type { PaperStore } from "../store/paperStore.js";
import { PaperVotes } from "../store/paperVotes.js";

/** One thing the group brought in: a paper of its profile, or one of its interest phrases. */
export interface ProfileDoc {
  /** The paper's id; undefined for an interest phrase. */
  paperId?: string;
  /** The paper's title, or the phrase itself. */
  title: string;
  abstract: string;
  keywords: readonly string[];
}

/** What a group's daily post is ranked against: the papers it made its own and its interest phrases. */
export interface GroupProfile {
  papers: ProfileDoc[];
  interests: string[];
  /**
   * Recent feed papers that are not the group's: what the feed is like lately. Ranking sets each
   * candidate against them, so words every feed paper shares say little about scope.
   */
  feed: ProfileDoc[];
  /** Papers the group voted on: 👍 (and ⭐) pull similar papers up, 👎 push them down. Weight = net votes, ⭐ counting 2. */
  liked: VotedDoc[];
  disliked: VotedDoc[];
}

export interface VotedDoc extends ProfileDoc {
  weight: number;
}

/** A ⭐ Save counts as this many 👍. */
export const SAVE_VOTES = 2;

/** How many recent feed papers stand for "what the feed is like". */
export const FEED_BACKGROUND = 300;

/** Each voted paper's net 👍 minus 👎 for a server (and the installation), a ⭐ counting SAVE_VOTES; papers that cancel out left out. */
export function netVotes(store: PaperStore, groupPapers: GroupPapers, guildId?: string): Map<string, number> {
  const net = new PaperVotes(store.db).tally(guildId);
  for (const id of groupPapers.savedIds(guildId)) net.set(id, (net.get(id) ?? 0) + SAVE_VOTES);
  for (const [id, n] of net) if (n === 0) net.delete(id);
  return net;
}

/**
 * A server's profile (the seed page plus what it added or saved); without a server, the
 * installation-wide one. Feed papers that merely arrived with a daily post are not in it.
 */
export function loadGroupProfile(args: {
  store: PaperStore;
  groupPapers: GroupPapers;
  guildId?: string;
  interests?: readonly string[];
}): GroupProfile {
  const { store } = args;
  const doc = (id: string): ProfileDoc | undefined => {
    const p = store.get(id);
    return p && { paperId: p.id, title: p.title, abstract: p.abstract, keywords: p.aiKeywords };
  };
  const ids = new Set(args.groupPapers.profileIds(args.guildId));
  const papers = [...ids].map(doc).filter((d): d is ProfileDoc => !!d);
  const net = netVotes(store, args.groupPapers, args.guildId);
  const liked: VotedDoc[] = [];
  const disliked: VotedDoc[] = [];
  for (const [id, n] of net) {
    const d = n !== 0 ? doc(id) : undefined;
    if (d) (n > 0 ? liked : disliked).push({ ...d, weight: Math.abs(n) });
  }
  const feed = newestFeedPapers(store.db, FEED_BACKGROUND + ids.size)
    .filter((r) => !ids.has(r.id))
    .slice(0, FEED_BACKGROUND)
    .map((r) => ({ paperId: r.id, title: r.title, abstract: r.abstract, keywords: r.aiKeywords }));
  return { papers, interests: [...(args.interests ?? [])], feed, liked, disliked };
}
