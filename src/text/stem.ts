import { stemmer } from "stemmer";

const cache = new Map<string, string>();
const firstWord = new Map<string, string>();

/** Porter stem, as SQLite's porter tokenizer makes it; cached because re-ranking stems the same words again and again. */
export function stem(word: string): string {
  let s = cache.get(word);
  if (s === undefined) {
    s = /^[a-z]+$/.test(word) ? stemmer(word) : word;
    if (cache.size > 200_000) {
      cache.clear();
      firstWord.clear();
    }
    cache.set(word, s);
    if (!firstWord.has(s)) firstWord.set(s, word);
  }
  return s;
}

/** A word that stems to `s` (the first one seen), to ask the full-text index about it. */
export function wordFor(s: string): string {
  return firstWord.get(s) ?? s;
}
