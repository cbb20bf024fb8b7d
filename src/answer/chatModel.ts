import type { Config } from "../config/config.js";
import { modelCalls, modelFailures } from "../metrics/metrics.js";
import { createOpenAIClient, type OpenAI } from "../retrieval/openaiClient.js";
import { failureReason } from "./modelOutput.js";

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
  private readonly timeoutMs: number;
  /** Set once the server refuses `json_schema`; later requests ask for plain JSON instead. */
  private noJsonSchema = false;

  constructor(
    readonly name: string,
    connection: { apiKey?: string; baseUrl?: string },
    opts: { timeoutMs?: number; maxRetries?: number } = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.client = createOpenAIClient(connection, { timeoutMs: this.timeoutMs, maxRetries: opts.maxRetries ?? 1 });
  }

  async complete(messages: ChatMessage[], opts: ChatOptions): Promise<string> {
    const kind = opts.jsonSchema ? "structured" : "stream";
    modelCalls.inc({ kind });
    try {
      return await (opts.jsonSchema ? this.structured(messages, opts) : this.streamed(messages, opts));
    } catch (err) {
      modelFailures.inc({ kind, reason: failureReason(err) });
      throw err;
    }
  }

  private async streamed(messages: ChatMessage[], opts: ChatOptions): Promise<string> {
    // The SDK's timeout stops at the response headers; a stream that stalls midway needs its own.
    const idle = new AbortController();
    let timer = setTimeout(() => idle.abort(), this.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, idle.signal]) : idle.signal;
    try {
      const stream = await this.client.chat.completions.create(
        { model: this.name, messages, max_tokens: opts.maxTokens, temperature: 0.2, stream: true },
        { signal },
      );
      let text = "";
      for await (const chunk of stream) {
        clearTimeout(timer);
        timer = setTimeout(() => idle.abort(), this.timeoutMs);
        const delta = chunk.choices[0]?.delta?.content;
        if (!delta) continue;
        text += delta;
        opts.onDelta?.(text);
      }
      // An aborted stream may simply end; a cut-off answer must not pass for a whole one.
      if (idle.signal.aborted) throw new Error("stream aborted");
      return text;
    } catch (err) {
      if (idle.signal.aborted) throw new Error(`timeout: the model sent nothing for ${this.timeoutMs} ms`, { cause: err });
      throw err;
    } finally {
      clearTimeout(timer);
    }
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
