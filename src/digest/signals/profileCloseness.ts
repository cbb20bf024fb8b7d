import { closest, meanOfTop, type RankSignal } from "./signal.js";

/** The mean cosine of the `k` profile papers closest to the candidate: the group's seed page, /add and ⭐. */
export const profileCloseness: RankSignal = {
  name: "close to the group's papers",
  weight: () => 1,
  value: (c, g) => meanOfTop(closest(c, g.profile), g.weights.k),
};
