import type { Config } from "../config/config.js";
import { UserError } from "../config/errors.js";
import type { Logger } from "../config/logger.js";
import { resolvePaper, type PaperMatch } from "../retrieval/resolvePaper.js";
import { retrieveRewritten } from "../retrieval/multiQuery.js";
import type { Retrieval, Retriever } from "../retrieval/retriever.js";
import type { StoredPaper } from "../store/paperRecords.js";
import { answerCacheKey, type AnswerCacheStore } from "../store/answerCache.js";
import type { PaperRecords } from "../store/paperRecords.js";
import type { Stores } from "../store/stores.js";
import type { FullTextChunks } from "../store/fullText.js";
import { FALLBACK_NOTICE, OFFLINE_NOTICE, type AskResult } from "./askResult.js";
import { BudgetExceededError, Budgets } from "./budgets.js";
import { createChatModel, type ChatModel } from "./chatModel.js";
import { checkCitations, partialCitations, passagePages, toCitation, type GivenPages } from "./citations.js";
import { EVIDENCE_CANDIDATES, gatherEvidence } from "./evidence.js";
import { createFullTextReader, type FullTextReader } from "../ingest/fullTextReader.js";
import { findPassages, findTextPapers, type FoundPassage } from "../retrieval/passages.js";
import { checkComparisonPages, ComparisonSchema, comparisonJsonSchema, type Comparison } from "./comparison.js";
import { notCoveredAnswer, offlineAnswer, type AnswerHit } from "./offlineAnswer.js";
import { answers } from "../metrics/metrics.js";
import { failureReason, parseJson } from "./modelOutput.js";
import { offlineCompare, type ComparedText } from "./offlineCompare.js";
import { rewriteQuery } from "./queryRewrite.js";
import { JUDGE_CANDIDATES, judgeRelevance } from "./relevanceJudge.js";
import { askMessages, compareMessages, tldrMessages, type PromptPassage } from "./prompts.js";
import type { Turn } from "../store/conversations.js";

export const MAX_QUESTION_CHARS = 500;
const SOURCES = 5;
/** A paper whose best passage holds this share of the question's words is a source, found by its full text. */
const TEXT_MATCH_SHARE = 0.8;
const TEXT_PAPERS = 2;
/** What /compare looks for in a full text: how the paper was evaluated, and the limitations its authors state. */
const SETUP_QUERY = "evaluation experimental setup testbed hardware GPUs cluster nodes baselines workloads datasets";
const LIMITS_QUERY = "limitations limitation future work drawback assumption does not support cannot";
/** Sources without full text whose PDFs an answer with a model may read on the spot, and for how long in all. */
const ON_THE_SPOT = 3;
export const READ_ON_THE_SPOT_MS = 20_000;
const HISTORY_TURNS = 4;

export interface AskOptions {
  history?: Turn[];
  /** Receives the growing answer while the model writes it. */
  onPartial?: (text: string) => void;
  userId?: string;
  guildId?: string;
  /** Told when the engine starts searching, reading papers' PDFs on the spot (how many), and writing. */
  onStage?: (stage: "searching" | "reading" | "writing", count?: number) => void;
  /** Answer from this paper alone (its id): no search. */
  paperId?: string;
}

export type CompareResult =
  | { kind: "comparison"; a: StoredPaper; b: StoredPaper; comparison: Comparison; mode: "llm" | "offline"; notice?: string; fallbackReason?: string }
  | { kind: "unresolved"; which: ("a" | "b")[]; a: Resolved; b: Resolved };

export interface Resolved {
  query: string;
  paper?: StoredPaper;
  candidates: StoredPaper[];
  ambiguous: boolean;
}

export interface AnswerDeps {
  /** The papers: a conversation's paper, papers found by their full text; their version is part of an answer's cache key. */
  papers: PaperRecords;
  /** Papers' full texts: passages with pages for answers, and (with a model) PDFs read on the spot. */
  fullText?: FullTextReader;
  /** How long an answer may wait for PDFs read on the spot before answering from abstracts. */
  readOnTheSpotMs?: number;
  retriever: Retriever;
  model?: ChatModel;
  budgets?: Budgets;
  cache?: AnswerCacheStore;
  maxAnswerTokens?: number;
  log?: Logger;
}

/**
 * /ask and /compare: retrieval, then a written answer from the model with validated citations, or
 * the offline answer when there is no model or it fails. Returns data; formatting is the caller's.
 */
export class AnswerEngine {
  /** The full texts the reader keeps; none without a reader. */
  private readonly texts?: FullTextChunks;

  constructor(private readonly deps: AnswerDeps) {
    this.texts = deps.fullText?.texts;
  }

  get hasModel(): boolean {
    return Boolean(this.deps.model);
  }

  /** The papers' full texts, and the reader that fetches them. */
  get fullText(): FullTextReader | undefined {
    return this.deps.fullText;
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
    const only = opts.paperId === undefined ? undefined : await this.deps.papers.get(opts.paperId);
    if (opts.paperId !== undefined && !only) throw new UserError("That paper is not in the collection any more.");
    const key =
      model && answerCacheKey(["ask", q.toLowerCase(), history, model.name, await this.deps.papers.version(), await this.texts?.version(), only?.id]);
    const hit = key ? await cache?.get<AskResult>(key) : undefined;
    if (hit) return { ...hit, cached: true };
    // The rewrite and the relevance judgement are part of the one written answer: a spent budget skips them too.
    const spent = model ? await budgetSpent(budgets, opts) : undefined;
    const helper = spent ? undefined : model;
    opts.onStage?.("searching");
    const found: Found = only
      ? { hits: [{ paper: only, score: 1, relevant: true }], covered: true }
      : await this.withTextPapers(q, await this.search(q, history, { k: helper ? JUDGE_CANDIDATES : SOURCES, assist: Boolean(helper) }));
    const candidates = found.hits.map((h) => h.paper);
    if (!helper) {
      if (!found.covered) return notCoveredAnswer(candidates.slice(0, 3), model ? "llm" : "offline");
      const notice = spent ? `${spent} Meanwhile, here are the most relevant passages.` : OFFLINE_NOTICE;
      const hits = found.hits.slice(0, SOURCES);
      return offlineAnswer(
        q,
        hits,
        notice,
        await this.passages(
          q,
          hits.map((h) => h.paper),
        ),
      );
    }

    const judged = only ? [only] : await judgeRelevance({ model: helper, cache, log }, searchText(q, history), candidates);
    const papers = (judged ?? candidates).slice(0, SOURCES);
    // Should the model fail while writing, the offline answer quotes what it judged relevant.
    const fallbackHits = judged ? papers.map((paper) => ({ paper, score: 0, relevant: true })) : found.hits.slice(0, SOURCES);
    if (judged ? !judged.length : !found.covered) {
      const result = notCoveredAnswer(candidates.slice(0, 3), "llm");
      if (judged) await cache?.set(key!, result);
      return result;
    }
    await this.readOnTheSpot(papers.slice(0, ON_THE_SPOT), opts);
    const evidence = await this.evidence(helper, q, papers);
    opts.onStage?.("writing");
    try {
      const messages = await askMessages(q, papers, history, evidence.perSource);
      const { onPartial } = opts;
      const onDelta = onPartial && ((soFar: string) => onPartial(partialCitations(soFar, papers.length, evidence.pages)));
      const text = await helper.complete(messages, { maxTokens: this.deps.maxAnswerTokens ?? 400, onDelta });
      await budgets?.record(opts);
      const checked = checkCitations(text, papers.length, evidence.pages);
      if (checked.invalid) log?.warn({ invalid: checked.invalid }, "removed citations of sources or pages that were not given");
      const result: AskResult = {
        answer: checked.text,
        citations: checked.cited.sort((x, y) => x - y).map((n) => toCitation(n, papers[n - 1]!, checked.citedPages.get(n))),
        covered: true,
        mode: "llm",
        cached: false,
        invalidCitations: checked.invalid,
      };
      await cache?.set(key!, result);
      return result;
    } catch (err) {
      log?.warn({ err: failureReason(err), model: helper.name }, "model failed; answering offline");
      return { ...offlineAnswer(q, fallbackHits, FALLBACK_NOTICE, evidence.found), fallbackReason: failureReason(err) };
    }
  }

  /**
   * The search's papers, with papers whose full text (not their abstract) holds most of the
   * question's words put right after the best one: a question about a table or a baseline named only
   * in a paper's body still finds it, and counts as covered.
   */
  private async withTextPapers(question: string, found: Retrieval): Promise<Found> {
    const { texts } = this;
    if (!texts) return found;
    const strong = (await findTextPapers(texts, question)).filter((t) => t.share >= TEXT_MATCH_SHARE);
    const wanted = strong.filter((t) => !found.hits.slice(0, SOURCES).some((h) => h.paper.id === t.paperId)).slice(0, TEXT_PAPERS);
    const known = await this.deps.papers.getMany(wanted.map((t) => t.paperId));
    const extra = wanted.flatMap((t) => {
      const paper = known.get(t.paperId);
      return paper ? [{ paper, score: 0, relevant: true }] : [];
    });
    const rest = found.hits.filter((h) => !extra.some((e) => e.paper.id === h.paper.id));
    return { hits: [...rest.slice(0, 1), ...extra, ...rest.slice(1)], covered: found.covered || strong.length > 0 };
  }

  /** The passages of these papers' full texts that bear on the question (none without full text). */
  private async passages(question: string, papers: StoredPaper[], k = SOURCES): Promise<FoundPassage[]> {
    const { texts } = this;
    if (!texts) return [];
    const ids = papers.map((p) => p.id);
    const read = await texts.withText(ids);
    const found = await findPassages(
      texts,
      question,
      ids.filter((id) => read.has(id)),
      { k },
    );
    await texts.touch([...new Set(found.map((f) => f.paperId))]);
    return found;
  }

  /**
   * Reads, within `readOnTheSpotMs`, the PDFs of the best sources that have no full text yet and
   * were never tried; whatever is not read by then is answered from its abstract.
   */
  private async readOnTheSpot(papers: StoredPaper[], opts: AskOptions): Promise<void> {
    const reader = this.deps.fullText;
    if (!reader?.canFetch) return;
    const tried = await Promise.all(papers.map(async (p) => Boolean(p.arxivId && (await this.texts?.status(p.id)))));
    const todo = papers.filter((p, i) => p.arxivId && !tried[i]);
    if (!todo.length) return;
    opts.onStage?.("reading", todo.length);
    const signal = AbortSignal.timeout(this.deps.readOnTheSpotMs ?? READ_ON_THE_SPOT_MS);
    const reads = Promise.all(todo.map((p) => reader.readPaper(p.id, { signal }).catch(() => undefined)));
    await Promise.race([reads, new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }))]);
  }

  /**
   * The full-text passages that go into the prompt, per source: with the evidence step, the ones the
   * model kept (with its summaries); when that call fails, every passage found. Also the pages given
   * per source, which the answer's page citations are checked against.
   */
  private async evidence(
    model: ChatModel,
    question: string,
    papers: StoredPaper[],
  ): Promise<{ found: FoundPassage[]; perSource: PromptPassage[][]; pages: GivenPages }> {
    const found = await this.passages(question, papers, EVIDENCE_CANDIDATES);
    const index = new Map(papers.map((p, i) => [p.id, i]));
    const title = (f: FoundPassage) => papers[index.get(f.paperId)!]!.title;
    const kept = found.length
      ? await gatherEvidence(
          { model, cache: this.deps.cache, log: this.deps.log },
          question,
          found.map((f) => ({ key: `${f.paperId}#${f.seq}`, title: title(f), page: f.page, text: f.text })),
        )
      : [];
    const chosen: (FoundPassage & { summary?: string })[] = kept ? kept.map((k) => ({ ...found[k.index]!, summary: k.summary })) : found;
    const perSource: PromptPassage[][] = papers.map(() => []);
    const pages = new Map<number, Set<number>>();
    for (const f of chosen) {
      const i = index.get(f.paperId)!;
      perSource[i]!.push({
        page: f.page,
        pageEnd: f.pageEnd,
        text: f.text,
        ...(f.section ? { section: f.section } : {}),
        ...(f.summary ? { summary: f.summary } : {}),
      });
      pages.set(i + 1, new Set([...(pages.get(i + 1) ?? []), ...passagePages(f)]));
    }
    return { found: chosen, perSource, pages };
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
    const allowed = opts.assist && model && !(opts.who && (await budgetSpent(budgets, opts.who)));
    const rewrites = allowed
      ? await rewriteQuery(
          { model, cache, log },
          question,
          history.map((t) => t.question),
        )
      : undefined;
    if (rewrites && opts.who) await budgets?.record(opts.who);
    if (!rewrites) return { ...(await retriever.retrieve(text, { k: opts.k })), queries: [text] };
    return { ...(await retrieveRewritten(retriever, text, rewrites, { k: opts.k })), queries: [text, ...rewrites] };
  }

  /** Resolves a loose paper name: the paper, or the candidates to ask the user about. */
  async resolve(query: string): Promise<Resolved> {
    const r = await resolvePaper(this.deps.retriever.stores, query);
    const candidates = [r.best, ...r.candidates].filter((m): m is PaperMatch => Boolean(m)).map((m) => m.paper);
    return { query, paper: r.ambiguous ? undefined : r.best?.paper, candidates: candidates.slice(0, 5), ambiguous: r.ambiguous };
  }

  async compare(aName: string, bName: string, opts: { userId?: string; guildId?: string } = {}): Promise<CompareResult> {
    const [a, b] = await Promise.all([this.resolve(aName), this.resolve(bName)]);
    if (!a.paper || !b.paper) {
      const which = [...(a.paper ? [] : ["a" as const]), ...(b.paper ? [] : ["b" as const])];
      return { kind: "unresolved", which, a, b };
    }
    if (a.paper.id === b.paper.id) throw new UserError(`Both names point to the same paper (“${a.paper.title}”). Pick two different papers.`);
    const pa = a.paper;
    const pb = b.paper;
    const { model, cache, budgets, log } = this.deps;
    const text = await this.comparedText(pa, pb);
    const offline = () => offlineCompare(pa, pb, text);
    if (!model) return { kind: "comparison", a: pa, b: pb, comparison: offline(), mode: "offline", notice: OFFLINE_NOTICE };

    const key = answerCacheKey(["compare", pa.id, pb.id, model.name, pa.updatedAt, pb.updatedAt, await this.texts?.version()]);
    const hit = await cache?.get<Comparison>(key);
    if (hit) return { kind: "comparison", a: pa, b: pb, comparison: hit, mode: "llm" };
    const spent = await budgetSpent(budgets, opts);
    if (spent) return { kind: "comparison", a: pa, b: pb, comparison: offline(), mode: "offline", notice: spent };
    let reason = "invalid output";
    const given = (t?: ComparedText) => t && [...t.setup, ...t.limits];
    const asPrompt = (t?: ComparedText): PromptPassage[] =>
      (given(t) ?? []).map((x) => ({ page: x.page, pageEnd: x.pageEnd, text: x.text, ...(x.section ? { section: x.section } : {}) }));
    const pagesOf = (t?: ComparedText) => t && new Set(given(t)!.flatMap(passagePages));
    const messages = await compareMessages(pa, pb, [asPrompt(text.A), asPrompt(text.B)]);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const out = await model.complete(messages, {
          maxTokens: 900,
          jsonSchema: { name: "comparison", schema: comparisonJsonSchema },
        });
        const parsed = ComparisonSchema.safeParse(parseJson(out));
        if (parsed.success) {
          await budgets?.record(opts);
          const { comparison, invalid } = checkComparisonPages(parsed.data, { A: pagesOf(text.A), B: pagesOf(text.B) });
          if (invalid) log?.warn({ invalid }, "removed page citations that were not given");
          await cache?.set(key, comparison);
          return { kind: "comparison", a: pa, b: pb, comparison, mode: "llm" };
        }
        reason = "invalid output";
        log?.warn({ attempt, issue: parsed.error.issues[0]?.message }, "comparison failed validation");
      } catch (err) {
        reason = failureReason(err);
        log?.warn({ attempt, err: reason }, "model failed on a comparison");
        break;
      }
    }
    return { kind: "comparison", a: pa, b: pb, comparison: offline(), mode: "offline", notice: FALLBACK_NOTICE, fallbackReason: reason };
  }

  /** For each paper whose full text is in: its passages on how it was evaluated and on what it admits. */
  private async comparedText(a: StoredPaper, b: StoredPaper): Promise<{ A?: ComparedText; B?: ComparedText }> {
    const { texts } = this;
    if (!texts) return {};
    const has = await texts.withText([a.id, b.id]);
    const of = async (p: StoredPaper): Promise<ComparedText | undefined> =>
      has.has(p.id)
        ? {
            setup: await findPassages(texts, SETUP_QUERY, [p.id], { k: 2, perPaper: 2 }),
            limits: await findPassages(texts, LIMITS_QUERY, [p.id], { k: 2, perPaper: 2 }),
          }
        : undefined;
    const out = { A: await of(a), B: await of(b) };
    await texts.touch([...has]);
    return out;
  }

  /** A one or two sentence TL;DR written by the model, or undefined (no model, or it failed). */
  async tldr(paper: StoredPaper): Promise<string | undefined> {
    const { model, cache, log } = this.deps;
    if (!model) return undefined;
    const key = answerCacheKey(["tldr", paper.id, paper.updatedAt, model.name]);
    const hit = await cache?.get<string>(key);
    if (hit) return hit;
    try {
      const text = (await model.complete(await tldrMessages(paper), { maxTokens: 120 })).replace(/\s+/g, " ").trim();
      if (!text) return undefined;
      await cache?.set(key, text);
      return text;
    } catch (err) {
      log?.warn({ err: failureReason(err) }, "TL;DR failed");
      return undefined;
    }
  }
}

/** The papers an answer is written from, with whether any bears on the question. */
interface Found {
  hits: AnswerHit[];
  covered: boolean;
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
async function budgetSpent(budgets: Budgets | undefined, who: { userId?: string; guildId?: string }): Promise<string | undefined> {
  try {
    await budgets?.check(who);
    return undefined;
  } catch (err) {
    if (err instanceof BudgetExceededError) return err.message;
    throw err;
  }
}

export function createAnswerEngine(
  config: Readonly<Config>,
  retriever: Retriever,
  stores: Pick<Stores, "papers" | "answerCache" | "answerUsage" | "fullText" | "groupPapers">,
  log?: Logger,
): AnswerEngine {
  return new AnswerEngine({
    papers: stores.papers,
    fullText: createFullTextReader(config, stores, log),
    retriever,
    model: createChatModel(config),
    budgets: new Budgets(stores.answerUsage, config.budgets),
    cache: stores.answerCache,
    maxAnswerTokens: config.maxAnswerTokens,
    log,
  });
}
