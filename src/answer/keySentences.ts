import { queryTerms, tokenize } from "../text/queryTerms.js";
import { splitSentences, truncate } from "../text/prose.js";
import { stem } from "../text/stem.js";

const MAX_SENTENCE = 400;

const clip = (s: string) => truncate(s, MAX_SENTENCE);

/** The one or two sentences of an abstract that share most of the question's words, in their original order. */
export function bestSentences(abstract: string, question: string, max = 2): string[] {
  const wanted = new Set(queryTerms(question).map(stem));
  const sentences = splitSentences(abstract);
  const scored = sentences.map((s, i) => {
    const words = new Set(tokenize(s).map(stem));
    return { i, s, score: [...wanted].filter((w) => words.has(w)).length };
  });
  const top = [...scored].sort((a, b) => b.score - a.score || a.i - b.i).slice(0, max);
  // Nothing matches: the opening sentence says best what the paper is about.
  if (!top[0]?.score) return sentences.slice(0, 1).map(clip);
  // A second sentence only when it matches too; otherwise one is clearer.
  const chosen = top.filter((t, k) => k === 0 || t.score > 0).sort((a, b) => a.i - b.i);
  return chosen.map((t) => clip(t.s));
}

/** The first sentence matching `cues`, else the `fallback`-th sentence (Infinity: the last), skipping ones already used. */
export function cueSentence(abstract: string, cues: RegExp, fallback?: number, skip: string[] = []): string | undefined {
  const sentences = splitSentences(abstract).filter((s) => !skip.includes(clip(s)));
  const hit = sentences.find((s) => cues.test(s));
  const s = hit ?? (fallback === undefined ? undefined : sentences[Math.min(fallback, sentences.length - 1)]);
  return s ? clip(s) : undefined;
}

/**
 * At most `max` characters of `text` for a prompt: the whole text when it fits, else the run of
 * whole sentences that holds most of the question's words (a cut from the start could drop the one
 * sentence that answers), marked with "…" where text was left out.
 */
export function excerpt(text: string, question: string, max: number): string {
  if (text.length <= max) return text;
  const wanted = new Set(queryTerms(question).map(stem));
  const sentences = splitSentences(text);
  const score = sentences.map((s) => new Set(tokenize(s).map(stem)).size && [...new Set(tokenize(s).map(stem))].filter((w) => wanted.has(w)).length);
  let best = { from: 0, to: -1, score: -1 };
  let [from, length, sum] = [0, 0, 0];
  for (let to = 0; to < sentences.length; to++) {
    length += sentences[to]!.length + 1;
    sum += score[to]!;
    while (length > max && from <= to) {
      length -= sentences[from]!.length + 1;
      sum -= score[from]!;
      from++;
    }
    if (from <= to && sum > best.score) best = { from, to, score: sum };
  }
  if (best.to < 0) return truncate(text, max);
  const body = sentences.slice(best.from, best.to + 1).join(" ");
  return `${best.from > 0 ? "… " : ""}${body}${best.to < sentences.length - 1 ? " …" : ""}`;
}
