import MiniSearch from "minisearch";
import { create, insertMultiple, search as oramaSearch } from "@orama/orama";
import { Document } from "@langchain/core/documents";
import { BM25Retriever } from "@langchain/community/retrievers/bm25";
import type { Paper } from "../src/store/paper.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { tokenize, ftsOrQuery } from "../src/text/queryTerms.js";

/** A search engine under test: returns paper ids, best first. */
export interface Engine {
  name: string;
  search(query: string, k: number): Promise<string[]> | string[];
}

/** Plain SQLite FTS5: every word of the question OR-ed, default bm25() (no field weights, no stop words). */
export function plainFts(store: PaperStore): Engine {
  const stmt = store.db.prepare(
    "SELECT p.id FROM papers_fts JOIN papers p ON p.rowid = papers_fts.rowid WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts) LIMIT ?",
  );
  return {
    name: "SQLite FTS5 BM25 (OR of all words)",
    search: (q, k) => {
      const words = [...new Set(tokenize(q))];
      return words.length ? (stmt.all(ftsOrQuery(words), k) as { id: string }[]).map((r) => r.id) : [];
    },
  };
}

export function miniSearch(papers: Paper[], tuned: boolean): Engine {
  const ms = new MiniSearch<{ id: string; title: string; abstract: string }>({ fields: ["title", "abstract"] });
  ms.addAll(papers.map((p) => ({ id: p.id, title: p.title, abstract: p.abstract })));
  const opts = tuned ? { boost: { title: 2 }, prefix: true, fuzzy: 0.2 } : {};
  return {
    name: tuned ? "MiniSearch (title boost 2, prefix, fuzzy 0.2)" : "MiniSearch (defaults)",
    search: (q, k) =>
      ms
        .search(q, opts)
        .slice(0, k)
        .map((r) => String(r.id)),
  };
}

export async function orama(papers: Paper[]): Promise<Engine> {
  const db = create({ schema: { pid: "string", title: "string", abstract: "string" } as const });
  await insertMultiple(
    db,
    papers.map((p) => ({ pid: p.id, title: p.title, abstract: p.abstract })),
  );
  return {
    name: "Orama (BM25, title boost 2)",
    search: async (q, k) => {
      const r = await oramaSearch(db, { term: q, properties: ["title", "abstract"], boost: { title: 2 }, limit: k });
      return r.hits.map((h) => (h.document as { pid: string }).pid);
    },
  };
}

export function langchainBm25(papers: Paper[]): Engine {
  const docs = papers.map((p) => new Document({ pageContent: `${p.title}\n\n${p.abstract}`, metadata: { id: p.id } }));
  const byK = new Map<number, BM25Retriever>();
  return {
    name: "LangChain BM25Retriever",
    search: async (q, k) => {
      const r = byK.get(k) ?? byK.set(k, BM25Retriever.fromDocuments(docs, { k })).get(k)!;
      return (await r.invoke(q)).map((d) => String(d.metadata.id));
    },
  };
}
