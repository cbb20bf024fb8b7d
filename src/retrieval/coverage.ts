import type { AsyncLexicalResult } from "./asyncLexicalRanker.js";

/**
 * Is the question's topic in the collection at all? Offline, with no model and no vectors, each
 * of three signals can say no:
 *
 * 1. Weak match: the best first-round BM25F score over ln(1 + papers) is below
 *    `relevance` (calibrated on bench/questions.jsonl).
 * 2. Named topic missing: too much of the question's information sits in words no paper contains.
 *    A missing word is no proof by itself: paraphrases in everyday words ("number crunching",
 *    "cheap") miss the collection all the time. So a missing word counts by how much its spelling
 *    looks like the name of a technical topic: acronyms and product-style names (DLRM, AIOps,
 *    PostgreSQL) fully; capitalised words and letter-digit tokens (Kafka, 5G; but also Nigeria,
 *    GH200) half; other nouns a little; verb and adverb forms (-ing, -ed, -ly) not at all, since a
 *    technical gerund ("caching") would be in the collection. A missing word weighs as much as a
 *    word only one paper has (the largest IDF); present words weigh their IDF.
 * 3. Scattered vocabulary: some content word is in no paper, every other word is in one of the
 *    best three papers, yet the best one holds only part of them. The question speaks the
 *    collection's language but no paper is about its combination, and the word that would make it
 *    specific is absent. A paraphrase in everyday words rarely passes the second test: its other
 *    unusual words are scattered too, so the best three papers miss some of them.
 *
 * Calibrated with `npm run bench -- coverage`, a grid chosen on the tune half of bench/dev (the
 * odd-numbered questions of each kind) plus bench/questions.jsonl: the values below flag the most
 * `none` questions there (16 of 26) with at most two answerable ones (1 of 124); the held-out half
 * was only reported (4 of 12, 0 of 62). No word list is involved.
 */
export interface CoverageParams {
  relevance: number;
  /** Signal 2 fires when missing, topic-like words carry at least this share of the question's information. */
  unseenShare: number;
  /** Weight of a missing word by its shape. */
  missing: Record<WordShape, number>;
  /** Signal 3: the best three papers contain at least this share of the present words' IDF mass ... */
  scatteredTopThree: number;
  /** ... and the best paper at most this share. */
  scatteredBest: number;
}

export type WordShape = "acronym" | "name" | "code" | "noun" | "inflected" | "digits";

export const COVERAGE: CoverageParams = {
  relevance: 1.2,
  unseenShare: 0.2,
  missing: { acronym: 1, name: 0.5, code: 0.5, noun: 0.1, inflected: 0, digits: 0 },
  scatteredTopThree: 1,
  scatteredBest: 0.7,
};

export interface Coverage {
  covered: boolean;
  /** Which signal said "not covered". */
  reason?: "weak match" | "named topic missing" | "scattered vocabulary";
  /** The best first-round score over ln(1 + papers). */
  relevance: number;
  /** The share of the question's information in missing, topic-like words. */
  unseenShare: number;
}

/** How a word is written in the question: a hint of whether it names a technical topic. */
export function wordShape(typed: string): WordShape {
  if (/\p{N}/u.test(typed)) return /\p{L}/u.test(typed) ? "code" : "digits";
  if (/\p{Lu}.*\p{Lu}/u.test(typed) || /\p{Ll}\p{Lu}/u.test(typed)) return "acronym";
  if (/^\p{Lu}/u.test(typed)) return "name";
  if (typed.length >= 6 && /(?:ing|ed|ly)$/u.test(typed.toLowerCase())) return "inflected";
  return "noun";
}

/** The question's words as typed (case kept), keyed by their lower-case form; the first occurrence wins. */
function typedForms(question: string): Map<string, string> {
  const forms = new Map<string, string>();
  for (const w of question.normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? []) if (!forms.has(w.toLowerCase())) forms.set(w.toLowerCase(), w);
  return forms;
}

export function assessCoverage(
  question: string,
  result: Pick<AsyncLexicalResult, "terms" | "relevance" | "matched">,
  collectionSize: number,
  p: CoverageParams = COVERAGE,
): Coverage {
  const forms = typedForms(question);
  const maxIdf = Math.log(1 + (collectionSize + 0.5) / 0.5);
  let seen = 0;
  let unseen = 0;
  let heaviestMissing = 0;
  for (const t of result.terms) {
    if (t.df > 0) {
      seen += t.idf;
      continue;
    }
    const shape = wordShape(forms.get(t.typed ?? t.word) ?? t.word);
    unseen += maxIdf * p.missing[shape];
    heaviestMissing = Math.max(heaviestMissing, p.missing[shape]);
  }
  const share = unseen + seen > 0 ? unseen / (unseen + seen) : 0;
  const base = { relevance: result.relevance, unseenShare: share };
  if (result.relevance < p.relevance) return { covered: false, reason: "weak match", ...base };
  if (share >= p.unseenShare) return { covered: false, reason: "named topic missing", ...base };
  const { best, topThree } = result.matched;
  if (heaviestMissing > 0 && topThree >= p.scatteredTopThree - 1e-9 && best <= p.scatteredBest)
    return { covered: false, reason: "scattered vocabulary", ...base };
  return { covered: true, ...base };
}

/** Sources an offline answer may quote score at least this fraction of the best paper's score. */
export const RELATIVE_CUT = 0.5;
