import type { Config } from "../config/config.js";
import { createOpenAIClient, type OpenAI } from "../retrieval/openaiClient.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatOptions {
  maxTokens: number;
  /** Receives the text so far, each time more arrives (streaming). */
  onDelta?: (textSoFar: string) => void;
  /** A JSON schema the reply must follow (structured output), when the server supports it. */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  signal?: AbortSignal;
}

/** A chat model behind any OpenAI-compatible endpoint. */
export interface ChatModel {
  readonly name: string;
  complete(messages: ChatMessage[], opts: ChatOptions): Promise<string>;
}

export const DEFAULT_CHAT_MODEL = "gpt-4o-mini";

export class OpenAIChatModel implements ChatModel {
  private readonly client: OpenAI;
  /** Set once the server refuses `json_schema`; later requests ask for plain JSON instead. */
  private noJsonSchema = false;

  constructor(
    readonly name: string,
    connection: { apiKey?: string; baseUrl?: string },
    opts: { timeoutMs?: number; maxRetries?: number } = {},
  ) {
    this.client = createOpenAIClient(connection, { timeoutMs: opts.timeoutMs ?? 30_000, maxRetries: opts.maxRetries ?? 1 });
  }

  async complete(messages: ChatMessage[], opts: ChatOptions): Promise<string> {
    if (opts.jsonSchema) return this.structured(messages, opts);
    const stream = await this.client.chat.completions.create(
      { model: this.name, messages, max_tokens: opts.maxTokens, temperature: 0.2, stream: true },
      { signal: opts.signal },
    );
    let text = "";
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content;
      if (!delta) continue;
      text += delta;
      opts.onDelta?.(text);
    }
    return text;
  }

  private async structured(messages: ChatMessage[], opts: ChatOptions): Promise<string> {
    const schema = opts.jsonSchema!;
    const base = { model: this.name, messages, max_tokens: opts.maxTokens, temperature: 0.2 };
    if (!this.noJsonSchema) {
      try {
        const r = await this.client.chat.completions.create(
          { ...base, response_format: { type: "json_schema", json_schema: { name: schema.name, schema: schema.schema, strict: true } } },
          { signal: opts.signal },
        );
        return r.choices[0]?.message?.content ?? "";
      } catch (err) {
        // Servers without structured output answer 400/422; anything else is a real failure.
        const status = (err as { status?: number }).status;
        if (status !== 400 && status !== 422) throw err;
        this.noJsonSchema = true;
      }
    }
    const r = await this.client.chat.completions.create({ ...base, response_format: { type: "json_object" } }, { signal: opts.signal });
    return r.choices[0]?.message?.content ?? "";
  }
}

/** The configured chat model, or undefined for offline answers. A base URL without a key is valid (local servers). */
export function createChatModel(config: Pick<Config, "openai">, opts: { timeoutMs?: number; maxRetries?: number } = {}): ChatModel | undefined {
  const { apiKey, baseUrl, model } = config.openai;
  if (!apiKey && !baseUrl) return undefined;
  return new OpenAIChatModel(model ?? DEFAULT_CHAT_MODEL, { apiKey, baseUrl }, opts);
}
