import { paperUrl, paperYear, type Paper } from "../store/paper.js";

export interface Citation {
  n: number;
  id: string;
  title: string;
  url?: string;
  year?: string;
}

export interface CheckedText {
  text: string;
  /** Source numbers the text cites, in order of first mention. */
  cited: number[];
  /** Markers that named no given source and were removed. */
  invalid: number;
  /** True when the text cited nothing valid and the sources were attached to it. */
  attached: boolean;
}

const MARKER = /\[(\s*\d+\s*(?:[,;–-]\s*\d+\s*)*)\]/g;

/**
 * Keeps only citation markers that name one of the `count` given sources: "[7]" with five sources
 * is removed, "[2, 7]" becomes "[2]". An answer left with no valid citation gets the sources attached.
 */
export function checkCitations(text: string, count: number): CheckedText {
  const { text: out, cited, invalid } = keepValidMarkers(text, count);
  if (!cited.length && count > 0) {
    const all = Array.from({ length: count }, (_, i) => i + 1);
    const given = all.map((n) => `[${n}]`).join(" ");
    return { text: `${out}\n\n(The model cited no source; it was given ${given}.)`, cited: all, invalid, attached: true };
  }
  return { text: out, cited, invalid, attached: false };
}

/**
 * The answer so far, as shown while the model is still writing: markers that name no given source
 * are removed as in the final answer, and a marker still open at the end ("[1" that may become
 * "[10]") is held back until it closes.
 */
export function partialCitations(text: string, count: number): string {
  const open = /\[[\d\s,;–-]*$/.exec(text);
  return keepValidMarkers(open ? text.slice(0, open.index) : text, count).text;
}

function keepValidMarkers(text: string, count: number): Omit<CheckedText, "attached"> {
  const cited: number[] = [];
  let invalid = 0;
  const out = text.replace(MARKER, (_, inner: string) => {
    const nums = expand(inner);
    const valid = nums.filter((n) => n >= 1 && n <= count);
    invalid += nums.length - valid.length;
    for (const n of valid) if (!cited.includes(n)) cited.push(n);
    return valid.map((n) => `[${n}]`).join("");
  });
  return {
    text: out
      .replace(/[ \t]+([.,;:!?])/g, "$1")
      .replace(/[ \t]{2,}/g, " ")
      .trim(),
    cited,
    invalid,
  };
}

function expand(inner: string): number[] {
  const out: number[] = [];
  for (const part of inner.split(/[,;]/)) {
    const range = /^\s*(\d+)\s*[–-]\s*(\d+)\s*$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      for (let n = from; n <= to && n - from < 20; n++) out.push(n);
    } else if (part.trim()) out.push(Number(part));
  }
  return out;
}

export function toCitation(n: number, p: Paper): Citation {
  return { n, id: p.id, title: p.title, url: paperUrl(p), year: paperYear(p) };
}
