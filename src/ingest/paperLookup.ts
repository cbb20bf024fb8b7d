import type { PaperInput } from "../store/paper.js";

/** What one upstream said about one paper: here it is, it does not know it, or it failed (and how). */
export type Lookup = { kind: "found"; input: PaperInput } | { kind: "unknown" } | { kind: "failed"; problem: string };

/** Why a body that came with a 200 is not a paper, short enough for a message (never the body itself). */
export function issueText(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const issue = issues[0];
  return `${issue?.path.map(String).join(".") || "answer"}: ${issue?.message ?? "invalid"}`;
}
