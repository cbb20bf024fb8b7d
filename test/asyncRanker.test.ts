// The async BM25F + RM3 ranker (src/retrieval/asyncLexicalRanker.ts) over the LexicalIndexStore of each backend: the same
// ids in the same order on SQLite and PostgreSQL, the same order and scores as the sync ranker it replaced (recorded in
// test/fixtures/syncRankerRecorded.json before that ranker was removed), and every lookup batched.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AsyncLexicalRanker } from "../src/retrieval/asyncLexicalRanker.js";
import type { LexicalOptions, WeightedTerm } from "../src/retrieval/bm25f.js";
import { openDb } from "../src/store/sqlite/db.js";
import type { LexicalIndexStore } from "../src/store/lexicalIndex.js";
import type { PaperInput } from "../src/store/paper.js";
import { PaperStore } from "../src/store/sqlite/paperStore.js";
import { PostgresLexicalIndexStore } from "../src/store/postgres/lexicalIndex.js";
import { PostgresPaperRecords } from "../src/store/postgres/papers.js";
import { SqliteLexicalIndexStore } from "../src/store/sqlite/lexicalIndex.js";
import { havePostgres, migratedSchemaForFile } from "./helpers/postgres.js";

const paper = (n: number, title: string, abstract: string): PaperInput => ({
  arxivId: `2504.${String(n).padStart(5, "0")}`,
  title,
  abstract,
  authors: ["A. Author"],
  source: "hf",
});

// Added in id order, so SQLite's rowid order (the sync ranker's tie-break, in the recording) is the id order (the async ranker's).
const PAPERS: PaperInput[] = [
  paper(
    1,
    "Sparse attention kernels for long context language models",
    "We write sparse attention kernels that let language models read long context windows. The kernels skip blocks of the attention matrix and keep accuracy on long document benchmarks while memory stays flat.",
  ),
  paper(
    2,
    "Speculative decoding with small draft models",
    "A small draft model proposes tokens and a large language model verifies them in one pass. Speculative decoding doubles generation speed without changing the output distribution of the large model.",
  ),
  paper(
    3,
    "Retrieval augmented generation for open domain question answering",
    "Retrieval augmented generation pairs a dense retriever with a generator. The retriever finds passages for each question and the generator writes the answer from them, which cuts hallucination on open domain question answering.",
  ),
  paper(
    4,
    "Protein structure prediction with diffusion models",
    "We predict protein structure with a diffusion model over residue coordinates. The model denoises backbone frames and reaches high accuracy on folding benchmarks with far less compute than earlier protein models.",
  ),
  paper(
    5,
    "Memory for language model agents over long tasks",
    "Agents built on language models forget earlier steps of long tasks. We give the agent a memory that stores, retrieves and summarises past observations, and long horizon task success rises on web and coding benchmarks.",
  ),
  paper(
    6,
    "Quantization of large language models to four bits",
    "Post training quantization stores the weights of large language models in four bits. Outlier channels are kept in higher precision, so perplexity barely moves while inference memory drops by a factor of four.",
  ),
  paper(
    7,
    "Robot grasping from a single camera",
    "A robot arm learns grasping of unseen objects from one camera image. The policy is trained in simulation with randomised textures and transfers to the real robot without fine tuning.",
  ),
  paper(
    8,
    "Code generation agents that run their own tests",
    "Code generation agents write a program, run the unit tests and repair the code from the failures. Running tests in the loop lifts pass rates on coding benchmarks for every language model we try.",
  ),
  paper(
    9,
    "Graph neural networks for molecule property prediction",
    "Graph neural networks read a molecule as atoms and bonds. Message passing with edge features predicts molecule properties such as solubility and toxicity better than fingerprints.",
  ),
  paper(
    10,
    "Speech recognition for low resource languages",
    "Speech recognition for low resource languages suffers from little labelled audio. Self supervised pretraining on unlabelled speech and a small labelled set reaches usable word error rates in twelve languages.",
  ),
  paper(
    11,
    "Reward models and human feedback for aligning language models",
    "Reinforcement learning from human feedback trains a reward model on human preferences and tunes the language model against it. We study reward hacking and how a larger reward model reduces it.",
  ),
  paper(
    12,
    "Long context retrieval benchmarks for language models",
    "We build benchmarks that hide a fact in a long context and ask the language model to retrieve it. Accuracy falls as the context grows, and retrieval of facts in the middle of the document is hardest.",
  ),
];

const QUESTIONS = [
  "how do sparse attention kernels handle long context?",
  "draft model speculative decoding speed",
  "retrieval augmented generation hallucination",
  "memory for agents on long tasks",
  "language models benchmarks",
  "four bit quantization of language model weights",
  "aligning language models with human preferences",
  "molecule property prediction with graphs",
];

/** Questions with a misspelt word of 8 or more letters, and the word each is corrected to (as the shipped ranker corrects it). */
const MISSPELT: [question: string, typed: string, fixed: string][] = [
  ["speculatve decoding with a draft model", "speculatve", "speculative"],
  ["quantizaton of language model weights", "quantizaton", "quantization"],
  ["retreival augmented generation", "retreival", "retrieval"],
  ["recognitoin of speech in low resource languages", "recognitoin", "recognition"],
];

/** What the shipped search asks of the lexical ranker (RM3 on). */
const OPTIONS: LexicalOptions = { k: 10, prf: true };

interface Calls {
  candidates: number;
  documentFrequencies: number;
  texts: number;
  totals: number;
  titleTerms: number;
}

/** The store with its calls counted. */
function counted(index: LexicalIndexStore): { index: LexicalIndexStore; calls: Calls } {
  const calls: Calls = { candidates: 0, documentFrequencies: 0, texts: 0, totals: 0, titleTerms: 0 };
  return {
    calls,
    index: {
      candidates: (stems, limit) => {
        calls.candidates++;
        return index.candidates(stems, limit);
      },
      documentFrequencies: (stems) => {
        calls.documentFrequencies++;
        return index.documentFrequencies(stems);
      },
      paperCount: () => {
        calls.totals++;
        return index.paperCount();
      },
      averageLengths: () => {
        calls.totals++;
        return index.averageLengths();
      },
      texts: (ids) => {
        calls.texts++;
        return index.texts(ids);
      },
      titleTerms: (ranges, limit) => {
        calls.titleTerms++;
        return index.titleTerms(ranges, limit);
      },
    },
  };
}

interface Ranked {
  ids: string[];
  scores: number[];
}

async function rankAll(ranker: AsyncLexicalRanker): Promise<Ranked[]> {
  const out: Ranked[] = [];
  for (const q of QUESTIONS) {
    const r = await ranker.rank(q, OPTIONS);
    out.push({ ids: r.hits.map((h) => h.id), scores: r.hits.map((h) => h.score) });
  }
  return out;
}

/** What the sync ranker (`LexicalRanker` over `TermStats`, on SQLite) returned for these papers and questions, with OPTIONS. */
const recorded = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "fixtures/syncRankerRecorded.json"), "utf8")) as {
  questions: { q: string; ids: string[]; scores: number[] }[];
  misspelt: { q: string; terms: WeightedTerm[]; ids: string[]; scores: number[] }[];
  noSpelling: { q: string; terms: WeightedTerm[] };
};

const db = openDb(":memory:");
const store = new PaperStore(db);
for (const p of PAPERS) store.upsert(p);
const sqlite = new SqliteLexicalIndexStore(db);

describe("AsyncLexicalRanker on SQLite", () => {
  it("ranks as the sync ranker it replaced did: the same ids, order and scores", async () => {
    const ranked = await rankAll(new AsyncLexicalRanker(sqlite));
    expect(recorded.questions.map((r) => r.q)).toEqual(QUESTIONS);
    for (const [i, q] of QUESTIONS.entries()) {
      const r = recorded.questions[i]!;
      expect(ranked[i]!.ids, q).toEqual(r.ids);
      expect(ranked[i]!.scores, q).toEqual(r.scores.map((score) => expect.closeTo(score, 9)));
    }
    // The questions are not trivial: each finds several papers, and they disagree on the first.
    expect(ranked.every((r) => r.ids.length >= 2)).toBe(true);
    expect(new Set(ranked.map((r) => r.ids[0])).size).toBeGreaterThanOrEqual(6);
  });

  it("batches its lookups: per search one candidates call, one texts call at most, one document-frequency call per round", async () => {
    const { index, calls } = counted(sqlite);
    const ranker = new AsyncLexicalRanker(index);
    await ranker.rank(QUESTIONS[0]!, OPTIONS);
    expect(calls).toEqual({ candidates: 1, documentFrequencies: 2, texts: 1, totals: 2, titleTerms: 0 });
    await ranker.rank(QUESTIONS[1]!, OPTIONS);
    // The totals are kept; the second search's candidates are partly cached, so texts is called once or not at all.
    expect(calls.candidates).toBe(2);
    expect(calls.documentFrequencies).toBe(4);
    expect(calls.texts).toBeLessThanOrEqual(2);
    expect(calls.totals).toBe(2);
    // Without RM3, one round: one document-frequency call.
    await ranker.rank(QUESTIONS[2]!, { k: 10 });
    expect(calls.documentFrequencies).toBe(5);
  });

  it("corrects a misspelt word of 8+ letters as the sync ranker did: the same word, ids, order and scores", async () => {
    const { index, calls } = counted(sqlite);
    const ranker = new AsyncLexicalRanker(index);
    expect(recorded.misspelt.map((r) => r.q)).toEqual(MISSPELT.map(([q]) => q));
    for (const [i, [q, typed, fixed]] of MISSPELT.entries()) {
      const r = recorded.misspelt[i]!;
      const a = await ranker.rank(q, OPTIONS);
      expect(a.terms.find((t) => t.typed === typed)?.word, q).toBe(fixed);
      expect(a.terms, q).toEqual(r.terms);
      expect(
        a.hits.map((h) => h.id),
        q,
      ).toEqual(r.ids);
      expect(
        a.hits.map((h) => h.score),
        q,
      ).toEqual(r.scores.map((score) => expect.closeTo(score, 9)));
      expect(a.hits.length, q).toBeGreaterThan(0);
    }
    // One vocabulary call per question, and up to three document-frequency calls (the question's stems, the corrections',
    // RM3's): two of the twelve are left out, their stems all known from earlier questions. Nothing once a question is known.
    expect(calls).toMatchObject({ titleTerms: MISSPELT.length, documentFrequencies: 3 * MISSPELT.length - 2 });
    await ranker.rank(MISSPELT[0]![0], OPTIONS);
    expect(calls).toMatchObject({ titleTerms: MISSPELT.length, documentFrequencies: 3 * MISSPELT.length - 2 });
    ranker.invalidate();
    await ranker.rank(MISSPELT[0]![0], OPTIONS);
    // Papers changed: the vocabulary and the frequencies are asked again.
    expect(calls).toMatchObject({ titleTerms: MISSPELT.length + 1, documentFrequencies: 3 * MISSPELT.length + 1 });
    // Without spelling correction the typo counts as absent, as in the sync ranker's ablation.
    expect(recorded.noSpelling.q).toBe(MISSPELT[0]![0]);
    const off = await new AsyncLexicalRanker(sqlite, { noSpelling: true }).rank(MISSPELT[0]![0], OPTIONS);
    expect(off.terms).toEqual(recorded.noSpelling.terms);
    expect(off.terms.find((t) => t.word === "speculatve")?.df).toBe(0);
  });

  it("asks nothing more when no paper has a word of the question", async () => {
    const { index, calls } = counted(sqlite);
    const r = await new AsyncLexicalRanker(index).rank("blockchain consensus", OPTIONS);
    expect(r.hits).toEqual([]);
    expect(r.terms.map((t) => t.df)).toEqual([0, 0]);
    // One look at the title vocabulary for both long words, which finds no correction.
    expect(r.terms.map((t) => t.typed)).toEqual([undefined, undefined]);
    expect(calls).toMatchObject({ candidates: 0, documentFrequencies: 1, texts: 0, titleTerms: 1 });
  });
});

if (havePostgres()) {
  const schema = migratedSchemaForFile();
  describe("AsyncLexicalRanker on PostgreSQL", () => {
    beforeAll(async () => {
      const records = new PostgresPaperRecords(schema.pool());
      for (const p of PAPERS) await records.upsert(p);
    });

    it("returns the same ids in the same order, with the same scores, as on SQLite", async () => {
      const onSqlite = await rankAll(new AsyncLexicalRanker(sqlite));
      const onPostgres = await rankAll(new AsyncLexicalRanker(new PostgresLexicalIndexStore(schema.pool())));
      for (const [i, q] of QUESTIONS.entries()) {
        expect(onPostgres[i]!.ids, q).toEqual(onSqlite[i]!.ids);
        expect(onPostgres[i]!.scores, q).toEqual(onSqlite[i]!.scores.map((s) => expect.closeTo(s, 9)));
      }
    });

    it("corrects misspelt words as on SQLite: the same words, ids, order and scores", async () => {
      const onSqlite = new AsyncLexicalRanker(sqlite);
      const onPostgres = new AsyncLexicalRanker(new PostgresLexicalIndexStore(schema.pool()));
      for (const [q, typed, fixed] of MISSPELT) {
        const s = await onSqlite.rank(q, OPTIONS);
        const p = await onPostgres.rank(q, OPTIONS);
        expect(p.terms.find((t) => t.typed === typed)?.word, q).toBe(fixed);
        expect(p.terms, q).toEqual(s.terms);
        expect(
          p.hits.map((h) => h.id),
          q,
        ).toEqual(s.hits.map((h) => h.id));
        expect(
          p.hits.map((h) => h.score),
          q,
        ).toEqual(s.hits.map((h) => expect.closeTo(h.score, 9)));
      }
    });

    it("hands the re-ranker the candidates SQLite's FTS5 does, in FTS5's BM25 order", async () => {
      const pg = new PostgresLexicalIndexStore(schema.pool());
      for (const stems of [["languag", "model"], ["context", "long", "retriev"], ["benchmark"], ["agent", "memori", "task"]]) {
        expect(await pg.candidates(stems, 50), stems.join(" ")).toEqual(await sqlite.candidates(stems, 50));
        expect(await pg.candidates(stems, 3), stems.join(" ")).toEqual(await sqlite.candidates(stems, 3));
      }
    });

    it("makes at most four round trips per search once the totals are read", async () => {
      const pool = schema.pool();
      let queries = 0;
      const countingPool = new Proxy(pool, {
        get(target, prop, receiver) {
          if (prop === "query")
            return (...args: unknown[]) => {
              queries++;
              return (target.query as (...a: unknown[]) => unknown)(...args);
            };
          const v = Reflect.get(target, prop, receiver);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      const ranker = new AsyncLexicalRanker(new PostgresLexicalIndexStore(countingPool));
      await ranker.rank(QUESTIONS[3]!, OPTIONS);
      expect(queries).toBe(6); // paper count and average lengths, then document frequencies, candidates, texts, RM3's frequencies
      queries = 0;
      await ranker.rank(QUESTIONS[4]!, OPTIONS);
      expect(queries).toBeLessThanOrEqual(4);
      // A misspelt word adds two: the title vocabulary near it, and its correction's document frequency.
      queries = 0;
      await ranker.rank(MISSPELT[1]![0], OPTIONS);
      expect(queries).toBeLessThanOrEqual(6);
    });
  });
}
