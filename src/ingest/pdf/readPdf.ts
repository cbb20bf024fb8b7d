import { chunk } from "./chunk.js";
import { extractText, problem, type RawPdf } from "./extractText.js";
import { findAbstract, findArxivId, findAuthors, findTitle, saneTitle } from "./firstPage.js";
import { dropMargins, pageLines } from "./pageLines.js";
import { type Block, blocks as toBlocks } from "./paragraphs.js";
import { DEFAULT_PDF_LIMITS, PdfError, type PdfDocument, type PdfLimits } from "./pdfDocument.js";

/** The PDF header may follow a little junk: readers look in the first kilobyte. */
function looksLikePdf(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString("latin1");
  return head.includes("%PDF-");
}

/** A paper's text from its PDF, in reading order, as passages; throws PdfError with a short message a user can read. */
export async function readPdf(bytes: Uint8Array, limits?: Partial<PdfLimits>, signal?: AbortSignal): Promise<PdfDocument> {
  const l: PdfLimits = { ...DEFAULT_PDF_LIMITS, ...limits };
  if (bytes.length > l.maxBytes) throw problem("too-large", l, `${Math.round((bytes.length / 1024 / 1024) * 10) / 10} MB`);
  if (!looksLikePdf(bytes)) throw problem("not-pdf", l);
  const raw = await extractText(bytes, l, signal);
  try {
    return analyse(raw, l).doc;
  } catch (err) {
    // Text laid out in a way no paper is: damaged, or built to break readers.
    if (err instanceof PdfError) throw err;
    throw problem("corrupt", l);
  }
}

/** The reading itself, on pdf.js's text items: also gives the blocks, which the benchmark scores page by page. */
export function analyse(raw: RawPdf, l: PdfLimits = DEFAULT_PDF_LIMITS): { doc: PdfDocument; blocks: Block[] } {
  const letters = raw.pages.reduce((n, p) => n + p.items.reduce((m, i) => m + (i[0].match(/\p{L}/gu)?.length ?? 0), 0), 0);
  if (letters < Math.max(100, 25 * raw.pageCount)) throw problem("no-text", l);
  const lines = dropMargins(
    raw.pages.map((p, i) => pageLines(p, i + 1)),
    raw.pages.map((p) => p.height),
  ).flat();
  const blocks = toBlocks(lines);
  const titleLines = findTitle(lines, raw.pages[0]?.height ?? 792);
  const title = titleLines.map((t) => t.text).join(" ") || saneTitle(raw.title);
  const references = blocks
    .filter((b) => b.refs && b.kind === "text")
    .map((b) => b.text)
    .join("\n");
  const abstract = findAbstract(blocks);
  const arxivId = findArxivId(raw.pages[0]);
  const doc: PdfDocument = {
    pageCount: raw.pageCount,
    ...(title ? { title } : {}),
    authors: findAuthors(lines, titleLines, blocks),
    ...(abstract ? { abstract } : {}),
    ...(arxivId ? { arxivId } : {}),
    chunks: chunk(blocks),
    ...(references ? { references } : {}),
  };
  return { doc, blocks };
}
