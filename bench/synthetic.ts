import fs from "node:fs";
import path from "node:path";
import { tokenize } from "../src/text/queryTerms.js";

/** A small seeded PRNG (mulberry32) so every run generates the same collection. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Vocabulary {
  words: string[];
  cumulative: Float64Array;
  bigrams: Map<string, string[]>;
}

/** Word frequencies and bigrams of the real corpus' titles and abstracts. */
export function corpusVocabulary(corpusDir: string): Vocabulary {
  const counts = new Map<string, number>();
  const bigrams = new Map<string, string[]>();
  for (const f of fs.readdirSync(corpusDir).filter((f) => f.endsWith(".json"))) {
    for (const item of JSON.parse(fs.readFileSync(path.join(corpusDir, f), "utf8")) as { paper: { title: string; summary: string } }[]) {
      const words = tokenize(`${item.paper.title} ${item.paper.summary}`);
      words.forEach((w, i) => {
        counts.set(w, (counts.get(w) ?? 0) + 1);
        const next = words[i + 1];
        if (next) (bigrams.get(w) ?? bigrams.set(w, []).get(w)!).push(next);
      });
    }
  }
  const words = [...counts.keys()];
  const cumulative = new Float64Array(words.length);
  let sum = 0;
  words.forEach((w, i) => (cumulative[i] = sum += counts.get(w)!));
  for (let i = 0; i < cumulative.length; i++) cumulative[i]! /= sum;
  return { words, cumulative, bigrams };
}

function sampleWord(v: Vocabulary, r: number): string {
  let lo = 0;
  let hi = v.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v.cumulative[mid]! < r) lo = mid + 1;
    else hi = mid;
  }
  return v.words[lo]!;
}

/** Text that reads like the corpus word for word: mostly bigram walks, restarted from the unigram distribution. */
function text(v: Vocabulary, rand: () => number, n: number): string {
  const out: string[] = [];
  let w = sampleWord(v, rand());
  while (out.length < n) {
    out.push(w);
    const nexts = v.bigrams.get(w);
    w = nexts && rand() < 0.8 ? nexts[Math.floor(rand() * nexts.length)]! : sampleWord(v, rand());
  }
  return out.join(" ");
}

export interface SyntheticPaper {
  id: string;
  title: string;
  abstract: string;
  authors: string;
  categories: string;
  update_date: string;
}

/** The i-th synthetic paper, with an arXiv-shaped id that cannot clash with a real one (90xx.xxxxx). */
export function* syntheticPapers(v: Vocabulary, n: number, seed = 42): Generator<SyntheticPaper> {
  const rand = rng(seed);
  for (let i = 0; i < n; i++) {
    const title = text(v, rand, 5 + Math.floor(rand() * 8));
    yield {
      id: `${9000 + Math.floor(i / 100_000)}.${String(i % 100_000).padStart(5, "0")}`,
      title: title.charAt(0).toUpperCase() + title.slice(1),
      abstract: text(v, rand, 120 + Math.floor(rand() * 130)) + ".",
      authors: `Author ${i % 9973}, Author ${(i * 7) % 9973}`,
      categories: "cs.DC",
      update_date: "2025-01-01",
    };
  }
}

/** Writes `n` synthetic papers as an arXiv metadata snapshot (JSON lines). */
export async function writeSnapshot(file: string, v: Vocabulary, n: number): Promise<void> {
  const out = fs.createWriteStream(file);
  for (const p of syntheticPapers(v, n)) {
    if (!out.write(JSON.stringify(p) + "\n")) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}
