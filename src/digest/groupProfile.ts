import type { Stores } from "../store/stores.js";

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

/** What the group's profile is read from. */
export type ProfileStores = Pick<Stores, "papers" | "groupPapers" | "votes">;

/** Each voted paper's net 👍 minus 👎 for a server (and the installation), a ⭐ counting SAVE_VOTES; papers that cancel out left out. */
export async function netVotes(stores: Pick<Stores, "groupPapers" | "votes">, guildId?: string): Promise<Map<string, number>> {
  const [net, saved] = await Promise.all([stores.votes.tally(guildId), stores.groupPapers.savedIds(guildId)]);
  for (const id of saved) net.set(id, (net.get(id) ?? 0) + SAVE_VOTES);
  for (const [id, n] of net) if (n === 0) net.delete(id);
  return net;
}

/**
 * A server's profile (the seed page plus what it added or saved); without a server, the
 * installation-wide one. Feed papers that merely arrived with a daily post are not in it.
 */
export async function loadGroupProfile(args: { stores: ProfileStores; guildId?: string; interests?: readonly string[] }): Promise<GroupProfile> {
  const { stores } = args;
  const [profileIds, net] = await Promise.all([stores.groupPapers.profileIds(args.guildId), netVotes(stores, args.guildId)]);
  const ids = new Set(profileIds);
  const [known, newest] = await Promise.all([stores.papers.getMany([...ids, ...net.keys()]), stores.papers.newestInFeed(FEED_BACKGROUND + ids.size)]);
  // Ids are papers' ids; one that is not is looked up as an arXiv id, as `get` does.
  for (const id of [...ids, ...net.keys()]) {
    if (known.has(id)) continue;
    const p = await stores.papers.get(id);
    if (p) known.set(id, p);
  }
  const doc = (id: string): ProfileDoc | undefined => {
    const p = known.get(id);
    return p && { paperId: p.id, title: p.title, abstract: p.abstract, keywords: p.aiKeywords };
  };
  const papers = [...ids].map(doc).filter((d): d is ProfileDoc => !!d);
  const liked: VotedDoc[] = [];
  const disliked: VotedDoc[] = [];
  for (const [id, n] of net) {
    const d = n !== 0 ? doc(id) : undefined;
    if (d) (n > 0 ? liked : disliked).push({ ...d, weight: Math.abs(n) });
  }
  const feed = newest
    .filter((p) => !ids.has(p.id))
    .slice(0, FEED_BACKGROUND)
    .map((p) => ({ paperId: p.id, title: p.title, abstract: p.abstract, keywords: p.aiKeywords }));
  return { papers, interests: [...(args.interests ?? [])], feed, liked, disliked };
}
