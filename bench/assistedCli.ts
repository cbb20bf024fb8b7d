import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FakeOpenAI } from "../test/fakes/openai.js";
import { readRecordedRewrites, replayRewrites } from "../test/fakes/recordedRewrites.js";
import { runBin } from "../test/helpers/runBin.js";
import { corpusDir } from "./ingest.js";

const devDir = path.resolve(import.meta.dirname, "dev");

/**
 * Runs `paperbot search --assist --json` as a user would, over a fresh database of the seed page and
 * the feed month, with every question on stdin and the local fake OpenAI server replaying the
 * recorded rewrites of a strong model. Returns each question's result ids, in input order.
 */
export async function assistedSearchThroughCli(questions: string[], k = 10): Promise<{ ids: string[]; covered: boolean }[]> {
  const fake = new FakeOpenAI();
  replayRewrites(fake, readRecordedRewrites(path.join(devDir, "rewrites.jsonl")));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paperbot-assisted-"));
  try {
    const env = { PAPERBOT_DB: path.join(dir, "bench.db"), OPENAI_BASE_URL: await fake.start(), OPENAI_MODEL: "recorded", LOG_LEVEL: "error" };
    const ingest = await runBin(["ingest", "hf", "--file", corpusDir], env);
    // (the first command loads the seed page too, so this is the same 832-paper collection)
    if (ingest.code !== 0) throw new Error(`ingest failed: ${ingest.stderr}`);
    const run = await runBin(["search", "--assist", "--json", "-k", String(k)], env, questions.join("\n") + "\n");
    if (run.code !== 0) throw new Error(`search --assist failed: ${run.stderr}`);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { covered: boolean; results: { id: string }[] });
    if (lines.length !== questions.length) throw new Error(`expected ${questions.length} result lines, got ${lines.length}`);
    return lines.map((l) => ({ ids: l.results.map((r) => r.id), covered: l.covered }));
  } finally {
    await fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
