import { normalizeTitle } from "../store/paperId.js";

/**
 * The key a name is indexed under in paper_names: lower-case ASCII letters and digits only, so
 * "Burst GPT", "burst-gpt" and "BurstGPT" all become "burstgpt".
 */
export function nameKey(text: string): string {
  return normalizeTitle(text).replace(/ /g, "");
}

/** Longest short name, in characters before the colon; the migration's `instr(title, ':') BETWEEN 2 AND 61`. */
export const MAX_SHORT_NAME = 60;

/** The name before a title's colon ("NanoFlow" of "NanoFlow: Towards Optimal ..."), when there is one. */
export function shortName(title: string): string | undefined {
  const i = title.indexOf(":");
  return i >= 1 && i <= MAX_SHORT_NAME ? title.slice(0, i) : undefined;
}
