import type { PaperInput } from "../../src/store/paper.js";

const WORDS =
  "lattice cryptography gossip membership sparse attention kernels speculative decoding diffusion protein folding quantization pruning retrieval serving throughput scheduling consensus".split(
    " ",
  );

export const DUMP_BATCH = 400;

/**
 * The `i`-th batch (from 0) of an arXiv dump as a bulk load reads it: DUMP_BATCH new papers, and from the second batch on
 * the first paper of the batch before again with a new abstract (an update in a later batch).
 */
export function dumpBatch(i: number): PaperInput[] {
  const paper = (n: number, abstract?: string): PaperInput => ({
    arxivId: `2601.${String(n).padStart(5, "0")}`,
    title: `Dump paper ${n}: ${WORDS[n % WORDS.length]} ${WORDS[(n * 7) % WORDS.length]}`,
    abstract: abstract ?? `We study ${WORDS[(n * 3) % WORDS.length]} and ${WORDS[(n * 5) % WORDS.length]} at scale, paper ${n}.`,
    authors: [`Author ${n % 97}`],
    categories: ["cs.DC"],
    source: "arxiv",
  });
  const out = Array.from({ length: DUMP_BATCH }, (_, k) => paper(i * DUMP_BATCH + k));
  if (i > 0) out.push(paper((i - 1) * DUMP_BATCH, `Revised in batch ${i}: ${WORDS[i % WORDS.length]} revisited.`));
  return out;
}
