import type { Command } from "commander";
import { UsageError, UserError } from "../config/errors.js";
import { paperUrl, paperYear } from "../store/paper.js";
import type { StoredPaper } from "../store/paperRecords.js";
import { userText } from "../text/userText.js";
import { resolvePaper } from "../retrieval/resolvePaper.js";
import type { CliContext } from "./context.js";
import { positiveInt, readLines } from "./parsers.js";

export function addSearchCommands(program: Command, ctx: CliContext): void {
  program
    .command("search")
    .description(
      "rank papers for a query (BM25F with query expansion, fused with vectors when configured); with no QUERY, one query per line from stdin",
    )
    .argument("[query...]", "the words to search for")
    .option("-k, --top <n>", "how many results", positiveInt(100), 10)
    .option("--json", "one JSON object per query per line: {query, covered, results:[{id,title,score}]} (with --assist, also rewrites)")
    .option("--assist", "let the chat model rewrite each query in the vocabulary of abstracts, and fuse the rankings (one model call per query)")
    .action(async (words: string[], opts: { top: number; json?: boolean; assist?: boolean }) => {
      const engine = await ctx.engine();
      if (opts.assist && !engine.hasModel)
        throw new UsageError("--assist needs a chat model: set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server) and OPENAI_MODEL.");
      const queries = words.length ? [userText(words.join(" "))] : await readLines(ctx.io.stdin);
      for (const query of queries) {
        const {
          hits,
          queries: searched,
          covered,
        } = query ? await engine.search(query, [], { k: opts.top, assist: opts.assist }) : { hits: [], queries: [query], covered: false };
        if (opts.json) {
          const results = hits.map((h) => ({ id: h.paper.id, title: h.paper.title, score: round(h.score) }));
          ctx.io.out(JSON.stringify({ query, ...(opts.assist ? { rewrites: searched.slice(1) } : {}), covered, results }));
          continue;
        }
        if (queries.length > 1) ctx.io.out(`# ${query}`);
        if (opts.assist && searched.length > 1) ctx.io.out(`(also searched: ${searched.slice(1).join(" | ")})`);
        if (!hits.length) ctx.io.out("No matching papers.");
        hits.forEach((h, i) => ctx.io.out(formatHit(i + 1, h.paper, h.score)));
      }
    });

  program
    .command("paper")
    .description("show one paper by id, arXiv id or title")
    .argument("<id-or-title...>")
    .option("--json", "print the paper as JSON")
    .action(async (words: string[], opts: { json?: boolean }) => {
      const text = userText(words.join(" "));
      const r = await resolvePaper(await ctx.stores(), text);
      const paper = r.ambiguous ? undefined : r.best?.paper;
      if (!paper) {
        const others = [r.best, ...r.candidates].flatMap((m) => (m ? [m.paper.title] : []));
        throw new UserError(
          others.length
            ? `No single paper matches "${text}". Did you mean: ${others.join(" | ")}?`
            : `No paper matches "${text}". Try \`paperbot search ${text}\`.`,
        );
      }
      ctx.io.out(opts.json ? JSON.stringify(paper, null, 2) : formatPaper(paper));
    });

  program
    .command("stats")
    .description("counts by source and the date range of the collection")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      const s = await (await ctx.stores()).papers.stats();
      if (opts.json) return ctx.io.out(JSON.stringify(s));
      ctx.io.out(
        `papers: ${s.total} (${Object.entries(s.bySource)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")})`,
      );
      ctx.io.out(`with an arXiv id: ${s.withArxivId}`);
      ctx.io.out(`published: ${s.published.first ?? "-"} to ${s.published.last ?? "-"}`);
      ctx.io.out(`in the daily feed: ${s.feed.first ?? "-"} to ${s.feed.last ?? "-"}`);
    });
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function formatHit(rank: number, p: StoredPaper, score: number): string {
  const year = paperYear(p);
  const url = paperUrl(p);
  return `${String(rank).padStart(2)}. ${p.title}${year ? ` (${year})` : ""}  [${p.id}] ${round(score)}${url ? `\n    ${url}` : ""}`;
}

function formatPaper(p: StoredPaper): string {
  const authors = p.authors.length
    ? p.authors.slice(0, 8).join(", ") + (p.authors.length > 8 ? ", et al." : "")
    : p.authorCount
      ? `${p.authorCount} authors`
      : "authors unknown";
  const lines = [
    p.title,
    `id: ${p.id}${p.arxivId && p.arxivId !== p.id ? ` (arXiv ${p.arxivId})` : ""}`,
    `authors: ${authors}${p.organization ? ` · ${p.organization}` : ""}`,
    `published: ${p.publishedAt ?? "unknown"}${p.feedDate ? ` · in the daily feed ${p.feedDate}` : ""} · upvotes: ${p.upvotes}`,
    ...Object.entries(p.links).map(([k, v]) => `${k}: ${v}`),
    "",
    p.abstract,
  ];
  return lines.join("\n");
}
