import { z } from "zod";
import { pageList } from "./citations.js";

/** "[A]", or "[A, p. 7]" / "[A, pp. 7–8]" for a claim from a passage of A's full text. */
const marker = (tag: string) => new RegExp(`\\[(?:${tag})(?:,\\s*pp?\\.\\s*\\d+(?:\\s*[–-]\\s*\\d+)?)?\\]`);

const cites = (tag: "A" | "B" | "AB") =>
  z
    .string()
    .trim()
    .min(1)
    .refine((s) => marker(tag === "AB" ? "A|B" : tag).test(s), {
      message: tag === "AB" ? "must cite [A] or [B]" : `must cite [${tag}]`,
    });

const side = (tag: "A" | "B") => z.object({ problem: cites(tag), approach: cites(tag), evidence: cites(tag), limitations: cites(tag) });

/** A side-by-side comparison; every statement cites its paper. The model's JSON is validated against it. */
export const ComparisonSchema = z.object({
  a: side("A"),
  b: side("B"),
  differences: z.array(cites("AB")).min(1).max(6),
  chooseA: cites("A"),
  chooseB: cites("B"),
});

export type Comparison = z.infer<typeof ComparisonSchema>;

/** Keywords OpenAI's strict structured output rejects; the zod schema still checks them afterwards. */
const UNSUPPORTED = new Set(["$schema", "minLength", "minItems", "maxItems"]);

function strictSubset(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictSubset);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => !UNSUPPORTED.has(k))
      .map(([k, v]) => [k, strictSubset(v)]),
  );
}

/** The schema sent to the model for structured output. */
export const comparisonJsonSchema = strictSubset(z.toJSONSchema(ComparisonSchema, { target: "draft-7" })) as Record<string, unknown>;

/** Pages of each paper's full text that were given (absent: only its abstract was). */
export type ComparedPages = { A?: ReadonlySet<number>; B?: ReadonlySet<number> };

/** Every "[A, …]" citing pages that were not all given (or in a form that is not pages) becomes "[A]", like an invented source; returns how many were. */
export function checkComparisonPages(c: Comparison, given: ComparedPages): { comparison: Comparison; invalid: number } {
  let invalid = 0;
  const fix = (s: string) =>
    s.replace(/\[(A|B),([^\]]*)\]/g, (whole, tag: "A" | "B", inner: string) => {
      const m = /^\s*(?:pp?\.|pages?)\s*(\d[\d\s,–-]*)$/.exec(inner);
      const wanted = m ? pageList(m[1]!) : [];
      const pages = given[tag];
      if (pages && wanted.length && wanted.every((p) => pages.has(p))) return whole;
      invalid++;
      return `[${tag}]`;
    });
  const side = (x: Comparison["a"]) => ({
    problem: fix(x.problem),
    approach: fix(x.approach),
    evidence: fix(x.evidence),
    limitations: fix(x.limitations),
  });
  return {
    comparison: { a: side(c.a), b: side(c.b), differences: c.differences.map(fix), chooseA: fix(c.chooseA), chooseB: fix(c.chooseB) },
    invalid,
  };
}
