import { paperUrl } from "../store/paper.js";
import type { StoredPaper as Paper } from "../store/paperRecords.js";
import { userText } from "../text/userText.js";
import { latexName, latexText, urlText } from "./bibtexText.js";

/** Words a citation key skips at the start of a title, as Google Scholar's keys do. */
const LEADING_SKIP = new Set(["a", "an", "the", "on", "of", "towards", "toward"]);

const asciiWord = (text: string) =>
  text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");

function lastName(author: string): string {
  const name = author.trim();
  if (name.includes(",")) return name.split(",")[0]!;
  return name.split(/\s+/).at(-1) ?? "";
}

function firstTitleWord(title: string): string {
  const words = title
    .split(/[\s\-–—:]+/)
    .map(asciiWord)
    .filter(Boolean);
  return words.find((w) => !LEADING_SKIP.has(w)) ?? words[0] ?? "paper";
}

/** The year: published date, feed date, the arXiv id's YYMM, else when the collection first saw it; the first that is four digits. */
function yearOf(p: Paper): string {
  const fromId = /^(\d{2})(\d{2})\.\d{4,5}$/.exec(p.arxivId ?? "");
  const years = [p.publishedAt, p.feedDate, fromId ? `20${fromId[1]}` : undefined, p.firstSeenAt].map((d) => d?.slice(0, 4));
  return years.find((y) => y && /^\d{4}$/.test(y)) ?? "";
}

/** "lovelace2026attention": first author's last name, year, first title word. */
export function baseKey(p: Paper): string {
  const author = asciiWord(lastName(p.authors[0] ?? p.organization ?? "")) || "anon";
  return `${author}${yearOf(p)}${firstTitleWord(p.title)}`;
}

/** Unique keys in order: a key two papers share gets a, b, c… on each of them. */
function uniqueKeys(papers: readonly Paper[]): string[] {
  const bases = papers.map(baseKey);
  const counts = new Map<string, number>();
  for (const k of bases) counts.set(k, (counts.get(k) ?? 0) + 1);
  const used = new Set(bases.filter((k) => counts.get(k) === 1));
  const next = new Map<string, number>();
  return bases.map((k) => {
    if (counts.get(k) === 1) return k;
    for (let i = next.get(k) ?? 0; ; i++) {
      const candidate = `${k}${suffix(i)}`;
      if (used.has(candidate)) continue;
      next.set(k, i + 1);
      used.add(candidate);
      return candidate;
    }
  });
}

/** a … z, then aa, ab … */
function suffix(i: number): string {
  return i < 26 ? String.fromCharCode(97 + i) : suffix(Math.floor(i / 26) - 1) + suffix(i % 26);
}

function authorField(p: Paper): string {
  const names = p.authors.map(userText).filter(Boolean);
  if (!names.length) {
    const organization = latexText(p.organization ?? "");
    return organization ? `{${organization}}` : "Unknown";
  }
  const more = p.authorCount > names.length ? " and others" : "";
  return names.map(latexName).join(" and ") + more;
}

function entry(p: Paper, key: string): string {
  const fields: [string, string][] = [
    ["title", latexText(p.title)],
    ["author", authorField(p)],
    ["year", yearOf(p)],
  ];
  if (p.arxivId) {
    fields.push(["eprint", latexText(p.arxivId)], ["archivePrefix", "arXiv"]);
    const category = latexText(p.categories[0] ?? "");
    if (category) fields.push(["primaryClass", category]);
  }
  const url = p.arxivId ? `https://arxiv.org/abs/${p.arxivId}` : paperUrl(p);
  if (url) fields.push(["url", urlText(url)]);
  const written = fields.filter(([, value]) => value);
  return `@misc{${key},\n${written.map(([name, value]) => `  ${name} = {${value}}`).join(",\n")}\n}\n`;
}

/** A BibTeX file of the papers, arXiv-style `@misc` entries with unique keys, in the given order. */
export function toBibtex(papers: readonly Paper[]): string {
  const keys = uniqueKeys(papers);
  return papers.map((p, i) => entry(p, keys[i]!)).join("\n");
}
