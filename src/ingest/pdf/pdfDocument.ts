/** Why a PDF gave no text. Each has a short message for users (`PdfError.message`). */
export type PdfProblem = "not-pdf" | "encrypted" | "no-text" | "too-many-pages" | "too-large" | "corrupt" | "timeout" | "out-of-memory";

export class PdfError extends Error {
  override name = "PdfError";
  constructor(
    readonly problem: PdfProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Bounds on reading one PDF: a hostile file must not take the process down. */
export interface PdfLimits {
  maxBytes: number;
  maxPages: number;
  /** Wall time for the whole extraction. */
  timeoutMs: number;
  /** Heap of the thread or process that parses it. */
  maxMemoryMb: number;
}

export const DEFAULT_PDF_LIMITS: PdfLimits = { maxBytes: 25 * 1024 * 1024, maxPages: 80, timeoutMs: 60_000, maxMemoryMb: 512 };

/** A passage of a paper's body: about a paragraph or two, in reading order. */
export interface Chunk {
  /** 1-based page index in the file where the passage starts (not the number printed on the page). */
  page: number;
  /** Where it ends (the same page for most). */
  pageEnd: number;
  /** The heading of the section it is in, as printed ("4 Evaluation", "Abstract"), when the PDF shows one. */
  section?: string;
  text: string;
}

/** What a PDF holds, read in reading order. */
export interface PdfDocument {
  pageCount: number;
  /** From the first page (or the PDF's metadata): what a paper that is not in the collection yet is filed under. */
  title?: string;
  authors: string[];
  abstract?: string;
  /** The arXiv id the PDF carries (its arXiv stamp or an arXiv link on the first page), without version. */
  arxivId?: string;
  /** The body as passages, references excluded. */
  chunks: Chunk[];
  /** The references section, kept apart: never searched for answers. */
  references?: string;
}
