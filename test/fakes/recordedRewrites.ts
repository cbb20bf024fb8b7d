import fs from "node:fs";
import type { ChatReply, FakeOpenAI, FakeRequest } from "./openai.js";

/** One recorded answer of a real model to the query-rewrite task, keyed by the question it was asked. */
export interface RecordedRewrite {
  q: string;
  queries: string[];
}

export function readRecordedRewrites(file: string): RecordedRewrite[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RecordedRewrite);
}

const userText = (req: FakeRequest) => {
  const messages = (req.body as { messages?: { role: string; content: string }[] }).messages ?? [];
  return messages
    .filter((m) => m.role === "user")
    .map((m) => m.content)
    .join("\n");
};

/**
 * Makes the fake a recorded model (a cassette): a structured-output request for `schema` whose user
 * message holds a recorded question verbatim is answered with that recording's queries, whatever the
 * prompt around it says. When several recorded questions appear (earlier turns given as context),
 * the one written last is the question. A question with no recording gets the previous answer.
 */
export function replayRewrites(fake: FakeOpenAI, records: RecordedRewrite[], schema = "search_queries"): void {
  const otherwise = fake.structured.get(schema) ?? fake.defaultChat;
  fake.structured.set(schema, (req): ChatReply => {
    const text = userText(req);
    let hit: RecordedRewrite | undefined;
    let at = -1;
    for (const r of records) {
      const i = text.lastIndexOf(r.q);
      if (i > at || (i === at && i >= 0 && r.q.length > hit!.q.length)) [hit, at] = [r, i];
    }
    return hit ? { text: JSON.stringify({ queries: hit.queries }) } : otherwise(req);
  });
}
