import type { RawPage } from "./extractText.js";
import type { Line } from "./pageLines.js";
import type { Block } from "./paragraphs.js";

/** The arXiv id of the stamp in the margin ("arXiv:2401.12345v2 [cs.DC] 3 Jan 2024") or of an arxiv.org link, without version. */
export function findArxivId(page: RawPage | undefined): string | undefined {
  if (!page) return undefined;
  const text = page.items.map((i) => i[0]).join("");
  const stamp = /arXiv:\s*(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?/i.exec(text);
  const link = /arxiv\.org\/(?:abs|pdf)\/(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})/i.exec(text);
  return (stamp ?? link)?.[1];
}

/** A metadata Title worth showing: not a file name, not a word processor's placeholder. */
export function saneTitle(t: string | undefined): string | undefined {
  const s = t?.replace(/\s+/g, " ").trim();
  if (!s || s.length < 8 || s.split(" ").length < 2) return undefined;
  if (/\.(pdf|dvi|tex|docx?)$/i.test(s) || /^(untitled|microsoft word|slide \d)/i.test(s)) return undefined;
  return s;
}

/** The title: the largest text in the top part of page 1, its lines joined. */
export function findTitle(lines: Line[], height: number): Line[] {
  const top = lines.filter((l) => l.page === 1 && l.y < height * 0.5 && /\p{L}{2}/u.test(l.text) && !/^arxiv:/i.test(l.text));
  if (!top.length) return [];
  const max = top.reduce((m, l) => Math.max(m, l.size), 0);
  const start = top.findIndex((l) => l.size > max - 0.5);
  const out: Line[] = [];
  for (let i = start; i < top.length; i++) {
    const l = top[i]!;
    if (l.size < max * 0.85 || (out.length && l.y - out[out.length - 1]!.y > l.size * 2.2)) break;
    out.push(l);
  }
  return out;
}

const AFFILIATION =
  /@|\b(universit|institut|college|school|department|dept\.|laborator|lab\b|labs\b|inc\.|corp|research|academy|center|centre|google|microsoft|meta|nvidia|amazon|alibaba|tsinghua|china|usa|correspond|equal contribution|email|http)/i;
const NAME = /^\p{Lu}[\p{L}'’.-]*(?:\s+(?:\p{Lu}[\p{L}'’.-]*|van|von|de|der|da|di|del|la|le)){1,3}$/u;

/** Names printed between the title and the abstract: best effort, empty when nothing looks like a name. */
export function findAuthors(lines: Line[], title: Line[], blocks: Block[]): string[] {
  const after = title.length ? lines.indexOf(title[title.length - 1]!) + 1 : 0;
  const firstHeading = blocks.find((b) => b.kind === "heading");
  const names: string[] = [];
  for (let i = after; i < lines.length && i < after + 15; i++) {
    const l = lines[i]!;
    if (l.page !== 1 || (firstHeading && l.page === firstHeading.page && l.text.startsWith(firstHeading.text))) break;
    if (/^abstract\b/i.test(l.text)) break;
    if (AFFILIATION.test(l.text)) continue;
    // Footnote marks after each name separate names printed with only a space between them.
    for (const part of l.text.replace(/[\d*†‡§¶♠♡♣♢♦♥∗⋆✉]+/gu, ",").split(/,|;|·|&|\band\b/)) {
      const name = part.replace(/\s+/g, " ").trim();
      if (NAME.test(name) && !names.includes(name)) names.push(name);
    }
  }
  return names.slice(0, 40);
}

/** The paragraphs under an "Abstract" heading, up to the next heading. */
export function findAbstract(blocks: Block[]): string | undefined {
  const at = blocks.findIndex((b) => b.kind === "heading" && /^abstract$/i.test(b.text));
  if (at < 0) return undefined;
  const parts: string[] = [];
  for (const b of blocks.slice(at + 1)) {
    if (b.kind === "heading") break;
    parts.push(b.text);
  }
  return parts.join("\n\n") || undefined;
}
