/**
 * A .bib reader that parses as BibTeX 0.99 does, not as lenient JavaScript parsers do: braces are counted literally (a
 * backslash escapes nothing, so `\}` closes a group), a `"`-delimited value ends at a `"` at brace depth 0, text between
 * entries is skipped, and of a field given twice the first is kept. Whitespace runs in a value become one space, as in BibTeX.
 */

export interface BibEntry {
  type: string;
  key: string;
  /** Field values without their outer delimiters, by lower-cased name; a macro name stands for its value. */
  fields: Record<string, string>;
  /** Fields given again after the first, which BibTeX ignores with a warning. */
  duplicates: string[];
}

export interface BibFile {
  entries: BibEntry[];
  /** Non-blank text between entries, which BibTeX skips as a comment. */
  skipped: string[];
}

const IDENTIFIER = /^[^\s"#%'(),={}]+/;

export function readBibtex(text: string): BibFile {
  const entries: BibEntry[] = [];
  const skipped: string[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at ${i}: ${JSON.stringify(text.slice(i, i + 60))}`);
  };
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const identifier = (): string => {
    const m = IDENTIFIER.exec(text.slice(i));
    if (!m) fail("expected a name");
    i += m![0].length;
    return m![0];
  };
  /** From an opening delimiter to its close: braces counted literally; a quoted value ends at a `"` outside braces. */
  const delimited = (): string => {
    const quoted = text[i] === '"';
    const start = ++i;
    let depth = 0;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === "{") depth++;
      else if (c === "}" && depth > 0) depth--;
      else if (c === "}" && !quoted) return text.slice(start, i++);
      else if (c === "}") fail("unbalanced } in a quoted value");
      else if (c === '"' && quoted && depth === 0) return text.slice(start, i++);
    }
    return fail("value runs to the end of the file");
  };
  const value = (): string => {
    let out = "";
    for (;;) {
      skipSpace();
      if (text[i] === "{" || text[i] === '"') out += delimited();
      else if (/\d/.test(text[i] ?? "")) {
        const digits = /^\d+/.exec(text.slice(i))![0];
        i += digits.length;
        out += digits;
      } else out += identifier();
      skipSpace();
      if (text[i] !== "#") return out.replace(/\s+/g, " ");
      i++;
    }
  };

  for (;;) {
    const at = text.indexOf("@", i);
    const between = text.slice(i, at < 0 ? text.length : at).trim();
    if (between) skipped.push(between);
    if (at < 0) break;
    i = at + 1;
    skipSpace();
    const type = identifier().toLowerCase();
    if (type === "comment") continue;
    skipSpace();
    const close = text[i] === "{" ? "}" : text[i] === "(" ? ")" : fail("expected { or (");
    i++;
    skipSpace();
    const key = new RegExp(`^[^\\s,\\${close}]*`).exec(text.slice(i))![0];
    i += key.length;
    const entry: BibEntry = { type, key, fields: {}, duplicates: [] };
    for (;;) {
      skipSpace();
      if (text[i] === close) break;
      if (text[i] !== ",") fail(`expected , or ${close}`);
      i++;
      skipSpace();
      if (text[i] === close) break;
      const name = identifier().toLowerCase();
      skipSpace();
      if (text[i] !== "=") fail("expected =");
      i++;
      const v = value();
      if (name in entry.fields) entry.duplicates.push(name);
      else entry.fields[name] = v;
    }
    i++;
    entries.push(entry);
  }
  return { entries, skipped };
}

const LATEX_COMMANDS: Record<string, string> = {
  "\\textbackslash{}": "\\",
  "\\textbraceleft{}": "{",
  "\\textbraceright{}": "}",
  "\\textasciitilde{}": "~",
  "\\textasciicircum{}": "^",
};

/** The text a LaTeX reader sees for a value of plain text with LaTeX's specials escaped; anything else is left as written. */
export function fromLatex(value: string): string {
  return value.replace(/\\text[a-z]+\{\}|\\[&%$#_]/g, (m) => LATEX_COMMANDS[m] ?? (m.length === 2 ? m[1]! : m));
}

/** An author field split into names as BibTeX splits it: at a word "and", in any case, outside braces. */
export function splitNames(field: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field[i]!;
    if (c === "{") depth++;
    else if (c === "}") depth--;
    else if (depth === 0 && /\s/.test(c)) {
      const and = /^\s+and(?=\s)/i.exec(field.slice(i));
      if (and) {
        names.push(field.slice(start, i).trim());
        i += and[0].length - 1;
        start = i + 1;
      }
    }
  }
  names.push(field.slice(start).trim());
  return names;
}

/**
 * An author field as a reader sees it: the names (an outer pair of braces dropped) and whether it ends in "and others".
 * Throws where BibTeX reports an error: more than two commas outside braces in a name, or one at its end.
 */
export function readAuthors(field: string): { names: string[]; etAl: boolean } {
  const raw = splitNames(field);
  for (const name of raw) {
    const commas = outsideBraces(name).split(",");
    if (commas.length > 3 || (commas.length > 1 && !commas.at(-1)!.trim())) throw new Error(`BibTeX refuses the commas in ${JSON.stringify(name)}`);
  }
  const etAl = raw.at(-1)?.toLowerCase() === "others";
  return { names: (etAl ? raw.slice(0, -1) : raw).map((n) => fromLatex(unwrap(n))), etAl };
}

function outsideBraces(text: string): string {
  let depth = 0;
  let out = "";
  for (const c of text) {
    if (c === "{") depth++;
    else if (c === "}") depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

/** A name that is one braced group, as an organisation is written, without those braces. */
function unwrap(name: string): string {
  if (!name.startsWith("{")) return name;
  let depth = 0;
  for (let i = 0; i < name.length; i++) {
    if (name[i] === "{") depth++;
    else if (name[i] === "}" && --depth === 0) return i === name.length - 1 ? name.slice(1, -1) : name;
  }
  return name;
}
