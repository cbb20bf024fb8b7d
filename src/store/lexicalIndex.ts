/** A paper's text as the lexical re-ranker reads it. */
export interface IndexedText {
  title: string;
  abstract: string;
}

/** Title words from `lo` (inclusive) to `hi` (exclusive), by code point, of `minLength` to `maxLength` characters. */
export interface TitleTermRange {
  lo: string;
  hi: string;
  minLength: number;
  maxLength: number;
}

/** A title word and in how many titles it occurs. */
export interface TitleTerm {
  term: string;
  doc: number;
}

/**
 * What the BM25F re-ranker (src/retrieval/asyncLexicalRanker.ts) needs from a full-text index, in either store.
 * Terms are Porter stems as `stem()` (src/text/stem.ts) makes them of `tokenize()`'s words; a paper
 * contains a stem when its title or abstract has a word of that stem.
 */
export interface LexicalIndexStore {
  /** Ids of at most `limit` papers containing any of the stems, best first by the index's own cheap score (title weighted). */
  candidates(stems: readonly string[], limit: number): Promise<string[]>;
  /** How many papers contain each stem (0 for none), in one round trip. */
  documentFrequencies(stems: readonly string[]): Promise<Map<string, number>>;
  paperCount(): Promise<number>;
  /** Average words per title and per abstract (`tokenize()`'s words), for BM25's length normalisation. */
  averageLengths(): Promise<{ title: number; abstract: number }>;
  /** Titles and abstracts of the papers of these ids that exist, in one query. */
  texts(ids: readonly string[]): Promise<Map<string, IndexedText>>;
  /**
   * The title vocabulary in each range, for spelling correction (src/retrieval/spelling.ts): the first `limit` words of
   * the range in code-point order, each with the number of titles that have it, in one round trip for all ranges. Title
   * words are unstemmed: SQLite's paper_title_words tokens (`unicode61 remove_diacritics 2`: lower case, letters and
   * digits, diacritics removed), as `titleWords()` (src/text/queryTerms.ts) makes them.
   */
  titleTerms(ranges: readonly TitleTermRange[], limit: number): Promise<TitleTerm[][]>;
}
