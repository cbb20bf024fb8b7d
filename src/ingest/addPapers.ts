import type { PaperInput } from "../store/paper.js";
import type { StoredPaper } from "../store/paperRecords.js";
import { addToCollection, type PaperCollection } from "./addToCollection.js";
import { lookUpArxivPaper } from "./arxivApi.js";
import { lookUpHfPaper } from "./hfPaper.js";
import type { Lookup } from "./paperLookup.js";
import type { PaperRef } from "./paperRefs.js";
import { emptySummary, timed, upsertBatch } from "./summary.js";
import type { LookupOptions } from "./upstreamFetch.js";

export interface AddSources {
  hfApiBase: string;
  arxivApiBase: string;
  lookup?: LookupOptions;
}

/** Who adds: the server whose papers they become (`EVERY_GROUP` for the installation) and the member. */
export interface Adder {
  guildId: string;
  userId?: string;
}

export type AddOutcome =
  | {
      ref: PaperRef;
      /** `added`: new to the collection; `known`: it was there already (and now has whatever the upstream added). */
      status: "added" | "known";
      paper: StoredPaper;
      /** Where the metadata came from; undefined when the paper was known and nothing was fetched. */
      from?: "hf" | "arxiv";
      /** False when the group already had it. */
      newToGroup: boolean;
    }
  | { ref: PaperRef; status: "unknown" }
  | { ref: PaperRef; status: "failed"; problem: string };

/** Lookups in flight at once: a handful, to be polite to both APIs. */
const LOOKUPS_AT_ONCE = 4;

async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R> | R): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

const NAMES = { hf: "Hugging Face", arxiv: "arXiv" } as const;

/** Hugging Face first (it has the AI summary and keywords); arXiv for what it does not have, or when it fails. */
async function lookUp(sources: AddSources, arxivId: string): Promise<{ from: "hf" | "arxiv"; input: PaperInput } | { failed?: string }> {
  const hf = await lookUpHfPaper(sources.hfApiBase, arxivId, sources.lookup);
  if (hf.kind === "found") return { from: "hf", input: hf.input };
  const arxiv: Lookup = await lookUpArxivPaper(sources.arxivApiBase, arxivId, sources.lookup);
  if (arxiv.kind === "found") return { from: "arxiv", input: arxiv.input };
  if (hf.kind === "unknown" && arxiv.kind === "unknown") return {};
  const hfSays = hf.kind === "failed" ? `${NAMES.hf} ${hf.problem}` : `${NAMES.hf} does not have it`;
  const arxivSays = arxiv.kind === "unknown" ? `${NAMES.arxiv} does not know it` : `${NAMES.arxiv} ${arxiv.problem}`;
  return { failed: `${hfSays}, and ${arxivSays}` };
}

/**
 * Adds papers by arXiv id: a paper already in the collection is not fetched again; the others
 * are looked up (Hugging Face, then arXiv) and stored through `addToCollection`, so they are
 * searchable at once. Every paper found becomes the adder's group's (`via` "add").
 */
export async function addPapers(collection: PaperCollection, sources: AddSources, refs: readonly PaperRef[], adder: Adder): Promise<AddOutcome[]> {
  const { papers, groupPapers } = collection.stores;
  const known = new Map(await Promise.all(refs.map(async (r) => [r.arxivId, await papers.get(r.arxivId)] as const)));
  const fetched = await inBatches(refs, LOOKUPS_AT_ONCE, (r) => (known.get(r.arxivId) ? undefined : lookUp(sources, r.arxivId)));
  const found = refs.flatMap((ref, i) => {
    const f = fetched[i];
    return f && "input" in f ? [{ ref, from: f.from, input: f.input }] : [];
  });
  const stored = new Map<string, { id: string; added: boolean }>();
  if (found.length)
    await addToCollection(collection, () =>
      timed(async () => {
        const s = emptySummary();
        for (const f of found) {
          const before = s.added;
          const [id] = await upsertBatch(papers, [f.input], s);
          stored.set(f.ref.arxivId, { id: id!, added: s.added > before });
        }
        return s;
      }),
    );
  const outcomes: AddOutcome[] = [];
  for (const [i, ref] of refs.entries()) {
    const f = fetched[i];
    const was = known.get(ref.arxivId);
    const put = stored.get(ref.arxivId);
    const paper = was ? await papers.get(was.id) : put ? await papers.get(put.id) : undefined;
    if (!paper) {
      outcomes.push(f && "failed" in f && f.failed ? { ref, status: "failed", problem: f.failed } : { ref, status: "unknown" });
      continue;
    }
    const newToGroup = await groupPapers.add(adder.guildId, paper.id, "add", adder.userId);
    const from = f && "from" in f ? f.from : undefined;
    outcomes.push({ ref, status: put?.added ? "added" : "known", paper, from, newToGroup });
  }
  return outcomes;
}
