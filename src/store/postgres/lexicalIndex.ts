import { tokenize } from "../../text/queryTerms.js";
import { stem } from "../../text/stem.js";
import type { IndexedText, LexicalIndexStore } from "../lexicalIndex.js";
import type { Pool } from "./pool.js";

/** tsvector limits: a lexeme under 2 KB, positions up to 16383, at most 256 positions per lexeme. */
const MAX_LEXEME_BYTES = 2046;
const MAX_POSITION = 16383;
const MAX_POSITIONS = 256;

/** What the index holds of one paper: its tsvector (as text), its distinct stems, and its word counts. */
export interface PaperWords {
  vector: string;
  stems: Set<string>;
  titleWords: number;
  abstractWords: number;
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
  return { vector, stems: new Set(positions.keys()), titleWords: counts[0]!, abstractWords: counts[1]! };
}

/** An OR of the stems as a tsquery literal: each a quoted lexeme, so no parser or dictionary touches it. */
export function orQuery(stems: readonly string[]): string {
  return stems.map(quote).join(" | ");
}

/**
 * The full-text index on PostgreSQL: candidates from the GIN index on papers.lex, ranked by ts_rank with the
 * title weighted `titleWeight` against the abstract; document frequencies from term_stats.
 */
export class PostgresLexicalIndexStore implements LexicalIndexStore {
  /** ts_rank's weights {D, C, B, A}: the abstract (B) 1, the title (A) titleWeight, scaled into (0, 1]. */
  private readonly weights: number[];

  constructor(
    private readonly pool: Pool,
    titleWeight = 2,
  ) {
    const top = Math.max(1, titleWeight);
    this.weights = [0, 0, 1 / top, titleWeight / top];
  }

  async candidates(stems: readonly string[], limit: number): Promise<string[]> {
    const wanted = stems.filter((s) => s.length > 0 && Buffer.byteLength(s) <= MAX_LEXEME_BYTES);
    if (wanted.length === 0 || limit <= 0) return [];
    // Normalisation 1: divided by 1 + log(length), so a long abstract does not win by size alone.
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM papers, CAST($1 AS tsquery) AS q WHERE lex @@ q
       ORDER BY ts_rank($2::float4[], lex, q, 1) DESC, seq LIMIT $3`,
      [orQuery(wanted), this.weights, limit],
    );
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
}
