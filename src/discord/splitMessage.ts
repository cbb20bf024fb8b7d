import { LIMITS } from "./limits.js";

/** Markdown links and citation markers are never cut in two. */
const ATOM = /\[[^\]\n]*\]\(<?[^)\s>]*>?\)|\[\d+\]/g;

/**
 * Splits text into messages of at most `max` characters, on paragraph boundaries first, then
 * lines, then sentences, then words; nothing is dropped and no link or [n] marker is cut.
 */
export function splitMessage(text: string, max: number = LIMITS.content): string[] {
  const out: string[] = [];
  let current = "";
  const flush = () => {
    if (current.trim()) out.push(current.trim());
    current = "";
  };
  for (const piece of pieces(text, max)) {
    const sep = current ? piece.sep : "";
    if ((current + sep + piece.text).length > max) flush();
    current += (current ? piece.sep : "") + piece.text;
  }
  flush();
  return out;
}

interface Piece {
  text: string;
  /** What joined it to the piece before. */
  sep: string;
}

/** The text cut into the largest pieces that fit, each with the separator that preceded it. */
function pieces(text: string, max: number): Piece[] {
  const levels: [RegExp, string][] = [
    [/\n{2,}/, "\n\n"],
    [/\n/, "\n"],
    [/(?<=[.!?])\s+/, " "],
    [/\s+/, " "],
  ];
  const split = (t: string, level: number, sep: string): Piece[] => {
    if (t.length <= max) return [{ text: t, sep }];
    if (level >= levels.length) return hardCut(t, max).map((p, i) => ({ text: p, sep: i === 0 ? sep : "" }));
    const [re, joiner] = levels[level]!;
    const parts = t.split(re).filter((p) => p.length);
    if (parts.length === 1) return split(t, level + 1, sep);
    return parts.flatMap((p, i) => split(p, level + 1, i === 0 ? sep : joiner));
  };
  return split(text.trim(), 0, "");
}

/** Last resort for a single overlong word: cut between atoms (links, markers), never inside one. */
function hardCut(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = max;
    for (const m of rest.matchAll(ATOM)) {
      const start = m.index!;
      const end = start + m[0].length;
      if (start < cut && end > cut) cut = start > 0 ? start : Math.min(end, rest.length);
    }
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) out.push(rest);
  return out;
}
