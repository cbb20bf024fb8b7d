import { tokenize } from "../retrieval/queryTerms.js";
import { STOPWORDS } from "../retrieval/stopwords.js";
import { stem } from "../retrieval/stem.js";
import type { Paper } from "../store/paper.js";
import type { Comparison } from "./comparison.js";
import { cueSentence } from "./keySentences.js";
import { shortTitle } from "../retrieval/text.js";

const PROBLEM = /\b(challeng|problem|bottleneck|struggl|suffer|costly|expensive|difficult|limited|however|lack|inefficien|overhead)/i;
const APPROACH =
  /\b(we (propose|present|introduce|design|develop|build|describe)|this (paper|work) (proposes|presents|introduces)|our (approach|method|system|framework))/i;
const EVIDENCE = /(\d+(\.\d+)?\s?(x|×|%)|\b(outperform|achiev|improv|reduc|speed ?up|faster|accuracy|results show|experiments? (show|demonstrate)))/i;
const LIMITATION = /\b(limitation|future work|only|cannot|does not|do not|remain|open question|trade-?off)/i;

/** Content words of an abstract by frequency, keyed by stem, with the first spelling seen. */
function vocabulary(p: Paper): Map<string, { word: string; n: number }> {
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

function sideOf(p: Paper, tag: "A" | "B"): Comparison["a"] {
  const problem = cueSentence(p.abstract, PROBLEM, 0)!;
  const approach = cueSentence(p.abstract, APPROACH, 1, [problem]) ?? problem;
  const evidence = cueSentence(p.abstract, EVIDENCE, Infinity, [problem, approach]) ?? approach;
  const limitations = cueSentence(p.abstract, LIMITATION, undefined, [problem, approach, evidence]);
  return {
    problem: `${problem} [${tag}]`,
    approach: `${approach} [${tag}]`,
    evidence: `${evidence} [${tag}]`,
    limitations: limitations ? `${limitations} [${tag}]` : `The abstract does not state limitations. [${tag}]`,
  };
}

/** Both papers side by side from their own sentences, with the terms they share and do not share. */
export function offlineCompare(a: Paper, b: Paper): Comparison {
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
    a: sideOf(a, "A"),
    b: sideOf(b, "B"),
    differences: [
      shared.length ? `Shared terms: ${shared.join(", ")} [A][B].` : "The abstracts share no key terms [A][B].",
      `Only in ${nameA}: ${onlyA.join(", ") || "nothing distinctive"} [A].`,
      `Only in ${nameB}: ${onlyB.join(", ") || "nothing distinctive"} [B].`,
    ],
    chooseA: `Choose ${nameA} for work on ${onlyA.slice(0, 3).join(", ") || "its topic"} [A].`,
    chooseB: `Choose ${nameB} for work on ${onlyB.slice(0, 3).join(", ") || "its topic"} [B].`,
  };
}
