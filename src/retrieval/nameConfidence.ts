import { normalizeTitle } from "../store/paperId.js";
import { nameKey, shortName } from "./nameKey.js";
import { prefixDistance, similarity } from "./similarity.js";
import { STOPWORDS } from "../text/stopwords.js";

/** What a user typed, normalized once for every candidate it is compared with. */
export interface NameQuery {
  /** Compact key: "Burst GPT" -> "burstgpt". */
  key: string;
  /** Normalized words, stop words removed (all of them if that leaves none), without repeats: what to search for. */
  words: string[];
  /** The stop words left out of `words`: they still count, a little, when comparing with a title. */
  stopWords: string[];
}

export function nameQuery(text: string): NameQuery {
  const normalized = normalizeTitle(text);
  const all = [...new Set(normalized.split(" ").filter(Boolean))];
  const content = all.filter((w) => !STOPWORDS.has(w));
  return {
    key: normalized.replace(/ /g, ""),
    words: content.length ? content : all,
    stopWords: content.length ? all.filter((w) => STOPWORDS.has(w)) : [],
  };
}

/** An exact short name is a touch below an exact title: "Attention" the title beats "Attention: ..." the short name. */
const SHORT_NAME_WEIGHT = 0.97;
/** Words closer than this count as the same word misspelt ("towrds", "towards"). */
export const WORD_SIMILARITY = 0.75;
/** A prefix shorter than this says too little to count as a partial name. */
const MIN_PREFIX = 3;
/** A start of a title this long may have typos too. */
const MIN_FUZZY_PREFIX = 8;
/** Names with more than this share of their letters wrong are different names. */
const TYPO_SHARE = 0.3;
/** A stop word in the query weighs this much of a content word of the same length. */
const STOP_WORD_WEIGHT = 0.25;

/**
 * How sure we are (0..1) that `title` is the paper the user named: the best of
 * - the whole title, typos allowed (1 when equal after normalizing),
 * - the short name before the colon, typos allowed ("nanoflw", "SVDQuant" for "SVDQunat"),
 * - the text as the start of the title or short name ("serverless cold starts"),
 * - the text's words found in the title, misspellings allowed, in any order.
 */
export function nameConfidence(q: NameQuery, title: string): number {
  const titleWords = normalizeTitle(title).split(" ").filter(Boolean);
  const titleKey = titleWords.join("");
  if (!q.key || !titleKey) return 0;
  if (q.key === titleKey) return 1;
  const short = shortName(title);
  const shortKey = short === undefined ? "" : nameKey(short);
  return Math.max(
    typoScore(q.key, titleKey),
    shortKey ? SHORT_NAME_WEIGHT * typoScore(q.key, shortKey) : 0,
    prefixScore(q.key, titleKey),
    prefixScore(q.key, shortKey),
    wordScore(q, titleWords),
  );
}

/**
 * Similarity squared, so each typo costs more in a short name than in a long one: one edit in
 * eight letters ("nanoflw") keeps 0.77, two ("quantum" for "QuantLRM") fall to 0.56.
 */
function typoScore(key: string, name: string): number {
  return similarity(key, name, 1 - TYPO_SHARE) ** 2;
}

/**
 * 0.55 for a bare start of the name, rising to 0.95 as the start covers more of it; a longer start
 * may be misspelt (scored as typoScore against the name's start, one letter longer or shorter).
 */
function prefixScore(key: string, name: string): number {
  if (key.length < MIN_PREFIX || key.length >= name.length) return 0;
  let match = name.startsWith(key) ? 1 : 0;
  if (!match && key.length >= MIN_FUZZY_PREFIX) {
    const max = Math.floor(TYPO_SHARE * key.length);
    const d = prefixDistance(key, name, max);
    match = d > max ? 0 : (1 - d / key.length) ** 2;
  }
  return match && (0.55 + 0.4 * (key.length / name.length)) * match;
}

/**
 * Share of the query's letters found among the title's words (squared: a query half unknown is mostly
 * unknown), times how much of the title those words cover. At most 0.9: a bag of words is never as
 * sure as the name itself.
 */
function wordScore(q: NameQuery, titleWords: string[]): number {
  if (!q.words.length) return 0;
  const words = [...new Set(titleWords)];
  const content = words.filter((w) => !STOPWORDS.has(w));
  const counted = new Set(content.length ? content : words);
  const covered = new Set<string>();
  let found = 0;
  let total = 0;
  for (const w of q.words) {
    total += w.length;
    let best = 0;
    let bestWord = "";
    for (const t of words) {
      const s = t === w ? 1 : w.length >= 4 && t.length >= 4 ? similarity(w, t, WORD_SIMILARITY) : 0;
      if (s > best) [best, bestWord] = [s, t];
      if (s === 1) break;
    }
    if (best >= WORD_SIMILARITY) {
      found += best * w.length;
      if (counted.has(bestWord)) covered.add(bestWord);
    }
  }
  for (const w of q.stopWords) {
    total += STOP_WORD_WEIGHT * w.length;
    if (words.includes(w)) found += STOP_WORD_WEIGHT * w.length;
  }
  const queryShare = found / total;
  return queryShare * queryShare * (0.4 + 0.5 * (covered.size / Math.max(1, counted.size)));
}
