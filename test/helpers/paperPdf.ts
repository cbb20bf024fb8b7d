import { deflateSync } from "node:zlib";
import { degrees, PDFDocument, PDFHexString, type PDFFont, type PDFPage, StandardFonts } from "pdf-lib";

/** Test PDFs drawn with pdf-lib's standard fonts: a two-column paper, a scan, an encrypted file. */

const W = 612;
const H = 792;
export const COLUMN = { left: 54, right: 318, width: 240 };

/** Greedy wrap into lines that fit `width` at `size`. */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** One column's content: a heading (bigger, bold) or a paragraph given as printed lines. */
export type Part = { heading: string } | { lines: string[] };

export interface PaperSpec {
  title: string;
  authors: string;
  abstract: string;
  /** Per page: left column, right column. */
  pages: { left: Part[]; right: Part[] }[];
  references: string[];
  header?: string;
  arxivStamp?: string;
}

/**
 * Draws the paper with the columns' lines interleaved in the content stream (left line, right line, ...), so text
 * in stream order reads across the gutter: only a reader that finds the columns gets the sentences right.
 */
export async function paperPdf(spec: PaperSpec): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  const bold = await doc.embedFont(StandardFonts.TimesRomanBold);
  spec.pages.forEach((content, i) => {
    const page = doc.addPage([W, H]);
    if (spec.header) page.drawText(spec.header, { x: 54, y: H - 36, size: 8, font });
    page.drawText(String(i + 1), { x: W / 2 - 3, y: 30, size: 9, font });
    let top = H - 72;
    if (i === 0) {
      if (spec.arxivStamp) page.drawText(spec.arxivStamp, { x: 30, y: 250, size: 14, font, rotate: degrees(90) });
      for (const l of wrap(spec.title, bold, 18, 480)) {
        page.drawText(l, { x: W / 2 - bold.widthOfTextAtSize(l, 18) / 2, y: top, size: 18, font: bold });
        top -= 22;
      }
      page.drawText(spec.authors, { x: W / 2 - font.widthOfTextAtSize(spec.authors, 11) / 2, y: top - 6, size: 11, font });
      top -= 40;
      page.drawText("Abstract", { x: W / 2 - bold.widthOfTextAtSize("Abstract", 12) / 2, y: top, size: 12, font: bold });
      top -= 16;
      for (const l of wrap(spec.abstract, font, 10, 400)) {
        page.drawText(l, { x: 106, y: top, size: 10, font });
        top -= 12;
      }
      top -= 14;
    }
    const left = column(content.left, COLUMN.left, top);
    const right = column(content.right, COLUMN.right, top);
    for (let k = 0; k < Math.max(left.length, right.length); k++) for (const draw of [left[k], right[k]]) draw?.(page, font, bold);
  });
  const refs = doc.addPage([W, H]);
  let y = H - 72;
  refs.drawText("References", { x: COLUMN.left, y, size: 12, font: bold });
  for (const r of spec.references) {
    y -= 14;
    refs.drawText(r, { x: COLUMN.left, y, size: 9, font });
  }
  return doc.save({ useObjectStreams: false });
}

type Draw = (page: PDFPage, font: PDFFont, bold: PDFFont) => void;

function column(parts: Part[], x: number, top: number): Draw[] {
  const out: Draw[] = [];
  let y = top;
  for (const p of parts) {
    if ("heading" in p) {
      y -= 8;
      const at = y;
      out.push((page, _f, bold) => page.drawText(p.heading, { x, y: at, size: 12, font: bold }));
      y -= 16;
      continue;
    }
    p.lines.forEach((l, i) => {
      const at = y;
      out.push((page, font) => page.drawText(l, { x: x + (i === 0 ? 10 : 0), y: at, size: 10, font }));
      y -= 12;
    });
    y -= 6;
  }
  return out;
}

/** A page that holds only a picture (a grey square as a PNG): what a scanned paper without OCR looks like. */
export async function scanPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const png = await doc.embedPng(greyPng(64));
  for (let i = 0; i < 2; i++) doc.addPage([W, H]).drawImage(png, { x: 50, y: 50, width: 500, height: 690 });
  return doc.save();
}

function greyPng(side: number): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // 8-bit grey
  const rows = Buffer.concat(
    Array.from({ length: side }, (_, r) => Buffer.from([0, ...Array.from({ length: side }, (_, c) => ((r ^ c) & 8 ? 60 : 200))])),
  );
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * A PDF protected by a user password: the standard security handler's dictionary (RC4, revision 2) whose /U entry
 * does not match the empty password, which is what a reader sees of a file that needs one to open.
 */
export async function encryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([W, H]).drawText("Secret results that need a password.", { x: 54, y: 700, size: 12, font });
  const ctx = doc.context;
  ctx.trailerInfo.Encrypt = ctx.register(
    ctx.obj({ Filter: "Standard", V: 1, R: 2, Length: 40, P: -44, O: PDFHexString.of("ab".repeat(32)), U: PDFHexString.of("cd".repeat(32)) }),
  );
  ctx.trailerInfo.ID = ctx.obj([PDFHexString.of("0123456789abcdef0123456789abcdef"), PDFHexString.of("0123456789abcdef0123456789abcdef")]);
  return doc.save({ useObjectStreams: false });
}

/** `n` pages of plain text. */
export async function pagesPdf(n: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < n; i++) {
    const page = doc.addPage([W, H]);
    for (let k = 0; k < 30; k++)
      page.drawText(`Page ${i + 1} line ${k}: measured throughput of the system under load.`, { x: 54, y: 720 - 20 * k, size: 10, font });
  }
  return doc.save();
}
