import { feedBackground } from "./feedBackground.js";
import { interestMatch } from "./interestMatch.js";
import { profileCloseness } from "./profileCloseness.js";
import type { RankSignal } from "./signal.js";
import { disliked, liked } from "./votes.js";

/** The signals of `for-us`, in the order `--why` lists them. A new signal is a file beside these, a weight in RankWeights and a bench row. */
export const FOR_US_SIGNALS: readonly RankSignal[] = [profileCloseness, interestMatch, liked, disliked, feedBackground];
