import type { Logger } from "../config/logger.js";
import type { StoredPaper } from "../store/paperRecords.js";
import type { Stores } from "../store/stores.js";
import { AsyncLexicalRanker } from "./asyncLexicalRanker.js";
import type { OpenAICompatibleEmbeddings } from "./embeddings.js";
import { assessCoverage, COVERAGE, RELATIVE_CUT, type Coverage } from "./coverage.js";

/** What a search reads: papers, their full-text index and their vectors; and their names, for the engine to resolve by. */
export type SearchStores = Pick<Stores, "papers" | "lexical" | "vectors" | "names">;

export interface ScoredPaper {
  paper: StoredPaper;
  score: number;
  /** Close enough to the best paper to quote: a lexical score of at least RELATIVE_CUT of the best, or a close vector. */
  relevant: boolean;
}

export interface RetrieveOptions {
  k?: number;
  /** RM3 query expansion (on by default: it raised R@5 and MRR on the development questions). */
  prf?: boolean;
  /** Query every word in stage one instead of the rarest ones only (slower; for measuring what pruning costs). */
  exhaustive?: boolean;
}

export interface Retrieval {
  hits: ScoredPaper[];
  /** False when nothing in the collection looks relevant: answer "not covered" rather than guess. */
  covered: boolean;
  /** The offline "not covered" signals behind `covered` (before vectors had their say). */
  coverage: Coverage;
  mode: "lexical" | "hybrid";
}

/** Below this best-score-per-ln(papers), the best paper shares too little of the question's vocabulary to be about it. */
export const RELEVANCE_THRESHOLD = COVERAGE.relevance;
/** Cosine distance under which a paper's vector counts as about the question (similarity 0.7). */
export const VECTOR_COVERED_DISTANCE = 0.3;
const RRF_K = 60;
const FUSION_DEPTH = 50;

/**
 * The search behind /ask, /search and the CLI: two-stage BM25F with RM3, fused by reciprocal rank
 * with dense vectors when an embedding model is configured and the collection has vectors.
 */
export class Retriever {
  private readonly lexical: AsyncLexicalRanker;
  private seenVersion?: string;

  constructor(
    readonly stores: SearchStores,
    private readonly deps: { embeddings?: OpenAICompatibleEmbeddings; log?: Logger } = {},
  ) {
    this.lexical = new AsyncLexicalRanker(stores.lexical);
  }

  async retrieve(query: string, opts: RetrieveOptions = {}): Promise<Retrieval> {
    const k = opts.k ?? 10;
    // Papers added or changed since the last search (the daily digest, an ingest) make cached text and counts stale.
    const version = await this.stores.papers.version();
    if (version !== this.seenVersion) {
      if (this.seenVersion !== undefined) this.invalidate();
      this.seenVersion = version;
    }
    const vectors = await this.vectorsAvailable();
    const lex = await this.lexical.rank(query, {
      k: vectors ? Math.max(k, FUSION_DEPTH) : k,
      prf: opts.prf ?? true,
      postingBudget: opts.exhaustive ? Infinity : undefined,
    });
    const coverage = assessCoverage(query, lex, await this.lexical.collectionSize());
    let covered = coverage.covered;
    let ranked = lex.hits.map((h) => ({ id: h.id, score: h.score }));
    let mode: Retrieval["mode"] = "lexical";
    const cut = (lex.hits[0]?.score ?? 0) * RELATIVE_CUT;
    const relevant = new Set(lex.hits.filter((h) => h.score >= cut).map((h) => h.id));

    const dense = vectors ? await this.denseHits(query) : undefined;
    if (dense?.length) {
      mode = "hybrid";
      covered ||= dense[0]!.distance <= VECTOR_COVERED_DISTANCE;
      for (const h of dense) if (h.distance <= VECTOR_COVERED_DISTANCE) relevant.add(h.paperId);
      ranked = fuseByRank([lex.hits.map((h) => h.id), dense.map((h) => h.paperId)]);
    }
    const top = ranked.slice(0, k);
    const papers = top.length ? await this.stores.papers.getMany(top.map((h) => h.id)) : new Map<string, StoredPaper>();
    return {
      hits: top.flatMap((h) => (papers.has(h.id) ? [{ paper: papers.get(h.id)!, score: h.score, relevant: relevant.has(h.id) }] : [])),
      covered: covered && top.length > 0,
      coverage,
      mode,
    };
  }

  /** Forgets cached paper text and word counts (done automatically when the collection changes). */
  invalidate(): void {
    this.lexical.invalidate();
  }

  private async vectorsAvailable(): Promise<boolean> {
    const e = this.deps.embeddings;
    return Boolean(e && (await this.stores.vectors.hasVectors(e.model)));
  }

  private async denseHits(query: string) {
    const e = this.deps.embeddings!;
    try {
      return await this.stores.vectors.search(e.model, await e.embedQuery(query), FUSION_DEPTH);
    } catch (err) {
      this.deps.log?.warn({ err }, "query embedding failed; searching without vectors");
      return undefined;
    }
  }
}

/** Reciprocal rank fusion: each list adds 1 / (60 + rank) for every paper it holds; ties by paper id. */
export function fuseByRank(lists: string[][]): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const list of lists) list.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (RRF_K + i + 1)));
  return [...scores.entries()].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
