import { z } from "zod";
import { UsageError } from "../config/errors.js";

/** Most papers one `/add` or `paperbot add` takes: each is a lookup, and each gets a card. */
export const MAX_PAPER_REFS = 5;

/** New-style ids (0704.0001 on): YYMM, then 4 digits until 1412 and 5 from 1501; or old-style `archive(.SC)/YYMMNNN`. */
const NEW_ID = /^(\d{2})(\d{2})\.(\d{4,5})$/;
const OLD_ID = /^[a-z-]+(?:\.[A-Z]{2})?\/\d{7}$/;

const ArxivIdSchema = z.string().refine((id) => {
  if (OLD_ID.test(id)) return true;
  const m = NEW_ID.exec(id);
  if (!m) return false;
  const [yy, mm, num] = [Number(m[1]), Number(m[2]), m[3]!];
  if (mm < 1 || mm > 12 || yy * 100 + mm < 704) return false;
  return num.length === (yy >= 15 ? 5 : 4);
}, "not an arXiv id");

export const PaperRefSchema = z.object({
  /** The id without its version: the key the collection and both APIs use. */
  arxivId: ArxivIdSchema,
  /** The version the text named (`v2`), if any; the collection keeps one entry per paper. */
  version: z.number().int().positive().optional(),
  /** What the user wrote, for messages. */
  text: z.string().min(1),
});

export type PaperRef = z.infer<typeof PaperRefSchema>;

/** A paper reference that could not be read: a bad id or link, none at all, or too many. */
export class PaperRefError extends UsageError {
  override name = "PaperRefError";
}

const ID_WITH_VERSION = /^([a-z-]+(?:\.[A-Z]{2})?\/\d{7}|\d{4}\.\d{4,5})(?:v(\d+))?$/;
const ARXIV_HOSTS = new Set(["arxiv.org", "www.arxiv.org", "export.arxiv.org", "alphaxiv.org", "www.alphaxiv.org"]);
const HF_HOSTS = new Set(["huggingface.co", "www.huggingface.co", "hf.co"]);

/** A URL path with its percent-escapes decoded, or undefined when one is broken (`%ZZ`, a cut UTF-8 sequence). */
function decodedPath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/** The id (and version) a bare id, `arXiv:` id, or arxiv.org / huggingface.co/papers link names. */
function idPart(token: string): string | undefined {
  const bare = token.replace(/^arxiv:/i, "");
  if (ID_WITH_VERSION.test(bare)) return bare;
  if (!/^(?:https?:\/\/)?[\w.-]+\.[a-z]{2,}\//i.test(token)) return undefined;
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(token) ? token : `https://${token}`);
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase();
  const path = decodedPath(url.pathname)?.replace(/\/+$/, "");
  if (path === undefined) return undefined;
  const m = ARXIV_HOSTS.has(host)
    ? /^\/(?:abs|pdf|html|overview)\/(.+?)(?:\.pdf)?$/.exec(path)
    : HF_HOSTS.has(host)
      ? /^\/papers\/(.+)$/.exec(path)
      : null;
  return m?.[1];
}

function parseOne(token: string): PaperRef | undefined {
  const part = idPart(token);
  const m = part ? ID_WITH_VERSION.exec(part) : null;
  if (!m) return undefined;
  const r = PaperRefSchema.safeParse({ arxivId: m[1], version: m[2] ? Number(m[2]) : undefined, text: token });
  return r.success ? r.data : undefined;
}

/**
 * Reads one or more arXiv ids or links (`2602.01234`, `2602.01234v2`, `arXiv:2602.01234`,
 * `cs/0112017`, `https://arxiv.org/abs/…`, `arxiv.org/pdf/…v2`, `huggingface.co/papers/…`),
 * separated by spaces or commas; the same paper twice counts once.
 */
export function parsePaperRefs(text: string, max = MAX_PAPER_REFS): PaperRef[] {
  const tokens = text
    .split(/[\s,;]+/)
    .map((t) => t.replace(/^[<(["'“]+|[>)\]"'”.]+$/g, ""))
    .filter(Boolean);
  if (!tokens.length) throw new PaperRefError("Give an arXiv id or link, e.g. 2602.01234 or https://arxiv.org/abs/2602.01234.");
  const refs: PaperRef[] = [];
  const bad: string[] = [];
  for (const token of tokens) {
    const ref = parseOne(token);
    if (!ref) bad.push(token);
    else if (!refs.some((r) => r.arxivId === ref.arxivId)) refs.push(ref);
  }
  if (bad.length) {
    const shown = bad
      .slice(0, 3)
      .map((b) => `“${b.length > 60 ? `${b.slice(0, 59)}…` : b}”`)
      .join(", ");
    throw new PaperRefError(
      `${shown}${bad.length > 3 ? ` and ${bad.length - 3} more` : ""} ${bad.length > 1 ? "are not arXiv ids or links" : "is not an arXiv id or link"} ` +
        "(try 2602.01234, https://arxiv.org/abs/2602.01234 or https://huggingface.co/papers/2602.01234).",
    );
  }
  if (refs.length > max) throw new PaperRefError(`That is ${refs.length} papers; add at most ${max} at a time.`);
  return refs;
}
