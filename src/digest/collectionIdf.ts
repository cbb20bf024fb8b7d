import { idf } from "../retrieval/bm25f.js";
import type { Stores } from "../store/stores.js";
import { stem } from "../text/stem.js";
import type { Idf } from "./rankForGroup.js";
import { termCounts, type Fields } from "./tfidf.js";

/**
 * How rare each word of `texts` is in the collection (Robertson-Sparck Jones, as BM25 weighs it), from
 * the store's document frequencies, all read at once: the idf ranking these texts asks for.
 */
export async function collectionIdf(stores: Pick<Stores, "lexical" | "papers">, texts: Iterable<Fields>): Promise<Idf> {
  const stems = new Set<string>();
  const words = new Map<string, string>();
  for (const f of texts) for (const s of termCounts(f, { titleWeight: 1, keywordWeight: 1 }, words).keys()) stems.add(s);
  const [n, df] = await Promise.all([stores.papers.count(), stores.lexical.documentFrequencies([...stems])]);
  // A word of none of the texts is taken as in no paper.
  return (word) => idf(n, df.get(stem(word)) ?? 0);
}
