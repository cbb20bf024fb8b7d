import { closest, type RankSignal } from "./signal.js";

/** The cosine of the best-matching interest phrase: one phrase counts like a strong match, not like one paper among k. */
export const interestMatch: RankSignal = {
  name: "matches an interest",
  weight: (w) => w.interestWeight,
  value: (c, g) => Math.max(0, closest(c, g.interests)[0]?.sim ?? 0),
};
