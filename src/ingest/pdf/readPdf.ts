import { PdfError, type PdfDocument, type PdfLimits } from "./pdfDocument.js";

/** Placeholder until the reader lands. */
export async function readPdf(_bytes: Uint8Array, _limits?: Partial<PdfLimits>): Promise<PdfDocument> {
  throw new PdfError("corrupt", "the PDF reader is not built yet");
}
