import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSeedPage } from "../src/ingest/parseSeedPage.js";
import { seedPage } from "./helpers/tmp.js";

const page = parseSeedPage(fs.readFileSync(seedPage, "utf8"));
const byTitle = (start: string) => page.papers.find((p) => p.title.startsWith(start))!;

describe("the bundled seed page", () => {
  it("yields exactly the 56 papers and skips the page chrome", () => {
    expect(page.papers).toHaveLength(56);
    expect(page.skipped).toEqual([]);
    expect(page.papers.map((p) => p.title)).not.toContain("Daily Papers");
    expect(page.papers[0]!.title).toBe("Cambricon-LLM: A Chiplet-Based Hybrid Architecture for On-Device Inference of 70B LLM");
    expect(page.papers.at(-1)!.title).toMatch(/^Are We There Yet\?/);
  });

  it("keeps the title's own typo and reads upvotes after the date", () => {
    const svd = byTitle("SVDQunat");
    expect(svd.title).toBe("SVDQunat: Absorbing Outliers by Low-Rank Components for 4-Bit Diffusion Models");
    expect(svd.publishedAt).toBe("2024-11-07");
    expect(svd.upvotes).toBe(3);
    expect(svd.authorCount).toBe(10);
    expect(byTitle("TPI-LLM").upvotes).toBe(8);
    expect(byTitle("Cambricon-LLM").upvotes).toBeUndefined(); // the page shows no count
  });

  it("reads an organisation line instead of an author count", () => {
    const memtrack = byTitle("MEMTRACK");
    expect(memtrack.organization).toBe("Patronus AI");
    expect(memtrack.authorCount).toBeUndefined();
    expect(memtrack.publishedAt).toBe("2025-10-01");
    expect(memtrack.upvotes).toBe(2);
  });

  it("keeps entries that have no metadata, with the next title intact", () => {
    for (const t of ["Learning Query-Aware Budget-Tier Routing", "Beyond Accuracy: Unveiling", "Finch: Benchmarking"]) {
      const p = byTitle(t);
      expect(p.publishedAt).toBeUndefined();
      expect(p.abstract.length).toBeGreaterThan(500);
    }
    expect(byTitle("POLCA").publishedAt).toBe("2023-08-24");
    expect(byTitle("Loghub").publishedAt).toBe("2020-08-14");
  });

  it("gives year-less dates the capture year, inferred from the newest explicit year", () => {
    expect(page.captureDate).toBe("2026-04-17");
    expect(byTitle("DualMap").publishedAt).toBe("2026-02-06");
    expect(byTitle("Gym-Anything").publishedAt).toBe("2026-04-06");
    expect(byTitle("Pervasive Annotation Errors").publishedAt).toBe("2026-01-13");
    const pinned = parseSeedPage(fs.readFileSync(seedPage, "utf8"), { captureYear: 2030 });
    expect(pinned.papers.find((p) => p.title.startsWith("DualMap"))!.publishedAt).toBe("2030-02-06");
  });

  it("keeps punctuation in titles", () => {
    expect(byTitle("T3:").title).toBe("T3: Transparent Tracking & Triggering for Fine-grained Overlap of Compute & Collectives");
    expect(byTitle("Doing More with Less").title).toContain(" -- ");
    expect(byTitle("Balancing Fairness").title).toMatch(/\(extended version\)$/);
  });
});

describe("a damaged page", () => {
  it("skips and reports stray text, and dates a year-less entry after the capture date in the year before", () => {
    const text = [
      "Daily Papers",
      "Mar 2",
      "Title One",
      "Abstract one.",
      "  • 2 authors\n·\nDec 30",
      "·\nJan 1, 2020",
      "Title Two",
      "Abstract two.",
      "  • 1 authors\n·\nJan 5, 2025 7",
    ].join("\n\n");
    const r = parseSeedPage(text);
    expect(r.papers.map((p) => [p.title, p.publishedAt, p.upvotes])).toEqual([
      ["Title One", "2025-12-30", undefined],
      ["Title Two", "2025-01-05", 7],
    ]);
    expect(r.skipped).toHaveLength(1);
  });
});
