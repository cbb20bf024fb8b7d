const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Bidi controls (U+202E turns "gnp.exe" around) and control characters other than tab and newline.
const UNSAFE = /[\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const INVISIBLE = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\x00-\x08\x0e-\x1f\x7f-\x9f]/g;

// The same characters, and whitespace other than the plain space (what JavaScript's \s matches besides it).
const UNSAFE_OR_SPACE =
  /[\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f\t\n\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/**
 * Characters that show as nothing (zero-width space, word joiner, BOM, soft hyphen, Hangul fillers,
 * tag characters…): "L\u200bLM" looks like "LLM" and matches nothing. Unicode's list, not ours.
 */
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
const IGNORABLE_ALL = /\p{Default_Ignorable_Code_Point}/gu;
const JOINER = /^[\u200c\u200d]$/;
const VARIATION_SELECTOR = /^[\ufe00-\ufe0f\u{e0100}-\u{e01ef}]$/u;
const nonAscii = (c: string | undefined) => c !== undefined && c.charCodeAt(0) > 0x7f && !IGNORABLE.test(c);

/**
 * Removes invisible characters, except the ones that shape visible text: a zero-width (non-)joiner
 * between two non-ASCII characters (emoji sequences, Indic and Persian scripts) and a variation
 * selector after one (❤️).
 */
function stripIgnorable(text: string): string {
  return text.replace(IGNORABLE_ALL, (c: string, at: number) => {
    // UTF-16 units suffice: half of a pair is non-ASCII too.
    const [prev, next] = [text[at - 1], text[at + c.length]];
    if (JOINER.test(c)) return nonAscii(prev) && nonAscii(next) ? c : "";
    if (VARIATION_SELECTOR.test(c)) return nonAscii(prev) ? c : "";
    return "";
  });
}

/** True when `text` needs neither `sanitizeText` nor whitespace tidying: no unsafe character, single spaces only. */
export function isTidyText(text: string): boolean {
  return !UNSAFE_OR_SPACE.test(text) && !IGNORABLE.test(text) && !text.includes("  ") && !text.startsWith(" ") && !text.endsWith(" ");
}

/**
 * Outside text made safe to store and show: lone surrogates become U+FFFD, bidi controls, control
 * characters and invisible ones go, and line breaks other than "\n" (CR, form feed, vertical tab)
 * become whitespace.
 */
export function sanitizeText(text: string): string {
  const ignorable = IGNORABLE.test(text);
  if (!ignorable && !UNSAFE.test(text)) return text;
  const safe = text
    .replace(LONE_SURROGATE, "\ufffd")
    .replace(/\r\n?/g, "\n")
    .replace(/[\v\f]/g, " ")
    .replace(INVISIBLE, "");
  return ignorable ? stripIgnorable(safe) : safe;
}

/** Outside text on one line, as the domain takes it (a user's option, argument or line; a title; an abstract): sanitised, one space between words, trimmed. */
export function userText(text: string): string {
  return sanitizeText(text).replace(/\s+/g, " ").trim();
}

/** At most `max` UTF-16 units, never half a surrogate pair; a cut text ends in "…". */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}
