/**
 * A person's name as lower-case, accent-free words, given names first: "Dao, Tri" → ["tri", "dao"],
 * "T. Dao" → ["t", "dao"], "Jean-Pierre Lévy" → ["jean", "pierre", "levy"].
 */
export function nameWords(name: string): string[] {
  const plain = name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[øœæłđı]/g, (c) => ({ ø: "o", œ: "oe", æ: "ae", ł: "l", đ: "d", ı: "i" })[c] ?? c);
  const comma = plain.indexOf(",");
  const ordered = comma >= 0 ? `${plain.slice(comma + 1)} ${plain.slice(0, comma)}` : plain;
  return ordered.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** The key a name is stored and compared under: its words, given names first. */
export function nameKeyOf(name: string): string {
  return nameWords(name).join(" ");
}

/** Two given names agree when equal, or when one is an initial of the other ("t" and "tri"). */
const givenAgree = (a: string, b: string) => a === b || (a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b));

/**
 * Whether `author` (as a paper spells it) is the person `followed` names, loosely: case, accents,
 * "Last, First" order and initials do not matter ("T. Dao", "t dao", "Dao, Tri" all name "Tri Dao"),
 * but the family name (the last word) must be the same and a written-out first name must agree
 * ("Tim Dao" is not "Tri Dao"). Middle names are optional on either side. A one-word name matches
 * only that one word.
 */
export function sameAuthor(followed: string, author: string): boolean {
  const f = nameWords(followed);
  const a = nameWords(author);
  if (!f.length || !a.length || f.at(-1) !== a.at(-1)) return false;
  if (f.length === 1 || a.length === 1) return f.length === a.length;
  const fg = f.slice(0, -1);
  const ag = a.slice(0, -1);
  if (!givenAgree(fg[0]!, ag[0]!)) return false;
  // The shorter list's middle names must appear, in order, among the longer one's.
  const [short, long] = fg.length <= ag.length ? [fg, ag] : [ag, fg];
  let j = 1;
  for (const w of short.slice(1)) {
    while (j < long.length && !givenAgree(w, long[j]!)) j++;
    if (j++ >= long.length) return false;
  }
  return true;
}

/** The first of `authors` that `followed` names, as the paper spells it. */
export function followedAuthorOf(followed: readonly string[], authors: readonly string[]): string | undefined {
  for (const a of authors) if (followed.some((f) => sameAuthor(f, a))) return a;
  return undefined;
}
