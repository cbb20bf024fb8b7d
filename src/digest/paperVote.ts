import { UserError } from "../config/errors.js";
import type { StoredPaper } from "../store/paperRecords.js";
import type { Vote, VoteState } from "../store/paperVotes.js";
import type { Stores } from "../store/stores.js";

export interface VoteOutcome {
  paper: StoredPaper;
  /** The member's vote on the paper after the click. */
  state: VoteState;
  /** Whether the server has saved the paper (⭐). */
  saved: boolean;
}

/** A member's 👍 or 👎 click on a paper in a server: the same again takes it back, the other replaces it. */
export async function votePaper(
  stores: Pick<Stores, "papers" | "votes" | "groupPapers">,
  guildId: string,
  paperId: string,
  userId: string,
  vote: Vote,
  now: Date,
): Promise<VoteOutcome> {
  const paper = await stores.papers.get(paperId);
  if (!paper) throw new UserError("That paper is no longer in the collection, so the vote was not recorded.");
  const state = await stores.votes.toggle(guildId, paper.id, userId, vote, now);
  return { paper, state, saved: await stores.groupPapers.has(guildId, paper.id, "save") };
}
