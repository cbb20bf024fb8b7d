import type { Chunk } from "./pdfDocument.js";
import type { Block } from "./paragraphs.js";

export const CHUNK_WORDS = { min: 120, max: 300 };

const ABBREVIATION = /\b(e\.g|i\.e|et al|etc|vs|cf|fig|figs|eq|eqs|sec|secs|tab|no|approx|resp|al|ref|refs|[A-Z])\.$/i;

/** Sentence ends: a period, "!" or "?" before a space and a capital, a digit or an opening bracket, abbreviations aside. */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const re = /[.!?]["”’)]?\s+(?=[\p{Lu}\d(["“])/gu;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const end = m.index + m[0].trimEnd().length;
    if (ABBREVIATION.test(text.slice(Math.max(start, end - 8), end))) continue;
    out.push(text.slice(start, end));
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push(text.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

const count = (text: string) => text.split(/\s+/).filter(Boolean).length;

interface Piece {
  text: string;
  page: number;
  pageEnd: number;
}

function pageAt(b: Block, offset: number): number {
  let page = b.page;
  for (const p of b.pages) if (p.at <= offset) page = p.page;
  return page;
}

/** A paragraph longer than a chunk, cut between sentences into parts of about equal size. */
function pieces(b: Block): Piece[] {
  const words = count(b.text);
  if (words <= CHUNK_WORDS.max) return [{ text: b.text, page: b.page, pageEnd: b.pageEnd }];
  const parts = Math.ceil(words / CHUNK_WORDS.max);
  const target = words / parts;
  const out: Piece[] = [];
  let text = "";
  let from = 0;
  let offset = 0;
  for (const s of sentences(b.text)) {
    const at = b.text.indexOf(s, offset);
    if (text && count(text) + count(s) > target * 1.15) {
      out.push({ text, page: pageAt(b, from), pageEnd: pageAt(b, offset) });
      text = "";
    }
    if (!text) from = at;
    text = text ? `${text} ${s}` : s;
    offset = at + s.length;
  }
  if (text) out.push({ text, page: pageAt(b, from), pageEnd: pageAt(b, offset) });
  return out;
}

/** Body blocks into passages of about a paragraph or two, never across a heading; the references left out. */
export function chunk(blocks: Block[]): Chunk[] {
  const out: Chunk[] = [];
  let section: string | undefined;
  let cur: Chunk | undefined;
  const flush = () => {
    if (cur) out.push(cur);
    cur = undefined;
  };
  for (const b of blocks) {
    if (b.refs) {
      flush();
      continue;
    }
    if (b.kind === "heading") {
      flush();
      section = b.text;
      continue;
    }
    for (const p of pieces(b)) {
      const words = cur ? count(cur.text) : 0;
      if (cur && words + count(p.text) > CHUNK_WORDS.max && (words >= CHUNK_WORDS.min || words + count(p.text) > CHUNK_WORDS.max * 1.4)) flush();
      if (!cur) cur = { page: p.page, pageEnd: p.pageEnd, ...(section ? { section } : {}), text: p.text };
      else {
        cur.text += `\n\n${p.text}`;
        cur.pageEnd = p.pageEnd;
      }
    }
  }
  flush();
  return out;
}
