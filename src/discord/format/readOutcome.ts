import { pagesText, type ReadOutcome } from "../../ingest/fullTextReader.js";
import type { StoredPaper } from "../../store/paperRecords.js";
import { truncate } from "../../text/prose.js";
import { plain } from "./markdown.js";

/** What "Read full text" tells the user who pressed it. */
export function readOutcomeMessage(paper: StoredPaper, o: ReadOutcome): string {
  const title = `**${plain(truncate(paper.title, 200))}**`;
  switch (o.status) {
    case "read":
      return `Read the full text of ${title}: ${pagesText(o.pages)}. Answers about it now quote its pages.`;
    case "already":
      return `The full text of ${title} is already in (${pagesText(o.pages)}).`;
    case "no-pdf":
      return `No full text for ${title}: ${plain(o.reason)}. Answers use its abstract.`;
    case "failed":
    case "failed-before":
      return `Could not read the full text of ${title}: ${plain(truncate(o.message, 300))}. Answers use its abstract.`;
  }
}
