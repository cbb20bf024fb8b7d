// The full-text reader through the async stores, on SQLite and PostgreSQL alike: arXiv's PDF of a known paper
// (read once, a missing one recorded), and a PDF a user gave (matched to its paper, or filed as a new one).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ArxivPdfFetcher } from "../src/ingest/arxivPdf.js";
import { FullTextReader } from "../src/ingest/fullTextReader.js";
import { DEFAULT_PDF_LIMITS } from "../src/ingest/pdf/pdfDocument.js";
import type { Stores } from "../src/store/stores.js";
import { FakeArxiv } from "./fakes/arxiv.js";
import { bothBackends } from "./helpers/backends.js";
import { paperPdf, type TestPaper } from "./helpers/testPdf.js";

const ARXIV_ID = "2602.01053";
const filler = (fact: string) => `${fact} ${"The section restates its notation and the running example it relies on. ".repeat(10)}`;
const lragent: TestPaper = {
  title: "LRAgent: Efficient KV Cache Sharing for Multi-LoRA LLM Agents",
  authors: ["Hyesung Jeon"],
  abstract: "Multi-LoRA agents duplicate their KV caches. LRAgent shares the base cache and keeps only low-rank adapter caches per agent.",
  paragraphs: [filler("Agent frameworks run several LoRA adapters over one base model."), filler("We evaluate LRAgent on eight H100 GPUs.")],
  perPage: 1,
};
const unknownPaper: TestPaper = {
  title: "Gossip Membership Protocols for Very Large Clusters",
  authors: ["Ada Lovelace", "Alan Turing"],
  abstract: "We study gossip membership at the scale of a hundred thousand nodes.",
  paragraphs: [filler("Membership views converge in logarithmic rounds.")],
};

const backends = bothBackends("group_papers", "paper_texts", "paper_chunks");

let arxiv: FakeArxiv | undefined;
afterEach(async () => {
  await arxiv?.stop();
  arxiv = undefined;
});

describe.each(backends)("the full-text reader on $name", (backend) => {
  let stores: Stores;
  let reader: FullTextReader;
  beforeEach(async () => {
    stores = await backend.open();
    arxiv = new FakeArxiv();
    const base = await arxiv.start();
    reader = new FullTextReader({
      stores,
      arxiv: new ArxivPdfFetcher({ base, pauseMs: 0, maxBytes: DEFAULT_PDF_LIMITS.maxBytes }),
      limits: DEFAULT_PDF_LIMITS,
      maxStoredChars: 10 * 1024 * 1024,
    });
  });

  it("reads arXiv's PDF of a paper once; a paper arXiv has no PDF of is recorded as such", async () => {
    const { id } = await stores.papers.upsert({
      arxivId: ARXIV_ID,
      title: lragent.title,
      abstract: lragent.abstract,
      authors: lragent.authors,
      source: "hf",
    });
    const other = await stores.papers.upsert({ arxivId: "2602.09999", title: "A paper without a PDF", abstract: "", authors: [], source: "hf" });
    arxiv!.pdfs.set(ARXIV_ID, await paperPdf(lragent));
    const version = await stores.fullText.version();

    expect(await reader.readPaper(id)).toEqual({ status: "read", pages: 2 });
    expect(await stores.fullText.status(id)).toMatchObject({ status: "read", source: "arxiv", pages: 2 });
    expect((await stores.fullText.chunks(id)).map((c) => c.text).join(" ")).toContain("eight H100 GPUs");
    expect(await stores.fullText.version()).not.toBe(version);
    expect(await reader.readPaper(id)).toEqual({ status: "already", pages: 2 });
    expect(arxiv!.requests.filter((r) => r.path.startsWith("/pdf/"))).toHaveLength(1);

    expect(await reader.readPaper(other.id)).toEqual({ status: "no-pdf", reason: "arXiv has no PDF of it" });
    expect(await stores.fullText.status(other.id)).toMatchObject({ status: "failed", problem: "no-pdf" });
    expect(await reader.readPaper("no-such-paper")).toMatchObject({ status: "failed", problem: "unknown" });
  });

  it("files a PDF a user gave under its known paper, or as a new paper of the group; a text read before stays", async () => {
    const { id } = await stores.papers.upsert({
      arxivId: ARXIV_ID,
      title: lragent.title,
      abstract: lragent.abstract,
      authors: lragent.authors,
      source: "hf",
    });
    const who = { guildId: "guild-1", userId: "user-1" };

    const known = await reader.attach(await paperPdf(lragent), "attachment", who);
    expect(known).toMatchObject({ paper: { id }, created: false, outcome: { status: "read", pages: 2 } });
    expect(await stores.groupPapers.has("guild-1", id, "add")).toBe(true);
    expect(await reader.attach(await paperPdf(lragent), "file", who)).toMatchObject({ created: false, outcome: { status: "already", pages: 2 } });
    expect(await stores.fullText.status(id)).toMatchObject({ source: "attachment" });

    const count = await stores.papers.count();
    const fresh = await reader.attach(await paperPdf(unknownPaper), "file", who);
    expect(fresh).toMatchObject({ created: true, outcome: { status: "read" }, paper: { title: unknownPaper.title, source: "seed" } });
    expect(fresh.paper.arxivId).toBeUndefined();
    expect(await stores.papers.count()).toBe(count + 1);
    expect(await stores.papers.getByTitle(unknownPaper.title)).toMatchObject({ id: fresh.paper.id });
    expect(await stores.groupPapers.has("guild-1", fresh.paper.id, "add")).toBe(true);
  });
});
