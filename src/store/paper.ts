export type PaperSource = "seed" | "hf" | "arxiv";

export interface PaperLinks {
  hf?: string;
  arxiv?: string;
  pdf?: string;
  github?: string;
  project?: string;
}

/** What an ingest source knows about a paper; the store fills in ids and timestamps. */
export interface PaperInput {
  arxivId?: string;
  title: string;
  abstract: string;
  authors: string[];
  authorCount?: number;
  organization?: string;
  publishedAt?: string;
  feedDate?: string;
  upvotes?: number;
  links?: PaperLinks;
  githubStars?: number;
  thumbnail?: string;
  aiSummary?: string;
  aiKeywords?: string[];
  categories?: string[];
  source: PaperSource;
}

export interface Paper {
  rowid: number;
  id: string;
  arxivId?: string;
  title: string;
  abstract: string;
  authors: string[];
  authorCount: number;
  organization?: string;
  publishedAt?: string;
  feedDate?: string;
  upvotes: number;
  links: PaperLinks;
  githubStars?: number;
  thumbnail?: string;
  aiSummary?: string;
  aiKeywords: string[];
  categories: string[];
  source: PaperSource;
  firstSeenAt: string;
  updatedAt: string;
}

/** The best link for a reader: the Hugging Face page, else arXiv, else the project page. */
export function paperUrl(p: Pick<Paper, "links">): string | undefined {
  return p.links.hf ?? p.links.arxiv ?? p.links.project ?? p.links.github;
}

export function paperYear(p: Pick<Paper, "publishedAt" | "feedDate">): string | undefined {
  return (p.publishedAt ?? p.feedDate)?.slice(0, 4);
}

/** Links every arXiv paper has, derived from its id. */
export function arxivLinks(arxivId: string): PaperLinks {
  return {
    hf: `https://huggingface.co/papers/${arxivId}`,
    arxiv: `https://arxiv.org/abs/${arxivId}`,
    pdf: `https://arxiv.org/pdf/${arxivId}`,
  };
}
