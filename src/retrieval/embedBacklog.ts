import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Logger } from "../config/logger.js";
import { noProgress, type Progress } from "../config/progress.js";
import type { Stores } from "../store/stores.js";
import type { PendingPaper } from "../store/vectors.js";
import { embeddingText } from "./embeddings.js";

export interface EmbedSummary {
  embedded: number;
  /** Papers whose vector was already current when the run started. */
  upToDate: number;
  /** Papers still without a current vector when the run ended. */
  remaining: number;
  seconds: number;
}

export interface EmbedBacklogOptions {
  /** Papers per request and per commit. */
  batchSize?: number;
  progress?: (total: number) => Progress;
  log?: Logger;
  /** Only these papers (those an ingest added or changed), not the whole backlog. */
  onlyIds?: readonly string[];
}

/**
 * Embeds every paper whose vector for `model` is missing or stale, committing batch by batch:
 * a run that stops halfway keeps what it did, and the next one starts where it stopped.
 */
export async function embedBacklog(
  stores: Pick<Stores, "papers" | "vectors">,
  embeddings: EmbeddingsInterface,
  model: string,
  opts: EmbedBacklogOptions = {},
): Promise<EmbedSummary> {
  const t0 = performance.now();
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 64));
  const listed = opts.onlyIds && (await stores.vectors.pending(model, [...(await stores.papers.getMany(opts.onlyIds)).values()]));
  const pending = listed ? listed.length : await stores.vectors.countPending(model);
  const considered = opts.onlyIds ? new Set(opts.onlyIds).size : await stores.papers.count();
  const s: EmbedSummary = { embedded: 0, upToDate: considered - pending, remaining: pending, seconds: 0 };
  const progress = opts.progress?.(pending) ?? noProgress;
  let after: string | undefined;
  try {
    for (;;) {
      let batch: PendingPaper[];
      if (listed) batch = listed.slice(s.embedded, s.embedded + batchSize);
      else ({ papers: batch, next: after } = await stores.vectors.backlog(model, batchSize, after));
      if (!batch.length) break;
      const vectors = await embeddings.embedDocuments(batch.map(embeddingText));
      if (vectors.length !== batch.length) throw new Error(`got ${vectors.length} vectors for ${batch.length} papers`);
      await stores.vectors.save(
        model,
        batch.map((p, i) => ({ paperId: p.id, hash: p.hash, vector: vectors[i]! })),
      );
      s.embedded += batch.length;
      // Papers added while the run goes are embedded too, so this can pass `pending`.
      s.remaining = Math.max(0, pending - s.embedded);
      progress.update(Math.min(s.embedded, pending), `${s.embedded} papers`);
      opts.log?.debug({ model, embedded: s.embedded, pending }, "embedded a batch");
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`embedding stopped after ${s.embedded} of ${pending} papers (run it again to continue): ${message}`, { cause: err });
  } finally {
    progress.stop();
  }
  s.seconds = (performance.now() - t0) / 1000;
  opts.log?.info({ model, ...s }, "embedding backlog done");
  return s;
}

/** "embedded 56 papers with nomic-embed-text, 0 already up to date, 0 remaining, 1.20 s" */
export function formatEmbedSummary(model: string, s: EmbedSummary): string {
  return `embedded ${s.embedded} papers with ${model}, ${s.upToDate} already up to date, ` + `${s.remaining} remaining, ${s.seconds.toFixed(2)} s`;
}
