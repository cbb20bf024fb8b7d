import { embedLength, type EmbedBuilder } from "discord.js";
import type { AddOutcome } from "../../ingest/addPapers.js";
import { truncate } from "../../retrieval/text.js";
import { LIMITS } from "../limits.js";
import { paperCard } from "./paperCard.js";

const FROM = { hf: "Hugging Face", arxiv: "arXiv" } as const;

type Found = Extract<AddOutcome, { paper: unknown }>;

/** One line per paper found: added (and from where), or already known and now (or already) this server's. */
export function addedLine(o: Found): string {
  const id = o.ref.arxivId;
  if (o.status === "added") return `Added ${id}${o.from ? ` from ${FROM[o.from]}` : ""}; it is now one of this server's papers.`;
  return o.newToGroup
    ? `${id} was already in the collection; now counted as this server's.`
    : `${id} was already in the collection and is already one of this server's papers.`;
}

/** One line per paper not added: unknown, or which upstream failed. */
export function problemLine(o: Exclude<AddOutcome, Found>): string {
  const id = o.ref.arxivId;
  return o.status === "unknown"
    ? `${id}: neither Hugging Face nor arXiv knows this paper; check the id.`
    : `${id}: could not fetch it: ${o.problem}. Try again later.`;
}

export interface AddReply {
  /** Public messages: each paper's card, as many to a message as Discord's 6,000 embed characters allow. */
  messages: { content: string; embeds: EmbedBuilder[] }[];
  /** What went wrong, for the user only. */
  problems: string;
}

export function addReply(outcomes: readonly AddOutcome[]): AddReply {
  const messages: AddReply["messages"] = [];
  let lines: string[] = [];
  let embeds: EmbedBuilder[] = [];
  let size = 0;
  const flush = () => {
    if (embeds.length) messages.push({ content: truncate(lines.join("\n"), LIMITS.content), embeds });
    lines = [];
    embeds = [];
    size = 0;
  };
  for (const o of outcomes) {
    if (!("paper" in o)) continue;
    const card = paperCard(o.paper, []);
    const n = embedLength(card.data);
    if (embeds.length && (size + n > LIMITS.embedsTotal || embeds.length >= LIMITS.embeds)) flush();
    lines.push(addedLine(o));
    embeds.push(card);
    size += n;
  }
  flush();
  const problems = outcomes.flatMap((o) => ("paper" in o ? [] : [problemLine(o)])).join("\n");
  return { messages, problems: truncate(problems, LIMITS.content) };
}
