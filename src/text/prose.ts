/** Words that end in a period without ending the sentence (compared lower-case, without the period). */
const ABBREVIATIONS = new Set([
  "al",
  "approx",
  "avg",
  "ca",
  "cf",
  "ch",
  "co",
  "dept",
  "dr",
  "e.g",
  "eg",
  "eq",
  "eqs",
  "esp",
  "est",
  "fig",
  "figs",
  "i.e",
  "ie",
  "inc",
  "incl",
  "jr",
  "lit",
  "ltd",
  "mr",
  "mrs",
  "ms",
  "no",
  "nos",
  "p",
  "pp",
  "prof",
  "ref",
  "refs",
  "resp",
  "sec",
  "secs",
  "sect",
  "sr",
  "st",
  "tab",
  "viz",
  "vol",
  "vs",
  "w.r.t",
  "wrt",
]);

/** Tidies feed text: one space between words, none before punctuation ("model . This" → "model. This"). */
export function normalizeSpace(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .replace(/ ([.,;:!?)\]])(?=\s|$)/g, "$1")
    .trim();
}

/**
 * Splits prose into sentences. A boundary is ".", "!", "?" or "…" (plus closing quotes or brackets)
 * followed by a space and then a capital, a digit or an opening quote or bracket. A period does not
 * end a sentence after a known abbreviation ("e.g.", "et al.", "vs.", "Fig."), inside dotted
 * initialisms ("U.S."), or inside a number ("3.5" has no space after its period anyway).
 */
export function splitSentences(text: string): string[] {
  const s = normalizeSpace(text);
  const out: string[] = [];
  let start = 0;
  const boundary = /([.!?…]+)(["'”’)\]]*) (?=["'“‘([]?[\p{Lu}\p{N}])/gu;
  for (let m = boundary.exec(s); m; m = boundary.exec(s)) {
    if (m[1] === "." && !endsSentence(s.slice(start, m.index))) continue;
    const end = m.index + m[1]!.length + m[2]!.length;
    out.push(s.slice(start, end));
    start = end + 1;
  }
  if (start < s.length) out.push(s.slice(start));
  return out.filter((x) => x.length > 0);
}

function endsSentence(before: string): boolean {
  const word = /(\S*)$/
    .exec(before)![1]!
    .replace(/^["'“‘([]+/, "")
    .toLowerCase();
  if (ABBREVIATIONS.has(word)) return false;
  // Dotted initialisms and abbreviations: "e.g", "U.S", "a.k.a".
  if (/^(\p{L}\.)+\p{L}$/u.test(word)) return false;
  return true;
}

/**
 * At most `max` UTF-16 units: cut at a word boundary when one is near, trailing punctuation dropped,
 * an ellipsis added, and never half a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return "…".slice(0, max);
  let cut = text.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.\-–—]+$/, "")}…`;
}

/** "NanoFlow" for "NanoFlow: Towards Optimal ...", else the title itself. */
export function shortTitle(title: string): string {
  const head = title.split(":")[0]!.trim();
  return head.length <= 40 && head.length < title.length ? head : title;
}
