import type { Line } from "./pageLines.js";

const NAMED =
  /^(abstract|introduction|background|motivation|related work|prior work|overview|preliminaries|design|system design|implementation|method|methods|methodology|approach|evaluation|experiments|experimental setup|experimental results|setup|results|analysis|discussion|limitations|future work|conclusions?|conclusions? and future work|summary|acknowledge?ments?|references|bibliography|appendix|appendices|ethics statement|broader impact)$/i;
const NUMBERED = /^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.*)$/;
const ROMAN = /^([IVX]{1,5})\.\s+(\S.*)$/;
const LETTERED = /^([A-H](?:\.\d{1,2}){0,2})\.?\s+(\S.*)$/;
export const REFERENCES = /^(?:\d{1,2}\.?\s+|[IVX]{1,5}\.\s+)?(references|bibliography|references and notes)$/i;
export const APPENDIX = /^(appendix\b|appendices\b|supplementary material)|^[A-H](?:\.\d{1,2}){0,2}\.?\s+\p{Lu}/iu;

/** A short title-like phrase: starts with a capital, no sentence end, not a run of numbers (a table row). */
function headingLike(rest: string): boolean {
  const words = rest.split(/\s+/);
  if (words.length > 12 || rest.length < 3) return false;
  if (!/^[\p{Lu}]/u.test(rest)) return false;
  if (/[.,;]$/.test(rest) || /^\p{Lu}\.\s/u.test(rest)) return false;
  if (/[←→∼≤≥=∈∑{}|<>]/.test(rest)) return false;
  const letters = rest.replace(/[^\p{L}]/gu, "").length;
  return letters >= 3 && letters >= rest.replace(/\s/g, "").length * 0.6;
}

/**
 * Whether a line is a section heading as printed: "4 Evaluation", "4.2 Setup", "IV. EVALUATION", "Related Work", or
 * a short line set clearly larger than the body text.
 */
export function isHeading(l: Line, bodySize: number, lettered: boolean, frontMatter: boolean): boolean {
  const text = l.text.replace(/[:.]$/, "").trim();
  const short = l.x1 - l.x0 < (l.right - l.left) * 0.75 || l.size > bodySize * 1.05;
  if (l.size < bodySize * 0.93) return false;
  if (NAMED.test(text) || REFERENCES.test(text)) return true;
  // Before the first heading of page 1 stand the title, authors and affiliations ("1 Moonshot AI"): only named headings there.
  if (frontMatter) return NAMED.test(text.replace(/^(\d{1,2}|[IVX]{1,5})\.?\s+/, ""));
  if (/^\d{1,2}(\.\d{1,2}){0,3}\.?\s+/.test(text) || /^[IVX]{1,5}\.\s/.test(text)) {
    const m = NUMBERED.exec(text) ?? ROMAN.exec(text);
    if (!m) return false;
    const top = Number(m[1]!.split(".")[0]);
    if (!Number.isNaN(top) && top > 30) return false;
    return short && (headingLike(m[2]!) || NAMED.test(m[2]!));
  }
  if (lettered || l.size > bodySize * 1.05) {
    const m = LETTERED.exec(text);
    if (m && short && headingLike(m[2]!) && !/,/.test(m[2]!)) return true;
  }
  // Not on page 1, where author names and affiliations may be set large.
  return l.page > 1 && l.size >= bodySize * 1.15 && short && headingLike(text);
}

/** "4.2" of "4.2 Setup": the numbers of a numbered heading. */
export function headingNumber(text: string): number[] | undefined {
  const m = /^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s/.exec(text);
  return m ? m[1]!.split(".").map(Number) : undefined;
}

/**
 * Whether a numbered heading can follow the last one: the next number at some level (a heading or two may have been
 * missed), or one level deeper. Numbered lines of an algorithm or a list ("1 Recurrence t ← 0") mostly cannot.
 */
export function follows(n: number[], last: number[] | undefined): boolean {
  if (!last) return n[0]! <= 3;
  for (let j = 0; j < Math.min(n.length, last.length + 1); j++) {
    if (j > 0 && n[j - 1] !== last[j - 1]) return false;
    const next = j === last.length ? n[j]! <= 2 : n[j]! > last[j]! && n[j]! <= last[j]! + 2;
    if (next) return n.slice(j + 1).every((x) => x <= 2);
  }
  return false;
}
