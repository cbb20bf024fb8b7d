import { tokenize } from "../text/queryTerms.js";
import { stem } from "../text/stem.js";
import { STOPWORDS } from "../text/stopwords.js";

/** A paper as sparse tf-idf weights by word stem, unit length. */
export type Vector = Map<string, number>;

export interface Fields {
  title: string;
  abstract: string;
  keywords: readonly string[];
}

/** Stemmed content words with their counts, title and keyword words counted `titleWeight` / `keywordWeight` times; `words` keeps a written form per stem. */
export function termCounts(f: Fields, weights: { titleWeight: number; keywordWeight: number }, words: Map<string, string>): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const t of tokenize(text)) {
      if (t.length < 2 || STOPWORDS.has(t) || /^\d+$/.test(t)) continue;
      const s = stem(t);
      if (!words.has(s)) words.set(s, t);
      counts.set(s, (counts.get(s) ?? 0) + weight);
    }
  };
  add(f.title, weights.titleWeight);
  add(f.abstract, 1);
  if (weights.keywordWeight) add(f.keywords.join(" "), weights.keywordWeight);
  return counts;
}

/** Sublinear tf × idf, unit length. */
export function toVector(counts: Map<string, number>, idfOf: (s: string) => number): Vector {
  const v: Vector = new Map();
  let norm = 0;
  for (const [s, c] of counts) {
    const x = (1 + Math.log(c)) * idfOf(s);
    if (x <= 0) continue;
    v.set(s, x);
    norm += x * x;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [s, x] of v) v.set(s, x / norm);
  return v;
}

export function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [s, x] of small) {
    const y = large.get(s);
    if (y !== undefined) dot += x * y;
  }
  return dot;
}

export function mean(vectors: readonly Vector[]): Vector {
  const out: Vector = new Map();
  for (const v of vectors) for (const [s, x] of v) out.set(s, (out.get(s) ?? 0) + x / vectors.length);
  return out;
}
