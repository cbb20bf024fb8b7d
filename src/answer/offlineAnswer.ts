import type { ScoredPaper } from "../retrieval/retriever.js";
import type { Paper } from "../store/paper.js";
import { toCitation } from "./citations.js";
import type { AskResult } from "./askResult.js";
import { bestSentences } from "./keySentences.js";
import { shortTitle } from "../retrieval/text.js";

/**
 * Quoted passages from the most relevant papers, each cited: useful with no model at all. Only
 * papers that pass the retriever's relevance cut (close to the best one) are quoted, so a
 * question one paper answers is not padded with four unrelated ones.
 */
export function offlineAnswer(question: string, hits: ScoredPaper[], notice: string): AskResult {
  const papers = hits.filter((h, i) => i === 0 || h.relevant).map((h) => h.paper);
  const passages = papers.map((p, i) => ({ n: i + 1, title: shortTitle(p.title), text: bestSentences(p.abstract, question).join(" ") }));
  return {
    answer: passages.map((x) => `${x.title}: “${x.text}” [${x.n}]`).join("\n\n"),
    passages,
    citations: papers.map((p, i) => toCitation(i + 1, p)),
    covered: true,
    mode: "offline",
    notice,
    cached: false,
    invalidCitations: 0,
  };
}

/** Said without writing an answer when nothing found is relevant: the nearest papers are named, not cited. */
export function notCoveredAnswer(papers: Paper[], mode: AskResult["mode"]): AskResult {
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
