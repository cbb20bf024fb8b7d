import type { Config } from "../config/config.js";
import { UserError } from "../config/errors.js";
import type { Logger } from "../config/logger.js";
import { resolvePaper, type PaperMatch } from "../retrieval/resolvePaper.js";
import { retrieveRewritten } from "../retrieval/multiQuery.js";
import type { Retrieval, Retriever } from "../retrieval/retriever.js";
import type { Paper } from "../store/paper.js";
import type { PaperStore } from "../store/paperStore.js";
import { AnswerCache } from "./answerCache.js";
import { FALLBACK_NOTICE, OFFLINE_NOTICE, type AskResult } from "./askResult.js";
import { BudgetExceededError, Budgets } from "./budgets.js";
import { createChatModel, type ChatModel } from "./chatModel.js";
import { checkCitations, partialCitations, toCitation } from "./citations.js";
import { ComparisonSchema, comparisonJsonSchema, type Comparison } from "./comparison.js";
import { notCoveredAnswer, offlineAnswer } from "./offlineAnswer.js";
import { answers } from "../metrics/metrics.js";
import { failureReason, parseJson } from "./modelOutput.js";
import { offlineCompare } from "./offlineCompare.js";
import { rewriteQuery } from "./queryRewrite.js";
import { JUDGE_CANDIDATES, judgeRelevance } from "./relevanceJudge.js";
import { askMessages, compareMessages, tldrMessages, type Turn } from "./prompts.js";

export const MAX_QUESTION_CHARS = 500;
const SOURCES = 5;
const HISTORY_TURNS = 4;

export interface AskOptions {
  history?: Turn[];
  /** Receives the growing answer while the model writes it. */
  onPartial?: (text: string) => void;
  userId?: string;
  guildId?: string;
  /** Told when the engine starts searching and, with a model, when it starts writing. */
  onStage?: (stage: "searching" | "writing") => void;
}

export type CompareResult =
  | { kind: "comparison"; a: Paper; b: Paper; comparison: Comparison; mode: "llm" | "offline"; notice?: string; fallbackReason?: string }
  | { kind: "unresolved"; which: ("a" | "b")[]; a: Resolved; b: Resolved };

export interface Resolved {
  query: string;
  paper?: Paper;
  candidates: Paper[];
  ambiguous: boolean;
}

export interface AnswerDeps {
  store: PaperStore;
  retriever: Retriever;
  model?: ChatModel;
  budgets?: Budgets;
  cache?: AnswerCache;
  maxAnswerTokens?: number;
  log?: Logger;
}

/**
 * /ask and /compare: retrieval, then a written answer from the model with validated citations, or
 * the offline answer when there is no model or it fails. Returns data; formatting is the caller's.
 */
export class AnswerEngine {
  constructor(private readonly deps: AnswerDeps) {}

  get hasModel(): boolean {
    return Boolean(this.deps.model);
  }

  async ask(question: string, opts: AskOptions = {}): Promise<AskResult> {
    const result = await this.answer(question, opts);
    answers.inc({ mode: answerMode(result) });
    return result;
  }

  private async answer(question: string, opts: AskOptions): Promise<AskResult> {
    const q = question.replace(/\s+/g, " ").trim();
    if (!q) throw new UserError("Ask a question, e.g. “Which papers reduce KV cache memory in LLM serving?”");
    if (q.length > MAX_QUESTION_CHARS)
      throw new UserError(`Questions can be at most ${MAX_QUESTION_CHARS} characters (this one has ${q.length}). Please shorten it.`);
    const history = (opts.history ?? []).slice(-HISTORY_TURNS);
    const { model, cache, budgets, log } = this.deps;
    const key = model && AnswerCache.key(["ask", q.toLowerCase(), history, model.name, this.deps.store.version()]);
    const hit = key ? cache?.get<AskResult>(key) : undefined;
    if (hit) return { ...hit, cached: true };
    // The rewrite and the relevance judgement are part of the one written answer: a spent budget skips them too.
    const spent = model ? budgetSpent(budgets, opts) : undefined;
    const helper = spent ? undefined : model;
    opts.onStage?.("searching");
    const found = await this.search(q, history, { k: helper ? JUDGE_CANDIDATES : SOURCES, assist: Boolean(helper) });
    const candidates = found.hits.map((h) => h.paper);
    if (!helper) {
      if (!found.covered) return notCoveredAnswer(candidates.slice(0, 3), model ? "llm" : "offline");
      const notice = spent ? `${spent} Meanwhile, here are the most relevant passages.` : OFFLINE_NOTICE;
      return offlineAnswer(q, found.hits.slice(0, SOURCES), notice);
    }

    const judged = await judgeRelevance({ model: helper, cache, log }, searchText(q, history), candidates);
    const papers = (judged ?? candidates).slice(0, SOURCES);
    // Should the model fail while writing, the offline answer quotes what it judged relevant.
    const fallbackHits = judged ? papers.map((paper) => ({ paper, score: 0, relevant: true })) : found.hits.slice(0, SOURCES);
    if (judged ? !judged.length : !found.covered) {
      const result = notCoveredAnswer(candidates.slice(0, 3), "llm");
      if (judged) cache?.set(key!, result);
      return result;
    }
    opts.onStage?.("writing");
    try {
      const messages = await askMessages(q, papers, history);
      const { onPartial } = opts;
      const onDelta = onPartial && ((soFar: string) => onPartial(partialCitations(soFar, papers.length)));
      const text = await helper.complete(messages, { maxTokens: this.deps.maxAnswerTokens ?? 400, onDelta });
      budgets?.record(opts);
      const checked = checkCitations(text, papers.length);
      if (checked.invalid) log?.warn({ invalid: checked.invalid }, "removed citations of sources that were not given");
      const result: AskResult = {
        answer: checked.text,
        citations: checked.cited.sort((x, y) => x - y).map((n) => toCitation(n, papers[n - 1]!)),
        covered: true,
        mode: "llm",
        cached: false,
        invalidCitations: checked.invalid,
      };
      cache?.set(key!, result);
      return result;
    } catch (err) {
      log?.warn({ err: failureReason(err), model: helper.name }, "model failed; answering offline");
      return { ...offlineAnswer(q, fallbackHits, FALLBACK_NOTICE), fallbackReason: failureReason(err) };
    }
  }

  /**
   * The papers for a question. With `assist` and a model, the model first rewrites the question into
   * the vocabulary of abstracts and the rankings of the question and its rewrites are fused; any
   * failure of that call searches plainly. Earlier questions of a conversation count too, so "and
   * which of them is fastest?" still finds the papers.
   */
  async search(
    question: string,
    history: Turn[] = [],
    opts: { k?: number; assist?: boolean; who?: { userId?: string; guildId?: string } } = {},
  ): Promise<Retrieval & { queries: string[] }> {
    const { model, cache, log, retriever, budgets } = this.deps;
    const text = searchText(question, history);
    // A search of its own (/search) spends the written-answer budget; within /ask the answer does.
    const allowed = opts.assist && model && !(opts.who && budgetSpent(budgets, opts.who));
    const rewrites = allowed
      ? await rewriteQuery(
          { model, cache, log },
          question,
          history.map((t) => t.question),
        )
      : undefined;
    if (rewrites && opts.who) budgets?.record(opts.who);
    if (!rewrites) return { ...(await retriever.retrieve(text, { k: opts.k })), queries: [text] };
    return { ...(await retrieveRewritten(retriever, text, rewrites, { k: opts.k })), queries: [text, ...rewrites] };
  }

  /** Resolves a loose paper name: the paper, or the candidates to ask the user about. */
  resolve(query: string): Resolved {
    const r = resolvePaper(this.deps.store, query);
    const candidates = [r.best, ...r.candidates].filter((m): m is PaperMatch => Boolean(m)).map((m) => m.paper);
    return { query, paper: r.ambiguous ? undefined : r.best?.paper, candidates: candidates.slice(0, 5), ambiguous: r.ambiguous };
  }

  async compare(aName: string, bName: string, opts: { userId?: string; guildId?: string } = {}): Promise<CompareResult> {
    const a = this.resolve(aName);
    const b = this.resolve(bName);
    if (!a.paper || !b.paper) {
      const which = [...(a.paper ? [] : ["a" as const]), ...(b.paper ? [] : ["b" as const])];
      return { kind: "unresolved", which, a, b };
    }
    if (a.paper.id === b.paper.id) throw new UserError(`Both names point to the same paper (“${a.paper.title}”). Pick two different papers.`);
    const pa = a.paper;
    const pb = b.paper;
    const { model, cache, budgets, log } = this.deps;
    if (!model) return { kind: "comparison", a: pa, b: pb, comparison: offlineCompare(pa, pb), mode: "offline", notice: OFFLINE_NOTICE };

    const key = AnswerCache.key(["compare", pa.id, pb.id, model.name, pa.updatedAt, pb.updatedAt]);
    const hit = cache?.get<Comparison>(key);
    if (hit) return { kind: "comparison", a: pa, b: pb, comparison: hit, mode: "llm" };
    const spent = budgetSpent(budgets, opts);
    if (spent) return { kind: "comparison", a: pa, b: pb, comparison: offlineCompare(pa, pb), mode: "offline", notice: spent };
    let reason = "invalid output";
    const messages = await compareMessages(pa, pb);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const text = await model.complete(messages, {
          maxTokens: 900,
          jsonSchema: { name: "comparison", schema: comparisonJsonSchema },
        });
        const parsed = ComparisonSchema.safeParse(parseJson(text));
        if (parsed.success) {
          budgets?.record(opts);
          cache?.set(key, parsed.data);
          return { kind: "comparison", a: pa, b: pb, comparison: parsed.data, mode: "llm" };
        }
        reason = "invalid output";
        log?.warn({ attempt, issue: parsed.error.issues[0]?.message }, "comparison failed validation");
      } catch (err) {
        reason = failureReason(err);
        log?.warn({ attempt, err: reason }, "model failed on a comparison");
        break;
      }
    }
    return { kind: "comparison", a: pa, b: pb, comparison: offlineCompare(pa, pb), mode: "offline", notice: FALLBACK_NOTICE, fallbackReason: reason };
  }

  /** A one or two sentence TL;DR written by the model, or undefined (no model, or it failed). */
  async tldr(paper: Paper): Promise<string | undefined> {
    const { model, cache, log } = this.deps;
    if (!model) return undefined;
    const key = AnswerCache.key(["tldr", paper.id, paper.updatedAt, model.name]);
    const hit = cache?.get<string>(key);
    if (hit) return hit;
    try {
      const text = (await model.complete(await tldrMessages(paper), { maxTokens: 120 })).replace(/\s+/g, " ").trim();
      if (!text) return undefined;
      cache?.set(key, text);
      return text;
    } catch (err) {
      log?.warn({ err: failureReason(err) }, "TL;DR failed");
      return undefined;
    }
  }
}

/** How an answer was made, for the metrics: written, offline, fallback, cached or not covered. */
function answerMode(r: AskResult): string {
  if (r.cached) return "cached";
  if (!r.covered) return "not_covered";
  if (r.mode === "llm") return "written";
  return r.fallbackReason ? "fallback" : "offline";
}

/** The question with the conversation's earlier questions before it, as searched. */
function searchText(question: string, history: Turn[]): string {
  return [...history.map((t) => t.question), question].join(" ").slice(-MAX_QUESTION_CHARS * 2);
}

/** The budget message when a written answer would exceed a daily budget; the offline answer is given instead. */
function budgetSpent(budgets: Budgets | undefined, who: { userId?: string; guildId?: string }): string | undefined {
  try {
    budgets?.check(who);
    return undefined;
  } catch (err) {
    if (err instanceof BudgetExceededError) return err.message;
    throw err;
  }
}

export function createAnswerEngine(config: Readonly<Config>, store: PaperStore, retriever: Retriever, log?: Logger): AnswerEngine {
  return new AnswerEngine({
    store,
    retriever,
    model: createChatModel(config),
    budgets: new Budgets(store.db, config.budgets),
    cache: new AnswerCache(store.db),
    maxAnswerTokens: config.maxAnswerTokens,
    log,
  });
}
