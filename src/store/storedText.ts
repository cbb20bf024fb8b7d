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

/** At most `max` UTF-16 units, never half a surrogate pair; a cut text ends in "…". */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}
