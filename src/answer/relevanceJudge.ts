import { z } from "zod";
import type { Logger } from "../config/logger.js";
import type { StoredPaper } from "../store/paperRecords.js";
import { AnswerCache } from "../store/answerCache.js";
import type { ChatModel } from "./chatModel.js";
import { callHelper } from "./helperCall.js";
import { judgeMessages } from "./prompts.js";

/** How many of the top candidates the model reads, and how much of each abstract. */
export const JUDGE_CANDIDATES = 10;
const JUDGE_ABSTRACT_CHARS = 700;
export const JUDGE_TIMEOUT_MS = 10_000;
const JUDGE_MAX_TOKENS = 120;

const JudgementSchema = z.object({ relevant: z.array(z.number().int()) });

const judgementJsonSchema = {
  type: "object",
  properties: { relevant: { type: "array", items: { type: "integer" } } },
  required: ["relevant"],
  additionalProperties: false,
} as const;

const JUDGE_CALL = {
  name: "relevance",
  jsonSchema: judgementJsonSchema,
  output: JudgementSchema,
  maxTokens: JUDGE_MAX_TOKENS,
  otherwise: "keeping the search ranking",
};

export interface JudgeDeps {
  model: ChatModel;
  cache?: AnswerCache;
  log?: Logger;
  timeoutMs?: number;
}

/**
 * Asks the model which candidates actually bear on the question (in the spirit of PaperQA2's
 * evidence scoring). Returns the relevant ones in search order (an empty list means the
 * collection does not cover the question), or undefined when the call failed or its output was not
 * valid: the caller then keeps the search ranking.
 */
export async function judgeRelevance(deps: JudgeDeps, question: string, candidates: StoredPaper[]): Promise<StoredPaper[] | undefined> {
  const { model, cache, log } = deps;
  const shown = candidates.slice(0, JUDGE_CANDIDATES);
  if (!shown.length) return [];
  const key = AnswerCache.key(["judge", question.toLowerCase(), shown.map((p) => [p.id, p.updatedAt]), model.name]);
  const hit = cache?.get<number[]>(key);
  if (hit) return pick(shown, hit);
  const call = { ...JUDGE_CALL, timeoutMs: deps.timeoutMs ?? JUDGE_TIMEOUT_MS };
  const out = await callHelper(model, judgeMessages(question, shown, JUDGE_ABSTRACT_CHARS), call, log);
  if (!out) return undefined;
  const numbers = [...new Set(out.relevant.filter((n) => n >= 1 && n <= shown.length))].sort((a, b) => a - b);
  cache?.set(key, numbers);
  return pick(shown, numbers);
}

const pick = (papers: StoredPaper[], numbers: number[]) => numbers.map((n) => papers[n - 1]!);
