import type { FoundPassage } from "../retrieval/passages.js";
import type { ScoredPaper } from "../retrieval/retriever.js";
import type { StoredPaper } from "../store/paperRecords.js";
import { pageLabel, passagePages, toCitation } from "./citations.js";
import type { AskResult } from "./askResult.js";
import { bestSentences } from "./keySentences.js";
import { shortTitle } from "../text/prose.js";

/** A quoted passage of an answer: from a paper's full text (with its page) or from its abstract. */
export interface QuotedPassage {
  n: number;
  paperId: string;
  title: string;
  text: string;
  page?: number;
  /** The last page the passage runs onto, when it runs past `page`. */
  pageEnd?: number;
  section?: string;
}

/**
 * Quoted passages from the most relevant papers, each cited: useful with no model at all. Only
 * papers that pass the retriever's relevance cut (close to the best one) are quoted, so a
 * question one paper answers is not padded with four unrelated ones. A paper whose full text is in
 * is quoted from its passages that bear on the question, with their pages ("[2, p. 7]"); the others
 * from their abstracts.
 */
export function offlineAnswer(question: string, hits: ScoredPaper[], notice: string, found: FoundPassage[] = []): AskResult {
  const papers = hits.filter((h, i) => i === 0 || h.relevant || found.some((f) => f.paperId === h.paper.id)).map((h) => h.paper);
  const passages: QuotedPassage[] = [];
  const lines: string[] = [];
  papers.forEach((p, i) => {
    const n = i + 1;
    const title = shortTitle(p.title);
    const own = found.filter((f) => f.paperId === p.id);
    if (!own.length) {
      const text = bestSentences(p.abstract, question).join(" ");
      passages.push({ n, paperId: p.id, title, text });
      lines.push(`${title}: “${text}” [${n}]`);
      return;
    }
    const quotes = own.map((f) => {
      const text = bestSentences(f.text, question).join(" ");
      passages.push({
        n,
        paperId: p.id,
        title,
        text,
        page: f.page,
        ...(f.pageEnd > f.page ? { pageEnd: f.pageEnd } : {}),
        ...(f.section ? { section: f.section } : {}),
      });
      return `“${text}” [${n}, ${pageLabel(passagePages(f))}]`;
    });
    lines.push(`${title}: ${quotes.join(" ")}`);
  });
  return {
    answer: lines.join("\n\n"),
    passages,
    citations: papers.map((p, i) => toCitation(i + 1, p, pagesOf(found, p.id))),
    covered: true,
    mode: "offline",
    notice,
    cached: false,
    invalidCitations: 0,
  };
}

/** The pages of a paper's passages, in order, once each. */
function pagesOf(found: FoundPassage[], paperId: string): number[] {
  const pages = found.filter((f) => f.paperId === paperId).flatMap(passagePages);
  return [...new Set(pages)].sort((a, b) => a - b);
}

/** Said without writing an answer when nothing found is relevant: the nearest papers are named, not cited. */
export function notCoveredAnswer(papers: StoredPaper[], mode: AskResult["mode"]): AskResult {
  const nearest = papers.map((p) => `“${shortTitle(p.title)}”`).join(", ");
  return {
    answer: papers.length
      ? `The collection does not seem to cover this question. The nearest papers are ${nearest}, but none of them looks like it answers it.`
      : "The collection does not cover this question: no paper matches its words.",
    citations: [],
    nearest: papers.map((p, i) => toCitation(i + 1, p)),
    covered: false,
    mode,
    cached: false,
    invalidCitations: 0,
  };
}
