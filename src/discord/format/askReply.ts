import type { AskResult } from "../../answer/askResult.js";
import { pageLabel, passagePages, type Citation } from "../../answer/citations.js";
import type { QuotedPassage } from "../../answer/offlineAnswer.js";
import { truncate } from "../../text/prose.js";
import { LIMITS } from "../limits.js";
import { splitMessage } from "../splitMessage.js";
import { link, plain } from "./markdown.js";

/** The final /ask reply as messages of at most 2,000 characters: answer, numbered sources, then a footer. */
export function askReplyMessages(result: AskResult): string[] {
  const line = (c: Citation, marker: string) =>
    `${marker} ${link(truncate(c.title, 200), c.url)}${c.year ? ` (${c.year})` : ""}${c.pages?.length ? `, ${pageLabel(c.pages)}` : ""}`;
  const sources = result.citations.map((c) => line(c, `[${c.n}]`));
  const nearest = (result.nearest ?? []).map((c) => line(c, "-"));
  const footer: string[] = [];
  if (result.notice) footer.push(`-# ${result.notice}${result.fallbackReason ? ` (${result.fallbackReason})` : ""}`);
  if (result.cached) footer.push("-# Answered from the cache: the same question was asked before.");
  // Quoted passages are paper text: escaped, so a stray * or _ cannot restyle the message.
  const body = result.passages ? quotedBody(result.passages) : result.answer;
  const text = [
    body,
    sources.length ? `**Sources**\n${sources.join("\n")}` : "",
    nearest.length ? `**Nearest papers**\n${nearest.join("\n")}` : "",
    footer.join("\n"),
  ]
    .filter(Boolean)
    .join("\n\n");
  return splitMessage(text, LIMITS.content);
}

/** What the reply shows while the model helps search and judge the papers. */
export const ASK_SEARCHING = "-# 🔎 searching the collection…";

/** What the reply shows while papers' PDFs are read on the spot. */
export function askReading(papers: number): string {
  return `-# 📖 reading ${papers} paper${papers === 1 ? "" : "s"}…`;
}

/** What the reply shows while the model is still writing. */
export function askProgress(partial: string): string {
  const body = partial.length > LIMITS.content - 40 ? `…${partial.slice(-(LIMITS.content - 41))}` : partial;
  return `${body}\n\n-# ✍️ writing…`;
}

/** Each paper's quotes on one paragraph, its title in bold: “…” [2, p. 7] “…” [2, p. 9]. */
function quotedBody(passages: QuotedPassage[]): string {
  const byPaper = new Map<number, QuotedPassage[]>();
  for (const x of passages) byPaper.set(x.n, [...(byPaper.get(x.n) ?? []), x]);
  return [...byPaper.values()]
    .map(
      (xs) =>
        `**${plain(xs[0]!.title)}**: ${xs.map((x) => `“${plain(x.text)}” [${x.n}${x.page ? `, ${pageLabel(passagePages({ page: x.page, pageEnd: x.pageEnd }))}` : ""}]`).join(" ")}`,
    )
    .join("\n\n");
}
