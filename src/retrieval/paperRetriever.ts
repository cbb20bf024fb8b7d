import { Document } from "@langchain/core/documents";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import { paperUrl, paperYear } from "../store/paper.js";
import type { Retriever } from "./retriever.js";

export interface PaperMetadata {
  id: string;
  arxivId?: string;
  title: string;
  year?: string;
  url?: string;
  authors: string[];
  upvotes: number;
  score: number;
}

/** The retriever as a LangChain `BaseRetriever`: abstracts as `Document`s carrying the paper's metadata. */
export class PaperRetriever extends BaseRetriever<PaperMetadata> {
  override lc_namespace = ["paperbot", "retrievers"];

  constructor(
    private readonly retriever: Retriever,
    private readonly k = 5,
    fields?: BaseRetrieverInput,
  ) {
    super(fields);
  }

  override async _getRelevantDocuments(query: string): Promise<Document<PaperMetadata>[]> {
    const { hits } = await this.retriever.retrieve(query, { k: this.k });
    return hits.map(
      ({ paper, score }) =>
        new Document<PaperMetadata>({
          pageContent: paper.abstract,
          id: paper.id,
          metadata: {
            id: paper.id,
            arxivId: paper.arxivId,
            title: paper.title,
            year: paperYear(paper),
            url: paperUrl(paper),
            authors: paper.authors,
            upvotes: paper.upvotes,
            score,
          },
        }),
    );
  }
}
