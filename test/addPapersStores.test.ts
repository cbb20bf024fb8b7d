// Adding papers by arXiv id through the async stores, on SQLite and PostgreSQL alike: looked up on Hugging Face,
// else arXiv; a known paper is not fetched again and becomes another group's paper too.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addPapers, type AddSources } from "../src/ingest/addPapers.js";
import { parsePaperRefs } from "../src/ingest/paperRefs.js";
import { EVERY_GROUP } from "../src/store/groupPapers.js";
import type { Stores } from "../src/store/stores.js";
import { FakeArxiv } from "./fakes/arxiv.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { bothBackends } from "./helpers/backends.js";
import { corpusDir } from "./helpers/tmp.js";

const backends = bothBackends("group_papers");

let hf: FakeHuggingFace | undefined;
let arxiv: FakeArxiv | undefined;
afterEach(async () => {
  await hf?.stop();
  await arxiv?.stop();
  hf = arxiv = undefined;
});

describe.each(backends)("adding papers on $name", (backend) => {
  let stores: Stores;
  let sources: AddSources;
  beforeEach(async () => {
    stores = await backend.open();
    hf = FakeHuggingFace.fromCorpus(corpusDir);
    arxiv = new FakeArxiv().add({
      id: "2602.07777",
      title: "Pipelined Checkpointing for Trillion-Parameter Training",
      summary: "We overlap checkpoint writes with training.",
      authors: ["Ada Example"],
      published: "2026-02-06T17:21:05Z",
      primaryCategory: "cs.DC",
    });
    sources = { hfApiBase: await hf.start(), arxivApiBase: await arxiv.start() };
  });

  it("adds papers from Hugging Face and arXiv as the group's own; a known paper is not fetched again", async () => {
    const refs = parsePaperRefs("2602.01053 arxiv.org/abs/2602.07777 2602.99999");
    const first = await addPapers({ stores }, sources, refs, { guildId: EVERY_GROUP });
    expect(first.map((o) => [o.ref.arxivId, o.status, "from" in o ? o.from : undefined])).toEqual([
      ["2602.01053", "added", "hf"],
      ["2602.07777", "added", "arxiv"],
      ["2602.99999", "unknown", undefined],
    ]);
    expect(first[0]).toMatchObject({
      paper: { id: "2602.01053", title: "LRAgent: Efficient KV Cache Sharing for Multi-LoRA LLM Agents" },
      newToGroup: true,
    });
    expect(await stores.papers.count()).toBe(2);
    expect((await stores.groupPapers.list(EVERY_GROUP, "add")).map((g) => g.paperId).sort()).toEqual(["2602.01053", "2602.07777"]);

    const added = first[0]!;
    if (added.status !== "added") throw new Error(added.status);
    const lookups = hf!.requests.length + arxiv!.requests.length;
    const again = await addPapers({ stores }, sources, parsePaperRefs("2602.01053"), { guildId: "123456789012345678", userId: "42" });
    expect(again).toEqual([expect.objectContaining({ status: "known", newToGroup: true, from: undefined, paper: added.paper })]);
    expect(hf!.requests.length + arxiv!.requests.length).toBe(lookups);
    expect(await stores.groupPapers.list("123456789012345678", "add")).toEqual([expect.objectContaining({ paperId: "2602.01053", userId: "42" })]);
    const twice = await addPapers({ stores }, sources, parsePaperRefs("2602.01053"), { guildId: "123456789012345678" });
    expect(twice[0]).toMatchObject({ status: "known", newToGroup: false });
  });
});
