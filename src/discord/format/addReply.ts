import { embedLength, type EmbedBuilder } from "discord.js";
import type { AddOutcome } from "../../ingest/addPapers.js";
import { describeOutcome, type AttachedPdf } from "../../ingest/fullTextReader.js";
import type { TextStatus } from "../../store/fullText.js";
import { truncate } from "../../text/prose.js";
import { LIMITS } from "../limits.js";
import { plain } from "./markdown.js";
import { fullTextField, paperCard } from "./paperCard.js";

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

/** A PDF attached to /add: read into a paper, or why not. */
export type AttachedFile = { name: string; attached: AttachedPdf; fullText?: TextStatus } | { name: string; problem: string };

/** "Added “notes.pdf” as a new paper: read 14 pages; …" or "“notes.pdf” is 2602.01053, already in the collection: …". */
export function attachedLine(name: string, a: AttachedPdf): string {
  const file = `“${plain(truncate(name, 100))}”`;
  const read = describeOutcome(a.outcome);
  return a.created
    ? `Added ${file} as a new paper: ${read}; it is now one of this server's papers.`
    : `${file} is ${a.paper.arxivId ?? "a paper"} already in the collection: ${read}; it is one of this server's papers.`;
}

export interface AddReply {
  /** Public messages: each paper's card, as many to a message as Discord's 6,000 embed characters allow. */
  messages: { content: string; embeds: EmbedBuilder[] }[];
  /** What went wrong, for the user only. */
  problems: string;
}

export function addReply(outcomes: readonly AddOutcome[], file?: AttachedFile): AddReply {
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
  const push = (line: string, card: EmbedBuilder) => {
    const n = embedLength(card.data);
    if (embeds.length && (size + n > LIMITS.embedsTotal || embeds.length >= LIMITS.embeds)) flush();
    lines.push(line);
    embeds.push(card);
    size += n;
  };
  for (const o of outcomes) if ("paper" in o) push(addedLine(o), paperCard(o.paper, []));
  if (file && "attached" in file)
    push(attachedLine(file.name, file.attached), paperCard(file.attached.paper, []).addFields(fullTextField(file.fullText)));
  flush();
  const problems = [...outcomes.flatMap((o) => ("paper" in o ? [] : [problemLine(o)])), ...(file && "problem" in file ? [file.problem] : [])];
  return { messages, problems: truncate(problems.join("\n"), LIMITS.content) };
}
