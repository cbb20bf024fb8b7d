import { DF_CAP, prefixEnd, RANK_WINDOW, WORD_WINDOW, type NamedPaper, type NameKind, type PaperNameIndex } from "../paperNames.js";
import type { Pool } from "./pool.js";

/** Each kind's name key as an expression on papers (migration 040 indexes exactly these), and what keeps out papers without one. */
const KEYS: Record<NameKind, { key: string; has: string }> = {
  title: { key: "replace(title_key, ' ', '')", has: "title_key <> ''" },
  short: { key: `(paper_short_key(title) COLLATE "C")`, has: "paper_short_key(title) IS NOT NULL" },
};
/** A title's words (migration 040's GIN index). */
const WORDS = "paper_title_words(title_key)";

/** A word as a tsquery lexeme, quoted so no parser touches it. */
const lexeme = (w: string) => `'${w.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

/**
 * The names papers are known by, on PostgreSQL: every look-up is one query on migration 040's expression indexes over
 * papers' own columns (title_key, title, upvotes), so no write path keeps anything for it. Ties go by arrival (seq) as
 * SQLite's go by rowid. Title words for spelling are the title vocabulary the lexical index keeps (title_words).
 */
export class PostgresPaperNameIndex implements PaperNameIndex {
  constructor(private readonly pool: Pool) {}

  async exact(kind: NameKind, key: string, limit: number): Promise<string[]> {
    const k = KEYS[kind];
    return this.ids(`SELECT id FROM papers WHERE ${k.key} = $1 AND ${k.has} ORDER BY upvotes DESC, seq LIMIT $2`, [key, limit]);
  }

  async startingWith(kind: NameKind, prefix: string, limit: number): Promise<string[]> {
    const k = KEYS[kind];
    return this.ids(`SELECT id FROM papers WHERE ${k.key} >= $1 AND ${k.key} < $2 AND ${k.has} ORDER BY ${k.key}, seq LIMIT $3`, [
      prefix,
      prefixEnd(prefix),
      limit,
    ]);
  }

  async around(kind: NameKind, keys: readonly string[], each: number): Promise<string[]> {
    if (!keys.length) return [];
    const k = KEYS[kind];
    return this.ids(
      `SELECT x.id FROM unnest($1::text[]) WITH ORDINALITY AS q (key, i)
       CROSS JOIN LATERAL (
         (SELECT id, 0 AS side FROM papers WHERE ${k.key} < q.key COLLATE "C" AND ${k.has} ORDER BY ${k.key} DESC, seq DESC LIMIT $2)
         UNION ALL
         (SELECT id, 1 FROM papers WHERE ${k.key} >= q.key COLLATE "C" AND ${k.has} ORDER BY ${k.key}, seq LIMIT $2)) x
       ORDER BY q.i, x.side`,
      [[...keys], each],
    );
  }

  async rankedByPrefix(kind: NameKind, prefix: string, limit: number): Promise<string[]> {
    const k = KEYS[kind];
    const range = `${k.key} >= $1 AND ${k.key} < $2 AND ${k.has}`;
    const end = prefixEnd(prefix);
    const { rows } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT 1 FROM papers WHERE ${range} LIMIT $3) x`, [
      prefix,
      end,
      RANK_WINDOW + 1,
    ]);
    if (Number(rows[0]!.n) <= RANK_WINDOW)
      return this.ids(`SELECT id FROM papers WHERE ${range} ORDER BY ${k.key} = $1 DESC, upvotes DESC, ${k.key}, seq LIMIT $3`, [prefix, end, limit]);
    // A busy prefix: the exact name, then the upvoted by votes, then the rest by key (as SQLite's loose index scan).
    const exact = await this.exact(kind, prefix, limit);
    const want = limit + exact.length;
    const voted = await this.ids(`SELECT id FROM papers WHERE ${range} AND upvotes > 0 ORDER BY upvotes DESC, ${k.key}, seq LIMIT $3`, [
      prefix,
      end,
      want,
    ]);
    const unvoted =
      voted.length < want
        ? await this.ids(`SELECT id FROM papers WHERE ${range} AND NOT upvotes > 0 ORDER BY ${k.key}, seq LIMIT $3`, [
            prefix,
            end,
            want - voted.length,
          ])
        : [];
    return [...new Set([...exact, ...voted, ...unvoted])].slice(0, limit);
  }

  async popular(limit: number): Promise<string[]> {
    return this.ids("SELECT id FROM papers ORDER BY upvotes DESC, seq DESC LIMIT $1", [limit]);
  }

  async wordPrefix(prefixes: readonly string[], limit: number): Promise<string[]> {
    const words = prefixes.filter(Boolean);
    if (!words.length) return [];
    return this.ids(
      `SELECT id FROM (SELECT id, upvotes, seq FROM papers WHERE ${WORDS} @@ $1::tsquery ORDER BY seq DESC LIMIT ${WORD_WINDOW}) w
       ORDER BY upvotes DESC, seq DESC LIMIT $2`,
      [words.map((w) => `${lexeme(w)}:*`).join(" & "), limit],
    );
  }

  async titleMatches(groups: readonly (readonly string[])[], limit: number): Promise<string[]> {
    if (!groups.length || groups.some((g) => !g.length)) return [];
    const query = groups.map((g) => `(${g.map(lexeme).join(" | ")})`).join(" & ");
    return this.ids(`SELECT id FROM papers WHERE ${WORDS} @@ $1::tsquery ORDER BY seq DESC LIMIT $2`, [query, limit]);
  }

  async titleFrequencies(words: readonly string[]): Promise<Map<string, number>> {
    const out = new Map(words.map((w) => [w, 0]));
    const asked = [...new Set(words.filter(Boolean))];
    if (!asked.length) return out;
    const { rows } = await this.pool.query<{ word: string; n: string }>(
      `SELECT q.word, (SELECT count(*) FROM (SELECT 1 FROM papers WHERE ${WORDS} @@ q.query::tsquery LIMIT ${DF_CAP}) x) AS n
       FROM unnest($1::text[], $2::text[]) AS q (word, query)`,
      [asked, asked.map(lexeme)],
    );
    for (const r of rows) out.set(r.word, Number(r.n));
    return out;
  }

  async termsStartingWith(prefix: string, limit: number): Promise<{ term: string; doc: number }[]> {
    const { rows } = await this.pool.query<{ term: string; doc: number }>(
      `SELECT word AS term, doc FROM title_words WHERE word >= $1 AND word < $2 AND doc > 0 ORDER BY word LIMIT $3`,
      [prefix, prefixEnd(prefix), limit],
    );
    return rows;
  }

  async titles(ids: readonly string[]): Promise<NamedPaper[]> {
    if (!ids.length) return [];
    const { rows } = await this.pool.query<NamedPaper>("SELECT id, title, upvotes FROM papers WHERE id = ANY($1) ORDER BY seq DESC", [
      [...new Set(ids)],
    ]);
    return rows;
  }

  private async ids(sql: string, params: unknown[]): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(sql, params);
    return rows.map((r) => r.id);
  }
}
