import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { lookUpArxivPaper, parseArxivAnswer } from "../src/ingest/arxivApi.js";
import { lookUpHfPaper } from "../src/ingest/hfPaper.js";
import { FakeArxiv } from "./fakes/arxiv.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";

const servers: http.Server[] = [];
const fakes: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  for (const f of fakes.splice(0)) await f.stop();
});

/** A server that takes requests and never answers. */
async function silentServer(): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const s = http.createServer(() => void hits++);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits: () => hits };
}

const quick = { timeoutMs: 200, baseDelayMs: 1 };

describe("paper lookups", () => {
  it("gives up on a silent upstream after its timeout and a bounded number of tries", async () => {
    const silent = await silentServer();
    expect(await lookUpHfPaper(silent.url, "2602.01053", quick)).toEqual({ kind: "failed", problem: "did not answer within 1 s" });
    expect(silent.hits()).toBe(3);
    expect(await lookUpArxivPaper(silent.url, "2602.01053", { ...quick, timeoutMs: 1000, retries: 0 })).toEqual({
      kind: "failed",
      problem: "did not answer within 1 s",
    });
  });

  it("recovers from a 500 and a dropped connection on retry", async () => {
    const hf = new FakeHuggingFace();
    fakes.push(hf);
    hf.papers.set("2602.01053", { id: "2602.01053", title: "LRAgent", summary: "KV cache sharing.", authors: [{ name: "A" }], upvotes: 3 });
    await hf.start();
    hf.failures.push({ status: 500 }, { status: 0, hangUp: true });
    const r = await lookUpHfPaper(hf.url, "2602.01053", quick);
    expect(r.kind).toBe("found");
    expect(hf.requests).toHaveLength(3);
    hf.failures.push({ status: 0, hangUp: true }, { status: 0, hangUp: true }, { status: 0, hangUp: true });
    expect(await lookUpHfPaper(hf.url, "2602.01053", quick)).toEqual({ kind: "failed", problem: "could not be reached" });
  });

  it("tells a 404 (unknown) from a 200 that is not a paper (failed)", async () => {
    const hf = new FakeHuggingFace();
    fakes.push(hf);
    await hf.start();
    expect(await lookUpHfPaper(hf.url, "2602.01053", quick)).toEqual({ kind: "unknown" });
    hf.paperBodies.set("2602.01053", JSON.stringify({ error: "Internal Error" }));
    const r = await lookUpHfPaper(hf.url, "2602.01053", quick);
    expect(r).toMatchObject({ kind: "failed", problem: expect.stringMatching(/^answered with something that is not a paper \(id: /) });
  });

  it("reads arXiv's Atom: the paper, an unknown id, arXiv's Error entry, and a body that is not a feed", async () => {
    const arxiv = new FakeArxiv().add({
      id: "cs/0112017",
      title: "A Very Long Title About Old-Style Identifiers That arXiv Wraps Across Several Lines Of The Feed",
      summary: "Old ids & <angle> brackets survive.",
      authors: ["A. Author", "B. Author"],
      published: "2001-12-14T10:00:00Z",
      primaryCategory: "cs.DC",
    });
    fakes.push(arxiv);
    await arxiv.start();
    const found = await lookUpArxivPaper(arxiv.url, "cs/0112017", quick);
    expect(found).toEqual({
      kind: "found",
      input: {
        arxivId: "cs/0112017",
        title: "A Very Long Title About Old-Style Identifiers That arXiv Wraps Across Several Lines Of The Feed",
        abstract: "Old ids & <angle> brackets survive.",
        authors: ["A. Author", "B. Author"],
        publishedAt: "2001-12-14",
        categories: ["cs.DC"],
        source: "arxiv",
      },
    });
    expect(await lookUpArxivPaper(arxiv.url, "2602.99999", quick)).toEqual({ kind: "unknown" });
    const error = await (await fetch(`${arxiv.url}/api/query?id_list=2602.1234`)).text();
    expect(parseArxivAnswer(error, "2602.1234")).toEqual({ kind: "unknown" });
    expect(parseArxivAnswer("<html><body>Bad gateway</body></html>", "2602.01053")).toMatchObject({
      kind: "failed",
      problem: expect.stringMatching(/not an Atom feed/),
    });
    expect(parseArxivAnswer("Rate exceeded.", "2602.01053")).toEqual({ kind: "failed", problem: "answered with something that is not XML" });
  });
});
