import { findArxivId } from "../store/paperId.js";
import type { NameKind, PaperNameIndex } from "../store/paperNames.js";
import type { PaperRecords, StoredPaper } from "../store/paperRecords.js";
import { nameConfidence, nameQuery, WORD_SIMILARITY, type NameQuery } from "./nameConfidence.js";
import { similarity } from "./similarity.js";

export interface PaperMatch {
  paper: StoredPaper;
  /** 0..1; 1 for an id, an arXiv id or URL, or the exact title. */
  confidence: number;
}

export interface Resolution {
  /** The paper meant, if any reaches MIN_CONFIDENCE. */
  best?: PaperMatch;
  /** Runner-ups, best first, at most MAX_CANDIDATES; with no `best`, the weak guesses ("did you mean"). */
  candidates: PaperMatch[];
  /** A runner-up is within AMBIGUITY_MARGIN of `best`: ask the user which one they meant. */
  ambiguous: boolean;
}

/** What resolving a name reads: the papers and the names they are known by. */
export interface NameStores {
  papers: PaperRecords;
  names: PaperNameIndex;
}

/**
 * Below this a match is a guess, not an answer: `best` is left unset (never returned with a lower
 * confidence), so a caller that finds no `best` says "unknown paper" and may offer `candidates`.
 * For scale: an exact title scores 1, an exact short name 0.97, one typo in an eight-letter short
 * name 0.74, the first words of a title 0.6-0.9, a couple of common words from a title under 0.6.
 */
export const MIN_CONFIDENCE = 0.6;
/** A runner-up this close to the best makes the answer ambiguous. */
export const AMBIGUITY_MARGIN = 0.06;
/** Weaker guesses are dropped altogether. */
export const SUGGESTION_FLOOR = 0.3;
export const MAX_CANDIDATES = 5;

const KINDS: NameKind[] = ["short", "title"];

/** The paper a user means by `text`: an id, an arXiv id or URL, a title, a short name or part of a title, typos allowed. */
export async function resolvePaper(stores: NameStores, text: string): Promise<Resolution> {
  const none: Resolution = { candidates: [], ambiguous: false };
  const t = text.trim();
  if (!t) return none;
  const arxivId = findArxivId(t);
  const direct = await stores.papers.get(arxivId ?? t);
  if (direct) return { best: { paper: direct, confidence: 1 }, candidates: [], ambiguous: false };
  // An arXiv id or URL names one paper: if we lack it, its digits must not fuzzy-match another.
  if (arxivId) return none;

  const q = nameQuery(t);
  if (!q.key) return none;
  const names = stores.names;
  // `titles` lists them newest first, and the sort keeps that order among equals.
  const scored = (await names.titles([...(await candidateIds(names, q))]))
    .map((r) => ({ id: r.id, upvotes: r.upvotes, confidence: nameConfidence(q, r.title) }))
    .filter((s) => s.confidence >= SUGGESTION_FLOOR)
    .sort((a, b) => b.confidence - a.confidence || b.upvotes - a.upvotes)
    .slice(0, MAX_CANDIDATES + 1);
  const papers = scored.length ? await stores.papers.getMany(scored.map((s) => s.id)) : new Map<string, StoredPaper>();
  const matches = scored.flatMap((s) => {
    const paper = papers.get(s.id);
    return paper ? [{ paper, confidence: round(s.confidence) }] : [];
  });

  const [first, second] = matches;
  if (!first || first.confidence < MIN_CONFIDENCE) return { candidates: matches.slice(0, MAX_CANDIDATES), ambiguous: false };
  const ambiguous = !!second && second.confidence >= MIN_CONFIDENCE && first.confidence - second.confidence < AMBIGUITY_MARGIN;
  return { best: first, candidates: matches.slice(1), ambiguous };
}

const round = (c: number) => Math.round(c * 1000) / 1000;

/** A few dozen papers worth scoring, all found through indexes (the look-ups run together). */
async function candidateIds(names: PaperNameIndex, q: NameQuery): Promise<Set<string>> {
  const lookups: Promise<string[]>[] = [];
  for (const kind of KINDS) {
    lookups.push(names.exact(kind, q.key, 20));
    if (q.key.length >= 3) lookups.push(names.startingWith(kind, q.key, 10));
    lookups.push(names.around(kind, [q.key], 3));
    const fixes = earlyTypoFixes(q.key);
    if (fixes.length) lookups.push(names.around(kind, fixes, 2));
  }
  lookups.push(wordCandidates(names, q));
  return new Set((await Promise.all(lookups)).flat());
}

/**
 * Sorted neighbours miss a typo in the first letters, so also look up the key as it would be with
 * one of its first three letters dropped (typed too many) or two of them swapped.
 */
function earlyTypoFixes(key: string): string[] {
  if (key.length < 4) return [];
  const out = new Set<string>();
  for (let i = 0; i < 3; i++) {
    out.add(key.slice(0, i) + key.slice(i + 1));
    out.add(key.slice(0, i) + key[i + 1]! + key[i]! + key.slice(i + 2));
  }
  out.delete(key);
  return [...out];
}

/**
 * Titles sharing the query's words, each misspelt word replaced by the nearest title words: all of
 * them together, then, if that finds little, any two of the four rarest. Only AND queries, newest
 * first: an index stops at the limit, where ranking would have to score every title holding a common word.
 */
async function wordCandidates(names: PaperNameIndex, q: NameQuery): Promise<string[]> {
  const dfs = await names.titleFrequencies(q.words);
  const groups = (
    await Promise.all(
      q.words.map(async (w) => {
        const df = dfs.get(w) ?? 0;
        if (df > 0 || w.length < 4) return { terms: df > 0 ? [w] : [], df };
        const near = await spellings(names, w);
        return { terms: near.map((n) => n.term), df: near.reduce((s, n) => s + n.doc, 0) };
      }),
    )
  )
    .filter((g) => g.terms.length)
    .sort((a, b) => a.df - b.df)
    .map((g) => g.terms);
  if (!groups.length) return [];
  const out = await names.titleMatches(groups, 20);
  if (out.length >= 5) return out;
  const rare = groups.slice(0, 4);
  const pairs: Promise<string[]>[] = [];
  for (let i = 0; i < rare.length; i++) for (let j = i + 1; j < rare.length; j++) pairs.push(names.titleMatches([rare[i]!, rare[j]!], 10));
  return [...out, ...(await Promise.all(pairs)).flat()];
}

/** Title words within a typo or two of `word`, looked up among those sharing its first half. */
async function spellings(names: PaperNameIndex, word: string): Promise<{ term: string; doc: number }[]> {
  return (await names.termsStartingWith(word.slice(0, Math.max(2, Math.ceil(word.length / 2))), 200))
    .map((t) => ({ ...t, s: similarity(word, t.term, WORD_SIMILARITY) }))
    .filter((t) => t.s >= WORD_SIMILARITY)
    .sort((a, b) => b.s - a.s || b.doc - a.doc)
    .slice(0, 2);
}
