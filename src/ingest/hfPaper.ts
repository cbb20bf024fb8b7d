import type { z } from "zod";
import { hfItemToInput, HfItemSchema } from "./hfItem.js";
import { issueText, type Lookup } from "./paperLookup.js";
import { describeFailure, getWithRetry, type LookupOptions } from "./upstreamFetch.js";

/**
 * `GET /api/papers/{id}` answers with the paper object a daily-feed item holds under `paper`
 * (id, title, summary, authors, publishedAt, upvotes, ai_summary, ai_keywords, githubRepo, ...),
 * so the feed's schema and mapping serve it too; unknown fields are tolerated.
 */
export const HfPaperSchema = HfItemSchema.shape.paper;
export type HfPaper = z.infer<typeof HfPaperSchema>;

export function hfPaperToInput(paper: HfPaper) {
  return hfItemToInput({ paper });
}

/** One paper from the Hugging Face paper API: found, unknown (404), or failed. */
export async function lookUpHfPaper(apiBase: string, arxivId: string, opts: LookupOptions = {}): Promise<Lookup> {
  const answer = await getWithRetry(`${apiBase}/api/papers/${arxivId}`, "application/json", opts);
  if (answer.status === 404) return { kind: "unknown" };
  if (answer.status !== 200 || !("body" in answer)) return { kind: "failed", problem: describeFailure(answer, opts.timeoutMs) };
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    return { kind: "failed", problem: "answered with something that is not JSON" };
  }
  const parsed = HfPaperSchema.safeParse(json);
  if (!parsed.success) return { kind: "failed", problem: `answered with something that is not a paper (${issueText(parsed.error.issues)})` };
  if (parsed.data.id !== arxivId) return { kind: "failed", problem: `answered with a different paper (${parsed.data.id})` };
  return { kind: "found", input: hfPaperToInput(parsed.data) };
}
