import { z } from "zod";
import type { PaperInput } from "../store/paper.js";
import { parseArxivId } from "../store/paperId.js";

/** One line of the public arXiv metadata dump (Kaggle "arxiv-metadata-oai-snapshot"); other fields are ignored. */
const ArxivLine = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  title: z.string().trim().min(1),
  abstract: z.string().trim().min(1),
  authors: z.string().optional(),
  authors_parsed: z.array(z.array(z.string())).optional(),
  categories: z.string().optional(),
  update_date: z.string().optional(),
  versions: z.array(z.looseObject({ created: z.string() })).optional(),
});

type Line = z.infer<typeof ArxivLine>;

function authorsOf(line: Line): string[] {
  if (line.authors_parsed?.length)
    return line.authors_parsed.map(([last = "", first = "", suffix = ""]) => [first, last, suffix].filter(Boolean).join(" ").trim());
  return (line.authors ?? "")
    .replace(/\s+/g, " ")
    .split(/,\s*|\s+and\s+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

function toInput(line: Line, id: string): PaperInput {
  const created = line.versions?.[0]?.created;
  const published = created && !Number.isNaN(Date.parse(created)) ? new Date(created).toISOString().slice(0, 10) : line.update_date;
  return {
    arxivId: id,
    title: line.title,
    abstract: line.abstract,
    authors: authorsOf(line),
    publishedAt: published,
    categories: line.categories?.split(/\s+/).filter(Boolean),
    source: "arxiv",
  };
}

/** A line read: the paper, a reason it was skipped, or nothing (a blank line, or outside `category`). */
export type LineRead = { input: PaperInput } | { skip: string } | undefined;

export function readArxivLine(raw: string, category?: string): LineRead {
  if (!raw.trim()) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { skip: "not JSON" };
  }
  const line = ArxivLine.safeParse(json);
  const id = line.success ? parseArxivId(line.data.id) : undefined;
  if (!line.success || !id) return { skip: line.success ? "bad arXiv id" : "missing title, abstract or id" };
  if (category && !line.data.categories?.split(/\s+/).some((c) => c.startsWith(category))) return undefined;
  return { input: toInput(line.data, id) };
}
