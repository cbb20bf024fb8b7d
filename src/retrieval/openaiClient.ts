import OpenAI from "openai";
import { fetchSameOrigin } from "../http/sameOriginFetch.js";

export { OpenAI };

export const OPENAI_API_BASE = "https://api.openai.com/v1";

/** Local servers (Ollama, vLLM, llama.cpp) ignore the key, but the SDK insists on one. */
const PLACEHOLDER_KEY = "no-key";

export interface Connection {
  apiKey?: string;
  baseUrl?: string;
}

/** The one place the `openai` SDK client is built, for chat and embeddings alike. */
export function createOpenAIClient(connection: Connection, opts: { timeoutMs: number; maxRetries: number }): OpenAI {
  return new OpenAI({
    apiKey: connection.apiKey ?? PLACEHOLDER_KEY,
    // Explicit, so the SDK does not fall back to OPENAI_BASE_URL behind the config's back.
    baseURL: connection.baseUrl ?? OPENAI_API_BASE,
    timeout: opts.timeoutMs,
    maxRetries: opts.maxRetries,
    // Like every outgoing request: a redirect to another host (with the key and the prompt) is refused.
    fetch: (input, init) => fetchSameOrigin(input instanceof Request ? input.url : String(input), init),
  });
}
