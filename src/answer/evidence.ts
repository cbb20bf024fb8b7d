import { z } from "zod";
import type { Logger } from "../config/logger.js";
import { answerCacheKey, type AnswerCacheStore } from "../store/answerCache.js";
import type { ChatModel } from "./chatModel.js";
import { callHelper } from "./helperCall.js";
import { evidenceMessages } from "./prompts.js";

/** Passages the model reads, how much of each, and how long it may take. */
export const EVIDENCE_CANDIDATES = 10;
const EVIDENCE_PASSAGE_CHARS = 1_200;
const EVIDENCE_TIMEOUT_MS = 15_000;
const EVIDENCE_MAX_TOKENS = 500;

const EvidenceSchema = z.object({
  // A long-winded summary is cut (the prompt quotes at most 400 characters of it), not a reason to throw the step away.
  evidence: z.array(z.object({ passage: z.number().int(), summary: z.string().transform((t) => t.slice(0, 1_000)) })).max(EVIDENCE_CANDIDATES * 2),
});

const evidenceJsonSchema = {
  type: "object",
  properties: {
    evidence: {
      type: "array",
      items: {
        type: "object",
        properties: { passage: { type: "integer" }, summary: { type: "string" } },
        required: ["passage", "summary"],
        additionalProperties: false,
      },
    },
  },
  required: ["evidence"],
  additionalProperties: false,
} as const;

export interface EvidencePassage {
  /** A stable key of the passage (paper id and passage number), for the cache. */
  key: string;
  title: string;
  page: number;
  text: string;
}

/**
 * The evidence step (PaperQA2's relevance-scored summaries, bounded to one call): the model reads
 * the candidate passages and keeps those that bear on the question, each with a one-sentence
 * summary. Returns the kept passages' indexes (into `passages`) with their summaries, best first as
 * given; undefined when the call failed or its output was not valid (the caller keeps every passage).
 */
export async function gatherEvidence(
  deps: { model: ChatModel; cache?: AnswerCacheStore; log?: Logger },
  question: string,
  passages: EvidencePassage[],
): Promise<{ index: number; summary: string }[] | undefined> {
  const shown = passages.slice(0, EVIDENCE_CANDIDATES);
  if (!shown.length) return [];
  const key = answerCacheKey(["evidence", question.toLowerCase(), shown.map((p) => [p.key, p.page, p.text]), deps.model.name]);
  const hit = await deps.cache?.get<{ index: number; summary: string }[]>(key);
  if (hit) return hit;
  const out = await callHelper(
    deps.model,
    evidenceMessages(question, shown, EVIDENCE_PASSAGE_CHARS),
    {
      name: "evidence",
      jsonSchema: evidenceJsonSchema,
      output: EvidenceSchema,
      maxTokens: EVIDENCE_MAX_TOKENS,
      timeoutMs: EVIDENCE_TIMEOUT_MS,
      otherwise: "answering from every passage found",
    },
    deps.log,
  );
  if (!out) return undefined;
  const seen = new Set<number>();
  const kept = out.evidence
    .filter((e) => e.passage >= 1 && e.passage <= shown.length && !seen.has(e.passage) && seen.add(e.passage))
    .sort((a, b) => a.passage - b.passage)
    .map((e) => ({ index: e.passage - 1, summary: e.summary.replace(/\s+/g, " ").trim() }));
  await deps.cache?.set(key, kept);
  return kept;
}
