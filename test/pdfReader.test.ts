import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { chunk } from "../src/ingest/pdf/chunk.js";
import type { Block } from "../src/ingest/pdf/paragraphs.js";
import { PdfError, type PdfProblem } from "../src/ingest/pdf/pdfDocument.js";
import { readPdf } from "../src/ingest/pdf/readPdf.js";
import { tempDir } from "./helpers/tmp.js";
import { encryptedPdf, type PaperSpec, pagesPdf, paperPdf, scanPdf } from "./helpers/paperPdf.js";

const filler = (topic: string, n: number) =>
  Array.from({ length: n }, (_, i) => `Sentence ${i + 1} about ${topic} explains one more detail of the measured behaviour.`).join(" ");

function lines(text: string): string[] {
  const out: string[] = [];
  let line = "";
  for (const w of text.split(" ")) {
    if (line && (line + w).length > 48) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  return line ? [...out, line] : out;
}

const paper: PaperSpec = {
  title: "Elastic Caches for Serving Large Language Models",
  authors: "Ada Lovelace, Alan Turing and Grace Hopper",
  abstract: "We present Elastic, a serving system that moves caches between GPUs. It doubles throughput on real traces.",
  header: "Preprint. Under review.",
  arxivStamp: "arXiv:2401.12345v2  [cs.DC]  3 Jan 2024",
  pages: [
    {
      left: [
        { heading: "1 Introduction" },
        {
          lines: [
            "Serving large language models at scale is hard be-",
            "cause every request holds a growing cache in GPU",
            "memory. Our system performs online recon-",
            "figuration of the cluster whenever the load shifts,",
            "and its LLM-",
            "based planner decides where each cache lives. Each",
            "layer uses self-attention over the whole prompt, and",
            "the self-",
            "attention layers dominate the memory traffic.",
          ],
        },
        { lines: lines(filler("the introduction", 4)) },
      ],
      right: [{ heading: "2 Design" }, { lines: lines(`The planner reads the queue every second. ${filler("the design", 4)}`) }],
    },
    {
      left: [
        { heading: "3 Evaluation" },
        { heading: "3.1 Setup" },
        { lines: lines(`We run every experiment on eight A100 GPUs. ${filler("the setup", 3)}`) },
      ],
      right: [{ heading: "4 Conclusion" }, { lines: lines(`Elastic keeps latency flat under bursts. ${filler("the conclusion", 3)}`) }],
    },
  ],
  references: ["[1] A. Author. A study of caches. In Proc. of Systems, 2020.", "[2] B. Writer. Serving at scale. 2021."],
};

async function problemOf(bytes: Uint8Array, limits?: Parameters<typeof readPdf>[1]): Promise<{ problem: PdfProblem; message: string }> {
  try {
    await readPdf(bytes, limits);
  } catch (e) {
    if (e instanceof PdfError) return { problem: e.problem, message: e.message };
    throw e;
  }
  throw new Error("read without error");
}

describe("readPdf on a two-column paper", async () => {
  const bytes = await paperPdf(paper);
  const doc = await readPdf(bytes);
  const text = doc.chunks.map((c) => c.text).join("\n\n");

  it("reads each column top to bottom, left column first, and joins words split across lines", () => {
    expect(text).toContain(
      "Serving large language models at scale is hard because every request holds a growing cache in GPU memory. Our system performs online reconfiguration of the cluster",
    );
    expect(text).toContain("and its LLM-based planner decides where each cache lives.");
    // The compound is printed with its hyphen inside a line too, so the one split at a line end keeps it.
    expect(text).toContain("the self-attention layers dominate");
    const order = ["lives.", "Sentence 4 about the introduction", "The planner reads", "eight A100 GPUs", "Elastic keeps latency"].map((s) =>
      text.indexOf(s),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("drops the running header and the page numbers", () => {
    expect(text).not.toContain("Preprint");
    expect(doc.chunks.some((c) => /(^|\n)\s*\d+\s*($|\n)/.test(c.text))).toBe(false);
  });

  it("gives each passage its section and pages, and keeps the references apart", () => {
    const setup = doc.chunks.find((c) => c.text.includes("eight A100 GPUs"));
    expect(setup).toMatchObject({ section: "3.1 Setup", page: 2, pageEnd: 2 });
    expect(doc.chunks.find((c) => c.text.includes("online reconfiguration"))).toMatchObject({ section: "1 Introduction", page: 1 });
    expect(doc.chunks.find((c) => c.text.includes("The planner reads"))?.section).toBe("2 Design");
    expect(doc.references).toContain("[1] A. Author. A study of caches.");
    expect(text).not.toContain("A study of caches");
  });

  it("reads the title, authors, abstract and arXiv stamp from the first page", () => {
    expect(doc.pageCount).toBe(3);
    expect(doc.title).toBe(paper.title);
    expect(doc.authors).toEqual(["Ada Lovelace", "Alan Turing", "Grace Hopper"]);
    expect(doc.abstract).toBe(paper.abstract);
    expect(doc.arxivId).toBe("2401.12345");
    expect(text).not.toContain("cs.DC");
  });
});

describe("readPdf refuses what it cannot read, with a short reason", () => {
  it("a file that is not a PDF", async () => {
    expect(await problemOf(new TextEncoder().encode("<html><body>Not found</body></html>"))).toEqual({
      problem: "not-pdf",
      message: "the file is not a PDF",
    });
  });

  it("a scan: pages that are only an image", async () => {
    expect(await problemOf(await scanPdf())).toEqual({ problem: "no-text", message: "the PDF has no text layer (a scan?)" });
  });

  it("a password-protected PDF", async () => {
    expect(await problemOf(await encryptedPdf())).toMatchObject({ problem: "encrypted" });
  });

  it("more pages than the limit, and more bytes than the limit before parsing anything", async () => {
    const five = await pagesPdf(5);
    expect(await problemOf(five, { maxPages: 4 })).toEqual({ problem: "too-many-pages", message: "the PDF has 5 pages (the limit is 4)" });
    expect((await readPdf(five, { maxPages: 5 })).pageCount).toBe(5);
    expect(await problemOf(five, { maxBytes: 1000 })).toMatchObject({ problem: "too-large" });
    // Not even a PDF, but too big is what is said: the size is checked first.
    expect(await problemOf(new Uint8Array(2000), { maxBytes: 1000 })).toMatchObject({ problem: "too-large" });
  });

  it("a damaged PDF: cut short, or garbage after the header", async () => {
    const whole = await pagesPdf(3);
    expect(await problemOf(whole.slice(0, Math.floor(whole.length * 0.3)))).toMatchObject({ problem: "corrupt" });
    const junk = new Uint8Array(4000).map((_, i) => (i * 7919) % 251);
    expect(await problemOf(new Uint8Array([...new TextEncoder().encode("%PDF-1.7\n"), ...junk]))).toEqual({
      problem: "corrupt",
      message: "the PDF is damaged and could not be read",
    });
  });

  it("a reading that needs more heap than allowed ends in its own thread, not in the caller's", async () => {
    expect(await problemOf(await pagesPdf(3), { maxMemoryMb: 4 })).toEqual({
      problem: "out-of-memory",
      message: "the PDF needs more memory to read than allowed",
    });
    expect((await readPdf(await pagesPdf(3))).pageCount).toBe(3);
  });

  it("a reading that takes longer than the limit is stopped, and the caller's event loop keeps running meanwhile", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    const r = await problemOf(await pagesPdf(60), { timeoutMs: 200 });
    clearInterval(timer);
    expect(r).toEqual({ problem: "timeout", message: "reading the PDF took longer than 0.2 s" });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(ticks).toBeGreaterThan(5);
  });
});

describe("chunk", () => {
  const block = (kind: Block["kind"], text: string, page = 1): Block => ({ kind, text, page, pageEnd: page, pages: [{ at: 0, page }], refs: false });

  it("cuts a long section between sentences into passages of about a paragraph, never across a heading", () => {
    const chunks = chunk([
      block("heading", "2 Design"),
      block("text", filler("design", 60)),
      block("heading", "3 Evaluation"),
      block("text", "Short closing remark about the evaluation.", 2),
    ]);
    const design = chunks.filter((c) => c.section === "2 Design");
    expect(design.length).toBeGreaterThan(1);
    for (const c of design) {
      const words = c.text.split(/\s+/).length;
      expect(words).toBeGreaterThanOrEqual(120);
      expect(words).toBeLessThanOrEqual(300);
      expect(c.text).toMatch(/^Sentence \d+ .*behaviour\.$/s);
    }
    expect(chunks.at(-1)).toEqual({ page: 2, pageEnd: 2, section: "3 Evaluation", text: "Short closing remark about the evaluation." });
  });
});

it("the reader's worker loads through the real entry (tsx, as bin/paperbot.js runs the sources)", async () => {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  for (let k = 0; k < 20; k++)
    page.drawText(`Line ${k} of a page about elastic caches for serving models.`, { x: 54, y: 700 - 20 * k, size: 10, font });
  const b64 = Buffer.from(await doc.save()).toString("base64");
  const script = `import { register } from ${JSON.stringify(path.resolve("node_modules/tsx/dist/esm/api/index.mjs"))}; register();
const { readPdf } = await import(${JSON.stringify(path.resolve("src/ingest/pdf/readPdf.ts"))});
const d = await readPdf(Buffer.from(${JSON.stringify(b64)}, "base64"));
console.log(d.pageCount, d.chunks[0].text.slice(0, 30));`;
  const file = path.join(tempDir(), "entry.mjs");
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, [file], { encoding: "utf8", cwd: path.resolve(".") });
  expect(r.stderr).toBe("");
  expect(r.stdout.trim()).toBe("1 Line 0 of a page about elastic");
});
