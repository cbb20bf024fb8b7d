import { z } from "zod";
import type { Logger } from "../config/logger.js";
import { AnswerCache } from "./answerCache.js";
import type { ChatModel } from "./chatModel.js";
import { failureReason, parseJson } from "./modelOutput.js";
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

export interface RewriteDeps {
  model: ChatModel;
  cache?: AnswerCache;
  log?: Logger;
  timeoutMs?: number;
}

/**
 * One short structured model call: the question restated as 2-4 queries in the vocabulary of
 * abstracts. Undefined on any failure (timeout, HTTP error, invalid JSON): search goes on plainly.
 */
export async function rewriteQuery(deps: RewriteDeps, question: string, earlierQuestions: string[] = []): Promise<string[] | undefined> {
  const { model, cache, log } = deps;
  const key = AnswerCache.key(["rewrite", question.toLowerCase(), earlierQuestions, model.name]);
  const hit = cache?.get<string[]>(key);
  if (hit) return hit;
  try {
    const text = await model.complete(rewriteMessages(question, earlierQuestions), {
      maxTokens: REWRITE_MAX_TOKENS,
      jsonSchema: { name: "search_queries", schema: rewriteJsonSchema },
      signal: AbortSignal.timeout(deps.timeoutMs ?? REWRITE_TIMEOUT_MS),
    });
    const parsed = RewriteSchema.safeParse(parseJson(text));
    if (!parsed.success) {
      log?.warn({ model: model.name }, "query rewrite was not valid JSON of queries; searching without it");
      return undefined;
    }
    const queries = cleanQueries(parsed.data.queries, question);
    if (!queries.length) return undefined;
    cache?.set(key, queries);
    return queries;
  } catch (err) {
    log?.warn({ err: failureReason(err), model: model.name }, "query rewrite failed; searching without it");
    return undefined;
  }
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
