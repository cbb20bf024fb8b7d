import type { GroupPapers } from "../store/groupPapers.js";
import type { PaperStore } from "../store/paperStore.js";

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
}

/** How many recent feed papers stand for "what the feed is like". */
export const FEED_BACKGROUND = 300;

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
  const papers: ProfileDoc[] = [];
  const ids = new Set(args.groupPapers.profileIds(args.guildId));
  for (const id of ids) {
    const p = args.store.get(id);
    if (p) papers.push({ paperId: p.id, title: p.title, abstract: p.abstract, keywords: p.aiKeywords });
  }
  const rows = args.store.db
    .prepare("SELECT id, title, abstract, ai_keywords FROM papers WHERE source = 'hf' ORDER BY rowid DESC LIMIT ?")
    .all(FEED_BACKGROUND + ids.size) as { id: string; title: string; abstract: string; ai_keywords: string }[];
  const feed = rows
    .filter((r) => !ids.has(r.id))
    .slice(0, FEED_BACKGROUND)
    .map((r) => ({ paperId: r.id, title: r.title, abstract: r.abstract, keywords: JSON.parse(r.ai_keywords) as string[] }));
  return { papers, interests: [...(args.interests ?? [])], feed };
}
