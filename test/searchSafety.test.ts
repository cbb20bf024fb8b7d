import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { searchBm25 } from "../src/retrieval/searchBm25.js";
import type { PaperStore } from "../src/store/paperStore.js";
import { seedPage, tempStore } from "./helpers/tmp.js";

describe("search on any user text", () => {
  let store: PaperStore;
  beforeEach(async () => {
    ({ store } = tempStore());
    await ingestSeedPage(store, seedPage);
  });

  it("never raises an FTS5 syntax error on query operators, punctuation, emoji or other scripts", () => {
    const nasty = [
      '"', '""', "'", "AND", "OR", "NOT", "NEAR", "NEAR(a b, 2)", "*", "a*", "-", "--", ":", "title:foo", "(", ")", "()",
      "^", "{title}: x", "🚀", "日本語の論文", "Привет", "ﷺ", "\u0000", "\\", "kv-cache", "AND OR NOT", "+", "a OR", "",
    ];
    for (const q of nasty) expect(() => searchBm25(store, q)).not.toThrow();
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), fc.string({ maxLength: 20 }), (a, b) => {
        const results = searchBm25(store, `${a} ${b} serving`);
        expect(Array.isArray(results)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("still finds a paper when the words come wrapped in operators and punctuation", () => {
    expect(searchBm25(store, '"NanoFlow" AND (throughput*) -serving:')[0]?.paper.title).toMatch(/^NanoFlow/);
  });
});
