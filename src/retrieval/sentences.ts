/** Abbreviations after which a full stop does not end a sentence. */
const ABBREVIATIONS = /(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|fig|figs|eq|eqs|sec|no|approx|resp|incl|dr|mr|ms|prof|st|al)|\b[A-Z])\.$/i;

/** Splits an abstract into sentences without breaking at "e.g.", "et al.", "3.5", "vs." or initials. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  const parts = text.replace(/\s+/g, " ").trim().split(/(?<=[.!?])\s+(?=[A-Z0-9("“'[])/);
  let current = "";
  for (const part of parts) {
    current = current ? `${current} ${part}` : part;
    if (!ABBREVIATIONS.test(current)) {
      out.push(current);
      current = "";
    }
  }
  if (current) out.push(current);
  return out;
}
