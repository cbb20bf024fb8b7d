import type { Attachment } from "discord.js";
import { UserError } from "../config/errors.js";
import { DownloadError, downloadBytes } from "../ingest/download.js";
import type { AttachedPdf, FullTextReader } from "../ingest/fullTextReader.js";
import { PdfError } from "../ingest/pdf/pdfDocument.js";
import { truncate } from "../text/prose.js";
import { plain } from "./format/markdown.js";

/** A slow CDN must not hold the reply for long; Discord's own links answer in well under a second. */
const DOWNLOAD_TIMEOUT_MS = 30_000;
/** The PDF header may follow a little junk; readers look this far for it. */
const HEADER_WINDOW = 1024;

const fileName = (a: Attachment) => `“${plain(truncate(a.name, 100))}”`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Refuses, before anything is downloaded, a file that is over the size limit or that Discord says
 * is something else than a PDF. Loose on purpose: a file whose type Discord could not tell passes
 * (its bytes decide).
 */
export function checkPdfAttachment(a: Attachment, maxMb: number): void {
  const type = a.contentType?.split(";")[0]?.trim().toLowerCase();
  const saysPdf = /\.pdf$/i.test(a.name) || type === "application/pdf" || type === "application/x-pdf";
  if (!saysPdf && type && type !== "application/octet-stream") throw new UserError(`${fileName(a)} is not a PDF: attach the paper's PDF file.`);
  if (a.size > maxMb * 1024 * 1024)
    throw new UserError(`${fileName(a)} is ${mb(a.size)}, more than the ${maxMb} MB limit for PDFs; attach a smaller file.`);
}

/**
 * Downloads the attachment from the one URL Discord's interaction gave for it (redirects within its
 * origin only, size and time bounded) and reads it with `reader`: matched to a known paper or
 * made a new one, and the server's either way. Every problem is a `UserError` naming the file.
 */
export async function readAttachedPdf(
  reader: FullTextReader,
  a: Attachment,
  who: { guildId: string; userId: string },
  maxMb: number,
): Promise<AttachedPdf> {
  let bytes: Uint8Array;
  try {
    bytes = await downloadBytes(a.url, { maxBytes: maxMb * 1024 * 1024, timeoutMs: DOWNLOAD_TIMEOUT_MS, accept: "application/pdf" });
  } catch (err) {
    if (err instanceof DownloadError) throw new UserError(`Could not download ${fileName(a)}: ${err.message}. Try attaching it again.`);
    throw err;
  }
  if (!Buffer.from(bytes.subarray(0, HEADER_WINDOW)).includes("%PDF-"))
    throw new UserError(`${fileName(a)} is not a PDF (its contents are something else); attach the paper's PDF file.`);
  try {
    return await reader.attach(bytes, "attachment", who);
  } catch (err) {
    if (err instanceof PdfError) throw new UserError(`Could not read ${fileName(a)}: ${err.message}.`);
    throw err;
  }
}
