// Runs inside a worker thread (see extractText.ts): pdf.js parses the bytes here, under the thread's heap limit,
// and only plain text items go back. Plain JavaScript so that it loads the same from src under tsx, vitest or node.
import { parentPort, workerData } from "node:worker_threads";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const { bytes, maxPages, maxItems } = workerData;

/** @param {string} problem @param {string} detail */
function fail(problem, detail) {
  parentPort.postMessage({ ok: false, problem, detail });
}

async function run() {
  const task = getDocument({
    data: bytes,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let doc;
  try {
    doc = await task.promise;
  } catch (e) {
    const name = e?.name ?? "";
    if (name === "PasswordException") return fail("encrypted", String(e?.message ?? e));
    return fail("corrupt", `${name}: ${e?.message ?? e}`);
  }
  if (doc.numPages > maxPages) return fail("too-many-pages", String(doc.numPages));
  let title;
  try {
    const meta = await doc.getMetadata();
    title = meta?.info?.Title;
  } catch {}
  const pages = [];
  let items = 0;
  let failedPages = 0;
  for (let n = 1; n <= doc.numPages; n++) {
    try {
      const page = await doc.getPage(n);
      const [, , width, height] = page.view;
      const content = await page.getTextContent();
      const out = [];
      for (const it of content.items) {
        if (!("str" in it)) continue;
        const [a, b, c, d, x, y] = it.transform;
        // [text, x, y, font size, width, ends a line, rotated]
        out.push([it.str, x, y, Math.hypot(c, d) || Math.hypot(a, b), it.width, it.hasEOL ? 1 : 0, Math.abs(b) > 1e-3 || Math.abs(c) > 1e-3 ? 1 : 0]);
      }
      items += out.length;
      if (items > maxItems) return fail("out-of-memory", `more than ${maxItems} text items`);
      pages.push({ width, height, x0: page.view[0], y0: page.view[1], items: out });
      page.cleanup();
    } catch {
      failedPages++;
      pages.push({ width: 612, height: 792, x0: 0, y0: 0, items: [] });
    }
  }
  await doc.destroy();
  if (failedPages === pages.length) return fail("corrupt", "no page could be read");
  parentPort.postMessage({ ok: true, pageCount: doc.numPages, title: typeof title === "string" ? title : undefined, pages, failedPages });
}

run().catch((e) => fail("corrupt", String(e?.message ?? e)));
