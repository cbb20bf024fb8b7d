import fs from "node:fs";
import { sqliteStores } from "../src/store/stores.js";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ingestArxivSnapshot } from "../src/ingest/ingestArxiv.js";
import { Retriever } from "../src/retrieval/retriever.js";
import { tempDir, tempStore } from "./helpers/tmp.js";

const line = (id: string, title: string, categories = "cs.DC") =>
  JSON.stringify({
    id,
    submitter: "Someone",
    authors: "Ada Lovelace, Charles Babbage and Alan Turing",
    authors_parsed: [
      ["Lovelace", "Ada", ""],
      ["Babbage", "Charles", ""],
      ["Turing", "Alan", ""],
    ],
    title: `${title}\n  continued`,
    abstract: `  We study ${title.toLowerCase()}.\n  It works well.\n`,
    categories,
    versions: [{ version: "v1", created: "Mon, 2 Apr 2007 19:18:42 GMT" }],
    update_date: "2008-11-13",
  });

describe("arXiv metadata snapshots", () => {
  it("streams JSON lines, skipping and counting broken ones", async () => {
    const file = path.join(tempDir(), "snapshot.json");
    fs.writeFileSync(
      file,
      [
        line("0704.0001", "Gossip protocols for membership"),
        "{ this is not json",
        JSON.stringify({ id: "0704.0002", title: "No abstract" }),
        line("hep-th/9901001", "Old style identifiers", "hep-th"),
        "",
        JSON.stringify({ id: "banana", title: "t", abstract: "a" }),
        line("2401.00001v3", "Versioned identifiers"),
      ].join("\n"),
    );
    const { store } = tempStore();
    const s = await ingestArxivSnapshot(sqliteStores(store).papers, file);
    expect(s).toMatchObject({ read: 6, added: 3, skipped: 3 });
    expect(s.reasons).toEqual({ "not JSON": 1, "missing title, abstract or id": 1, "bad arXiv id": 1 });
    const p = store.get("0704.0001")!;
    expect(p.title).toBe("Gossip protocols for membership continued");
    expect(p.abstract).toBe("We study gossip protocols for membership. It works well.");
    expect(p.authors).toEqual(["Ada Lovelace", "Charles Babbage", "Alan Turing"]);
    expect(p.publishedAt).toBe("2007-04-02");
    expect(p.categories).toEqual(["cs.DC"]);
    expect(p.links.arxiv).toBe("https://arxiv.org/abs/0704.0001");
    expect(store.get("2401.00001")?.title).toMatch(/^Versioned/);
    expect(store.get("hep-th/9901001")).toBeDefined();
    expect((await new Retriever(sqliteStores(store)).retrieve("gossip membership")).hits[0]?.paper.id).toBe("0704.0001");

    const again = await ingestArxivSnapshot(sqliteStores(store).papers, file);
    expect(again).toMatchObject({ added: 0, unchanged: 3 });
  });

  it("keeps only the requested category", async () => {
    const file = path.join(tempDir(), "snapshot.json");
    fs.writeFileSync(file, [line("0704.0001", "A"), line("0704.0002", "B", "hep-th math.CO")].join("\n"));
    const { store } = tempStore();
    await ingestArxivSnapshot(sqliteStores(store).papers, file, { category: "cs.DC" });
    expect(store.count()).toBe(1);
  });
});
