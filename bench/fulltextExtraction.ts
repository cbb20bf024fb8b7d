// Extraction quality and speed on the dev full-text set (../shared/dev/fulltext): the bench reads it by path, the
// product never does. Each method runs in its own process so that its peak RSS is its own.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { extractText } from "../src/ingest/pdf/extractText.js";
import type { Block } from "../src/ingest/pdf/paragraphs.js";
import { DEFAULT_PDF_LIMITS, type Chunk } from "../src/ingest/pdf/pdfDocument.js";
import { analyse } from "../src/ingest/pdf/readPdf.js";

export const FULLTEXT_DIR = process.env.PAPERBOT_FULLTEXT_DEV ?? "/work/shared/dev/fulltext";
/** Reading order etc. were tuned on these (every other paper by file name); the rest is held out. */
export const TUNE_PAPERS = new Set(["dapo.pdf", "elle.pdf", "kimi-linear.pdf", "minimax-m1.pdf", "raft.pdf", "toolllm.pdf", "zeus.pdf"]);

interface Question {
  id: string;
  paper: string;
  page: number;
  evidence: string;
}
interface Paper {
  file: string;
  title: string;
  arxiv: string | null;
  pages: number;
}
interface Extracted {
  pages: string[];
  chunks?: Chunk[];
  title?: string;
  arxivId?: string;
}
type Method = "pdfjs-plain" | "reader";
const METHODS: Record<Method, string> = {
  "pdfjs-plain": "pdf.js, plain pass (items joined, a newline at hasEOL)",
  reader: "paperbot reader (worker thread, reading order, chunks)",
};

const jsonl = <T>(file: string): T[] =>
  readFileSync(path.join(FULLTEXT_DIR, file), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

/** Lower-case, hyphen joins at line ends removed, whitespace collapsed: how an evidence sentence is looked for. */
export const norm = (s: string) =>
  s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\u00ad/g, "")
    .replace(/-\s+/g, "")
    .replace(/\s+/g, " ")
    .trim();

async function plainPass(bytes: Uint8Array): Promise<Extracted> {
  const doc = await getDocument({ data: bytes, isEvalSupported: false, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(content.items.map((i) => ("str" in i ? i.str + (i.hasEOL ? "\n" : "") : "")).join(""));
  }
  await doc.destroy();
  return { pages };
}

/** The reader's text of each page: its blocks cut where each page starts, references and headings included. */
function blockPages(blocks: Block[], pageCount: number): string[] {
  const pages = Array.from({ length: pageCount }, () => "");
  for (const b of blocks)
    b.pages.forEach((p, i) => {
      const end = b.pages[i + 1]?.at ?? b.text.length;
      pages[p.page - 1] += `${b.text.slice(p.at, end)}\n`;
    });
  return pages;
}

async function reader(bytes: Uint8Array): Promise<Extracted> {
  const raw = await extractText(bytes, DEFAULT_PDF_LIMITS);
  const { doc, blocks } = analyse(raw);
  return { pages: blockPages(blocks, raw.pageCount), chunks: doc.chunks, title: doc.title, arxivId: doc.arxivId };
}

/** Child process: extract every paper with one method, print what the parent scores. */
async function runMethod(method: Method) {
  const papers = jsonl<Paper>("papers.jsonl");
  const out: Record<string, Extracted> = {};
  let pages = 0;
  const t = performance.now();
  for (const p of papers) {
    const bytes = new Uint8Array(readFileSync(path.join(FULLTEXT_DIR, p.file)));
    out[p.file] = await (method === "reader" ? reader(bytes) : plainPass(bytes));
    pages += out[p.file]!.pages.length;
  }
  const seconds = (performance.now() - t) / 1000;
  process.stdout.write(JSON.stringify({ out, pages, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : "-");

export async function benchFulltextExtraction() {
  const questions = jsonl<Question>("questions.jsonl");
  const papers = jsonl<Paper>("papers.jsonl");
  console.log(`dev full-text set: ${papers.length} papers, ${questions.length} evidence sentences (${FULLTEXT_DIR})`);
  console.log(`tune half: ${[...TUNE_PAPERS].join(", ")}; held-out: the other ${papers.length - TUNE_PAPERS.size}\n`);
  const self = fileURLToPath(import.meta.url);
  const rows: string[][] = [];
  for (const method of Object.keys(METHODS) as Method[]) {
    const run = spawnSync(process.execPath, ["--import", "tsx", self, method], { encoding: "utf8", maxBuffer: 1 << 30 });
    if (run.status !== 0) throw new Error(`${method} failed: ${run.stderr}`);
    const r = JSON.parse(run.stdout) as { out: Record<string, Extracted>; pages: number; seconds: number; maxRssMb: number };
    for (const half of ["tune", "held-out", "all"] as const) {
      const qs = questions.filter((q) => half === "all" || TUNE_PAPERS.has(q.paper) === (half === "tune"));
      let page = 0;
      let anywhere = 0;
      let inChunk = 0;
      let inChunkNear = 0;
      for (const q of qs) {
        const e = norm(q.evidence);
        const x = r.out[q.paper]!;
        if (norm(x.pages[q.page - 1] ?? "").includes(e)) page++;
        else if (half === "all" && process.env.BENCH_VERBOSE) console.log(`  ${method} misses ${q.id} p${q.page}: ${q.evidence.slice(0, 90)}`);
        if (norm(x.pages.join("\n")).includes(e)) anywhere++;
        const hits = (x.chunks ?? []).filter((c) => norm(c.text).includes(e));
        if (hits.length) inChunk++;
        if (hits.some((c) => c.page - 1 <= q.page && q.page <= c.pageEnd + 1)) inChunkNear++;
      }
      const chunked = method === "reader";
      rows.push([
        METHODS[method],
        half,
        pct(page, qs.length),
        pct(anywhere, qs.length),
        chunked ? pct(inChunk, qs.length) : "-",
        chunked ? pct(inChunkNear, qs.length) : "-",
        half === "all" ? (r.pages / r.seconds).toFixed(1) : "",
        half === "all" ? r.maxRssMb.toFixed(0) : "",
      ]);
    }
    if (method === "reader") {
      const titled = papers.filter((p) => norm(r.out[p.file]!.title ?? "") === norm(p.title)).length;
      const ids = papers.filter((p) => p.arxiv && r.out[p.file]!.arxivId === p.arxiv).length;
      const wrongIds = papers.filter((p) => r.out[p.file]!.arxivId && r.out[p.file]!.arxivId !== p.arxiv).length;
      const chunks = Object.values(r.out).flatMap((x) => x.chunks ?? []);
      const words = chunks.map((c) => c.text.split(/\s+/).length).sort((a, b) => a - b);
      console.log(
        `reader: title exact ${titled}/${papers.length}, arXiv id ${ids}/${papers.filter((p) => p.arxiv).length} (${wrongIds} wrong); ` +
          `${chunks.length} chunks, words median ${words[words.length >> 1]}, p10 ${words[Math.floor(words.length * 0.1)]}, p90 ${words[Math.floor(words.length * 0.9)]}, ` +
          `with a section ${pct(chunks.filter((c) => c.section).length, chunks.length)}\n`,
      );
    }
  }
  const head = ["method", "papers", "evidence on its page", "anywhere", "inside one chunk", "chunk page ±1", "pages/s", "peak RSS MB"];
  console.log(`| ${head.join(" | ")} |\n|${head.map(() => " --- ").join("|")}|`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runMethod(process.argv[2] as Method);
