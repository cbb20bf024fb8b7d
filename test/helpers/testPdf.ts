import { degrees, PDFDocument, StandardFonts } from "pdf-lib";

export interface TestPaper {
  title: string;
  authors: string[];
  abstract: string;
  /** Body paragraphs; each page after the first holds the next `perPage`. */
  paragraphs: string[];
  perPage?: number;
  /** The stamp arXiv prints down the left margin, e.g. "arXiv:2602.01053v1 [cs.DC] 1 Feb 2026". */
  arxivStamp?: string;
}

/** A real, small paper-like PDF: title, authors, "Abstract", numbered section text, page by page. */
export async function paperPdf(paper: TestPaper): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(paper.title);
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  const bold = await doc.embedFont(StandardFonts.TimesRomanBold);
  const width = 612;
  const margin = 72;
  const wrap = (text: string, size: number, f = font): string[] => {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(/\s+/)) {
      const next = line ? `${line} ${word}` : word;
      if (f.widthOfTextAtSize(next, size) > width - 2 * margin && line) {
        lines.push(line);
        line = word;
      } else line = next;
    }
    if (line) lines.push(line);
    return lines;
  };
  const perPage = paper.perPage ?? 3;
  const pages = Math.max(1, 1 + Math.ceil(Math.max(0, paper.paragraphs.length - 1) / perPage));
  let next = 0;
  for (let n = 0; n < pages; n++) {
    const page = doc.addPage([width, 792]);
    let y = 720;
    const write = (text: string, size: number, f = font, gap = 4) => {
      for (const l of wrap(text, size, f)) {
        page.drawText(l, { x: margin, y, size, font: f });
        y -= size + 3;
      }
      y -= gap;
    };
    if (n === 0) {
      if (paper.arxivStamp) page.drawText(paper.arxivStamp, { x: 30, y: 240, size: 18, font, rotate: degrees(90) });
      write(paper.title, 16, bold, 8);
      write(paper.authors.join(", "), 11, font, 14);
      write("Abstract", 12, bold);
      write(paper.abstract, 10, font, 14);
      write("1 Introduction", 12, bold);
    }
    for (const p of paper.paragraphs.slice(next, next + (n === 0 ? 1 : perPage))) write(p, 10);
    next += n === 0 ? 1 : perPage;
    page.drawText(String(n + 1), { x: width / 2, y: 40, size: 10, font });
  }
  return doc.save();
}
