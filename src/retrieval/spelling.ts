import type { TitleTerm, TitleTermRange } from "../store/lexicalIndex.js";

/** Shorter words have too many real neighbours one edit away ("ratio" for "radio", "locking" for "docking"). */
const MIN_LENGTH = 8;
/** At most this many title words are read for one correction. */
export const SCAN_LIMIT = 20_000;

/** Optimal-string-alignment distance (an adjacent swap is one edit), or max + 1 once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Where the corrections of `word` lie in the title vocabulary (its first letter, second letter or later, one letter
 * shorter to one longer; its first `SCAN_LIMIT` words in order are the candidates), or undefined if `word` is too short or not alphabetic to be corrected at all.
 */
export function correctionRange(word: string): TitleTermRange | undefined {
  if (word.length < MIN_LENGTH || !/^\p{L}+$/u.test(word)) return undefined;
  const head = word.slice(0, 2);
  const hi = head.slice(0, -1) + String.fromCodePoint(head.codePointAt(1)! + 1);
  return { lo: head, hi, minLength: word.length - 1, maxLength: word.length + 1 };
}

/**
 * The correction of `word` among the title words of its `correctionRange`: the most common one edit away, then the first in order.
 * A long query word that no paper contains ("serverles", "speculatve", "smartphnoe") is corrected to a title word one edit
 * away, so a typo neither loses the paper nor looks like a topic the collection lacks. Title words are the vocabulary because
 * they are the distinctive ones and are indexed unstemmed (`LexicalIndexStore.titleTerms`).
 */
export function bestCorrection(word: string, terms: readonly TitleTerm[]): string | undefined {
  const near = terms
    .filter((t) => t.term !== word && editDistance(word, t.term, 1) <= 1)
    .sort((a, b) => b.doc - a.doc || a.term.localeCompare(b.term));
  return near[0]?.term;
}
