import fs from "node:fs";
import { sqliteStores } from "../src/store/stores.js";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnswerEngine } from "../src/answer/answerEngine.js";
import { ingestHfFiles } from "../src/ingest/ingestHf.js";
import { ingestSeedPage } from "../src/ingest/ingestSeed.js";
import { Retriever } from "../src/retrieval/retriever.js";
import { corpusDir, seedPage, tempStore } from "./helpers/tmp.js";
import { runCli } from "./helpers/runCli.js";

interface AskJson {
  answer: string;
  covered: boolean;
  citations: { n: number; title: string }[];
  nearest?: { n: number; title: string }[];
}

describe("`ask --json` over the seed page and the February feed", () => {
  const env = { PAPERBOT_DB: "" };
  const ask = async (q: string): Promise<AskJson> => {
    const r = await runCli(["ask", "--json", q], env);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as AskJson;
  };

  // One collection for every test here: ingesting the month takes a while.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paperbot-test-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    env.PAPERBOT_DB = path.join(dir, "paperbot.db");
    const r = await runCli(["ingest", "hf", "--file", corpusDir], env);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it("says a question about a topic the collection lacks is not covered, and names the nearest papers", async () => {
    for (const q of ["RAID-6 parity reconstruction on HDD arrays", "CRDT designs for collaborative text editing"]) {
      const r = await ask(q);
      expect(r.covered, q).toBe(false);
      expect(r.answer).toMatch(/^The collection does not seem to cover this question\. The nearest papers are “/);
      // Named, not cited: none of them answers the question.
      expect(r.citations).toEqual([]);
      expect(r.nearest!.length).toBeGreaterThan(0);
      expect(r.answer).toContain(`“${r.nearest![0]!.title.split(":")[0]}`);
    }
  });

  it("answers a question it covers, quoting only the paper that answers it", async () => {
    const r = await ask("speculative decoding with a small draft model");
    expect(r.covered).toBe(true);
    expect(r.citations.map((c) => c.title)).toEqual([expect.stringMatching(/^DFlash: Block Diffusion for Flash Speculative Decoding/)]);
  });
});

describe("offline answers on the seed page", () => {
  it("quote several papers when several are about the question, but do not pad one answer with unrelated ones", async () => {
    const { store } = tempStore();
    await ingestSeedPage(sqliteStores(store), seedPage);
    const engine = new AnswerEngine({ papers: sqliteStores(store).papers, retriever: new Retriever(sqliteStores(store)) });
    const one = await engine.ask("what causes cold starts on a serverless platform?");
    expect(one.covered).toBe(true);
    expect(one.citations.map((c) => c.title)).toEqual(["Serverless Cold Starts and Where to Find Them"]);
    expect(one.answer.split("\n\n")).toHaveLength(1);
    const several = await engine.ask("Which papers reduce KV cache memory in LLM serving?");
    expect(several.citations.length).toBeGreaterThan(1);
  });
});

describe("spelling", () => {
  it("finds a paper from a misspelled word that no paper contains", async () => {
    const { store } = tempStore();
    await ingestSeedPage(sqliteStores(store), seedPage);
    await ingestHfFiles(sqliteStores(store).papers, path.join(corpusDir, "2026-02-02.json"));
    const r = await new Retriever(sqliteStores(store)).retrieve("serverles", { k: 3 });
    expect(r.hits.length).toBeGreaterThan(0);
    for (const h of r.hits) expect(`${h.paper.title} ${h.paper.abstract}`).toMatch(/serverless/i);
    expect(r.covered).toBe(true);
  });
});
