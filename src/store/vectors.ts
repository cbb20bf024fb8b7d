import { createHash } from "node:crypto";

/** sqlite-vec's limits on a vector's length and on the k of one query (PostgreSQL keeps the same). */
export const MAX_DIM = 8192;
export const MAX_K = 4096;

/** A paper to embed, as the paper store has it. */
export interface PaperToEmbed {
  id: string;
  title: string;
  abstract: string;
}

/** A paper whose vector for a model is missing, another model's, or made from text that has since changed. */
export interface PendingPaper extends PaperToEmbed {
  /** `contentHash(model, title, abstract)`: saved with the vector. */
  hash: string;
}

export interface PaperVector {
  paperId: string;
  /** The `contentHash` of the text the vector was made from. */
  hash: string;
  vector: ArrayLike<number>;
}

export interface PaperVectorHit {
  paperId: string;
  /** Cosine distance: 0 is the same direction, 2 the opposite. */
  distance: number;
}

/**
 * Papers' dense vectors, in either store (SQLite or PostgreSQL), named by paper id. A paper holds one
 * vector, from the model that embedded it last: saving another model's vector replaces it, and the paper
 * is then pending for the first model again.
 */
export interface VectorStore {
  /** Which of `papers` need a vector from `model`, in the order given. */
  pending(model: string, papers: readonly PaperToEmbed[]): Promise<PendingPaper[]>;
  /** Stores vectors in one transaction, replacing the papers' older ones; throws on a bad length or a non-finite number. */
  save(model: string, rows: readonly PaperVector[], now?: Date): Promise<void>;
  /** The `k` papers nearest to `query` among those embedded by `model`, nearest first; empty when there are none. */
  search(model: string, query: ArrayLike<number>, k: number): Promise<PaperVectorHit[]>;
  hasVectors(model: string): Promise<boolean>;
  /**
   * A walk over every paper needing a vector from `model`, in the order papers were added: up to `limit` of them after
   * the place `after` (a `next` of the previous call; none to start), and where the next call goes on from.
   */
  backlog(model: string, limit: number, after?: string): Promise<{ papers: PendingPaper[]; next?: string }>;
  /** How many papers need a vector from `model` (each paper's text hashed: a walk over them all). */
  countPending(model: string): Promise<number>;
}

/** Throws unless every vector has a length sqlite-vec takes and only finite numbers. */
export function checkVectors(rows: readonly { vector: ArrayLike<number> }[], name: (i: number) => string): void {
  rows.forEach((r, i) => {
    if (!validDim(r.vector.length)) throw new Error(`a vector of length ${r.vector.length} (expected 1 to ${MAX_DIM})`);
    for (let j = 0; j < r.vector.length; j++)
      if (!Number.isFinite(r.vector[j])) throw new Error(`the vector for paper ${name(i)} is not all finite numbers`);
  });
}

export function contentHash(model: string, title: string, abstract: string): string {
  return createHash("sha256")
    .update(JSON.stringify([model, title, abstract]))
    .digest("hex");
}

export const validDim = (dim: number) => Number.isInteger(dim) && dim >= 1 && dim <= MAX_DIM;
