import { closest, type Embedded, type RankSignal, type Candidate } from "./signal.js";
import type { VotedDoc } from "../groupProfile.js";

/**
 * The `k` closest voted papers' cosines, each counted by its net votes (up to `cap`), over `k` slots:
 * with fewer votes than slots the empty ones count 0, so a group's first 👍 or two nudge the post
 * rather than turn it to one topic.
 */
function votedCloseness(c: Candidate, docs: readonly Embedded<VotedDoc>[], k: number, cap: number): number {
  const slots = Math.max(1, k);
  const near = closest(c, docs).slice(0, slots);
  return near.reduce((n, x) => n + x.sim * Math.min(cap, x.doc.weight), 0) / (slots * cap);
}

/** Papers the group 👍'd or ⭐'d pull similar papers up. */
export const liked: RankSignal = {
  name: "like papers you 👍",
  weight: (w) => w.likedWeight,
  value: (c, g) => votedCloseness(c, g.liked, g.weights.feedbackK, g.weights.voteCap),
};

/** Papers the group 👎'd push similar papers down. */
export const disliked: RankSignal = {
  name: "like papers you 👎",
  weight: (w) => w.dislikedWeight,
  value: (c, g) => -votedCloseness(c, g.disliked, g.weights.feedbackK, g.weights.voteCap),
};
