import type { Paper, PaperSource } from "./paper.js";

/** The papers table's columns as SQLite and PostgreSQL rows hold them. */
export interface PaperRow {
  rowid: number;
  id: string;
  arxiv_id: string | null;
  title: string;
  title_key: string;
  abstract: string;
  authors: string;
  author_count: number;
  organization: string | null;
  published_at: string | null;
  feed_date: string | null;
  upvotes: number;
  hf_url: string | null;
  arxiv_url: string | null;
  pdf_url: string | null;
  github_url: string | null;
  project_url: string | null;
  github_stars: number | null;
  thumbnail: string | null;
  ai_summary: string | null;
  ai_keywords: string;
  categories: string;
  source: PaperSource;
  first_seen_at: string;
  updated_at: string;
}

/** The columns an upsert compares and writes (everything but ids and timestamps). */
export const CONTENT_COLUMNS = [
  "arxiv_id",
  "title",
  "title_key",
  "abstract",
  "authors",
  "author_count",
  "organization",
  "published_at",
  "feed_date",
  "upvotes",
  "hf_url",
  "arxiv_url",
  "pdf_url",
  "github_url",
  "project_url",
  "github_stars",
  "thumbnail",
  "ai_summary",
  "ai_keywords",
  "categories",
  "source",
] as const;

export type ContentColumns = Pick<PaperRow, (typeof CONTENT_COLUMNS)[number]>;

const u = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export function rowToPaper(r: PaperRow): Paper {
  return {
    rowid: r.rowid,
    id: r.id,
    arxivId: u(r.arxiv_id),
    title: r.title,
    abstract: r.abstract,
    authors: JSON.parse(r.authors) as string[],
    authorCount: r.author_count,
    organization: u(r.organization),
    publishedAt: u(r.published_at),
    feedDate: u(r.feed_date),
    upvotes: r.upvotes,
    links: Object.fromEntries(
      Object.entries({
        hf: r.hf_url,
        arxiv: r.arxiv_url,
        pdf: r.pdf_url,
        github: r.github_url,
        project: r.project_url,
      }).filter(([, v]) => v !== null),
    ),
    githubStars: u(r.github_stars),
    thumbnail: u(r.thumbnail),
    aiSummary: u(r.ai_summary),
    aiKeywords: JSON.parse(r.ai_keywords) as string[],
    categories: JSON.parse(r.categories) as string[],
    source: r.source,
    firstSeenAt: r.first_seen_at,
    updatedAt: r.updated_at,
  };
}
