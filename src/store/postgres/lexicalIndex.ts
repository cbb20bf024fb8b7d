import { titleWords, tokenize } from "../../text/queryTerms.js";
import { stem } from "../../text/stem.js";
import type { IndexedText, LexicalIndexStore, TitleTerm, TitleTermRange } from "../lexicalIndex.js";
import type { Pool } from "./pool.js";

/** tsvector limits: a lexeme under 2 KB, positions up to 16383, at most 256 positions per lexeme. */
const MAX_LEXEME_BYTES = 2046;
const MAX_POSITION = 16383;
const MAX_POSITIONS = 256;

/** What the index holds of one paper: its tsvector (as text), its distinct stems and title words, and its word counts. */
export interface PaperWords {
  vector: string;
  stems: Set<string>;
  /** `titleWords(title)`: the title vocabulary's words (title_words). */
  titleTerms: Set<string>;
  titleWords: number;
  abstractWords: number;
  /** Per stem, its positions in the title and in the abstract as the tsvector keeps them (paper_terms' tf_title, tf_abstract). */
  counts: Map<string, { title: number; abstract: number }>;
  /** All positions the tsvector keeps: the paper's length as ts_rank and paper_terms.words count it. */
  length: number;
}

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

/**
 * The words of a title and abstract as the re-ranker sees them (`tokenize`, then `stem`), as a tsvector literal:
 * each stem with its positions, weight A in the title and B in the abstract. Built here, not by to_tsvector, so
 * the index and the re-ranker agree on every stem.
 */
export function paperWords(title: string, abstract: string): PaperWords {
  const positions = new Map<string, string[]>();
  let position = 0;
  const counts = [0, 0];
  for (const [part, text, weight] of [
    [0, title, "A"],
    [1, abstract, "B"],
  ] as const) {
    for (const word of tokenize(text)) {
      counts[part]!++;
      position = Math.min(position + 1, MAX_POSITION);
      const s = stem(word);
      if (Buffer.byteLength(s) > MAX_LEXEME_BYTES) continue;
      let list = positions.get(s);
      if (!list) positions.set(s, (list = []));
      // Past the last position every word shares it: record it once.
      const repeat = position === MAX_POSITION && list.at(-1)?.startsWith(String(MAX_POSITION));
      if (list.length < MAX_POSITIONS && !repeat) list.push(`${position}${weight}`);
    }
  }
  const vector = [...positions].map(([s, at]) => `${quote(s)}:${at.join(",")}`).join(" ");
  const perStem = new Map<string, { title: number; abstract: number }>();
  let length = 0;
  for (const [s, at] of positions) {
    const title = at.filter((p) => p.endsWith("A")).length;
    perStem.set(s, { title, abstract: at.length - title });
    length += at.length;
  }
  return {
    vector,
    stems: new Set(positions.keys()),
    titleTerms: titleWords(title),
    titleWords: counts[0]!,
    abstractWords: counts[1]!,
    counts: perStem,
    length,
  };
}

/**
 * The previous candidate query ("bm25_tsvector", kept for the bench's comparison): the same BM25 as `POSTINGS_BM25`
 * computed from the tsvectors. FTS5's BM25 (k1 1.2, b 0.75) of the papers matching $1 (the OR of the stems $2; $5.. each stem alone), best $4 first.
 * Per stem: IDF ln((N − df + 0.5) / (df + 0.5)), at least 1e-6, from term_stats and papers_meta; its frequency, the
 * title's positions counted $3 times (`positions`); a paper's length is its number of positions (ts_rank with
 * normalisation 0 over normalisation 2), against papers_meta's mean words per paper. Each ts_rank is a C call on the
 * paper's tsvector (about 1.5 µs), 2 + 2 per stem per matching paper. (ts_rank alone, tried first, has no IDF: it
 * changed the top 10 of 104 of the 150 dev questions against SQLite; this changes one, by a document frequency.)
 */
function bm25Sql(stems: number): string {
  const ranks: string[] = [];
  const tfs: string[] = [];
  const score: string[] = [];
  for (let i = 0; i < stems; i++) {
    const q = `$${5 + i}::tsquery`;
    ranks.push(`ts_rank('{0,0,1,1}', p.lex, ${q}, 0) AS all${i}`, `ts_rank('{0,0,0,1}', p.lex, ${q}, 0) AS title${i}`);
    tfs.push(`${positions(`r.all${i}`)} + ($3::float8 - 1) * ${positions(`r.title${i}`)} AS tf${i}`);
    score.push(`w.idf[${i + 1}] * f.tf${i} * 2.2 / (f.tf${i} + 1.2 * (0.25 + 0.75 * r.len / w.avg_len))`);
  }
  return `WITH w AS (
      SELECT array_agg(greatest(ln((m.paper_count - coalesce(d.df, 0) + 0.5) / (coalesce(d.df, 0) + 0.5)), 1e-6) ORDER BY s.i) AS idf,
             greatest(max((m.title_words + m.abstract_words)::float8 / greatest(m.paper_count, 1)), 1) AS avg_len
      FROM unnest($2::text[]) WITH ORDINALITY AS s (stem, i) LEFT JOIN term_stats d ON d.stem = s.stem, papers_meta m),
    r AS MATERIALIZED (
      SELECT p.id, p.seq, ts_rank('{1,1,1,1}', p.lex, q, 0) / nullif(ts_rank('{1,1,1,1}', p.lex, q, 2), 0) AS len, ${ranks.join(", ")}
      FROM papers p, CAST($1 AS tsquery) AS q WHERE p.lex @@ q)
    SELECT r.id FROM r, w, LATERAL (SELECT ${tfs.join(", ")}) f
    ORDER BY ${score.join(" + ")} DESC NULLS LAST, r.seq LIMIT $4`;
}

/**
 * FTS5's BM25 (k1 1.2, b 0.75) of the papers with any of the stems $1, best $3 first, from their postings (paper_terms):
 * per stem, IDF ln((N − df + 0.5) / (df + 0.5)), at least 1e-6, from term_stats and papers_meta; its frequency the
 * abstract's count plus $2 (the title weight) times the title's; the paper's length paper_terms.words against
 * papers_meta's mean words per paper. One aggregate over the stems' postings, read from the primary key's index; ties
 * by arrival (seq), as before. Each stem's IDF is computed once (w is materialised: inlined, it was computed again for
 * each posting), and every constant is a float8 (a bare 0.5 is numeric, and numeric arithmetic is slow); the values are the same to the
 * bit. Both together halved the query's time (11 stems, 26,000 postings at 20,000 papers: 58 to 29 ms, on a loaded machine).
 */
const POSTINGS_BM25 = `WITH m AS (
    SELECT paper_count::float8 AS n, greatest((title_words + abstract_words)::float8 / greatest(paper_count, 1), 1) AS avg_len FROM papers_meta),
  w AS MATERIALIZED (
    SELECT s.stem, greatest(ln((m.n - coalesce(d.df, 0) + 0.5::float8) / (coalesce(d.df, 0) + 0.5::float8)), 1e-6::float8) AS idf, m.avg_len
    FROM unnest($1::text[]) WITH ORDINALITY AS s (stem, i) LEFT JOIN term_stats d ON d.stem = s.stem, m),
  b AS (
    SELECT t.paper_seq AS seq,
           sum(w.idf * (t.tf_abstract + $2::float8 * t.tf_title) * 2.2::float8
               / ((t.tf_abstract + $2::float8 * t.tf_title) + 1.2::float8 * (0.25::float8 + 0.75::float8 * t.words / w.avg_len))) AS score
    FROM w JOIN paper_terms t ON t.stem = w.stem
    GROUP BY t.paper_seq
    ORDER BY score DESC, t.paper_seq LIMIT $3)
  SELECT p.id FROM b JOIN papers p ON p.seq = b.seq ORDER BY b.score DESC, b.seq`;

/** An OR of the stems as a tsquery literal: each a quoted lexeme, so no parser or dictionary touches it. */
export function orQuery(stems: readonly string[]): string {
  return stems.map(quote).join(" | ");
}

/**
 * How `candidates` orders the papers that match: FTS5's BM25 (as SQLite's index does) from the postings (paper_terms), the
 * same from ts_rank calls on the tsvectors (the query before the postings; 10–20× slower, the same candidates), or
 * ts_rank (no IDF: other candidates).
 */
export type CandidateRanking = "bm25" | "bm25_tsvector" | "ts_rank";

/** π²/6, the limit of Σ 1/j², and ts_rank's own rounding of it. */
const ZETA2 = Math.PI ** 2 / 6;
const TS_RANK_ZETA2 = 1.64493406685;

/**
 * How many positions a stem has in a paper, from `x`, ts_rank of the stem alone with weight 1 on the positions counted and
 * 0 on the rest. ts_rank then adds 1/j² over the j-th counted position and divides by its π²/6, so x·π²/6 = Σ_{j≤n} 1/j²,
 * whose remainder π²/6 − Σ_{j≤n} 1/j² is about 1/(n + 1/2): n = round(1/remainder − 1/2). Title positions come before
 * the abstract's, so weight 1 on A alone counts the title's. Exact to n = 256, the most positions a stem keeps.
 */
const positions = (x: string) =>
  `CASE WHEN ${x} <= 0 THEN 0 ELSE least(round(1 / greatest(${ZETA2} - ${x}::float8 * ${TS_RANK_ZETA2}, 1e-9) - 0.5), ${MAX_POSITIONS}) END`;

/**
 * The full-text index on PostgreSQL: candidates ranked by default by the BM25 that SQLite's FTS5 ranks them by
 * (`bm25(papers_fts, titleWeight, 1)`), from the postings of the stems asked (paper_terms), so both stores hand the
 * re-ranker the same candidates; document frequencies from term_stats. The GIN index on papers.lex serves the
 * "ts_rank" and "bm25_tsvector" rankings.
 */
export class PostgresLexicalIndexStore implements LexicalIndexStore {
  /** ts_rank's weights {D, C, B, A}: the abstract (B) 1, the title (A) titleWeight, scaled into (0, 1]. */
  private readonly weights: number[];

  constructor(
    private readonly pool: Pool,
    private readonly titleWeight = 2,
    private readonly ranking: CandidateRanking = "bm25",
  ) {
    const top = Math.max(1, titleWeight);
    this.weights = [0, 0, 1 / top, titleWeight / top];
  }

  async candidates(stems: readonly string[], limit: number): Promise<string[]> {
    const wanted = [...new Set(stems.filter((s) => s.length > 0 && Buffer.byteLength(s) <= MAX_LEXEME_BYTES))];
    if (wanted.length === 0 || limit <= 0) return [];
    if (this.ranking === "ts_rank") {
      // Normalisation 1: divided by 1 + log(length), so a long abstract does not win by size alone.
      const { rows } = await this.pool.query<{ id: string }>(
        `SELECT id FROM papers, CAST($1 AS tsquery) AS q WHERE lex @@ q
         ORDER BY ts_rank($2::float4[], lex, q, 1) DESC, seq LIMIT $3`,
        [orQuery(wanted), this.weights, limit],
      );
      return rows.map((r) => r.id);
    }
    if (this.ranking === "bm25") {
      const { rows } = await this.pool.query<{ id: string }>(POSTINGS_BM25, [wanted, this.titleWeight, limit]);
      return rows.map((r) => r.id);
    }
    const { rows } = await this.pool.query<{ id: string }>(bm25Sql(wanted.length), [
      orQuery(wanted),
      wanted,
      this.titleWeight,
      limit,
      ...wanted.map((s) => orQuery([s])),
    ]);
    return rows.map((r) => r.id);
  }

  async documentFrequencies(stems: readonly string[]): Promise<Map<string, number>> {
    const out = new Map(stems.map((s) => [s, 0]));
    if (stems.length === 0) return out;
    const { rows } = await this.pool.query<{ stem: string; df: number }>("SELECT stem, df FROM term_stats WHERE stem = ANY($1)", [[...stems]]);
    for (const r of rows) out.set(r.stem, r.df);
    return out;
  }

  async paperCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>("SELECT paper_count AS n FROM papers_meta");
    return Number(rows[0]!.n);
  }

  async averageLengths(): Promise<{ title: number; abstract: number }> {
    const { rows } = await this.pool.query<{ n: string; t: string; a: string }>(
      "SELECT paper_count AS n, title_words AS t, abstract_words AS a FROM papers_meta",
    );
    const n = Number(rows[0]!.n);
    return n ? { title: Number(rows[0]!.t) / n, abstract: Number(rows[0]!.a) / n } : { title: 0, abstract: 0 };
  }

  async texts(ids: readonly string[]): Promise<Map<string, IndexedText>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.pool.query<{ id: string; title: string; abstract: string }>(
      "SELECT id, title, abstract FROM papers WHERE id = ANY($1)",
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, { title: r.title, abstract: r.abstract }]));
  }

  /** Each range's words from title_words (rows at 0 left out), all ranges in one query. */
  async titleTerms(ranges: readonly TitleTermRange[], limit: number): Promise<TitleTerm[][]> {
    const out = ranges.map((): TitleTerm[] => []);
    if (ranges.length === 0 || limit <= 0) return out;
    const { rows } = await this.pool.query<{ i: string; word: string; doc: number }>(
      `SELECT r.i, w.word, w.doc
       FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) WITH ORDINALITY AS r (lo, hi, min_length, max_length, i)
       CROSS JOIN LATERAL (
         SELECT word, doc FROM title_words
         WHERE word >= r.lo COLLATE "C" AND word < r.hi COLLATE "C" AND length(word) BETWEEN r.min_length AND r.max_length AND doc > 0
         ORDER BY word LIMIT $5) w
       ORDER BY r.i, w.word`,
      [ranges.map((r) => r.lo), ranges.map((r) => r.hi), ranges.map((r) => r.minLength), ranges.map((r) => r.maxLength), limit],
    );
    for (const r of rows) out[Number(r.i) - 1]!.push({ term: r.word, doc: r.doc });
    return out;
  }
}
