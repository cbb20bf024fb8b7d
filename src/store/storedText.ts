/**
 * The most one paper stores of each text, so one runaway feed item (a 1 MB abstract) cannot bloat
 * the collection, its indexes or the prompts built from it. Real papers stay well inside these.
 */
export const STORED_MAX = {
  title: 300,
  abstract: 5000,
  aiSummary: 1000,
  organization: 200,
  authorName: 200,
  authors: 100,
} as const;
