import type { RawPage } from "./extractText.js";

/** A line of text as printed, in reading order. `y` is the baseline measured from the top of the page. */
export interface Line {
  page: number;
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
  /** 0: the page is one column, or the line spans both; 1, 2: the left or right column. */
  col: 0 | 1 | 2;
  /** Left and right edges of the column (or page text area) the line is in. */
  left: number;
  right: number;
}

interface Glyphs {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
}

/** The upright text items of a page, top-down coordinates, empty ones dropped. */
function pageItems(p: RawPage): Glyphs[] {
  const out: Glyphs[] = [];
  for (const [text, x, y, size, width, , rotated] of p.items) {
    if (rotated || !text.trim() || size <= 0) continue;
    out.push({ text, x0: x - p.x0, x1: x - p.x0 + Math.max(width, 0), y: p.height - (y - p.y0), size });
  }
  return out;
}

/** Items on one baseline (superscripts included), left to right. */
function rows(items: Glyphs[]): Glyphs[][] {
  const sorted = [...items].sort((a, b) => a.y - b.y || a.x0 - b.x0);
  const out: Glyphs[][] = [];
  let row: Glyphs[] = [];
  let base = Number.NEGATIVE_INFINITY;
  let size = 0;
  for (const it of sorted) {
    if (row.length && it.y - base <= 0.45 * Math.max(size, it.size)) {
      row.push(it);
      // The row's baseline is its largest text's: a superscript that came first must not pull it up.
      if (it.size > size) {
        base = it.y;
        size = it.size;
      }
      continue;
    }
    if (row.length) out.push(row.sort((a, b) => a.x0 - b.x0));
    row = [it];
    base = it.y;
    size = it.size;
  }
  if (row.length) out.push(row.sort((a, b) => a.x0 - b.x0));
  return out;
}

/** Pieces of a row separated by wide gaps: a column gutter, table cells, a heading's number. */
function fragments(row: Glyphs[]): Glyphs[][] {
  const out: Glyphs[][] = [];
  let cur: Glyphs[] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const it of row) {
    if (cur.length && it.x0 - end > 0.8 * Math.max(it.size, cur[0]!.size)) {
      out.push(cur);
      cur = [];
    }
    cur.push(it);
    end = Math.max(end, it.x1);
  }
  if (cur.length) out.push(cur);
  return out;
}

function join(items: Glyphs[]): string {
  let text = "";
  let end = Number.NEGATIVE_INFINITY;
  for (const it of items) {
    const gap = it.x0 - end;
    if (text && !/\s$/.test(text) && !/^\s/.test(it.text) && gap > 0.12 * it.size) text += " ";
    text += it.text;
    end = Math.max(end, it.x1);
  }
  return text.replace(/\s+/g, " ").trim();
}

// Folds, not Math.min(...spread): a hostile row of 100k items would overflow the call stack.
const span = (f: Glyphs[]) => ({ x0: f.reduce((m, g) => Math.min(m, g.x0), Infinity), x1: f.reduce((m, g) => Math.max(m, g.x1), -Infinity) });

/** The x of the gap between two columns, or undefined when the page is not laid out in two columns. */
export function findGutter(frags: { x0: number; x1: number }[], width: number): number | undefined {
  if (frags.length < 10) return undefined;
  let best: { x: number; cover: number; run: number } | undefined;
  let runStart = 0;
  let prevCover = -1;
  // At most 200 positions, whatever width the PDF claims for its page.
  const step = Math.max(2, (width * 0.4) / 200);
  for (let x = Math.round(width * 0.3); x <= width * 0.7; x += step) {
    const cover = frags.filter((f) => f.x0 < x - 1 && f.x1 > x + 1).length;
    if (cover !== prevCover) {
      runStart = x;
      prevCover = cover;
    }
    const run = x - runStart;
    if (!best || cover < best.cover || (cover === best.cover && run > best.run)) best = { x: (x + runStart) / 2, cover, run };
  }
  if (!best) return undefined;
  const g = best.x;
  const left = frags.filter((f) => f.x1 <= g).length;
  const right = frags.filter((f) => f.x0 >= g).length;
  // Both sides must hold real text, and few lines may cross: a one-column page crosses the middle on almost every line.
  if (left < 5 || right < 5 || best.cover > 0.25 * frags.length || Math.min(left, right) < 0.2 * frags.length) return undefined;
  return g;
}

/** A page's lines in reading order: full-width blocks where they stand, columns left before right between them. */
export function pageLines(p: RawPage, page: number): Line[] {
  const rs = rows(pageItems(p)).map(fragments);
  const gutter = findGutter(
    rs.flatMap((r) => r.map(span)),
    p.width,
  );
  const out: Line[] = [];
  let left: Line[] = [];
  let right: Line[] = [];
  const flush = () => {
    out.push(...left, ...right);
    left = [];
    right = [];
  };
  const line = (items: Glyphs[], col: 0 | 1 | 2): Line => {
    const s = span(items);
    const body = items.reduce((a, b) => (b.text.length > a.text.length ? b : a));
    return { page, text: join(items), ...s, y: items.reduce((m, i) => Math.max(m, i.y), -Infinity), size: body.size, col, left: 0, right: p.width };
  };
  for (const frags of rs) {
    if (gutter === undefined) {
      out.push(line(frags.flat(), 0));
      continue;
    }
    const crosses = frags.some((f) => {
      const s = span(f);
      return s.x0 < gutter - 1 && s.x1 > gutter + 1;
    });
    if (crosses) {
      flush();
      out.push(line(frags.flat(), 0));
      continue;
    }
    const l = frags.filter((f) => span(f).x1 <= gutter).flat();
    const r = frags.filter((f) => span(f).x1 > gutter).flat();
    if (l.length) left.push(line(l, 1));
    if (r.length) right.push(line(r, 2));
  }
  flush();
  setColumnEdges(out);
  return out.filter((l) => l.text);
}

/** Each line's column edges: where most lines of that column start and end, so short and indented lines show. */
function setColumnEdges(lines: Line[]) {
  for (const col of [0, 1, 2] as const) {
    const ls = lines.filter((l) => l.col === col);
    if (!ls.length) continue;
    const starts = ls.map((l) => l.x0).sort((a, b) => a - b);
    const ends = ls.map((l) => l.x1).sort((a, b) => a - b);
    const left = starts[Math.floor(starts.length * 0.1)]!;
    const right = ends[Math.floor(ends.length * 0.9)]!;
    for (const l of ls) Object.assign(l, { left, right });
  }
}

const marginKey = (text: string) => text.toLowerCase().replace(/\d+/g, "#").replace(/\s+/g, " ").trim();

/**
 * Drops running headers and footers: lines in the top or bottom tenth of the page that repeat (digits aside) at about
 * the same height on many pages, and bare page numbers there.
 */
export function dropMargins(pages: Line[][], heights: number[]): Line[][] {
  const inMargin = (l: Line) => {
    const h = heights[l.page - 1] ?? 792;
    return l.y < h * 0.1 || l.y > h * 0.9;
  };
  const seen = new Map<string, Set<number>>();
  for (const lines of pages)
    for (const l of lines) {
      if (!inMargin(l)) continue;
      const key = `${marginKey(l.text)}@${Math.round(l.y / 6)}`;
      const s = seen.get(key) ?? new Set<number>();
      s.add(l.page);
      seen.set(key, s);
    }
  const need = Math.max(2, Math.ceil(pages.length * 0.2));
  const repeated = (l: Line) => {
    const k = marginKey(l.text);
    const b = Math.round(l.y / 6);
    let pagesSeen = new Set<number>();
    for (const d of [-1, 0, 1]) pagesSeen = new Set([...pagesSeen, ...(seen.get(`${k}@${b + d}`) ?? [])]);
    return pagesSeen.size >= need;
  };
  const pageNumber = /^(page\s*)?(\d{1,4}|[ivxlc]{1,6})(\s*(of|\/)\s*\d{1,4})?$/i;
  return pages.map((lines) => lines.filter((l) => !(inMargin(l) && (pageNumber.test(l.text) || repeated(l)))));
}
