import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { corpusDir, tempDir } from "./helpers/tmp.js";
import { runBin } from "./helpers/runBin.js";

const env = () => ({ PAPERBOT_DB: path.join(tempDir(), "paperbot.db") });

describe("the paperbot command line", () => {
  let hf: FakeHuggingFace | undefined;
  afterEach(async () => {
    await hf?.stop();
    hf = undefined;
  });

  it("searches the bundled collection on first run, saying once that it loaded the seed page", async () => {
    const e = env();
    const first = await runBin(["search", "KV cache reuse in LLM serving"], e);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/loaded the bundled seed page: read 56, added 56/);
    expect(first.stdout.split("\n")[0]).toMatch(/^ 1\. DualMap: Enabling Both Cache Affinity/);
    expect(first.stdout.match(/^\s*\d+\. /gm)).toHaveLength(10);
    const second = await runBin(["search", "-k", "3", "KV cache"], e);
    expect(second.stderr).toBe("");
    expect(second.stdout.match(/^\s*\d+\. /gm)).toHaveLength(3);
  });

  it("reads one query per line from stdin and prints one JSON object per query", async () => {
    const r = await runBin(["search", "--json", "-k", "2"], env(), "NanoFlow serving throughput\nlog compression\n");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.query)).toEqual(["NanoFlow serving throughput", "log compression"]);
    expect(lines[0].results).toHaveLength(2);
    expect(lines[0].results[0]).toEqual({
      id: "nanoflow-towards-optimal-large-language-model-serving-throughput",
      title: "NanoFlow: Towards Optimal Large Language Model Serving Throughput",
      score: expect.any(Number),
    });
    expect(lines[0].results[0].score).toBeGreaterThan(lines[0].results[1].score);
    expect(lines[1].results[0].title).toMatch(/^Logzip/);
  });

  it("exits 2 with one clear line on bad usage", async () => {
    for (const args of [["search", "-k", "zero", "x"], ["frobnicate"], ["ingest", "hf"], ["ingest", "hf", "--date", "2026-13-45"]]) {
      const r = await runBin(args, env());
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("names a bad environment variable and what it expects", async () => {
    const r = await runBin(["stats"], { ...env(), HF_API_BASE: "not a url", OPENAI_API_KEY: "sk-secret-value" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^paperbot: HF_API_BASE: expected an http\(s\) URL/);
    expect(r.stderr + r.stdout).not.toContain("sk-secret-value");
  });

  it("exits 1 on a failure, with a stack trace only under --verbose", async () => {
    const e = env();
    const missing = await runBin(["ingest", "hf", "--file", "/nonexistent/feed.json"], e);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split("\n").at(-1)).toMatch(/^paperbot: error: .*no such file/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const verbose = await runBin(["--verbose", "ingest", "hf", "--file", "/nonexistent/feed.json"], e);
    expect(verbose.stderr).toMatch(/\n\s+at /);
    const unknown = await runBin(["paper", "zzzzqqq"], e);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No paper matches "zzzzqqq"/);
  });

  it("ingests feed files and the live API, then reports the collection", async () => {
    hf = FakeHuggingFace.fromCorpus(corpusDir);
    const e = { ...env(), HF_API_BASE: await hf.start() };
    const files = await runBin(["ingest", "hf", "--file", path.join(corpusDir, "2026-02-02.json")], e);
    expect(files.code).toBe(0);
    expect(files.stdout).toMatch(/read \d+, added \d+, updated \d+, unchanged 0, skipped 0, [\d.]+ s/);
    const api = await runBin(["ingest", "hf", "--since", "2026-02-02", "--until", "2026-02-04"], e);
    expect(api.code).toBe(0);
    expect(api.stdout).toMatch(/unchanged [1-9]/);
    expect(hf.requests.map((r) => r.query.date)).toEqual(["2026-02-02", "2026-02-03", "2026-02-04"]);
    const stats = await runBin(["stats", "--json"], e);
    const s = JSON.parse(stats.stdout);
    expect(s.bySource.seed).toBeGreaterThan(50);
    expect(s.feed).toEqual({ first: "2026-02-02", last: "2026-02-04" });
    const paper = await runBin(["paper", "2602.02361"], e);
    expect(paper.code).toBe(0);
  });
});
