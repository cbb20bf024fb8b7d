import { UserError } from "../config/errors.js";
import { GroupPapers } from "../store/groupPapers.js";
import type { Paper } from "../store/paper.js";
import type { PaperStore } from "../store/paperStore.js";
import { PaperVotes, type Vote, type VoteState } from "../store/paperVotes.js";

export interface VoteOutcome {
  paper: Paper;
  /** The member's vote on the paper after the click. */
  state: VoteState;
  /** Whether the server has saved the paper (⭐). */
  saved: boolean;
}

/** A member's 👍 or 👎 click on a paper in a server: the same again takes it back, the other replaces it. */
export function votePaper(store: PaperStore, guildId: string, paperId: string, userId: string, vote: Vote, now: Date): VoteOutcome {
  const paper = store.get(paperId);
  if (!paper) throw new UserError("That paper is no longer in the collection, so the vote was not recorded.");
  const state = new PaperVotes(store.db).toggle(guildId, paper.id, userId, vote, now);
  return { paper, state, saved: new GroupPapers(store.db).has(guildId, paper.id, "save") };
}
