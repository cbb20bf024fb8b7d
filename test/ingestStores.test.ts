// The ingests through the async stores, on SQLite and PostgreSQL alike: the bundled seed page into an empty
// collection, then the feed month as a bulk load, give the same summaries and leave the same papers on both.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { addToCollection } from "../src/ingest/addToCollection.js";
import { ensureSeeded } from "../src/ingest/ensureSeeded.js";
import { ingestHfFiles } from "../src/ingest/ingestHf.js";
import type { IngestSummary } from "../src/ingest/summary.js";
import { createEmbeddings } from "../src/retrieval/embeddings.js";
import { EVERY_GROUP } from "../src/store/groupPapers.js";
import { postgresStores, sqliteStores, type Stores } from "../src/store/stores.js";
import { FakeOpenAI } from "./fakes/openai.js";
import { havePostgres, migratedSchemaForFile } from "./helpers/postgres.js";
import { corpusDir, seedPage, tempStore } from "./helpers/tmp.js";

/** What the seed page and the feed month did to a new collection, and what it holds after. */
async function ingestBoth(stores: Stores) {
  const seeded = await ensureSeeded(stores, seedPage);
  const again = await ensureSeeded(stores, seedPage);
  const feed = await addToCollection({ stores }, () => ingestHfFiles(stores.papers, corpusDir));
  const { seconds: _, ...month } = feed.summary;
  const seedIds = (await stores.groupPapers.list(EVERY_GROUP, "seed", { limit: 1000 })).map((g) => g.paperId).sort();
  return {
    seed: seeded && withoutTime(seeded),
    again,
    month,
    mergedSeconds: feed.mergedSeconds,
    count: await stores.papers.count(),
    seedIds,
    // A seed paper that met its feed twin: one record with the feed's arXiv id and the seed's id.
    merged: await stores.papers.get("2602.06025"),
  };
}

const withoutTime = ({ seconds: _, ...rest }: IngestSummary) => rest;

const withPostgres = havePostgres();
const schema = withPostgres ? migratedSchemaForFile() : undefined;

describe("ingesting through the stores", () => {
  it("on SQLite: the seed page once, then the feed month, with the summaries the CLI prints", async () => {
    const got = await ingestBoth(sqliteStores(tempStore().store));
    expect(got.seed).toMatchObject({ added: 56, updated: 0, unchanged: 0 });
    expect(got.again).toBeUndefined();
    expect(got.month).toMatchObject({ read: 776, added: 775, updated: 1, unchanged: 0, skipped: 0 });
    expect(got.month.changedIds).toHaveLength(776);
    expect(got.count).toBe(56 + 775);
    expect(got.merged).toMatchObject({ id: "learning-query-aware-budget-tier-routing-for-runtime-agent-memory", source: "hf" });
    expect(got.seedIds).toHaveLength(56);
    expect(got.mergedSeconds).toBeUndefined();
  });

  if (withPostgres)
    it("on PostgreSQL: the same summaries, papers and seed marks as on SQLite", async () => {
      const sqlite = await ingestBoth(sqliteStores(tempStore().store));
      const pg = await ingestBoth(await postgresStores(schema!.pool(), "test"));
      const { firstSeenAt: _a, updatedAt: _b, ...merged } = sqlite.merged!;
      expect(pg.merged).toMatchObject(merged);
      expect({ ...pg, merged: undefined }).toEqual({ ...sqlite, merged: undefined });
    }, 120_000);

  it("on SQLite with an embedding model: the papers a load adds get their vectors at once", async () => {
    const fake = new FakeOpenAI();
    try {
      const embeddings = createEmbeddings({ openai: { baseUrl: await fake.start(), embeddingModel: "fake-embed" } }, { maxRetries: 0 })!;
      const stores = sqliteStores(tempStore().store);
      const added = await addToCollection({ stores, embeddings }, () => ingestHfFiles(stores.papers, path.join(corpusDir, "2026-02-02.json")));
      expect(added.embedError).toBeUndefined();
      expect(added.summary.added).toBeGreaterThan(0);
      expect(added.embedded).toMatchObject({ embedded: added.summary.added, remaining: 0 });
      expect(await stores.vectors.hasVectors("fake-embed")).toBe(true);
    } finally {
      await fake.stop();
    }
  });
});
