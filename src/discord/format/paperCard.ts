import { EmbedBuilder, type APIEmbedField } from "discord.js";
import { pagesText } from "../../ingest/fullTextReader.js";
import type { TextStatus } from "../../store/fullText.js";
import { paperUrl, paperYear } from "../../store/paper.js";
import type { StoredPaper } from "../../store/paperRecords.js";
import { truncate } from "../../text/prose.js";
import { LIMITS } from "../limits.js";
import { link, plain } from "./markdown.js";

const ABSTRACT = 1500;

export function authorLine(p: StoredPaper, first = 3): string {
  if (!p.authors.length) return p.authorCount ? `${p.authorCount} authors` : "unknown";
  const shown = p.authors.slice(0, first).join(", ");
  return p.authors.length > first ? `${shown}, et al.` : shown;
}

function links(p: StoredPaper): string {
  const l = p.links;
  const parts = [
    l.hf && link("Hugging Face", l.hf),
    l.arxiv && link("arXiv", l.arxiv),
    l.pdf && link("PDF", l.pdf),
    l.github && link("GitHub", l.github),
    l.project && link("Project page", l.project),
  ].filter(Boolean);
  return parts.join(" · ") || "none known";
}

/** One paper's card for /paper: title link, authors, date, upvotes, abstract, links and similar papers. */
export function paperCard(p: StoredPaper, similar: StoredPaper[]): EmbedBuilder {
  const embed = new EmbedBuilder()
    .setTitle(truncate(p.title, LIMITS.embedTitle))
    .setDescription(truncate(plain(p.abstract), ABSTRACT))
    .addFields(
      {
        name: "Authors",
        value: truncate(plain(authorLine(p, 5)) + (p.organization ? ` · ${plain(p.organization)}` : ""), LIMITS.fieldValue),
        inline: false,
      },
      { name: "Published", value: p.publishedAt ?? paperYear(p) ?? "unknown", inline: true },
      { name: "Upvotes", value: String(p.upvotes), inline: true },
      { name: "Links", value: truncate(links(p), LIMITS.fieldValue) },
    )
    .setFooter({ text: truncate(`id ${p.id}${p.arxivId && p.arxivId !== p.id ? ` · arXiv ${p.arxivId}` : ""}`, LIMITS.footer) });
  const url = paperUrl(p);
  if (url) embed.setURL(url);
  if (similar.length)
    embed.addFields({
      name: "Similar papers",
      value: truncate(similar.map((s) => `• ${link(truncate(s.title, 150), paperUrl(s))}`).join("\n"), LIMITS.fieldValue),
    });
  return embed;
}

/** "Full text: 14 pages", "Full text: failed (…)" or "Full text: not read yet", as a card's field. */
export function fullTextField(status: TextStatus | undefined): APIEmbedField {
  const value = !status
    ? "not read yet"
    : status.status === "read"
      ? pagesText(status.pages)
      : `failed (${plain(truncate(status.detail || status.problem, 200))})`;
  return { name: "Full text", value, inline: true };
}

/** /search results: a numbered list with links, year and upvotes. */
export function searchList(query: string, papers: StoredPaper[]): EmbedBuilder {
  const lines = papers.map((p, i) => {
    const year = paperYear(p);
    return `${i + 1}. ${link(truncate(p.title, 180), paperUrl(p))}${year ? ` · ${year}` : ""}${p.upvotes ? ` · ▲${p.upvotes}` : ""}`;
  });
  return new EmbedBuilder()
    .setTitle(truncate(`Search: ${query}`, LIMITS.embedTitle))
    .setDescription(truncate(lines.join("\n") || "No matching papers.", LIMITS.embedDescription));
}
