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
  const papers: ProfileDoc[] = [];
  for (const id of args.groupPapers.profileIds(args.guildId)) {
    const p = args.store.get(id);
    if (p) papers.push({ paperId: p.id, title: p.title, abstract: p.abstract, keywords: p.aiKeywords });
  }
  return { papers, interests: [...(args.interests ?? [])] };
}
