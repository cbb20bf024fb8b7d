import { z } from "zod";
import type { Logger } from "../config/logger.js";
import { answerCacheKey, type AnswerCacheStore } from "../store/answerCache.js";
import type { ChatModel } from "./chatModel.js";
import { callHelper } from "./helperCall.js";
import { rewriteMessages } from "./prompts.js";

const MAX_QUERIES = 4;
const MAX_QUERY_CHARS = 300;
export const REWRITE_TIMEOUT_MS = 8_000;
const REWRITE_MAX_TOKENS = 250;

export const RewriteSchema = z.object({
  queries: z.array(z.string()),
});

export const rewriteJsonSchema = {
  type: "object",
  properties: { queries: { type: "array", items: { type: "string" }, minItems: 1, maxItems: MAX_QUERIES } },
  required: ["queries"],
  additionalProperties: false,
} as const;

const REWRITE_CALL = {
  name: "search_queries",
  jsonSchema: rewriteJsonSchema,
  output: RewriteSchema,
  maxTokens: REWRITE_MAX_TOKENS,
  otherwise: "searching without a rewrite",
};

export interface RewriteDeps {
  model: ChatModel;
  cache?: AnswerCacheStore;
  log?: Logger;
  timeoutMs?: number;
}

/**
 * One short structured model call: the question restated as 2-4 queries in the vocabulary of
 * abstracts. Undefined on any failure (timeout, HTTP error, invalid JSON): search goes on plainly.
 */
export async function rewriteQuery(deps: RewriteDeps, question: string, earlierQuestions: string[] = []): Promise<string[] | undefined> {
  const { model, cache, log } = deps;
  const key = answerCacheKey(["rewrite", question.toLowerCase(), earlierQuestions, model.name]);
  const hit = await cache?.get<string[]>(key);
  if (hit) return hit;
  const call = { ...REWRITE_CALL, timeoutMs: deps.timeoutMs ?? REWRITE_TIMEOUT_MS };
  const out = await callHelper(model, rewriteMessages(question, earlierQuestions), call, log);
  const queries = out && cleanQueries(out.queries, question);
  if (!queries?.length) return undefined;
  await cache?.set(key, queries);
  return queries;
}

/** Trimmed, bounded, without blanks, repeats or the question itself. */
function cleanQueries(queries: string[], question: string): string[] {
  const seen = new Set([question.trim().toLowerCase()]);
  const out: string[] = [];
  for (const raw of queries) {
    const q = raw.replace(/\s+/g, " ").trim().slice(0, MAX_QUERY_CHARS);
    if (!q || seen.has(q.toLowerCase())) continue;
    seen.add(q.toLowerCase());
    out.push(q);
    if (out.length === MAX_QUERIES) break;
  }
  return out;
}
