import type { PaperWords } from "./lexicalIndex.js";
import type { PoolClient } from "./pool.js";

/** The counts an upsert keeps: document frequencies of stems (term_stats) and title counts of title words (title_words). */
export const COUNTS = {
  stems: { table: "term_stats", key: "stem", count: "df" },
  titleWords: { table: "title_words", key: "word", count: "doc" },
} as const;
export type Counts = (typeof COUNTS)[keyof typeof COUNTS];

/** Adds `deltas` to the counts of `keys`: one statement, rows locked in key order. */
export function addCounts(c: PoolClient, { table, key, count }: Counts, keys: string[], deltas: number[]) {
  // In key order, so two upserts sharing words lock their rows in the same order and never deadlock.
  return c.query(
    `INSERT INTO ${table} (${key}, ${count})
     SELECT k, delta FROM unnest($1::text[], $2::int[]) AS d (k, delta) ORDER BY k COLLATE "C"
     ON CONFLICT (${key}) DO UPDATE SET ${count} = ${table}.${count} + excluded.${count}`,
    [keys, deltas],
  );
}

/** Moves a paper's counts from its old words (stems or title words) to its new ones. */
export async function countWords(c: PoolClient, counts: Counts, before: Set<string>, after: Set<string>): Promise<void> {
  const keys: string[] = [];
  const deltas: number[] = [];
  for (const s of after)
    if (!before.has(s)) {
      keys.push(s);
      deltas.push(1);
    }
  for (const s of before)
    if (!after.has(s)) {
      keys.push(s);
      deltas.push(-1);
    }
  if (keys.length === 0) return;
  await addCounts(c, counts, keys, deltas);
}

/** The postings of papers (by seq) whose postings are not there (new papers, or a changed text's old postings deleted). */
export async function writePostings(c: PoolClient, papers: readonly [seq: string, words: PaperWords][]): Promise<void> {
  const cols: [string[], string[], number[], number[], number[]] = [[], [], [], [], []];
  for (const [seq, words] of papers)
    for (const [s, n] of words.counts) {
      cols[0].push(s);
      cols[1].push(seq);
      cols[2].push(n.title);
      cols[3].push(n.abstract);
      cols[4].push(words.length);
    }
  if (cols[0].length === 0) return;
  await c.query(
    `INSERT INTO paper_terms (stem, paper_seq, tf_title, tf_abstract, words)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::int[], $5::int[])`,
    cols,
  );
}

export function bumpMeta(c: PoolClient, papers: number, titleWords: number, abstractWords: number) {
  return c.query(
    `UPDATE papers_meta SET version = version + 1, paper_count = paper_count + $1,
       title_words = title_words + $2, abstract_words = abstract_words + $3`,
    [papers, titleWords, abstractWords],
  );
}
