import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { savedBibtex } from "../src/answer/savedPapers.js";
import { GroupPapers } from "../src/store/sqlite/groupPapers.js";
import type { PaperInput } from "../src/store/paper.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { sqliteStores } from "../src/store/stores.js";
import { fromLatex, readAuthors, readBibtex, splitNames } from "./helpers/bibtexReader.js";
import { tempDir, tempStore } from "./helpers/tmp.js";

const EVIL = 'Attention Is All You Need}, author = "Mallory Evil", url = "https://evil.example/phish", year = 1999';

interface Case {
  why: string;
  input: Partial<PaperInput>;
  /** What the entry must say, where it differs from the input. */
  authors?: string[];
  etAl?: boolean;
  year?: string;
  primaryClass?: string;
  url?: string;
}

/** Stored paper text, hostile or only unusual; most of it the hand-written writer that trusted `\}` and " and " exported wrongly. */
const CASES: Case[] = [
  { why: "a title whose } ends the field and writes an author, url and year of its own", input: { title: EVIL } },
  { why: "a title with a lone { that would swallow the rest of the file", input: { title: "Sets {of Things" } },
  { why: "a title with %, #, &, $, _, ~, ^, @, quotes and a trailing backslash", input: { title: '100% of #1 & $5: a_b ~x^2 @home "quoted" C:\\' } },
  { why: "a title in several scripts", input: { title: "注意力 Ελληνικά Gödel café 😀" } },
  { why: "an organisation among the authors", input: { authors: ["Research and Development Team", "Ada Lovelace"] } },
  {
    why: "a name with AND in capitals or around a tab",
    input: { authors: ["Tom AND Jerry", "Ann\tand Bob"] },
    authors: ["Tom AND Jerry", "Ann and Bob"],
  },
  { why: "names with lone braces and a backslash", input: { authors: ["Ann {Brace", "Bob} Close", "Carl \\}"] } },
  { why: 'a last author named "others", which BibTeX reads as "et al."', input: { authors: ["Ada Lovelace", "others"] } },
  { why: 'a last author named "others" and more authors than listed', input: { authors: ["Ada Lovelace", "others"], authorCount: 5 }, etAl: true },
  { why: "names with commas BibTeX refuses", input: { authors: ["Lovelace, Ada", "A, B, C, D", "Turing,"] } },
  {
    why: "an organisation alone, with braces and an and",
    input: { authors: [], organization: "Research and Development {Team" },
    authors: ["Research and Development {Team"],
  },
  {
    why: "a category that ends its field and writes a url",
    input: { categories: ["cs.LG}, url = {https://evil.example", "cs.AI"] },
    primaryClass: "cs.LG}, url = {https://evil.example",
  },
  { why: "a category with control characters", input: { categories: ["cs.\u0001LG\u0007"] }, primaryClass: "cs.LG" },
  { why: "a published date that is not a date", input: { publishedAt: "19}9-01-01" }, year: "2026" },
  { why: "an arXiv id with a brace", input: { arxivId: "2602.0999}" }, url: "https://arxiv.org/abs/2602.0999%7D" },
  {
    why: "a project url with spaces, braces and a backslash",
    input: { arxivId: undefined, links: { project: "https://example.com/a b}c{d\\e" } },
    url: "https://example.com/a%20b%7Dc%7Bd%5Ce",
  },
];

const base = (n: number): PaperInput => ({
  arxivId: `2602.${String(n).padStart(5, "0")}`,
  title: `A plain title ${n}`,
  abstract: "An abstract.",
  authors: ["Ada Lovelace"],
  publishedAt: "2026-02-03",
  categories: ["cs.LG"],
  source: "arxiv",
});

/** Saves the papers on a server of their own, oldest first, and returns its export (newest first). */
async function exportOf(store: PaperStore, guildId: string, inputs: PaperInput[]): Promise<string> {
  const groups = new GroupPapers(store.db);
  inputs.forEach((input, i) => {
    groups.add(guildId, store.upsert(input).id, "save", "1", new Date(Date.UTC(2026, 1, 10, 0, i)));
  });
  return (await savedBibtex(sqliteStores(store), guildId)).bibtex;
}

describe("/saved export as BibTeX, read the way BibTeX reads it", () => {
  it.each(CASES.map((c, n) => ({ ...c, n })))("keeps every field of a paper with $why", async ({ n, input: overrides, ...want }) => {
    const { store } = tempStore();
    const input = { ...base(n), ...overrides };
    const file = readBibtex(await exportOf(store, "guild", [input]));
    const paper = store.all()[0]!;

    expect(file.skipped).toEqual([]);
    expect(file.entries).toHaveLength(1);
    const [entry] = file.entries;
    expect(entry!.duplicates).toEqual([]);
    expect(entry!.key).toMatch(/^[a-z0-9]+$/);
    const fields = entry!.fields;
    const arxiv = input.arxivId ? ["eprint", "archiveprefix", "primaryclass"] : [];
    expect(Object.keys(fields).sort()).toEqual(["title", "author", "year", "url", ...arxiv].sort());
    expect(fromLatex(fields.title!)).toBe(paper.title);
    expect(readAuthors(fields.author!)).toEqual({ names: want.authors ?? paper.authors, etAl: want.etAl ?? false });
    expect(fields.year).toBe(want.year ?? "2026");
    expect(fields.url).toBe(want.url ?? `https://arxiv.org/abs/${input.arxivId}`);
    if (input.arxivId) {
      expect(fromLatex(fields.eprint!)).toBe(input.arxivId);
      expect(fields.archiveprefix).toBe("arXiv");
      expect(fromLatex(fields.primaryclass!)).toBe(want.primaryClass ?? input.categories![0]);
    }
  });

  it("gives every paper of a hostile list its own entry and key, newest first", async () => {
    const { store } = tempStore();
    const inputs = CASES.map((c, n) => ({ ...base(n), ...c.input }));
    // Three papers whose keys meet: two share lovelace2026scaling, one's own key is lovelace2026scalinga.
    inputs.push({ ...base(90), title: "Scaling laws" }, { ...base(91), title: "Scaling again" }, { ...base(92), title: "Scalinga" });
    const file = readBibtex(await exportOf(store, "guild", inputs));

    expect(file.skipped).toEqual([]);
    expect(file.entries.map((e) => fromLatex(e.fields.title!))).toEqual(inputs.map((p) => p.title).reverse());
    expect(new Set(file.entries.map((e) => e.key)).size).toBe(inputs.length);
    expect(file.entries.slice(0, 3).map((e) => e.key)).toEqual(["lovelace2026scalinga", "lovelace2026scalingb", "lovelace2026scalingc"]);
  });
});

describe("the test's BibTeX reader", () => {
  // What the hand-written writer produced for EVIL: `\}` escaped nothing to BibTeX.
  const OLD = `@misc{lovelace2026attention,\n  title = {${EVIL.replace("}", "\\}")}},\n  author = {Ada Lovelace},\n  year = {2026}\n}\n`;

  it("reads an escaped brace as BibTeX does: the title's } ends it, the attacker's fields follow and the real ones are skipped", () => {
    const { entries, skipped } = readBibtex(OLD);
    expect(entries.map((e) => e.fields)).toEqual([
      { title: "Attention Is All You Need\\", author: "Mallory Evil", url: "https://evil.example/phish", year: "1999" },
    ]);
    expect(skipped).toEqual([",\n  author = {Ada Lovelace},\n  year = {2026}\n}"]);
  });

  it("fails on a value whose { is never closed, and splits names at a bare and in any case", () => {
    expect(() => readBibtex("@misc{k,\n  title = {Sets \\{of Things},\n  year = {2026}\n}\n")).toThrow();
    expect(splitNames("Research AND Development and {Tom and Jerry} and others")).toEqual(["Research", "Development", "{Tom and Jerry}", "others"]);
    expect(() => readAuthors("A, B, C, D")).toThrow(/commas/);
  });
});

const hasBibtex = (() => {
  try {
    execFileSync("bibtex", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** A style that writes each entry's raw fields, and each name as BibTeX splits it, one per line. */
const DUMP_BST = `ENTRY { title author year eprint archiveprefix primaryclass url } {} {}
INTEGERS { n i }
FUNCTION {field} { write$ newline$ }
FUNCTION {or.empty} { duplicate$ empty$ { pop$ "" } 'skip$ if$ }
FUNCTION {dump}
{ "@@entry " cite$ * field
  "@@title " title or.empty * field
  "@@author " author or.empty * field
  "@@year " year or.empty * field
  "@@eprint " eprint or.empty * field
  "@@primaryclass " primaryclass or.empty * field
  "@@url " url or.empty * field
  author num.names$ 'n :=
  #1 'i :=
  { n i < #0 = }
  { "@@name " author i "{ff}{vv}{ll}{jj}" format.name$ * field
    i #1 + 'i := }
  while$
}
FUNCTION {misc} { dump }
READ
ITERATE {call.type$}
`;

describe.skipIf(!hasBibtex)("the real bibtex", () => {
  it("reads the hostile export as the test's reader does", async () => {
    const { store } = tempStore();
    const bib = await exportOf(
      store,
      "guild",
      CASES.map((c, n) => ({ ...base(n), ...c.input })),
    );
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "papers.bib"), bib);
    fs.writeFileSync(path.join(dir, "dump.bst"), DUMP_BST);
    fs.writeFileSync(path.join(dir, "papers.aux"), "\\citation{*}\n\\bibstyle{dump}\n\\bibdata{papers}\n");
    const log = execFileSync("bibtex", ["papers"], { cwd: dir, env: { ...process.env, BIBINPUTS: ".", BSTINPUTS: "." }, encoding: "utf8" });
    expect(log).not.toMatch(/error|warning/i);

    // bibtex breaks lines of its output past 79 columns at a space, indenting the rest by two.
    const lines = fs
      .readFileSync(path.join(dir, "papers.bbl"), "utf8")
      .replace(/\n {2}/g, " ")
      .split("\n");
    const seen = lines.join("\n").split("@@entry ").slice(1);
    const expected = readBibtex(bib).entries.map((e) => {
      const { title, author, year, eprint, primaryclass, url } = e.fields;
      return { key: e.key, title, author, year, eprint: eprint ?? "", primaryclass: primaryclass ?? "", url, names: splitNames(author!).length };
    });
    expect(
      seen.map((block) => {
        const [key, ...rest] = block.trimEnd().split("\n");
        const field = (name: string) => rest.find((l) => l.startsWith(`@@${name} `))?.slice(name.length + 3) ?? "";
        return {
          key,
          title: field("title"),
          author: field("author"),
          year: field("year"),
          eprint: field("eprint"),
          primaryclass: field("primaryclass"),
          url: field("url"),
          names: rest.filter((l) => l.startsWith("@@name")).length,
        };
      }),
    ).toEqual(expected);
  });
});
