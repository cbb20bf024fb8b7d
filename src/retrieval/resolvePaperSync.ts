import { findArxivId } from "../store/paperId.js";
import type { PaperStore } from "../store/paperStore.js";
import { nameConfidence, nameQuery, WORD_SIMILARITY, type NameQuery } from "./nameConfidence.js";
import { MAX_CANDIDATES, MIN_CONFIDENCE, AMBIGUITY_MARGIN, SUGGESTION_FLOOR, type Resolution } from "./resolvePaper.js";
import { paperNames, type NameKind, type PaperNames } from "../store/paperNames.js";
import { similarity } from "./similarity.js";

const KINDS: NameKind[] = ["short", "title"];

/**
 * `resolvePaper` synchronously on one SQLite `PaperStore`, as it was before the stores became async: only for the
 * digest's "why" (src/digest/digestWhy.ts), until it is given a resolver; delete it then.
 * @deprecated Use `resolvePaper` over the stores.
 */
export function resolvePaperSync(store: PaperStore, text: string): Resolution {
  const none: Resolution = { candidates: [], ambiguous: false };
  const t = text.trim();
  if (!t) return none;
  const arxivId = findArxivId(t);
  const direct = store.get(arxivId ?? t);
  if (direct) return { best: { paper: direct, confidence: 1 }, candidates: [], ambiguous: false };
  // An arXiv id or URL names one paper: if we lack it, its digits must not fuzzy-match another.
  if (arxivId) return none;

  const q = nameQuery(t);
  if (!q.key) return none;
  const names = paperNames(store);
  const scored = names
    .titles([...candidateRowids(names, q)])
    .map((r) => ({ rowid: r.rowid, upvotes: r.upvotes, confidence: nameConfidence(q, r.title) }))
    .filter((s) => s.confidence >= SUGGESTION_FLOOR)
    .sort((a, b) => b.confidence - a.confidence || b.upvotes - a.upvotes || b.rowid - a.rowid)
    .slice(0, MAX_CANDIDATES + 1);
  const papers = store.getByRowids(scored.map((s) => s.rowid));
  const matches = scored.flatMap((s) => {
    const paper = papers.get(s.rowid);
    return paper ? [{ paper, confidence: round(s.confidence) }] : [];
  });

  const [first, second] = matches;
  if (!first || first.confidence < MIN_CONFIDENCE) return { candidates: matches.slice(0, MAX_CANDIDATES), ambiguous: false };
  const ambiguous = !!second && second.confidence >= MIN_CONFIDENCE && first.confidence - second.confidence < AMBIGUITY_MARGIN;
  return { best: first, candidates: matches.slice(1), ambiguous };
}

const round = (c: number) => Math.round(c * 1000) / 1000;

/** A few dozen papers worth scoring, all found through indexes. */
function candidateRowids(names: PaperNames, q: NameQuery): Set<number> {
  const out = new Set<number>();
  const add = (ids: number[]) => ids.forEach((id) => out.add(id));
  for (const kind of KINDS) {
    add(names.exact(kind, q.key, 20));
    if (q.key.length >= 3) add(names.startingWith(kind, q.key, 10));
    add(names.around(kind, q.key, 3));
    for (const variant of earlyTypoFixes(q.key)) add(names.around(kind, variant, 2));
  }
  add(wordCandidates(names, q));
  return out;
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
 * first: FTS5 stops at the LIMIT, where ranking would have to score every title holding a common word.
 */
function wordCandidates(names: PaperNames, q: NameQuery): number[] {
  const groups = q.words
    .map((w) => {
      const df = names.df(w);
      if (df > 0 || w.length < 4) return { terms: df > 0 ? [w] : [], df };
      const near = spellings(names, w);
      return { terms: near.map((n) => n.term), df: near.reduce((s, n) => s + n.doc, 0) };
    })
    .filter((g) => g.terms.length)
    .sort((a, b) => a.df - b.df)
    .map((g) => `(${g.terms.map((t) => `"${t}"`).join(" OR ")})`);
  if (!groups.length) return [];
  const out = names.titleMatches(groups.join(" AND "), 20);
  if (out.length >= 5) return out;
  const rare = groups.slice(0, 4);
  for (let i = 0; i < rare.length; i++) for (let j = i + 1; j < rare.length; j++) out.push(...names.titleMatches(`${rare[i]} AND ${rare[j]}`, 10));
  return out;
}

/** Title words within a typo or two of `word`, looked up among those sharing its first half. */
function spellings(names: PaperNames, word: string): { term: string; doc: number }[] {
  return names
    .termsStartingWith(word.slice(0, Math.max(2, Math.ceil(word.length / 2))), 200)
    .map((t) => ({ ...t, s: similarity(word, t.term, WORD_SIMILARITY) }))
    .filter((t) => t.s >= WORD_SIMILARITY)
    .sort((a, b) => b.s - a.s || b.doc - a.doc)
    .slice(0, 2);
}
