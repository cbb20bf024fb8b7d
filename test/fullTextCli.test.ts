import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { registry } from "../src/metrics/metrics.js";
import { FakeArxiv } from "./fakes/arxiv.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { FakeOpenAI } from "./fakes/openai.js";
import { runCli } from "./helpers/runCli.js";
import { paperPdf, type TestPaper } from "./helpers/testPdf.js";
import { corpusDir, tempDir } from "./helpers/tmp.js";

// `paperbot fulltext`, `add --pdf`, and what full text changes in `ask` and `compare`, against fakes of the upstreams.

/** In the Hugging Face fixture corpus. */
const LRAGENT = "2602.01053";
const POP = "2602.03295";

/** A paragraph of a realistic length (a passage is a paragraph or two): the sentence that matters, then context. */
const paragraph = (fact: string) =>
  `${fact} ${Array.from({ length: 12 }, (_, i) => `Section detail ${i + 1} restates the notation, the symbols and the running example that the rest of this part relies on.`).join(" ")}`;

const lragentPdf: TestPaper = {
  title: "LRAgent: Efficient KV Cache Sharing for Multi-LoRA LLM Agents",
  authors: ["Hyesung Jeon"],
  abstract: "Multi-LoRA agents duplicate their KV caches. LRAgent shares the base cache and keeps only low-rank adapter caches per agent.",
  paragraphs: [
    paragraph("Agent frameworks run several LoRA adapters over one base model, each with a key-value cache of its own."),
    paragraph("We evaluate LRAgent on a cluster of eight NVIDIA H100 GPUs connected by NVLink, against vLLM and S-LoRA as baselines."),
    paragraph("A limitation of LRAgent is that it assumes every adapter shares one base model; adapters over different base models gain nothing."),
  ],
  perPage: 1,
};

const popPdf: TestPaper = {
  title: "POP: Prefill-Only Pruning for Efficient Large Model Inference",
  authors: ["Someone Else"],
  abstract: "Prefill dominates the cost of long prompts. POP prunes layers during prefill only.",
  paragraphs: [
    paragraph("Long prompts make prefill the bottleneck of inference."),
    paragraph("Our experiments run on four NVIDIA A100 GPUs with Llama models, comparing with full-model prefill as the baseline."),
    paragraph("POP does not help short prompts, and its pruning ratio must be tuned per model, which we leave to future work."),
  ],
  perPage: 1,
};

let hf: FakeHuggingFace | undefined;
let arxiv: FakeArxiv | undefined;
let model: FakeOpenAI | undefined;

afterEach(async () => {
  await hf?.stop();
  await arxiv?.stop();
  await model?.stop();
  hf = arxiv = model = undefined;
});

async function env(): Promise<Record<string, string>> {
  hf = FakeHuggingFace.fromCorpus(corpusDir);
  arxiv = new FakeArxiv();
  const [hfUrl, arxivUrl] = [await hf.start(), await arxiv.start()];
  return {
    PAPERBOT_DB: path.join(tempDir(), "paperbot.db"),
    HF_API_BASE: hfUrl,
    ARXIV_API_BASE: arxivUrl,
    ARXIV_PDF_BASE: arxivUrl,
    ARXIV_PDF_PAUSE_MS: "0",
  };
}

describe("paperbot fulltext", () => {
  it("reads arXiv's PDFs, one line per paper, resumable; failures are recorded and not fetched again unless --retry", async () => {
    const e = await env();
    expect((await runCli(["add", LRAGENT, POP, "2602.07803"], e)).code).toBe(0);
    arxiv!.pdfs.set(LRAGENT, await paperPdf(lragentPdf));
    arxiv!.pdfs.set("2602.07803", new TextEncoder().encode("<html>Not a PDF</html>"));
    const r = await runCli(["fulltext", LRAGENT, POP, "2602.07803"], e);
    expect(r.stdout.trim().split("\n")).toEqual([
      `${LRAGENT}: read 3 pages`,
      `${POP}: no PDF (arXiv has no PDF of it)`,
      "2602.07803: failed: the file is not a PDF",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toBe("paperbot: 1 of 3 papers could not be read");

    const fetched = arxiv!.requests.filter((q) => q.path.startsWith("/pdf/")).length;
    const again = await runCli(["fulltext", LRAGENT, "2602.07803"], e);
    expect(again.stdout.trim().split("\n")).toEqual([
      `${LRAGENT}: already read (3 pages)`,
      "2602.07803: failed before: the file is not a PDF (--retry tries again)",
    ]);
    expect(arxiv!.requests.filter((q) => q.path.startsWith("/pdf/")).length).toBe(fetched);

    arxiv!.pdfs.set("2602.07803", await paperPdf({ ...popPdf, title: "SoulX-Singer: Towards High-Quality Zero-Shot Singing Voice Synthesis" }));
    const retried = await runCli(["fulltext", "--retry", "2602.07803"], e);
    expect(retried.stdout.trim()).toBe("2602.07803: read 3 pages");
    expect(retried.code).toBe(0);
  });

  it("--group reads the group's added papers; an answer then quotes the body with its page, and --json carries page and paperId", async () => {
    const e = await env();
    await runCli(["add", LRAGENT], e);
    arxiv!.pdfs.set(LRAGENT, await paperPdf(lragentPdf));
    const group = await runCli(["fulltext", "--group"], e);
    expect(group.stdout).toContain(`${LRAGENT}: read 3 pages`);

    const ask = await runCli(["ask", "--json", "Which GPUs was LRAgent evaluated on?"], e);
    const result = JSON.parse(ask.stdout) as {
      passages: { n: number; paperId: string; page?: number; text: string }[];
      citations: { paperId: string; pages?: number[] }[];
    };
    const quoted = result.passages.find((p) => p.text.includes("eight NVIDIA H100 GPUs"));
    expect(quoted).toMatchObject({ paperId: LRAGENT, page: 2 });
    expect(result.citations.find((c) => c.paperId === LRAGENT)?.pages).toContain(2);
    // Abstract-only sources carry no page.
    for (const p of result.passages.filter((x) => x.paperId !== LRAGENT)) expect(p.page).toBeUndefined();

    // --paper: answered from that paper alone, named loosely.
    const one = JSON.parse((await runCli(["ask", "--json", "--paper", "lragent", "which GPUs did they use?"], e)).stdout) as typeof result;
    expect(one.citations.map((c) => c.paperId)).toEqual([LRAGENT]);
    expect(one.passages.some((p) => p.text.includes("eight NVIDIA H100 GPUs") && p.page === 2)).toBe(true);
    const unknown = await runCli(["ask", "--paper", "zzzqqq nonexistent", "what hardware?"], e);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/zzzqqq nonexistent/);

    const text = await runCli(["ask", "Which GPUs was LRAgent evaluated on?"], e);
    expect(text.stdout).toMatch(/“[^”]*eight NVIDIA H100 GPUs[^”]*” \[1, p\. 2\]/);
  });
});

/** A counter's value in this process's metrics registry (runCli runs in process), 0 when it has no such series. */
async function counter(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return metric.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
}

describe("full text limits and metrics", () => {
  it("stays within PAPERBOT_FULLTEXT_MAX_MB by dropping the least recently used texts of papers no group has first", async () => {
    const e: Record<string, string> = { ...(await env()), PAPERBOT_FULLTEXT_MAX_MB: "0" };
    expect((await runCli(["ingest", "hf", "--file", path.join(corpusDir, "2026-02-04.json")], e)).code).toBe(0);
    expect((await runCli(["add", LRAGENT], e)).code).toBe(0);
    for (const id of [LRAGENT, POP, "2602.03216"]) arxiv!.pdfs.set(id, await paperPdf({ ...lragentPdf, title: `Paper ${id}` }));
    const read = async () =>
      new Database(e.PAPERBOT_DB!, { readonly: true })
        .prepare("SELECT paper_id FROM paper_texts WHERE status = 'read' ORDER BY paper_id")
        .pluck()
        .all();

    const before = await counter("paperbot_fulltext_read_total", { source: "arxiv" });
    expect((await runCli(["fulltext", LRAGENT], e)).code).toBe(0);
    expect((await runCli(["fulltext", POP], e)).code).toBe(0);
    // Over the cap: POP, no group's paper, was read last and stays; LRAgent, the installation's own, goes as nothing else can.
    expect(await read()).toEqual([POP]);
    expect((await runCli(["fulltext", "--retry", LRAGENT], e)).code).toBe(0);
    expect(await read()).toEqual([LRAGENT]);
    expect((await runCli(["fulltext", "2602.03216"], e)).code).toBe(0);
    expect(await read()).toEqual(["2602.03216"]);
    expect(await counter("paperbot_fulltext_read_total", { source: "arxiv" })).toBe(before + 4);
  });

  it("counts failures by reason and pages read", async () => {
    const e = await env();
    await runCli(["add", LRAGENT, POP], e);
    arxiv!.pdfs.set(LRAGENT, await paperPdf(lragentPdf));
    arxiv!.pdfs.set(POP, new TextEncoder().encode("%PDF-1.7 and then nothing a reader can use"));
    const [pages, damaged] = [
      await counter("paperbot_fulltext_pages_total"),
      await counter("paperbot_fulltext_failures_total", { reason: "corrupt" }),
    ];
    await runCli(["fulltext", LRAGENT, POP], e);
    expect(await counter("paperbot_fulltext_pages_total")).toBe(pages + 3);
    expect(await counter("paperbot_fulltext_failures_total", { reason: "corrupt" })).toBe(damaged + 1);
  });
});

describe("paperbot add --pdf", () => {
  it("adds a local PDF as a new paper with its full text, and refuses a file that is not a PDF in one line", async () => {
    const e = await env();
    const dir = tempDir();
    const good = path.join(dir, "elastic.pdf");
    fs.writeFileSync(
      good,
      await paperPdf({
        title: "Elastic Prefix Caching for Multi-Tenant Language Model Inference",
        authors: ["Ada Example"],
        abstract: "We present an elastic prefix cache that shares prompt prefixes across tenants of one GPU pool.",
        paragraphs: ["Tenants keep separate caches.", "On eight A100 GPUs the elastic cache raises throughput 2.4 times over vLLM."],
        perPage: 1,
      }),
    );
    const r = await runCli(["add", "--pdf", good], e);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^added \S+: Elastic Prefix Caching for Multi-Tenant Language Model Inference: read 2 pages$/);
    const search = await runCli(["search", "-k", "1", "elastic prefix cache tenants"], e);
    expect(search.stdout).toMatch(/^ 1\. Elastic Prefix Caching/);

    const bad = path.join(dir, "notes.pdf");
    fs.writeFileSync(bad, "just some notes");
    const refused = await runCli(["add", "--pdf", bad], e);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(`paperbot: ${bad}: the file is not a PDF`);
    const missing = await runCli(["add", "--pdf", path.join(dir, "nope.pdf")], e);
    expect(missing.stderr.trim()).toBe(`paperbot: cannot read ${path.join(dir, "nope.pdf")}: ENOENT`);
  });
});

describe("paperbot compare with full text", () => {
  it("says how each paper was evaluated and what it admits, citing pages; a model's invented page is removed", async () => {
    const e = await env();
    await runCli(["add", LRAGENT, POP], e);
    arxiv!.pdfs.set(LRAGENT, await paperPdf(lragentPdf));
    arxiv!.pdfs.set(POP, await paperPdf(popPdf));
    expect((await runCli(["fulltext", LRAGENT, POP], e)).code).toBe(0);

    const offline = await runCli(["compare", "--json", LRAGENT, POP], e);
    const c = (JSON.parse(offline.stdout) as { comparison: { a: Record<string, string>; b: Record<string, string> } }).comparison;
    expect(c.a.evidence).toMatch(/eight NVIDIA H100 GPUs.*\[A, p\. 2\]/);
    expect(c.a.limitations).toMatch(/assumes every adapter shares one base model.*\[A, p\. 3\]/);
    expect(c.b.evidence).toMatch(/four NVIDIA A100 GPUs.*\[B, p\. 2\]/);
    expect(c.b.limitations).toMatch(/\[B, p\. 3\]/);

    model = new FakeOpenAI();
    await model.start();
    const side = (tag: "A" | "B", page: number) => ({
      problem: `p [${tag}]`,
      approach: `a [${tag}]`,
      evidence: `Evaluated on GPUs [${tag}, p. 2].`,
      limitations: `States a limitation [${tag}, p. ${page}].`,
    });
    model.chatReplies.push({
      text: JSON.stringify({ a: side("A", 3), b: side("B", 99), differences: ["d [A][B]"], chooseA: "c [A]", chooseB: "c [B]" }),
    });
    const written = await runCli(["compare", "--json", LRAGENT, POP], { ...e, OPENAI_BASE_URL: model.url, OPENAI_MODEL: "fake" });
    const w = (JSON.parse(written.stdout) as { mode: string; comparison: { a: Record<string, string>; b: Record<string, string> } }).comparison;
    expect(w.a.limitations).toBe("States a limitation [A, p. 3].");
    expect(w.b.limitations).toBe("States a limitation [B].");
    const prompt = model.writingRequests
      .at(-1)!
      .messages.map((m) => m.content)
      .join("\n");
    expect(prompt).toContain("Passage, page 2");
    expect(prompt).toContain("eight NVIDIA H100 GPUs");
  });
});
