/**
 * Field values for a BibTeX file from stored (untrusted) paper text. BibTeX counts braces literally: `\{` and `\}` open and
 * close a group like bare braces, so a lone `}` in a title would end the field and let the rest of the title write fields of
 * its own. Every value written here has only the braces this module adds, each `{}` balanced.
 */

import { userText } from "../text/userText.js";

const LATEX_SPECIALS: Record<string, string> = {
  "\\": "\\textbackslash{}",
  "{": "\\textbraceleft{}",
  "}": "\\textbraceright{}",
  "&": "\\&",
  "%": "\\%",
  $: "\\$",
  "#": "\\#",
  _: "\\_",
  "~": "\\textasciitilde{}",
  "^": "\\textasciicircum{}",
};

/** Text for a braced BibTeX field: LaTeX's special characters written as commands, braces included. */
export function latexText(text: string): string {
  return userText(text).replace(/[\\{}&%$#_~^]/g, (c) => LATEX_SPECIALS[c]!);
}

/**
 * One name of an author list. It is wrapped in braces, as an organisation is, where BibTeX would not read it as one person:
 * a word "and" in it would split it, "others" alone means "et al.", and BibTeX refuses more than two commas or a comma at the end
 * (an empty part elsewhere it misreads).
 */
export function latexName(name: string): string {
  const text = latexText(name);
  const parts = text.split(",");
  const wrap = /(^|\s)and(\s|$)/i.test(text) || /^others$/i.test(text) || parts.length > 3 || (parts.length > 1 && parts.some((s) => !s.trim()));
  return wrap ? `{${text}}` : text;
}

const percentEncode = (c: string) => Array.from(new TextEncoder().encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");

/** A URL for the `url` field, which styles pass to \url verbatim: braces, backslash, whitespace and non-ASCII percent-encoded. */
export function urlText(url: string): string {
  return url.trim().replace(/[^\x21-\x7e]|[{}\\]/gu, percentEncode);
}
