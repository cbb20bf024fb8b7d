import { XMLParser, XMLValidator } from "fast-xml-parser";
import { z } from "zod";
import type { PaperInput } from "../store/paper.js";
import { userText } from "../text/userText.js";
import { issueText, type Lookup } from "./paperLookup.js";
import { describeFailure, getWithRetry, type LookupOptions } from "./upstreamFetch.js";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  // `arxiv:primary_category` and `opensearch:totalResults` lose their prefixes; Atom's own elements have none.
  removeNSPrefix: true,
  // A title like "1984" stays text.
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ["entry", "author", "link", "category"].includes(name),
});

/** Element text, whether the parser gave a string or an object with attributes beside the text. */
const xmlText = z
  .union([z.string(), z.looseObject({ "#text": z.string().optional() })])
  .transform((v) => (typeof v === "string" ? v : (v["#text"] ?? "")))
  .transform(userText);

const AtomEntry = z.looseObject({
  id: xmlText,
  title: xmlText.optional(),
  summary: xmlText.optional(),
  published: xmlText.optional(),
  author: z.array(z.looseObject({ name: xmlText.optional() })).default([]),
  link: z.array(z.looseObject({ "@href": z.string(), "@rel": z.string().optional(), "@title": z.string().optional() })).default([]),
  primary_category: z.looseObject({ "@term": z.string() }).optional(),
  category: z.array(z.looseObject({ "@term": z.string() })).default([]),
});

/** An arXiv API answer: an Atom feed, its entries (none, a paper, or arXiv's "Error" entry). */
const AtomFeed = z.looseObject({
  feed: z.looseObject({ entry: z.array(AtomEntry).default([]) }),
});

type Entry = z.infer<typeof AtomEntry>;

const isErrorEntry = (e: Entry) => /\/api\/errors/.test(e.id) || e.title === "Error";
const entryId = (e: Entry) => /\/abs\/(.+?)(?:v\d+)?$/.exec(e.id)?.[1];

function entryToInput(e: Entry, arxivId: string): PaperInput {
  const published = e.published && !Number.isNaN(Date.parse(e.published)) ? new Date(e.published).toISOString().slice(0, 10) : undefined;
  const primary = e.primary_category?.["@term"];
  const categories = [...new Set([primary, ...e.category.map((c) => c["@term"])].filter((c): c is string => Boolean(c)))];
  return {
    arxivId,
    title: e.title!,
    abstract: e.summary!,
    authors: e.author.map((a) => a.name ?? "").filter(Boolean),
    publishedAt: published,
    categories,
    source: "arxiv",
  };
}

/** Reads an `/api/query?id_list=` answer for one id: the paper, unknown (no entry, an empty or Error entry), or not a feed. */
export function parseArxivAnswer(xml: string, arxivId: string): Lookup {
  if (XMLValidator.validate(xml) !== true) return { kind: "failed", problem: "answered with something that is not XML" };
  let tree: unknown;
  try {
    tree = parser.parse(xml);
  } catch {
    // The parser refuses some DOCTYPEs (external entities, too many or too large internal ones); arXiv's feeds have none.
    return { kind: "failed", problem: "answered with something that is not an Atom feed (a DOCTYPE the parser refuses)" };
  }
  const parsed = AtomFeed.safeParse(tree);
  if (!parsed.success) return { kind: "failed", problem: `answered with something that is not an Atom feed (${issueText(parsed.error.issues)})` };
  const entry = parsed.data.feed.entry.find((e) => !isErrorEntry(e) && entryId(e) === arxivId);
  // Unknown ids come back as no entry (the current API) or an entry with no title (the older one).
  if (!entry?.title || !entry.summary) return { kind: "unknown" };
  return { kind: "found", input: entryToInput(entry, arxivId) };
}

/** One paper from the arXiv API: found, unknown, or failed. */
export async function lookUpArxivPaper(apiBase: string, arxivId: string, opts: LookupOptions = {}): Promise<Lookup> {
  const url = `${apiBase}/api/query?id_list=${encodeURIComponent(arxivId)}&max_results=1`;
  const answer = await getWithRetry(url, "application/atom+xml", opts);
  if (answer.status !== 200 || !("body" in answer)) return { kind: "failed", problem: describeFailure(answer, opts.timeoutMs) };
  return parseArxivAnswer(answer.body, arxivId);
}
