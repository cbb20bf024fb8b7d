// Answers from full text on the dev full-text set (../shared/dev/fulltext, read by path here only): the dev papers
// join the seed page and the feed month, their PDFs are read through FullTextReader as `paperbot add --pdf` does,
// and each question is asked through the answer engine, offline, then with a model that a local fake plays.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createAnswerEngine } from "../src/answer/answerEngine.js";
import { loadConfig } from "../src/config/config.js";
import { FullTextReader } from "../src/ingest/fullTextReader.js";
import { ingestHfFiles } from "../src/ingest/ingestHf.js";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { DEFAULT_PDF_LIMITS } from "../src/ingest/pdf/pdfDocument.js";
import { Retriever } from "../src/retrieval/retriever.js";
import { sqliteStores } from "../src/store/stores.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { FakeOpenAI } from "../test/fakes/openai.js";
import { FULLTEXT_DIR, norm, TUNE_PAPERS } from "./fulltextExtraction.js";

interface Question {
  id: string;
  paper: string;
  q: string;
  page: number;
  evidence: string;
}
interface DevPaper {
  file: string;
  arxiv: string | null;
  title: string;
  abstract: string;
  authors: string[];
  year: number;
}

const jsonl = <T>(file: string): T[] =>
  fs
    .readFileSync(path.join(FULLTEXT_DIR, file), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

const repo = path.resolve(import.meta.dirname, "..");

/** The seed page, the feed month and the dev papers (title and abstract), each dev PDF read as `add --pdf` reads one. */
async function buildCollection(file: string): Promise<{ store: PaperStore; ids: Map<string, string> }> {
  const store = openStore(file);
  await ingestSeedPage(sqliteStores(store), path.join(repo, "data/daily-papers-page.txt"));
  await ingestHfFiles(sqliteStores(store).papers, path.join(repo, "test/fixtures/hf-daily-2026-02"));
  const papers = jsonl<DevPaper>("papers.jsonl");
  store.transaction(() => {
    for (const p of papers)
      store.upsert({
        arxivId: p.arxiv ?? undefined,
        title: p.title,
        abstract: p.abstract,
        authors: p.authors,
        publishedAt: `${p.year}-01-01`,
        source: "arxiv",
      });
  });
  const reader = new FullTextReader({ stores: sqliteStores(store), limits: DEFAULT_PDF_LIMITS, maxStoredChars: 500 * 1024 * 1024 });
  const ids = new Map<string, string>();
  for (const p of papers) {
    const { paper, created } = await reader.attach(fs.readFileSync(path.join(FULLTEXT_DIR, p.file)), "file", { guildId: "*" });
    if (created) console.log(`  note: ${p.file} was not matched to its paper; it became "${paper.title}"`);
    ids.set(p.file, paper.id);
  }
  return { store, ids };
}

const within = (page: number | undefined, gold: number) => page !== undefined && Math.abs(page - gold) <= 1;
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(0)}%` : "-");

export async function benchFulltextAnswers(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paperbot-bench-fulltext-"));
  const questions = jsonl<Question>("questions.jsonl");
  console.log(`Full-text answers: ${questions.length} questions on ${new Set(questions.map((q) => q.paper)).size} papers (../shared/dev/fulltext)`);
  const t0 = performance.now();
  const { store, ids } = await buildCollection(path.join(dir, "bench.db"));
  console.log(`collection: ${store.count()} papers, dev PDFs read in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // Offline: which passages the answer quotes, and whether it cites the paper.
  const config = loadConfig({ PAPERBOT_DB: path.join(dir, "bench.db") });
  const engine = createAnswerEngine(config, new Retriever(sqliteStores(store)), sqliteStores(store));
  const rows: { q: Question; cited: boolean; pageHit: boolean; evidenceInPrompt?: boolean; promptChars?: number }[] = [];
  for (const q of questions) {
    const r = await engine.ask(q.q);
    const gold = ids.get(q.paper)!;
    const top5 = (r.passages ?? []).filter((x) => x.page !== undefined).slice(0, 5);
    rows.push({ q, cited: r.citations.some((c) => c.id === gold), pageHit: top5.some((x) => x.paperId === gold && within(x.page, q.page)) });
  }

  // With a model: a fake that answers every helper call with something unusable (so the plain ranking and every
  // passage found are kept, and nothing depends on what a model would judge) and records the answer prompts.
  const model = new FakeOpenAI();
  await model.start();
  model.defaultChat = () => ({ text: "From the sources [1]." });
  const withModel = createAnswerEngine(
    loadConfig({ PAPERBOT_DB: path.join(dir, "bench.db"), OPENAI_BASE_URL: model.url, OPENAI_MODEL: "fake" }),
    new Retriever(sqliteStores(store)),
    sqliteStores(store),
  );
  for (const row of rows) {
    const answers = () => model.writingRequests.filter((r) => !r.response_format);
    const before = answers().length;
    await withModel.ask(row.q.q);
    const prompt =
      answers()
        .slice(before)
        .at(-1)
        ?.messages.map((m) => m.content)
        .join("\n") ?? "";
    // The prompt quotes passages with ' for " and ‹› for <>; the evidence is looked for the same way.
    const quoted = (s: string) => norm(s.replace(/"/g, "'").replace(/</g, "‹").replace(/>/g, "›"));
    row.evidenceInPrompt = quoted(prompt).includes(quoted(row.q.evidence).slice(0, 80));
    row.promptChars = prompt.length;
  }
  await model.stop();

  const report = (label: string, rs: typeof rows) =>
    console.log(
      `${label.padEnd(10)} ${String(rs.length).padStart(3)}  gold page ±1 in top-5 passages ${pct(rs.filter((r) => r.pageHit).length, rs.length).padStart(4)}` +
        `  gold paper cited ${pct(rs.filter((r) => r.cited).length, rs.length).padStart(4)}` +
        `  evidence in the model's prompt ${pct(rs.filter((r) => r.evidenceInPrompt).length, rs.length).padStart(4)}` +
        `  prompt chars ${Math.round(rs.reduce((n, r) => n + (r.promptChars ?? 0), 0) / Math.max(1, rs.length))}`,
    );
  console.log("\nsplit      n    (offline)                              (offline)            (fake model, helpers failing)");
  report("all", rows);
  report(
    "tune",
    rows.filter((r) => TUNE_PAPERS.has(r.q.paper)),
  );
  report(
    "held-out",
    rows.filter((r) => !TUNE_PAPERS.has(r.q.paper)),
  );
  const misses = rows.filter((r) => !r.pageHit);
  if (misses.length) console.log(`\npage misses: ${misses.map((r) => r.q.id).join(", ")}`);

  // Latency: the same questions offline, with full text and with the texts set aside.
  const time = async () => {
    const t = performance.now();
    for (const r of rows) await engine.ask(r.q.q);
    return (performance.now() - t) / rows.length;
  };
  const withText = await time();
  store.db.exec("ALTER TABLE paper_texts RENAME TO paper_texts_aside; CREATE TABLE paper_texts AS SELECT * FROM paper_texts_aside WHERE 0");
  const abstractsOnly = await time();
  console.log(
    `\n/ask latency (offline, mean of ${rows.length}): with full text ${withText.toFixed(1)} ms, abstracts only ${abstractsOnly.toFixed(1)} ms`,
  );
  store.db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
