import { APPENDIX, follows, headingNumber, isHeading, REFERENCES } from "./headings.js";
import type { Line } from "./pageLines.js";

/** A paragraph of body text, or a heading. `pages` marks where each page's text starts in `text`. */
export interface Block {
  kind: "heading" | "text";
  text: string;
  page: number;
  pageEnd: number;
  pages: { at: number; page: number }[];
  /** Inside the references section. */
  refs: boolean;
}

/** The font size most body text is set in, weighted by characters. */
export function bodySize(lines: Line[]): number {
  const weight = new Map<number, number>();
  for (const l of lines) {
    const s = Math.round(l.size * 2) / 2;
    weight.set(s, (weight.get(s) ?? 0) + l.text.length);
  }
  let best = 10;
  let most = -1;
  for (const [s, w] of weight)
    if (w > most) {
      best = s;
      most = w;
    }
  return best;
}

/** The usual distance between the baselines of two lines of one paragraph. */
function lineSpacing(lines: Line[], body: number): number {
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const a = lines[i - 1]!;
    const b = lines[i]!;
    const dy = b.y - a.y;
    if (a.page === b.page && a.col === b.col && Math.abs(a.size - body) < 0.6 && Math.abs(b.size - body) < 0.6 && dy > 0 && dy < body * 3)
      gaps.push(dy);
  }
  gaps.sort((x, y) => x - y);
  return gaps[Math.floor(gaps.length / 2)] ?? body * 1.2;
}

const WORD = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;

/** Words as printed inside lines (not at their ends): tells a compound ("self-attention") from a word split across lines. */
export function wordsInLines(lines: Line[]): Set<string> {
  const words = new Set<string>();
  for (const l of lines) {
    const ws = l.text.toLowerCase().match(WORD) ?? [];
    for (let i = 0; i < ws.length - 1; i++) words.add(ws[i]!);
  }
  return words;
}

/** Joins a line to the text before it, undoing a hyphen that only split a word across lines. */
export function joinLine(before: string, next: string, words: Set<string>): string {
  if (!before) return next;
  // Only the end matters: matching the whole paragraph again for every line would be quadratic in its length.
  const m = /([\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*)-$/u.exec(before.slice(-200));
  if (!m) return `${before} ${next}`;
  const head = m[1]!;
  const tail = /^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/u.exec(next)?.[0] ?? "";
  const last = head.split("-").pop()!;
  const joined = `${head}${tail}`.toLowerCase();
  const hyphened = `${head}-${tail}`.toLowerCase();
  // "LLM-" "GPT-4-" and compounds printed elsewhere with their hyphen keep it; a lower-case split ("recon-figuration") loses it.
  const keep = !/^\p{Ll}/u.test(tail) || !/\p{Ll}$/u.test(last) || (words.has(hyphened) && !words.has(joined));
  return keep ? `${before}${next}` : `${before.slice(0, -1)}${next}`;
}

/** Lines (all pages, reading order) into headings and paragraphs; the references section flagged. */
export function blocks(lines: Line[]): Block[] {
  const body = bodySize(lines);
  const spacing = lineSpacing(lines, body);
  const words = wordsInLines(lines);
  const out: Block[] = [];
  let cur: Block | undefined;
  let prev: Line | undefined;
  let refs = false;
  let seenHeading = false;
  let lastNumber: number[] | undefined;
  const close = () => {
    if (cur?.text) out.push(cur);
    cur = undefined;
  };
  for (const l of lines) {
    const runIn = /^(abstract)\s*[—–:.-]\s*(\S.*)$/i.exec(l.text);
    if (runIn && !seenHeading) {
      close();
      seenHeading = true;
      out.push({ kind: "heading", text: runIn[1]!, page: l.page, pageEnd: l.page, pages: [{ at: 0, page: l.page }], refs });
      cur = { kind: "text", text: runIn[2]!, page: l.page, pageEnd: l.page, pages: [{ at: 0, page: l.page }], refs };
      prev = l;
      continue;
    }
    const number = headingNumber(l.text);
    const heading =
      isHeading(l, body, refs || seenAppendix(out), !seenHeading && l.page === 1) && (!number || follows(number, lastNumber) || l.size > body * 1.1);
    if (heading) {
      const text = l.text.replace(/[:.]$/, "").trim();
      // A heading printed on two lines ("4 Design and" / "Implementation") comes as two heading lines.
      const last = out[out.length - 1];
      if (!cur && last?.kind === "heading" && prev && prev.page === l.page && l.y - prev.y < spacing * 1.6 && !/^\d|^[IVX]+\.\s/.test(text)) {
        last.text = joinLine(last.text, text, words);
        prev = l;
        continue;
      }
      close();
      if (number) lastNumber = number;
      if (REFERENCES.test(text)) refs = true;
      else if (refs && APPENDIX.test(text)) refs = false;
      seenHeading = true;
      out.push({ kind: "heading", text, page: l.page, pageEnd: l.page, pages: [{ at: 0, page: l.page }], refs });
      prev = l;
      continue;
    }
    if (cur && prev && newParagraph(prev, l, spacing)) close();
    if (!cur) cur = { kind: "text", text: "", page: l.page, pageEnd: l.page, pages: [{ at: 0, page: l.page }], refs };
    if (l.page !== cur.pageEnd) {
      cur.pages.push({ at: cur.text.length + 1, page: l.page });
      cur.pageEnd = l.page;
    }
    cur.text = joinLine(cur.text, l.text, words);
    prev = l;
  }
  close();
  return out;
}

function seenAppendix(out: Block[]): boolean {
  for (let i = out.length - 1; i >= 0; i--) if (out[i]!.kind === "heading") return /^appendi/i.test(out[i]!.text) || out[i]!.refs;
  return false;
}

const ENDS_SENTENCE = /[.!?:]["”’)]?$/;

function newParagraph(a: Line, b: Line, spacing: number): boolean {
  if (Math.abs(a.size - b.size) > 1) return true;
  // A new column or page: the paragraph carries on unless the last one ended a sentence.
  if (a.page !== b.page || a.col !== b.col || b.y < a.y) return ENDS_SENTENCE.test(a.text) && !continues(b);
  if (b.y - a.y > spacing * 1.45) return true;
  if (ENDS_SENTENCE.test(a.text) && (b.x0 - b.left > b.size * 0.8 || a.x1 < a.right - b.size * 2)) return true;
  return false;
}

const continues = (l: Line) => /^\p{Ll}/u.test(l.text);
