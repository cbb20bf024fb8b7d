import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { FakeArxiv } from "./fakes/arxiv.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { runCli } from "./helpers/runCli.js";
import { corpusDir, tempDir } from "./helpers/tmp.js";

let hf: FakeHuggingFace | undefined;
let arxiv: FakeArxiv | undefined;

afterEach(async () => {
  await hf?.stop();
  await arxiv?.stop();
  hf = arxiv = undefined;
});

async function env(): Promise<Record<string, string>> {
  hf = FakeHuggingFace.fromCorpus(corpusDir);
  arxiv = new FakeArxiv().add({
    id: "2602.07777",
    title: "Pipelined Checkpointing for Trillion-Parameter Training",
    summary: "We overlap checkpoint writes with training.",
    authors: ["Ada Example"],
    published: "2026-02-06T17:21:05Z",
    primaryCategory: "cs.DC",
  });
  return { PAPERBOT_DB: path.join(tempDir(), "paperbot.db"), HF_API_BASE: await hf.start(), ARXIV_API_BASE: await arxiv.start() };
}

function groupRows(e: Record<string, string>): { guild_id: string; paper_id: string; via: string }[] {
  const db = new Database(e.PAPERBOT_DB!, { readonly: true });
  try {
    return db.prepare("SELECT guild_id, paper_id, via FROM group_papers WHERE via = 'add' ORDER BY paper_id").all() as never;
  } finally {
    db.close();
  }
}

describe("paperbot add", () => {
  it("adds papers by id and link, one line each, as the installation's papers, then knows them", async () => {
    const e = await env();
    const r = await runCli(["add", "2602.01053", "https://arxiv.org/abs/2602.07777v1,"], e);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      "added 2602.01053 (Hugging Face): LRAgent: Efficient KV Cache Sharing for Multi-LoRA LLM Agents",
      "added 2602.07777 (arXiv): Pipelined Checkpointing for Trillion-Parameter Training",
    ]);
    expect(groupRows(e)).toEqual([
      { guild_id: "*", paper_id: "2602.01053", via: "add" },
      { guild_id: "*", paper_id: "2602.07777", via: "add" },
    ]);
    const search = await runCli(["search", "-k", "1", "KV cache sharing multi-LoRA agents"], e);
    expect(search.stdout).toMatch(/^ 1\. LRAgent/);

    const again = await runCli(["add", "--guild", "123456789012345678", "huggingface.co/papers/2602.01053"], e);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe(
      "already known 2602.01053: LRAgent: Efficient KV Cache Sharing for Multi-LoRA LLM Agents (now counted as server 123456789012345678's)",
    );
    expect(groupRows(e).map((g) => g.guild_id)).toEqual(["*", "123456789012345678", "*"]);
  });

  it("exits 1 when a paper is unknown or an upstream fails, saying which, and still adds the rest", async () => {
    const e = await env();
    const r = await runCli(["add", "2602.99999", "2602.01053"], e);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n")).toEqual([
      "unknown 2602.99999: neither Hugging Face nor arXiv knows this paper",
      "added 2602.01053 (Hugging Face): LRAgent: Efficient KV Cache Sharing for Multi-LoRA LLM Agents",
    ]);
    expect(r.stderr.trim().split("\n").at(-1)).toBe("paperbot: 1 of 2 papers were not added");

    hf!.down = 502;
    arxiv!.down = 500;
    const down = await runCli(["add", "2602.03295"], e);
    expect(down.code).toBe(1);
    expect(down.stdout.trim()).toBe("failed 2602.03295: Hugging Face is not answering (HTTP 502), and arXiv is not answering (HTTP 500)");
  });

  it("exits 2 with one clear line on a bad id or server", async () => {
    const e = await env();
    const stderr: string[] = [];
    for (const args of [["add", "2602.01053", "2602.1234"], ["add", "--guild", "lab", "2602.01053"], ["add"]]) {
      const r = await runCli(args, e);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      stderr.push(r.stderr.trim());
    }
    expect(stderr[0]).toMatch(/^paperbot: “2602\.1234” is not an arXiv id or link/);
    expect(stderr[1]).toMatch(/--guild.*expected a Discord server id/);
    expect(hf!.requests).toEqual([]);
  });

  it("contacts only the configured hosts: a redirect elsewhere fails that paper and says so; one within the host is followed", async () => {
    const e = await env();
    const elsewhere = FakeHuggingFace.fromCorpus(corpusDir);
    await elsewhere.start();
    try {
      hf!.failures.push({ status: 302, headers: { location: `${elsewhere.url}/api/papers/2602.01053` } });
      arxiv!.failures.push({ status: 301, headers: { location: `${elsewhere.url}/api/query?id_list=2602.01053` } });
      const r = await runCli(["add", "2602.01053"], e);
      expect(r.code).toBe(1);
      expect(r.stdout.trim()).toBe(
        `failed 2602.01053: Hugging Face redirected to another host (${elsewhere.url}), which paperbot does not contact, ` +
          `and arXiv redirected to another host (${elsewhere.url}), which paperbot does not contact`,
      );
      expect(elsewhere.requests).toEqual([]);

      hf!.failures.push({ status: 307, headers: { location: "/api/papers/2602.01053" } });
      const same = await runCli(["add", "2602.01053"], e);
      expect(same.code, same.stderr).toBe(0);
      expect(same.stdout).toMatch(/^added 2602\.01053 \(Hugging Face\): LRAgent/);
    } finally {
      await elsewhere.stop();
    }
  });

  it("a DOCTYPE arXiv's parser refuses fails that paper only; the others are added", async () => {
    const e = await env();
    arxiv!.rawBody = `<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2602.07778v1</id><title>&x;</title><summary>s</summary></entry></feed>`;
    const r = await runCli(["add", "2602.07778", "2602.01053"], e);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n")).toEqual([
      "failed 2602.07778: Hugging Face does not have it, and arXiv answered with something that is not an Atom feed (a DOCTYPE the parser refuses)",
      "added 2602.01053 (Hugging Face): LRAgent: Efficient KV Cache Sharing for Multi-LoRA LLM Agents",
    ]);
  });

  it("a link with a broken percent-escape is not an arXiv link: exit 2, one line, nothing fetched", async () => {
    const e = await env();
    for (const link of ["arxiv.org/abs/%ZZ", "https://arxiv.org/abs/%E0%A4%A", "huggingface.co/papers/%"]) {
      const r = await runCli(["add", link], e);
      expect(r.code, link).toBe(2);
      expect(r.stderr.trim(), link).toBe(
        `paperbot: “${link}” is not an arXiv id or link (try 2602.01234, https://arxiv.org/abs/2602.01234 or https://huggingface.co/papers/2602.01234).`,
      );
    }
    expect([...hf!.requests, ...arxiv!.requests]).toEqual([]);
  });
});
