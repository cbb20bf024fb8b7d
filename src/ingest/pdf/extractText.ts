import { Worker } from "node:worker_threads";
import { PdfError, type PdfLimits, type PdfProblem } from "./pdfDocument.js";

/** One pdf.js text item: [text, x, y (from the bottom), font size, width, ends a line, rotated]. */
export type RawItem = [string, number, number, number, number, 0 | 1, 0 | 1];

export interface RawPage {
  width: number;
  height: number;
  /** Lower-left corner of the page's view box: item coordinates are in the same space. */
  x0: number;
  y0: number;
  items: RawItem[];
}

export interface RawPdf {
  pageCount: number;
  /** The PDF's metadata Title, as stored. */
  title?: string;
  pages: RawPage[];
}

type WorkerReply = { ok: true; pageCount: number; title?: string; pages: RawPage[] } | { ok: false; problem: PdfProblem; detail: string };

const workerUrl = new URL("./pdfWorker.mjs", import.meta.url);
/** A hostile PDF can describe millions of tiny text items: past this the reply itself would be the problem. */
const ITEMS_PER_PAGE = 5_000;

/**
 * pdf.js's text items for every page, parsed in a worker thread whose heap is capped at `maxMemoryMb` and which
 * is terminated at `timeoutMs`: the calling thread only waits on a message, so its event loop stays free.
 */
export function extractText(bytes: Uint8Array, limits: PdfLimits, signal?: AbortSignal): Promise<RawPdf> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    // A copy of its own: a Buffer's slice() shares the pool's memory, which must not be transferred away.
    const copy = new Uint8Array(bytes);
    const worker = new Worker(workerUrl, {
      workerData: { bytes: copy, maxPages: limits.maxPages, maxItems: ITEMS_PER_PAGE * limits.maxPages },
      transferList: [copy.buffer],
      resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, limits.maxMemoryMb / 8)) },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      void worker.terminate();
      f();
    };
    // Stopped (the bot shuts down, an answer stops waiting): the worker goes at once.
    const onAbort = () => finish(() => reject(signal?.reason));
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => finish(() => reject(problem("timeout", limits))), limits.timeoutMs);
    worker.on("message", (m: WorkerReply) => {
      if (m.ok) finish(() => resolve({ pageCount: m.pageCount, title: m.title, pages: m.pages }));
      else finish(() => reject(problem(m.problem, limits, m.detail)));
    });
    worker.on("error", (e: Error & { code?: string }) => {
      const oom = e.code === "ERR_WORKER_OUT_OF_MEMORY" || /out of memory|heap limit/i.test(e.message);
      finish(() => reject(problem(oom ? "out-of-memory" : "corrupt", limits, e.message)));
    });
    worker.on("exit", (code) => finish(() => reject(problem("corrupt", limits, `reader exited with code ${code}`))));
  });
}

export function problem(kind: PdfProblem, limits: PdfLimits, detail?: string): PdfError {
  const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
  const messages: Record<PdfProblem, string> = {
    "not-pdf": "the file is not a PDF",
    encrypted: "the PDF is password-protected",
    "no-text": "the PDF has no text layer (a scan?)",
    "too-many-pages": `the PDF has ${detail ?? "too many"} pages (the limit is ${limits.maxPages})`,
    "too-large": `the PDF is ${detail ?? "too large"} (the limit is ${mb(limits.maxBytes)})`,
    corrupt: "the PDF is damaged and could not be read",
    timeout: `reading the PDF took longer than ${Number((limits.timeoutMs / 1000).toFixed(1))} s`,
    "out-of-memory": "the PDF needs more memory to read than allowed",
  };
  return new PdfError(kind, messages[kind]);
}
