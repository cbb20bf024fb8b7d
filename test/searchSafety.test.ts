import fc from "fast-check";
import { sqliteStores } from "../src/store/stores.js";
import { beforeEach, describe, expect, it } from "vitest";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { Retriever } from "../src/retrieval/retriever.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { seedPage, tempStore } from "./helpers/tmp.js";

describe("search on any user text", () => {
  let store: PaperStore;
  beforeEach(async () => {
    ({ store } = tempStore());
    await ingestSeedPage(sqliteStores(store), seedPage);
  });

  it("never raises an FTS5 syntax error on query operators, punctuation, emoji or other scripts", async () => {
    const nasty = [
      '"',
      '""',
      "'",
      "AND",
      "OR",
      "NOT",
      "NEAR",
      "NEAR(a b, 2)",
      "*",
      "a*",
      "-",
      "--",
      ":",
      "title:foo",
      "(",
      ")",
      "()",
      "^",
      "{title}: x",
      "🚀",
      "日本語の論文",
      "Привет",
      "ﷺ",
      "\u0000",
      "\\",
      "kv-cache",
      "AND OR NOT",
      "+",
      "a OR",
      "",
    ];
    const r = new Retriever(sqliteStores(store));
    for (const q of nasty) await expect(r.retrieve(q)).resolves.toBeDefined();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 60 }), fc.string({ maxLength: 20 }), async (a, b) => {
        const { hits } = await r.retrieve(`${a} ${b} serving`);
        expect(hits.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it("still finds a paper when the words come wrapped in operators and punctuation", async () => {
    const { hits } = await new Retriever(sqliteStores(store)).retrieve('"NanoFlow" AND (throughput*) -serving:');
    expect(hits[0]?.paper.title).toMatch(/^NanoFlow/);
  });
});
