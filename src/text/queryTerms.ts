import { STOPWORDS } from "./stopwords.js";

/** Words as SQLite's unicode61 tokenizer would see them: letters and digits, lower-cased. */
export function tokenize(text: string): string[] {
  return (
    text
      .normalize("NFKC")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/**
 * A title's distinct words as SQLite's title index (paper_title_words, `unicode61 remove_diacritics 2`) holds them:
 * `tokenize`'s words with their diacritics removed ("généralisation" as "generalisation").
 */
export function titleWords(title: string): Set<string> {
  return new Set(
    tokenize(title).map((w) =>
      w
        .normalize("NFD")
        .replace(/\p{Mn}/gu, "")
        .normalize("NFC"),
    ),
  );
}

/** The distinct content words of a query; if every word is a stop word, all of them. */
export function queryTerms(text: string): string[] {
  const words = [...new Set(tokenize(text))];
  const content = words.filter((w) => !STOPWORDS.has(w));
  return content.length ? content : words;
}

/** An FTS5 MATCH expression that cannot be a syntax error: each term is a quoted string, OR-ed together. */
export function ftsOrQuery(terms: string[]): string {
  return terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(" OR ");
}
