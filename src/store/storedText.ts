/**
 * The most one paper stores of each text, so one runaway feed item (a 1 MB abstract) cannot bloat
 * the collection, its indexes or the prompts built from it. Real papers stay well inside these.
 */
export const STORED_MAX = {
  title: 300,
  abstract: 5000,
  aiSummary: 1000,
  organization: 200,
  authorName: 200,
  authors: 100,
} as const;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Bidi controls (U+202E turns "gnp.exe" around) and control characters other than tab and newline.
const UNSAFE = /[\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const INVISIBLE = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\x00-\x08\x0e-\x1f\x7f-\x9f]/g;

// The same characters, and whitespace other than the plain space (what JavaScript's \s matches besides it).
const UNSAFE_OR_SPACE =
  /[\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f\t\n\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** True when `text` needs neither `sanitizeText` nor whitespace tidying: no unsafe character, single spaces only. */
export function isTidyText(text: string): boolean {
  return !UNSAFE_OR_SPACE.test(text) && !text.includes("  ") && !text.startsWith(" ") && !text.endsWith(" ");
}

/**
 * Outside text made safe to store and show: lone surrogates become U+FFFD, bidi controls and
 * control characters go, and line breaks other than "\n" (CR, form feed, vertical tab) become whitespace.
 */
export function sanitizeText(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text
    .replace(LONE_SURROGATE, "\ufffd")
    .replace(/\r\n?/g, "\n")
    .replace(/[\v\f]/g, " ")
    .replace(INVISIBLE, "");
}

/** At most `max` UTF-16 units, never half a surrogate pair; a cut text ends in "…". */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}
