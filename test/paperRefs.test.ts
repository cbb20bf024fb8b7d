import { describe, expect, it } from "vitest";
import { MAX_PAPER_REFS, PaperRefError, parsePaperRefs } from "../src/ingest/paperRefs.js";

const ids = (text: string) => parsePaperRefs(text).map((r) => (r.version ? `${r.arxivId}v${r.version}` : r.arxivId));

describe("reading the papers /add and `paperbot add` are given", () => {
  it("reads bare ids, versions, arXiv: prefixes and old-style ids", () => {
    expect(ids("2602.01234")).toEqual(["2602.01234"]);
    expect(ids("2602.01234v2")).toEqual(["2602.01234v2"]);
    expect(ids("arXiv:2411.18424")).toEqual(["2411.18424"]);
    expect(ids("1412.6980")).toEqual(["1412.6980"]);
    expect(ids("cs/0112017")).toEqual(["cs/0112017"]);
    expect(ids("math.GT/0309136v1")).toEqual(["math.GT/0309136v1"]);
  });

  it("reads arxiv.org and huggingface.co links, with or without the scheme", () => {
    expect(ids("https://arxiv.org/abs/2602.01234")).toEqual(["2602.01234"]);
    expect(ids("arxiv.org/pdf/2602.01234v2")).toEqual(["2602.01234v2"]);
    expect(ids("https://arxiv.org/pdf/2602.01234v3.pdf")).toEqual(["2602.01234v3"]);
    expect(ids("http://export.arxiv.org/abs/cs/0112017v1")).toEqual(["cs/0112017v1"]);
    expect(ids("https://huggingface.co/papers/2602.01234")).toEqual(["2602.01234"]);
    expect(ids("huggingface.co/papers/2602.01234?utm=x#comments")).toEqual(["2602.01234"]);
    expect(ids("<https://arxiv.org/abs/2602.01234/>")).toEqual(["2602.01234"]);
  });

  it("takes several, separated by spaces or commas, and counts a repeated paper once", () => {
    expect(ids("2602.01234, https://arxiv.org/abs/2602.04321  2602.01234v2,cs/0112017")).toEqual(["2602.01234", "2602.04321", "cs/0112017"]);
  });

  it("rejects bad ids and links with a short message naming them", () => {
    for (const bad of [
      "hello",
      "2602.1234",
      "2613.01234",
      "0612.01234",
      "1412.06980",
      "2602.01234x",
      "https://example.com/abs/2602.01234",
      "arxiv.org/list/cs.DC",
      "huggingface.co/models/2602.01234",
      "2602.01234/../x",
    ]) {
      expect(() => parsePaperRefs(bad), bad).toThrow(PaperRefError);
    }
    expect(() => parsePaperRefs("2602.01234 nonsense")).toThrow(/^“nonsense” is not an arXiv id or link \(try 2602\.01234/);
    expect(() => parsePaperRefs("a b")).toThrow(/^“a”, “b” are not arXiv ids or links/);
    expect(() => parsePaperRefs(" , ")).toThrow(/^Give an arXiv id or link/);
    expect(() => parsePaperRefs("x".repeat(500))).toThrow(/^“x{59}…” is not/);
  });

  it("takes at most a handful at a time", () => {
    const many = Array.from({ length: MAX_PAPER_REFS + 1 }, (_, i) => `2602.0${1000 + i}`).join(" ");
    expect(() => parsePaperRefs(many)).toThrow(/^That is 6 papers; add at most 5 at a time\.$/);
    expect(parsePaperRefs(many.split(" ").slice(0, MAX_PAPER_REFS).join(" "))).toHaveLength(MAX_PAPER_REFS);
  });
});
