import type { HfItem } from "../../ingest/hfItem.js";
import type { ProfileDoc, VotedDoc } from "../groupProfile.js";
import type { RankWeights } from "../rankForGroup.js";
import { cosine, type Vector } from "../tfidf.js";

export interface Candidate {
  item: HfItem;
  vector: Vector;
}

export interface Embedded<T> {
  doc: T;
  vector: Vector;
}

/** What the group brought in and voted on, and what the recent feed looks like, as vectors. */
export interface GroupState {
  profile: Embedded<ProfileDoc>[];
  interests: Embedded<string>[];
  liked: Embedded<VotedDoc>[];
  disliked: Embedded<VotedDoc>[];
  /** The mean vector of the day's candidates and the recent feed, and how many papers it averages. */
  backdrop: { centroid: Vector; size: number };
  weights: RankWeights;
}

/**
 * One reason a paper suits the group: a small function of the candidate and the group's state,
 * with its weight. A paper's closeness is the weighted sum of every signal.
 */
export interface RankSignal {
  name: string;
  weight(w: RankWeights): number;
  value(c: Candidate, g: GroupState): number;
}

/** Docs by cosine to the candidate, closest first; a candidate is not its own neighbour. */
export function closest<T extends { paperId?: string } | string>(c: Candidate, docs: readonly Embedded<T>[]): { doc: T; sim: number }[] {
  return docs
    .map((d) => ({ doc: d.doc, sim: typeof d.doc !== "string" && d.doc.paperId === c.item.paper.id ? 0 : cosine(c.vector, d.vector) }))
    .sort((a, b) => b.sim - a.sim);
}

/** The mean of the `k` largest similarities (0 with none). */
export function meanOfTop(sims: readonly { sim: number }[], k: number): number {
  const top = sims.slice(0, Math.max(1, k));
  return top.length ? top.reduce((n, x) => n + x.sim, 0) / top.length : 0;
}
