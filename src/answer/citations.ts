import { paperUrl, paperYear } from "../store/paper.js";
import type { StoredPaper } from "../store/paperRecords.js";

export interface Citation {
  n: number;
  id: string;
  /** The same as `id`: the paper's id in the collection. */
  paperId: string;
  title: string;
  url?: string;
  year?: string;
  /** The pages of its full text the answer cites, in order; absent for an abstract-only source. */
  pages?: number[];
}

/** Which pages of each numbered source were given (its full-text passages); a source absent here was given as its abstract. */
export type GivenPages = ReadonlyMap<number, ReadonlySet<number>>;

export interface CheckedText {
  text: string;
  /** Source numbers the text cites, in order of first mention. */
  cited: number[];
  /** The given pages the text cites, per source. */
  citedPages: Map<number, number[]>;
  /** Markers (or pages of markers) that named no given source or page and were removed. */
  invalid: number;
  /** True when the text cited nothing valid and the sources were attached to it. */
  attached: boolean;
}

/** "[1]", "[2, 3]", "[1-3]", "[2, p. 7]", "[1, pp. 3–4; 2]": a marker starts with a source number. */
const MARKER = /\[(\s*\d+(?:[\s,;–-]|\d|pp?\.|pages?\b)*)\]/g;
const OPEN_MARKER = /\[(?:\s*\d+(?:[\s,;–-]|\d|pp?\.?|pages?)*)?$/;
const PAGED = /^\s*(\d+)\s*,?\s*(?:pp?\.|pages?)\s*(\d[\d\s,–-]*)$/;

/**
 * Keeps only citation markers that name one of the `count` given sources: "[7]" with five sources
 * is removed, "[2, 7]" becomes "[2]". A page is kept only where that source's passages from that
 * page were given: "[2, p. 99]" becomes "[2]". An answer left with no valid citation gets the
 * sources attached.
 */
export function checkCitations(text: string, count: number, pages: GivenPages = new Map()): CheckedText {
  const { text: out, cited, citedPages, invalid } = keepValidMarkers(text, count, pages);
  if (!cited.length && count > 0) {
    const all = Array.from({ length: count }, (_, i) => i + 1);
    const given = all.map((n) => `[${n}]`).join(" ");
    return { text: `${out}\n\n(The model cited no source; it was given ${given}.)`, cited: all, citedPages, invalid, attached: true };
  }
  return { text: out, cited, citedPages, invalid, attached: false };
}

/**
 * The answer so far, as shown while the model is still writing: markers that name no given source
 * are removed as in the final answer, and a marker still open at the end ("[1" that may become
 * "[10]", "[2, p. 1" that may become "p. 17") is held back until it closes.
 */
export function partialCitations(text: string, count: number, pages: GivenPages = new Map()): string {
  const open = OPEN_MARKER.exec(text);
  return keepValidMarkers(open ? text.slice(0, open.index) : text, count, pages).text;
}

type Item = { n: number; pages?: number[] };

function keepValidMarkers(text: string, count: number, pages: GivenPages): Omit<CheckedText, "attached"> {
  const cited: number[] = [];
  const citedPages = new Map<number, number[]>();
  let invalid = 0;
  const out = text.replace(MARKER, (_, inner: string) => {
    const kept: string[] = [];
    for (const item of parseItems(inner)) {
      if (item.n < 1 || item.n > count) {
        invalid++;
        continue;
      }
      if (!cited.includes(item.n)) cited.push(item.n);
      const given = pages.get(item.n);
      const wanted = item.pages ?? [];
      const valid = wanted.filter((p) => given?.has(p));
      if (wanted.length && !valid.length) invalid++;
      for (const p of valid) if (!citedPages.get(item.n)?.includes(p)) citedPages.set(item.n, [...(citedPages.get(item.n) ?? []), p]);
      kept.push(valid.length ? `[${item.n}, ${pageLabel(valid)}]` : `[${item.n}]`);
    }
    return kept.join("");
  });
  return {
    text: out
      .replace(/[ \t]+([.,;:!?])/g, "$1")
      .replace(/[ \t]{2,}/g, " ")
      .trim(),
    cited,
    citedPages,
    invalid,
  };
}

/** "p. 7", "pp. 3–4" (consecutive), "pp. 3, 7". */
export function pageLabel(pages: readonly number[]): string {
  if (pages.length === 1) return `p. ${pages[0]}`;
  const consecutive = pages.every((p, i) => i === 0 || p === pages[i - 1]! + 1);
  return consecutive ? `pp. ${pages[0]}–${pages.at(-1)}` : `pp. ${pages.join(", ")}`;
}

/** The pages a passage of a full text is on, its first through its last (`[7]`, or `[7, 8]` for one that runs on). */
export const passagePages = (x: { page: number; pageEnd?: number }): number[] => range(x.page, x.pageEnd ?? x.page);

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let p = from; p <= to && p - from < 20; p++) out.push(p);
  return out;
}

/** "7", "3–4", "2, 4", "2, 5–6": the pages, in order, once each (at most 20 to a span). */
export function pageList(text: string): number[] {
  const out: number[] = [];
  for (const piece of text.split(",")) {
    const m = /^\s*(\d+)(?:\s*[–-]\s*(\d+))?\s*$/.exec(piece);
    if (m) for (const p of range(Number(m[1]), Number(m[2] ?? m[1]))) if (!out.includes(p)) out.push(p);
  }
  return out;
}

function parseItems(inner: string): Item[] {
  const out: Item[] = [];
  for (const part of inner.split(";")) {
    const paged = PAGED.exec(part);
    if (paged) {
      out.push({ n: Number(paged[1]), pages: pageList(paged[2]!) });
      continue;
    }
    for (const piece of part.split(",")) {
      const span = /^\s*(\d+)\s*[–-]\s*(\d+)\s*$/.exec(piece);
      if (span) for (const n of range(Number(span[1]), Number(span[2]))) out.push({ n });
      else if (/^\s*\d+\s*$/.test(piece)) out.push({ n: Number(piece) });
    }
  }
  return out;
}

export function toCitation(n: number, p: StoredPaper, pages?: number[]): Citation {
  return { n, id: p.id, paperId: p.id, title: p.title, url: paperUrl(p), year: paperYear(p), ...(pages?.length ? { pages } : {}) };
}
