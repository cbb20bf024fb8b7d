const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Lower-case ASCII words only: the key that makes "SVDQunat: ..." from the page and the feed's title meet. */
export function normalizeTitle(title: string): string {
  // Plain ASCII has nothing to decompose: skip the costly normalisation (most titles).
  return (PRINTABLE_ASCII.test(title) ? title : title.normalize("NFKD"))
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

export function slugify(title: string): string {
  return normalizeTitle(title).split(" ").join("-").slice(0, 80).replace(/-+$/, "");
}

const ARXIV_ID = /^(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(v\d+)?$/;

/** The arXiv id without its version suffix, or undefined when the text is not one. */
export function parseArxivId(text: string): string | undefined {
  const m = ARXIV_ID.exec(text.trim());
  return m ? m[1] : undefined;
}

/** Finds an arXiv id in free text: a bare id, "arXiv:2401.01234" or an arxiv.org / huggingface.co/papers URL. */
export function findArxivId(text: string): string | undefined {
  const t = text.trim();
  const direct = parseArxivId(t.replace(/^arxiv:\s*/i, ""));
  if (direct) return direct;
  const m = /(?:arxiv\.org\/(?:abs|pdf)|huggingface\.co\/papers)\/([a-z-]+(?:\.[A-Z]{2})?\/\d{7}|\d{4}\.\d{4,5})/i.exec(t);
  return m?.[1];
}
