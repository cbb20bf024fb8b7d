import type { Logger } from "../config/logger.js";
import type { Paper } from "../store/paper.js";
import type { PaperStore } from "../store/paperStore.js";
import { hasVectors, vectorSearch } from "../store/vectors.js";
import type { OpenAICompatibleEmbeddings } from "./embeddings.js";
import { assessCoverage, COVERAGE, RELATIVE_CUT, type Coverage } from "./coverage.js";
import { LexicalRanker } from "./lexicalRanker.js";
import { TermStats } from "./termStats.js";

export interface ScoredPaper {
  paper: Paper;
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
  private readonly stats: TermStats;
  private readonly lexical: LexicalRanker;
  private seenVersion?: string;

  constructor(
    readonly store: PaperStore,
    private readonly deps: { embeddings?: OpenAICompatibleEmbeddings; log?: Logger } = {},
  ) {
    this.stats = new TermStats(store);
    this.lexical = new LexicalRanker(store, this.stats);
  }

  async retrieve(query: string, opts: RetrieveOptions = {}): Promise<Retrieval> {
    const k = opts.k ?? 10;
    // Papers added or changed since the last search (the daily digest, an ingest) make cached text and counts stale.
    const version = this.store.version();
    if (version !== this.seenVersion) {
      if (this.seenVersion !== undefined) this.invalidate();
      this.seenVersion = version;
    }
    const vectors = this.vectorsAvailable();
    const lex = this.lexical.rank(query, {
      k: vectors ? Math.max(k, FUSION_DEPTH) : k,
      prf: opts.prf ?? true,
      postingBudget: opts.exhaustive ? Infinity : undefined,
    });
    const coverage = assessCoverage(query, lex, this.stats.collection().n);
    let covered = coverage.covered;
    let ranked = lex.hits.map((h) => ({ rowid: h.rowid, score: h.score }));
    let mode: Retrieval["mode"] = "lexical";
    const cut = (lex.hits[0]?.score ?? 0) * RELATIVE_CUT;
    const relevant = new Set(lex.hits.filter((h) => h.score >= cut).map((h) => h.rowid));

    const dense = vectors ? await this.denseHits(query) : undefined;
    if (dense?.length) {
      mode = "hybrid";
      covered ||= dense[0]!.distance <= VECTOR_COVERED_DISTANCE;
      for (const h of dense) if (h.distance <= VECTOR_COVERED_DISTANCE) relevant.add(h.rowid);
      ranked = fuseByRank([lex.hits.map((h) => h.rowid), dense.map((h) => h.rowid)]);
    }
    const top = ranked.slice(0, k);
    const papers = this.store.getByRowids(top.map((h) => h.rowid));
    return {
      hits: top.flatMap((h) => (papers.has(h.rowid) ? [{ paper: papers.get(h.rowid)!, score: h.score, relevant: relevant.has(h.rowid) }] : [])),
      covered: covered && top.length > 0,
      coverage,
      mode,
    };
  }

  /** Forgets cached paper text and word counts (done automatically when the collection changes). */
  invalidate(): void {
    this.stats.invalidate();
    this.lexical.invalidate();
  }

  private vectorsAvailable(): boolean {
    const e = this.deps.embeddings;
    return Boolean(e && hasVectors(this.store.db, e.model));
  }

  private async denseHits(query: string) {
    const e = this.deps.embeddings!;
    try {
      return vectorSearch(this.store.db, e.model, await e.embedQuery(query), FUSION_DEPTH);
    } catch (err) {
      this.deps.log?.warn({ err }, "query embedding failed; searching without vectors");
      return undefined;
    }
  }
}

/** Reciprocal rank fusion: each list adds 1 / (60 + rank) for every paper it holds. */
export function fuseByRank(lists: number[][]): { rowid: number; score: number }[] {
  const scores = new Map<number, number>();
  for (const list of lists) list.forEach((rowid, i) => scores.set(rowid, (scores.get(rowid) ?? 0) + 1 / (RRF_K + i + 1)));
  return [...scores.entries()].map(([rowid, score]) => ({ rowid, score })).sort((a, b) => b.score - a.score || a.rowid - b.rowid);
}
