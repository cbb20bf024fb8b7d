import { paperNames, type PaperNames } from "../store/paperNames.js";
import type { PaperStore } from "../store/paperStore.js";

/** Shorter words have too many real neighbours one edit away ("ratio" for "radio", "locking" for "docking"). */
const MIN_LENGTH = 8;
const SCAN_LIMIT = 20_000;

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
 * Corrects a long query word that no paper contains to a title word one edit away ("serverles",
 * "speculatve", "smartphnoe"), so a typo neither loses the paper nor looks like a topic the
 * collection lacks. Title words are the vocabulary because they are the distinctive ones and
 * are indexed unstemmed.
 */
export class Spelling {
  private readonly names: PaperNames;
  private readonly cache = new Map<string, string | null>();

  constructor(store: PaperStore) {
    this.names = paperNames(store);
  }

  /** The most common title word one edit from `word`, if `word` is long and alphabetic. */
  correct(word: string): string | undefined {
    if (word.length < MIN_LENGTH || !/^\p{L}+$/u.test(word)) return undefined;
    let hit = this.cache.get(word);
    if (hit === undefined) {
      const head = word.slice(0, 2);
      const next = head.slice(0, -1) + String.fromCodePoint(head.codePointAt(1)! + 1);
      const near = this.names
        .termsBetween(head, next, word.length - 1, word.length + 1, SCAN_LIMIT)
        .filter((t) => t.term !== word && editDistance(word, t.term, 1) <= 1)
        .sort((a, b) => b.doc - a.doc || a.term.localeCompare(b.term));
      hit = near[0]?.term ?? null;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(word, hit);
    }
    return hit ?? undefined;
  }

  invalidate(): void {
    this.cache.clear();
  }
}
