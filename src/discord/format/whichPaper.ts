import type { Resolved } from "../../answer/answerEngine.js";
import { truncate } from "../../text/prose.js";
import { LIMITS } from "../limits.js";
import { plain } from "./markdown.js";

/** For a paper name that did not resolve: the candidates to pick from, or that nothing matches. */
export function whichPaperMessage(found: Resolved, tryInstead = "Try /search."): string {
  const suggestions = found.candidates.map((p) => `• ${plain(truncate(p.title, 200))}`).join("\n");
  return suggestions
    ? truncate(`Which paper did you mean?\n${suggestions}`, LIMITS.content)
    : `No paper matches “${plain(truncate(found.query, 100))}”. ${tryInstead}`;
}
