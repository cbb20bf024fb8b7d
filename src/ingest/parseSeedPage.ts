import type { PaperInput } from "../store/paper.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DATE_LINE = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2})(?:, (\d{4}))?(?:\s+(\d+))?$/;
const AUTHORS_LINE = /^•\s*(\d+)\s+authors?$/;
const CHROME = new Set(["new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers", "byAK and the research community"]);
/** A title is one line; anything longer is an abstract that lost its title. */
const MAX_TITLE = 300;

export interface SeedParse {
  papers: PaperInput[];
  captureDate?: string;
  skipped: { reason: string; text: string }[];
}

interface RawDate {
  month: number;
  day: number;
  year?: number;
}

interface RawEntry {
  title: string;
  abstract: string;
  authorCount?: number;
  organization?: string;
  date?: RawDate;
  upvotes?: number;
}

/**
 * Parses the plain-text copy of a Hugging Face Daily Papers page: chrome, then entries of
 * title / abstract / optional metadata block (author count or organisation, "·", date [upvotes]).
 * Dates without a year take the capture year, inferred as the year after the newest explicit one.
 */
export function parseSeedPage(text: string, opts: { captureYear?: number } = {}): SeedParse {
  const blocks = toBlocks(text);
  const skipped: SeedParse["skipped"] = [];
  let i = 0;
  let capture: RawDate | undefined;
  while (i < blocks.length && blocks[i]!.length === 1 && isChrome(blocks[i]![0]!)) {
    const d = parseDate(blocks[i]![0]!);
    if (d) capture = d.date;
    i++;
  }

  const entries: RawEntry[] = [];
  while (i < blocks.length) {
    const block = blocks[i]!;
    if (isMetadata(block)) {
      skipped.push({ reason: "metadata without an entry", text: block.join(" ") });
      i++;
      continue;
    }
    if (block.length !== 1 || block[0]!.length > MAX_TITLE) {
      skipped.push({ reason: "text where a title was expected", text: block.join(" ").slice(0, 80) });
      i++;
      continue;
    }
    const title = block[0]!;
    const abstractBlock = blocks[i + 1];
    if (!abstractBlock || isMetadata(abstractBlock)) {
      skipped.push({ reason: "title without an abstract", text: title });
      i += 1;
      continue;
    }
    const entry: RawEntry = { title, abstract: abstractBlock.join(" ") };
    i += 2;
    const meta = blocks[i];
    if (meta && isMetadata(meta)) {
      Object.assign(entry, parseMetadata(meta));
      i++;
    }
    entries.push(entry);
  }

  const explicitYears = entries.flatMap((e) => (e.date?.year ? [e.date.year] : []));
  const captureYear = opts.captureYear ?? capture?.year ?? (explicitYears.length ? Math.max(...explicitYears) + 1 : new Date().getUTCFullYear());
  const captureDate = capture ? { ...capture, year: captureYear } : undefined;
  const papers = entries.map((e) => toInput(e, captureYear, captureDate));
  return { papers, captureDate: captureDate && iso(captureDate as Required<RawDate>), skipped };
}

function toBlocks(text: string): string[][] {
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const raw of text.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") {
      if (current.length) blocks.push(current);
      current = [];
    } else current.push(line);
  }
  if (current.length) blocks.push(current);
  return blocks;
}

function isChrome(line: string): boolean {
  return CHROME.has(line) || /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}(, \d{4})?$/.test(line);
}

function isMetadata(block: string[]): boolean {
  return block.includes("·") || AUTHORS_LINE.test(block[0]!) || (block.length > 1 && DATE_LINE.test(block.at(-1)!));
}

function parseDate(line: string): { date: RawDate; upvotes?: number } | undefined {
  const m = DATE_LINE.exec(line);
  if (!m) return undefined;
  return {
    date: { month: MONTHS.indexOf(m[1]!) + 1, day: Number(m[2]), year: m[3] ? Number(m[3]) : undefined },
    upvotes: m[4] ? Number(m[4]) : undefined,
  };
}

function parseMetadata(block: string[]): Partial<RawEntry> {
  const out: Partial<RawEntry> = {};
  for (const line of block) {
    if (line === "·") continue;
    const authors = AUTHORS_LINE.exec(line);
    const date = parseDate(line);
    if (authors) out.authorCount = Number(authors[1]);
    else if (date) {
      out.date = date.date;
      out.upvotes = date.upvotes;
    } else out.organization = organisationName(line);
  }
  return out;
}

/** "PatronusAI Patronus AI" is a handle followed by the display name; keep the display name. */
function organisationName(line: string): string {
  const [handle, ...rest] = line.split(" ");
  const fullname = rest.join(" ");
  return fullname && fullname.replace(/\s+/g, "").toLowerCase() === handle!.toLowerCase() ? fullname : line;
}

function iso(d: Required<RawDate>): string {
  return `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}

function toInput(e: RawEntry, captureYear: number, capture?: RawDate): PaperInput {
  let publishedAt: string | undefined;
  if (e.date) {
    let year = e.date.year ?? captureYear;
    // A year-less date later in the year than the capture date belongs to the year before.
    if (!e.date.year && capture && (e.date.month > capture.month || (e.date.month === capture.month && e.date.day > capture.day))) year -= 1;
    publishedAt = iso({ ...e.date, year });
  }
  return {
    title: e.title,
    abstract: e.abstract,
    authors: [],
    authorCount: e.authorCount,
    organization: e.organization,
    publishedAt,
    upvotes: e.upvotes,
    source: "seed",
  };
}
