import type { Config } from "../config/config.js";
import type { Logger } from "../config/logger.js";
import { fullTextFailures, fullTextPages, fullTextSeconds, fullTextsRead } from "../metrics/metrics.js";
import type { FullTextChunks, TextSource } from "../store/fullText.js";
import type { StoredPaper } from "../store/paperRecords.js";
import type { Stores } from "../store/stores.js";
import { ArxivPdfFetcher } from "./arxivPdf.js";
import { DownloadError } from "./download.js";
import { DEFAULT_PDF_LIMITS, PdfError, type PdfDocument, type PdfLimits } from "./pdf/pdfDocument.js";
import { readPdf } from "./pdf/readPdf.js";

export type ReadOutcome =
  | { status: "read"; pages: number }
  | { status: "already"; pages: number }
  | { status: "no-pdf"; reason: string }
  | { status: "failed"; problem: string; message: string }
  /** It failed before; not fetched again unless asked (`retry`). */
  | { status: "failed-before"; problem: string; message: string };

export interface FullTextDeps {
  /** The papers, their full texts, and the groups a PDF a user gave is filed under. */
  stores: Pick<Stores, "papers" | "fullText" | "groupPapers">;
  /** Where arXiv PDFs come from; without it only attached and local PDFs are read. */
  arxiv?: ArxivPdfFetcher;
  limits: PdfLimits;
  /** The installation's cap on stored full text, in characters. */
  maxStoredChars: number;
  log?: Logger;
  /** The PDF reader (the real one unless a benchmark compares another). */
  read?: (bytes: Uint8Array, limits: PdfLimits, signal?: AbortSignal) => Promise<PdfDocument>;
}

/** Failures that say nothing about the PDF itself (arXiv busy, the network): tried again after a day, not at once. */
const TRANSIENT = new Set(["http", "timeout", "unreachable"]);
const TRANSIENT_RETRY_MS = 24 * 3600_000;
/** PDFs read at once: each extraction may take a worker thread with a heap of `maxMemoryMb`. */
const EXTRACTIONS_AT_ONCE = 2;

/** "14 pages", "1 page". */
export const pagesText = (n: number) => `${n} page${n === 1 ? "" : "s"}`;

/** "read 14 pages", "no PDF (arXiv has none)", "failed: the PDF is encrypted": one line per paper, for people. */
export function describeOutcome(o: ReadOutcome): string {
  switch (o.status) {
    case "read":
      return `read ${pagesText(o.pages)}`;
    case "already":
      return `already read (${pagesText(o.pages)})`;
    case "no-pdf":
      return `no PDF (${o.reason})`;
    case "failed":
      return `failed: ${o.message}`;
    case "failed-before":
      return `failed before: ${o.message} (--retry tries again)`;
  }
}

/** A paper made from a PDF alone, or the known paper it matched. */
export interface AttachedPdf {
  paper: StoredPaper;
  /** True when the PDF became a new paper of the collection. */
  created: boolean;
  outcome: ReadOutcome;
}

/**
 * Reads papers' PDFs into the full-text store: arXiv's PDF of a paper, or a PDF a user gave (a
 * Discord attachment, a local file). Every failure is recorded with its reason, so the same PDF is
 * not fetched in a loop; the paper keeps its abstract either way.
 */
export class FullTextReader {
  /** The full texts read so far (the stores' `fullText`). */
  readonly texts: FullTextChunks;
  private readonly read: (bytes: Uint8Array, limits: PdfLimits, signal?: AbortSignal) => Promise<PdfDocument>;
  private background: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();
  /** Reads under way by paper: a second ask for the same paper waits for the first. */
  private readonly inFlight = new Map<string, Promise<ReadOutcome>>();
  private extracting = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly deps: FullTextDeps) {
    this.texts = deps.stores.fullText;
    this.read = deps.read ?? readPdf;
  }

  get canFetch(): boolean {
    return Boolean(this.deps.arxiv);
  }

  /** Fetches and reads arXiv's PDF of a paper of the collection. */
  readPaper(paperId: string, opts: { retry?: boolean; signal?: AbortSignal } = {}): Promise<ReadOutcome> {
    const running = this.inFlight.get(paperId);
    if (running) return running;
    const read = this.readPaperNow(paperId, opts).finally(() => this.inFlight.delete(paperId));
    this.inFlight.set(paperId, read);
    return read;
  }

  private async readPaperNow(paperId: string, opts: { retry?: boolean; signal?: AbortSignal }): Promise<ReadOutcome> {
    const paper = await this.deps.stores.papers.get(paperId);
    if (!paper) return { status: "failed", problem: "unknown", message: "no such paper in the collection" };
    const before = await this.texts.status(paper.id);
    if (before?.status === "read") return { status: "already", pages: before.pages };
    const expired = before?.status === "failed" && TRANSIENT.has(before.problem) && Date.now() - Date.parse(before.readAt) > TRANSIENT_RETRY_MS;
    if (before?.status === "failed" && !opts.retry && !expired) return { status: "failed-before", problem: before.problem, message: before.detail };
    if (!paper.arxivId) return this.failed(paper.id, "arxiv", "no-pdf", "it has no arXiv id", "no-pdf");
    if (!this.deps.arxiv) return { status: "no-pdf", reason: "no PDF source is configured" };
    let bytes: Uint8Array;
    try {
      // Whoever asked may give up (a time bound); stopping the reader ends every fetch.
      const signal = opts.signal ? AbortSignal.any([opts.signal, this.stopping.signal]) : this.stopping.signal;
      bytes = await this.deps.arxiv.fetch(paper.arxivId, signal);
    } catch (err) {
      if (err instanceof DownloadError)
        return err.problem === "not-found"
          ? this.failed(paper.id, "arxiv", "no-pdf", "arXiv has no PDF of it", "no-pdf")
          : this.failed(paper.id, "arxiv", err.problem, `arXiv: ${err.message}`);
      throw err;
    }
    return this.readBytes(paper.id, bytes, "arxiv");
  }

  /**
   * Reads a PDF a user gave: matched to a known paper when it carries that paper's arXiv id or
   * title, otherwise a new paper with the title, authors and abstract of its first page. Either way
   * it becomes `guildId`'s paper. Throws `PdfError` when the file cannot be read at all (nothing
   * is stored then).
   */
  async attach(bytes: Uint8Array, source: Exclude<TextSource, "arxiv">, who: { guildId: string; userId?: string }): Promise<AttachedPdf> {
    const doc = await this.extract(bytes).catch((err: unknown) => {
      if (err instanceof PdfError) fullTextFailures.inc({ reason: err.problem });
      throw err;
    });
    const { papers, groupPapers } = this.deps.stores;
    let paper = (doc.arxivId ? await papers.get(doc.arxivId) : undefined) ?? (doc.title ? await papers.getByTitle(doc.title) : undefined);
    let created = false;
    if (!paper) {
      if (!doc.title) throw new PdfError("no-text", "the PDF's first page has no title to file it under");
      const abstract = doc.abstract ?? doc.chunks[0]?.text.slice(0, 1500) ?? "";
      // Filed without the arXiv id it shows: a PDF can claim any id, and the paper that id names
      // must keep what arXiv and Hugging Face say of it. A paper known from its PDF alone ranks like
      // a scraped seed entry: the feed's record of it wins when it comes.
      const { id } = await papers.upsert({ title: doc.title, abstract, authors: doc.authors, source: "seed" });
      paper = (await papers.get(id))!;
      created = true;
    }
    await groupPapers.add(who.guildId, paper.id, "add", who.userId);
    // A text already read stays: an attached file does not replace it (nor what another server gave).
    const before = await this.texts.status(paper.id);
    if (before?.status === "read") return { paper, created, outcome: { status: "already", pages: before.pages } };
    return { paper, created, outcome: await this.store(paper.id, doc, source) };
  }

  /**
   * Reads the given papers one after another in the background (after /add, a save, a daily post),
   * skipping those already read or failed. Never throws; stops when `stop` is called.
   */
  readLater(paperIds: readonly string[]): void {
    if (!this.deps.arxiv || !paperIds.length) return;
    this.background = this.background.then(async () => {
      for (const id of paperIds) {
        if (this.stopping.signal.aborted) return;
        try {
          // Papers read or tried before are left alone.
          if (await this.texts.status(id)) continue;
          const outcome = await this.readPaper(id);
          this.deps.log?.info({ paperId: id, outcome: describeOutcome(outcome) }, "full text");
        } catch (err) {
          if (!this.stopping.signal.aborted) this.deps.log?.warn({ err, paperId: id }, "reading a full text failed");
        }
      }
    });
  }

  /** Resolves when the background reading queued so far is done (tests, shutdown). */
  idle(): Promise<void> {
    return this.background;
  }

  stop(): void {
    this.stopping.abort();
  }

  private async readBytes(paperId: string, bytes: Uint8Array, source: TextSource): Promise<ReadOutcome> {
    let doc: PdfDocument;
    try {
      doc = await this.extract(bytes);
    } catch (err) {
      if (err instanceof PdfError) return this.failed(paperId, source, err.problem, err.message);
      throw err;
    }
    return await this.store(paperId, doc, source);
  }

  private async extract(bytes: Uint8Array): Promise<PdfDocument> {
    if (this.extracting >= EXTRACTIONS_AT_ONCE) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.extracting++;
    const started = performance.now();
    try {
      return await this.read(bytes, this.deps.limits, this.stopping.signal);
    } finally {
      fullTextSeconds.observe((performance.now() - started) / 1000);
      this.extracting--;
      this.waiting.shift()?.();
    }
  }

  private async store(paperId: string, doc: PdfDocument, source: TextSource): Promise<ReadOutcome> {
    await this.texts.save(paperId, doc, source);
    fullTextsRead.inc({ source });
    fullTextPages.inc(doc.pageCount);
    const dropped = await this.texts.enforceCap(this.deps.maxStoredChars, paperId);
    if (dropped.length)
      this.deps.log?.info({ dropped: dropped.length }, "dropped the least recently used full texts to stay within PAPERBOT_FULLTEXT_MAX_MB");
    return { status: "read", pages: doc.pageCount };
  }

  private async failed(
    paperId: string,
    source: TextSource,
    problem: string,
    message: string,
    status: "failed" | "no-pdf" = "failed",
  ): Promise<ReadOutcome> {
    await this.texts.recordFailure(paperId, source, problem, message);
    if (status === "no-pdf") return { status, reason: message };
    fullTextFailures.inc({ reason: problem });
    return { status, problem, message };
  }
}

/** The reader the bot and the CLI use, from the configuration. */
export function createFullTextReader(config: Readonly<Config>, stores: FullTextDeps["stores"], log?: Logger): FullTextReader {
  const { fulltext } = config;
  const limits: PdfLimits = { ...DEFAULT_PDF_LIMITS, maxPages: fulltext.maxPages, maxBytes: fulltext.maxPdfMb * 1024 * 1024 };
  return new FullTextReader({
    stores,
    arxiv: new ArxivPdfFetcher({ base: fulltext.pdfBase, pauseMs: fulltext.pauseMs, maxBytes: limits.maxBytes, log }),
    limits,
    maxStoredChars: fulltext.maxStoredMb * 1024 * 1024,
    log,
  });
}
