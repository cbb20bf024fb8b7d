import { cosine } from "../tfidf.js";
import type { RankSignal } from "./signal.js";

/** Minus the mean cosine to the day's other candidates and the recent feed: what every feed paper shares says little about scope. */
export const feedBackground: RankSignal = {
  name: "like the rest of the feed",
  weight: (w) => w.background,
  value: (c, g) => {
    const { centroid, size } = g.backdrop;
    // The centroid without this paper itself.
    return size > 1 ? -(cosine(c.vector, centroid) * size - 1) / (size - 1) : 0;
  },
};
