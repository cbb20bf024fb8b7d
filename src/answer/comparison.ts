import { z } from "zod";

const cites = (tag: "A" | "B" | "AB") =>
  z
    .string()
    .trim()
    .min(1)
    .refine((s) => (tag === "AB" ? /\[(A|B)\]/.test(s) : s.includes(`[${tag}]`)), {
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
