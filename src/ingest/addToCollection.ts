import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Logger } from "../config/logger.js";
import { papersAdded } from "../metrics/metrics.js";
import { embedBacklog, type EmbedSummary } from "../retrieval/embedBacklog.js";
import type { Stores } from "../store/stores.js";
import type { Progress } from "../config/progress.js";
import { CHANGED_IDS_KEPT, type IngestSummary } from "./summary.js";

/** An ingest this large leaves the search index in many segments; merging them speeds up every search. */
export const BULK_LOAD = 1000;

/** Where new papers go, and what makes them searchable: the embedding model when one is configured. */
export interface PaperCollection {
  stores: Stores;
  embeddings?: EmbeddingsInterface & { readonly model: string };
  log?: Logger;
  progress?: (label: string, total: number) => Progress;
}

export interface Added {
  summary: IngestSummary;
  /** Seconds spent merging index segments, after a bulk load. */
  mergedSeconds?: number;
  /** The new and changed papers' vectors, with an embedding model. */
  embedded?: EmbedSummary;
  /** Why embedding failed; the papers are saved and `paperbot embed` catches up. */
  embedError?: string;
}

/**
 * The one way papers enter the collection (CLI ingests, the daily digest, `/add`): `load` stores
 * them, then a bulk load's index segments are merged and, with an embedding model, the new and
 * changed papers get their vectors at once, so every paper is searchable as soon as it is in.
 * Embedding failures do not undo the load: they are reported in `embedError`.
 */
export async function addToCollection(c: PaperCollection, load: () => IngestSummary | Promise<IngestSummary>): Promise<Added> {
  const { stores } = c;
  const summary = await load();
  papersAdded.inc(summary.added);
  const added: Added = { summary };
  const changed = summary.added + summary.updated;
  if (changed >= BULK_LOAD && stores.papers.optimizeIndexes) added.mergedSeconds = await stores.papers.optimizeIndexes();
  if (!c.embeddings || !changed) return added;
  const { model } = c.embeddings;
  try {
    // Past the ids an ingest keeps, the backlog walk finds the rest.
    const onlyIds = summary.changedIds.length === changed && changed <= CHANGED_IDS_KEPT ? summary.changedIds : undefined;
    added.embedded = await embedBacklog(stores, c.embeddings, model, {
      onlyIds,
      log: c.log,
      progress: c.progress && ((total) => c.progress!("embed", total)),
    });
  } catch (err) {
    added.embedError = err instanceof Error ? err.message : String(err);
    c.log?.warn({ model, err: added.embedError }, "papers were saved, but embedding them failed");
  }
  return added;
}
