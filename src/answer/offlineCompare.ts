import type { FoundPassage } from "../retrieval/passages.js";
import { tokenize } from "../text/queryTerms.js";
import { STOPWORDS } from "../text/stopwords.js";
import { stem } from "../text/stem.js";
import type { StoredPaper } from "../store/paperRecords.js";
import type { Comparison } from "./comparison.js";
import { cueSentence } from "./keySentences.js";
import { pageLabel, passagePages } from "./citations.js";
import { shortTitle } from "../text/prose.js";

const PROBLEM = /\b(challeng|problem|bottleneck|struggl|suffer|costly|expensive|difficult|limited|however|lack|inefficien|overhead)/i;
const APPROACH =
  /\b(we (propose|present|introduce|design|develop|build|describe)|this (paper|work) (proposes|presents|introduces)|our (approach|method|system|framework))/i;
const EVIDENCE = /(\d+(\.\d+)?\s?(x|×|%)|\b(outperform|achiev|improv|reduc|speed ?up|faster|accuracy|results show|experiments? (show|demonstrate)))/i;
const LIMITATION = /\b(limitation|future work|only|cannot|does not|do not|remain|open question|trade-?off)/i;

/** Content words of an abstract by frequency, keyed by stem, with the first spelling seen. */
function vocabulary(p: StoredPaper): Map<string, { word: string; n: number }> {
  const m = new Map<string, { word: string; n: number }>();
  for (const w of tokenize(`${p.title} ${p.abstract}`)) {
    if (w.length < 4 || STOPWORDS.has(w) || /^\d+$/.test(w)) continue;
    const s = stem(w);
    const e = m.get(s);
    if (e) e.n++;
    else m.set(s, { word: w, n: 1 });
  }
  return m;
}

const top = (entries: { word: string; n: number }[], k: number) =>
  entries
    .sort((x, y) => y.n - x.n || x.word.localeCompare(y.word))
    .slice(0, k)
    .map((e) => e.word);

const SETUP = /\b(evaluat|experiment|testbed|cluster|gpus?\b|a100|h100|v100|nodes?\b|baselines?|benchmark|workloads?|datasets?|setup)/i;

/** Passages of a paper's full text about how it was evaluated and what it admits, for a comparison. */
export interface ComparedText {
  setup: FoundPassage[];
  limits: FoundPassage[];
}

/** The first sentence of these passages matching `cues`, cited with its page; undefined when none does. */
function fromPassages(passages: FoundPassage[], cues: RegExp, tag: string): string | undefined {
  for (const x of passages) {
    const s = cueSentence(x.text, cues);
    if (s) return `${s} [${tag}, ${pageLabel(passagePages(x))}]`;
  }
  return undefined;
}

function sideOf(p: StoredPaper, tag: "A" | "B", text?: ComparedText): Comparison["a"] {
  const problem = cueSentence(p.abstract, PROBLEM, 0)!;
  const approach = cueSentence(p.abstract, APPROACH, 1, [problem]) ?? problem;
  const evidence = cueSentence(p.abstract, EVIDENCE, Infinity, [problem, approach]) ?? approach;
  const limitations = cueSentence(p.abstract, LIMITATION, undefined, [problem, approach, evidence]);
  const setup = text && fromPassages(text.setup, SETUP, tag);
  const admitted = text && fromPassages(text.limits, LIMITATION, tag);
  return {
    problem: `${problem} [${tag}]`,
    approach: `${approach} [${tag}]`,
    evidence: setup ? `${evidence} [${tag}] ${setup}` : `${evidence} [${tag}]`,
    limitations: admitted ?? (limitations ? `${limitations} [${tag}]` : `The ${text ? "paper" : "abstract"} does not state limitations. [${tag}]`),
  };
}

/** Both papers side by side from their own sentences, with the terms they share and do not share. */
export function offlineCompare(a: StoredPaper, b: StoredPaper, text: { A?: ComparedText; B?: ComparedText } = {}): Comparison {
  const va = vocabulary(a);
  const vb = vocabulary(b);
  const shared = top(
    [...va].filter(([s]) => vb.has(s)).map(([s, e]) => ({ word: e.word, n: e.n + vb.get(s)!.n })),
    8,
  );
  const onlyA = top(
    [...va].filter(([s]) => !vb.has(s)).map(([, e]) => e),
    8,
  );
  const onlyB = top(
    [...vb].filter(([s]) => !va.has(s)).map(([, e]) => e),
    8,
  );
  const [nameA, nameB] = [shortTitle(a.title), shortTitle(b.title)];
  return {
    a: sideOf(a, "A", text.A),
    b: sideOf(b, "B", text.B),
    differences: [
      shared.length ? `Shared terms: ${shared.join(", ")} [A][B].` : "The abstracts share no key terms [A][B].",
      `Only in ${nameA}: ${onlyA.join(", ") || "nothing distinctive"} [A].`,
      `Only in ${nameB}: ${onlyB.join(", ") || "nothing distinctive"} [B].`,
    ],
    chooseA: `Choose ${nameA} for work on ${onlyA.slice(0, 3).join(", ") || "its topic"} [A].`,
    chooseB: `Choose ${nameB} for work on ${onlyB.slice(0, 3).join(", ") || "its topic"} [B].`,
  };
}
