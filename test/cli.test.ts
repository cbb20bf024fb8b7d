import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { FakeOpenAI } from "./fakes/openai.js";
import { corpusDir, tempDir } from "./helpers/tmp.js";
import { runBin } from "./helpers/runBin.js";
import { PIPE_CHUNK, runCli } from "./helpers/runCli.js";

const env = () => ({ PAPERBOT_DB: path.join(tempDir(), "paperbot.db") });

// Most of these run the CLI in this process (runCli); the first test and the bad-usage one also run the real
// `bin/paperbot.js` (runBin), so the executable, its exit codes and its stdio are covered end to end.

describe("the paperbot command line", () => {
  let hf: FakeHuggingFace | undefined;
  afterEach(async () => {
    await hf?.stop();
    hf = undefined;
  });

  it("searches the bundled collection on first run, saying once that it loaded the seed page (the real executable)", async () => {
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

  it("with DATABASE_URL runs on PostgreSQL: a server it cannot reach is one line naming it, never the password, and no SQLite file", async () => {
    const e = { ...env(), DATABASE_URL: "postgres://paperbot:secret@127.0.0.1:1/paperbot" };
    for (const args of [["search", "KV cache"], ["ask", "What is KV cache reuse?"], ["start"]]) {
      // `start` ends its process when it stops: a real one.
      const r = args[0] === "start" ? await runBin(args, { ...e, DISCORD_TOKEN: "t" }) : await runCli(args, e);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim()).toMatch(/^paperbot: Cannot reach PostgreSQL at 127\.0\.0\.1:1\/paperbot: .*ECONNREFUSED/);
      expect(r.stderr).not.toContain("secret");
    }
    expect(fs.existsSync(e.PAPERBOT_DB)).toBe(false);
  });

  it("reads one query per line from stdin and prints one JSON object per query", async () => {
    const r = await runCli(["search", "--json", "-k", "2"], env(), "NanoFlow serving throughput\nlog compression\n");
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
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

  it("keeps characters whole across the 64 KiB pieces stdin arrives in", async () => {
    // The first line ends one byte before a piece ends, so the next line's first (3-byte) character straddles two.
    const filler = "kv cache serving ".repeat(4000).slice(0, PIPE_CHUNK - 2);
    const lines = [filler, "キャッシュ 再利用", ...Array.from({ length: 20 }, (_, i) => `日本語のキャッシュ ${i} `.repeat(400).trim())];
    const stdin = lines.join("\n") + "\n";
    expect(Buffer.byteLength(`${filler}\n`)).toBe(PIPE_CHUNK - 1);
    expect(
      Buffer.from(stdin)
        .subarray(PIPE_CHUNK - 1, PIPE_CHUNK + 2)
        .toString(),
    ).toBe("キ");
    const r = await runCli(["search", "--json", "-k", "1"], env(), stdin);
    expect(r.code, r.stderr).toBe(0);
    const queries = r.stdout
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { query: string }).query);
    expect(queries).toEqual(lines);
    expect(r.stdout).not.toContain("\ufffd");
  });

  it("answers every stdin line, blank-looking ones with an empty result, so output lines match input lines", async () => {
    const lines = ["\ufeffNanoFlow serving throughput", "   ", "\u00a0", "\u3000", "\f", "", "log compression", "\ufeff", "\t\u00a0 \u3000\u2003"];
    const r = await runCli(["search", "--json", "-k", "2"], env(), lines.join("\n") + "\r\n");
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout
      .split("\n")
      .slice(0, -1)
      .map((l) => JSON.parse(l) as { query: string; results: unknown[] });
    expect(out.map((o) => o.query)).toEqual(lines.map((l) => l.trim()));
    expect(out.map((o) => o.results.length)).toEqual([2, 0, 0, 0, 0, 0, 2, 0, 0]);
  });

  it("exits 2 with one clear line on bad usage", async () => {
    for (const args of [
      ["search", "-k", "zero", "x"],
      ["frobnicate"],
      ["ingest", "hf"],
      ["ingest", "hf", "--date", "2026-13-45"],
      ["digest", "--date", "2026-02-30", "--dry-run"],
    ]) {
      const r = await runCli(args, env());
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    const real = await runBin(["search", "-k", "zero", "x"], env());
    expect(real).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: option '-k, --top <n>' argument 'zero' is invalid. expected a whole number from 1 to 100\n",
    });
  });

  it("names a bad environment variable and what it expects", async () => {
    const r = await runCli(["stats"], { ...env(), HF_API_BASE: "not a url", OPENAI_API_KEY: "sk-secret-value" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^paperbot: HF_API_BASE: expected an http\(s\) URL/);
    expect(r.stderr + r.stdout).not.toContain("sk-secret-value");
  });

  it("refuses a database written by a newer version, with one line and the configuration exit code", async () => {
    const e = env();
    expect((await runCli(["stats"], e)).code).toBe(0);
    const db = new Database(e.PAPERBOT_DB);
    const known = db.pragma("user_version", { simple: true }) as number;
    db.pragma(`user_version = ${known + 3}`);
    db.close();
    for (const args of [["stats"], ["search", "KV cache"], ["ingest", "hf", "--file", corpusDir]]) {
      const r = await runCli(args, e);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        `paperbot: ${e.PAPERBOT_DB} was written by a newer paperbot (schema ${known + 3}; this version knows ${known}). ` +
          "Upgrade paperbot or use another PAPERBOT_DB.\n",
      );
    }
    const after = new Database(e.PAPERBOT_DB, { readonly: true });
    expect(after.pragma("user_version", { simple: true })).toBe(known + 3);
    after.close();
  });

  it("exits 1 on a failure, with a stack trace only under --verbose", async () => {
    const e = env();
    const missing = await runCli(["ingest", "hf", "--file", "/nonexistent/feed.json"], e);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split("\n").at(-1)).toMatch(/^paperbot: error: .*no such file/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const verbose = await runCli(["--verbose", "ingest", "hf", "--file", "/nonexistent/feed.json"], e);
    expect(verbose.stderr).toMatch(/\n\s+at /);
    const unknown = await runCli(["paper", "zzzzqqq"], e);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No paper matches "zzzzqqq"/);
  });

  it("ingests feed files and the live API, then reports the collection", async () => {
    hf = FakeHuggingFace.fromCorpus(corpusDir);
    const e = { ...env(), HF_API_BASE: await hf.start() };
    const files = await runCli(["ingest", "hf", "--file", path.join(corpusDir, "2026-02-02.json")], e);
    expect(files.code).toBe(0);
    expect(files.stdout).toMatch(/read \d+, added \d+, updated \d+, unchanged 0, skipped 0, [\d.]+ s/);
    const api = await runCli(["ingest", "hf", "--since", "2026-02-02", "--until", "2026-02-04"], e);
    expect(api.code).toBe(0);
    expect(api.stdout).toMatch(/unchanged [1-9]/);
    expect(hf.requests.map((r) => r.query.date)).toEqual(["2026-02-02", "2026-02-03", "2026-02-04"]);
    const stats = await runCli(["stats", "--json"], e);
    const s = JSON.parse(stats.stdout);
    expect(s.bySource.seed).toBeGreaterThan(50);
    expect(s.feed).toEqual({ first: "2026-02-02", last: "2026-02-04" });
    const paper = await runCli(["paper", "2602.02361"], e);
    expect(paper.code, paper.stderr).toBe(0);
    // The paper the API ingest brought in, not just any answer.
    expect(paper.stdout).toMatch(/\nid: 2602\.02361\n/);
    expect(paper.stdout).toMatch(/ · in the daily feed 2026-02-03 · /);
  });

  it("answers offline with citations, and compares two papers by loose names", async () => {
    const e = env();
    const ask = await runCli(["ask", "Which papers reduce KV cache memory in LLM serving?"], e);
    expect(ask.code).toBe(0);
    expect(ask.stdout).toMatch(/^FastSwitch: “.+” \[1\]/);
    expect(ask.stdout).toMatch(/\nSources:\n \[1\] FastSwitch: .+\(2024\)/);
    expect(ask.stdout).toMatch(/Offline answer: .*set OPENAI_API_KEY/);
    const json = JSON.parse((await runCli(["ask", "--json", "serverless cold starts"], e)).stdout);
    expect(json).toMatchObject({ covered: true, mode: "offline" });
    expect(json.citations[0]).toMatchObject({ n: 1, title: "Serverless Cold Starts and Where to Find Them" });
    const compare = await runCli(["compare", "SSDTrain", "memascend"], e);
    expect(compare.code).toBe(0);
    expect(compare.stdout).toMatch(/^\[A\] SSDTrain: .*\n\[B\] MemAscend: /);
    expect(compare.stdout).toMatch(/Key differences\n {2}- Shared terms: /);
    const unknown = await runCli(["compare", "zzqx", "NanoFlow"], e);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No paper matches “zzqx”/);
  });

  it("gives written cited answers when a model server is configured", async () => {
    const fake = new FakeOpenAI();
    fake.defaultChat = () => ({ text: "FastSwitch reduces context-switch overhead [1]." });
    const e = { ...env(), OPENAI_BASE_URL: await fake.start(), OPENAI_MODEL: "fake-chat" };
    try {
      const r = await runCli(["ask", "--json", "Which papers reduce KV cache memory in LLM serving?"], e);
      expect(JSON.parse(r.stdout)).toMatchObject({ mode: "llm", answer: "FastSwitch reduces context-switch overhead [1]." });
      expect(fake.chatRequests[0]!.messages[0]!.role).toBe("system");
    } finally {
      await fake.stop();
    }
  });

  it("merges the search index after a bulk ingest, and searches still work", async () => {
    const e = env();
    const file = path.join(tempDir(), "snapshot.jsonl");
    const lines = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({ id: `0801.${String(i).padStart(4, "0")}`, title: `Gossip protocol variant ${i}`, abstract: `Membership gossip number ${i}.` }),
    );
    fs.writeFileSync(file, lines.join("\n"));
    const r = await runCli(["ingest", "arxiv", file], e);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/read 1000, added 1000,.*\noptimized the search indexes in [\d.]+ s/);
    const small = await runCli(["ingest", "hf", "--file", path.join(corpusDir, "2026-02-02.json")], e);
    expect(small.stdout).not.toMatch(/optimized/);
    const found = JSON.parse((await runCli(["search", "--json", "-k", "1", "gossip protocol variant 917"], e)).stdout);
    expect(found.results[0].id).toBe("0801.0917");
  });
});
