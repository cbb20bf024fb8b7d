import { Embeddings } from "@langchain/core/embeddings";
import { z } from "zod";
import type { Config } from "../config/config.js";
import { createOpenAIClient, type OpenAI } from "./openaiClient.js";

const EmbeddingResponse = z.object({
  data: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      embedding: z.array(z.number()).min(1),
    }),
  ),
});

export interface EmbeddingOptions {
  /** Per request, in ms. */
  timeoutMs?: number;
  /** Retries of a failed request (429, 5xx, timeouts, network errors), with the SDK's backoff. */
  maxRetries?: number;
  /** Most texts sent in one request. */
  maxBatch?: number;
}

/** The text a paper is embedded as. */
export function embeddingText(p: { title: string; abstract: string }): string {
  return `${p.title}\n\n${p.abstract}`;
}

/** LangChain embeddings from any OpenAI-compatible `/embeddings` endpoint (OpenAI, Ollama, vLLM, ...). */
export class OpenAICompatibleEmbeddings extends Embeddings {
  private readonly client: OpenAI;
  private readonly maxBatch: number;

  constructor(
    readonly model: string,
    connection: { apiKey?: string; baseUrl?: string },
    opts: EmbeddingOptions = {},
  ) {
    // Retrying is the SDK's job (it honours Retry-After); LangChain's caller would multiply the attempts.
    super({ maxRetries: 0 });
    this.maxBatch = opts.maxBatch ?? 256;
    this.client = createOpenAIClient(connection, { timeoutMs: opts.timeoutMs ?? 60_000, maxRetries: opts.maxRetries ?? 3 });
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += this.maxBatch) out.push(...(await this.request(texts.slice(i, i + this.maxBatch))));
    if (out.some((v) => v.length !== out[0]!.length)) throw new Error(`the embedding model ${this.model} returned vectors of different lengths`);
    return out;
  }

  async embedQuery(text: string): Promise<number[]> {
    const [vector] = await this.request([text]);
    return vector!;
  }

  private async request(input: string[]): Promise<number[][]> {
    if (!input.length) return [];
    // "float" explicitly: the SDK otherwise asks for base64, which not every local server speaks.
    const raw = await this.client.embeddings.create({ model: this.model, input, encoding_format: "float" });
    const parsed = EmbeddingResponse.safeParse(raw);
    if (!parsed.success) throw new Error(`the embedding server sent an unexpected response: ${parsed.error.issues[0]?.message}`);
    const { data } = parsed.data;
    const vectors: (number[] | undefined)[] = new Array(input.length).fill(undefined);
    for (const d of data) if (d.index < input.length) vectors[d.index] = d.embedding;
    if (data.length !== input.length || !vectors.every((v) => v !== undefined))
      throw new Error(`the embedding server returned ${data.length} vectors for ${input.length} texts`);
    const dim = vectors[0]!.length;
    if (vectors.some((v) => v.length !== dim)) throw new Error(`the embedding model ${this.model} returned vectors of different lengths`);
    return vectors;
  }
}

/** The configured embedding model, or undefined when there is none (no model name, or nowhere to send requests). */
export function createEmbeddings(config: Pick<Config, "openai">, opts: EmbeddingOptions = {}): OpenAICompatibleEmbeddings | undefined {
  const { apiKey, baseUrl, embeddingModel } = config.openai;
  if (!embeddingModel || !(apiKey || baseUrl)) return undefined;
  return new OpenAICompatibleEmbeddings(embeddingModel, { apiKey, baseUrl }, opts);
}
