import type { Command } from "commander";
import type { CompareResult, Resolved } from "../answer/answerEngine.js";
import type { AskResult } from "../answer/askResult.js";
import { pageLabel, type Citation } from "../answer/citations.js";
import { UserError } from "../config/errors.js";
import { userText } from "../text/userText.js";
import type { CliContext } from "./context.js";

export function addAnswerCommands(program: Command, ctx: CliContext): void {
  program
    .command("ask")
    .description("answer a question from the collection, citing the papers used (offline extracts without a model)")
    .argument("<question...>")
    .option("--paper <name>", "answer from this paper alone (an id, a title, a short name; loose as in compare)")
    .option("--json", "print the result object as JSON")
    .action(async (words: string[], opts: { json?: boolean; paper?: string }) => {
      const engine = await ctx.engine();
      let paperId: string | undefined;
      if (opts.paper !== undefined) {
        const r = await engine.resolve(userText(opts.paper));
        if (!r.paper) throw new UserError(unresolvedOne(r));
        paperId = r.paper.id;
      }
      const result = await engine.ask(userText(words.join(" ")), { paperId });
      ctx.io.out(opts.json ? JSON.stringify(result, null, 2) : formatAsk(result));
    });

  program
    .command("compare")
    .description("compare two papers side by side (names may be loose: short names, typos, arXiv ids)")
    .argument("<a>", "the first paper")
    .argument("<b>", "the second paper")
    .option("--json", "print the result object as JSON")
    .action(async (a: string, b: string, opts: { json?: boolean }) => {
      const result = await (await ctx.engine()).compare(userText(a), userText(b));
      if (opts.json) ctx.io.out(JSON.stringify(result, null, 2));
      if (result.kind === "unresolved") throw new UserError(unresolvedMessage(result));
      if (!opts.json) ctx.io.out(formatComparison(result));
    });
}

const source = (c: Citation) =>
  ` [${c.n}] ${c.title}${c.year ? ` (${c.year})` : ""}${c.pages?.length ? `, ${pageLabel(c.pages)}` : ""}${c.url ? `\n     ${c.url}` : ""}`;

export function formatAsk(r: AskResult): string {
  const lines = [r.answer];
  if (r.citations.length) lines.push("", "Sources:", ...r.citations.map(source));
  if (r.nearest?.length) lines.push("", "Nearest papers:", ...r.nearest.map(source));
  if (r.notice) lines.push("", `(${r.notice}${r.fallbackReason ? ` Reason: ${r.fallbackReason}.` : ""})`);
  return lines.join("\n");
}

/** Why a loose paper name did not resolve, with the candidates to pick from. */
function unresolvedOne(x: Resolved): string {
  return x.candidates.length
    ? `“${x.query}” is ${x.ambiguous ? "ambiguous" : "not a paper I know"}; did you mean: ${x.candidates.map((p) => p.title).join(" | ")}?`
    : `No paper matches “${x.query}”. Try \`paperbot search ${x.query}\`.`;
}

function unresolvedMessage(r: Extract<CompareResult, { kind: "unresolved" }>): string {
  return r.which.map((w) => unresolvedOne(r[w])).join("\n");
}

function formatComparison(r: Extract<CompareResult, { kind: "comparison" }>): string {
  const { a, b } = r.comparison;
  const rows: [string, keyof typeof a][] = [
    ["Problem", "problem"],
    ["Approach", "approach"],
    ["Evidence", "evidence"],
    ["Limitations", "limitations"],
  ];
  const lines = [`[A] ${r.a.title}`, `[B] ${r.b.title}`, ""];
  for (const [label, key] of rows) lines.push(label, `  A: ${a[key]}`, `  B: ${b[key]}`, "");
  lines.push("Key differences", ...r.comparison.differences.map((d) => `  - ${d}`), "");
  lines.push("When to choose", `  A: ${r.comparison.chooseA}`, `  B: ${r.comparison.chooseB}`);
  if (r.notice) lines.push("", `(${r.notice}${r.fallbackReason ? ` Reason: ${r.fallbackReason}.` : ""})`);
  return lines.join("\n");
}
