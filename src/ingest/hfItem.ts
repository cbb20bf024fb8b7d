import { z } from "zod";
import type { PaperInput } from "../store/paper.js";
import { parseArxivId } from "../store/paperId.js";
import { sanitizeText } from "../text/userText.js";

/** Feed text is sanitised here, so the digest shows (and the store keeps) no bidi overrides or lone surrogates. */
const feedText = () => z.string().overwrite(sanitizeText);
const text = feedText().trim().min(1);
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "expected a date");
const httpUrl = z
  .string()
  .trim()
  .refine((s) => /^https?:\/\//.test(s), "expected an http(s) URL");

/** One item of `GET /api/daily_papers`; unknown fields are tolerated, the ones we use are checked. */
export const HfItemSchema = z.looseObject({
  paper: z.looseObject({
    id: z.string().transform((s, ctx) => {
      const id = parseArxivId(s);
      if (!id) ctx.addIssue({ code: "custom", message: "expected an arXiv id" });
      return id ?? s;
    }),
    title: text,
    summary: text,
    authors: z.array(z.looseObject({ name: feedText() })).default([]),
    upvotes: z.number().int().nonnegative().default(0),
    publishedAt: isoDate.optional(),
    submittedOnDailyAt: isoDate.optional(),
    ai_summary: feedText().nullish(),
    ai_keywords: z.array(z.string()).nullish(),
    githubRepo: httpUrl.nullish().catch(undefined),
    githubStars: z.number().int().nonnegative().nullish().catch(undefined),
    projectPage: httpUrl.nullish().catch(undefined),
    organization: z.looseObject({ name: z.string(), fullname: z.string().optional() }).nullish().catch(undefined),
  }),
  thumbnail: httpUrl.nullish().catch(undefined),
  numComments: z.number().int().nonnegative().optional().catch(undefined),
});

export type HfItem = z.infer<typeof HfItemSchema>;

export function hfItemToInput(item: HfItem): PaperInput {
  const p = item.paper;
  return {
    arxivId: p.id,
    title: p.title,
    abstract: p.summary,
    authors: p.authors.map((a) => a.name),
    organization: p.organization?.fullname ?? p.organization?.name,
    publishedAt: p.publishedAt?.slice(0, 10),
    feedDate: p.submittedOnDailyAt?.slice(0, 10),
    upvotes: p.upvotes,
    links: { github: p.githubRepo ?? undefined, project: p.projectPage ?? undefined },
    githubStars: p.githubStars ?? undefined,
    thumbnail: item.thumbnail ?? undefined,
    aiSummary: p.ai_summary ?? undefined,
    aiKeywords: p.ai_keywords ?? undefined,
    source: "hf",
  };
}

export interface ParsedItems {
  items: HfItem[];
  skipped: { index: number; reason: string }[];
}

/** Validates each element on its own: a malformed item is skipped with a reason, never the batch. */
export function parseHfItems(payload: unknown): ParsedItems {
  if (!Array.isArray(payload)) return { items: [], skipped: [{ index: -1, reason: "payload is not an array of items" }] };
  const out: ParsedItems = { items: [], skipped: [] };
  payload.forEach((raw, index) => {
    const r = HfItemSchema.safeParse(raw);
    if (r.success) out.items.push(r.data);
    else {
      const issue = r.error.issues[0];
      out.skipped.push({ index, reason: `${issue?.path.join(".") || "item"}: ${issue?.message ?? "invalid"}` });
    }
  });
  return out;
}
