import type http from "node:http";
import { LoopbackServer } from "./loopbackServer.js";
import type { ScriptedFailure } from "./huggingface.js";

export interface ArxivPaper {
  id: string;
  version?: number;
  title: string;
  summary: string;
  authors: string[];
  /** ISO time of the first version, e.g. 2026-02-03T18:04:11Z. */
  published: string;
  primaryCategory: string;
  categories?: string[];
  comment?: string;
}

const NEW_ID = /^\d{4}\.\d{4,5}$/;
const OLD_ID = /^[a-z-]+(?:\.[A-Z]{2})?\/\d{7}$/;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** arXiv hard-wraps titles and abstracts; so does the fake. */
const wrap = (s: string) => s.replace(/(.{60,}?) /g, "$1\n  ");

/**
 * A local stand-in for the arXiv API's `GET /api/query?id_list=` on 127.0.0.1, answering in its
 * Atom format (the arxiv and opensearch namespaces, an entry per known id, `link` rel alternate
 * and related/pdf, `arxiv:primary_category`). An unknown id gives a feed with no entry (or, with
 * `legacyUnknown`, the older API's entry with no title); a malformed one arXiv's "Error" entry.
 * Scripted failures and `down` as in the Hugging Face fake; `rawBody` answers 200 with it. PDFs
 * are served at `/pdf/{id}` as on arxiv.org (`pdfs`, with failures of their own in `pdfFailures`).
 */
export class FakeArxiv extends LoopbackServer {
  readonly papers = new Map<string, ArxivPaper>();
  readonly requests: { path: string; query: Record<string, string> }[] = [];
  readonly failures: ScriptedFailure[] = [];
  down?: number;
  legacyUnknown = false;
  /** Answer every query with status 200 and this body (arXiv's throttling says "Rate exceeded."). */
  rawBody?: string;
  /** PDFs by id (no version), served at `/pdf/{id}` and `/pdf/{id}v{n}`; an unknown id is a 404. */
  readonly pdfs = new Map<string, Uint8Array>();
  /** Scripted failures of PDF requests only (e.g. a 429 with Retry-After), one a request, in order. */
  readonly pdfFailures: ScriptedFailure[] = [];
  /** While set, PDF requests wait for it before they are answered (a slow download, released by the test). */
  holdPdfs?: Promise<void>;

  add(...papers: ArxivPaper[]): this {
    for (const p of papers) this.papers.set(p.id, p);
    return this;
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ path: url.pathname, query });
    const failure = this.down ? { status: this.down } : this.failures.shift();
    if (failure?.hangUp) return void req.socket.destroy();
    if (failure) return void res.writeHead(failure.status, { "content-type": "text/plain", ...failure.headers }).end(`scripted ${failure.status}`);
    if (url.pathname.startsWith("/pdf/")) return void this.servePdf(url.pathname.slice("/pdf/".length), req, res);
    if (url.pathname !== "/api/query") return void res.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
    if (this.rawBody !== undefined) return void res.writeHead(200, { "content-type": "text/plain" }).end(this.rawBody);
    const ids = (query.id_list ?? "").split(",").filter(Boolean);
    const entries = ids.map((raw) => this.entry(raw)).filter((e): e is string => e !== undefined);
    res.writeHead(200, { "content-type": "application/atom+xml; charset=utf-8" });
    res.end(this.feed(query, entries));
  }

  private async servePdf(raw: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    await this.holdPdfs;
    const failure = this.pdfFailures.shift();
    if (failure?.hangUp) return void req.socket.destroy();
    if (failure) return void res.writeHead(failure.status, { "content-type": "text/plain", ...failure.headers }).end(`scripted ${failure.status}`);
    const pdf = this.pdfs.get(decodeURIComponent(raw).replace(/v\d+$/, ""));
    if (!pdf) return void res.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
    res.writeHead(200, { "content-type": "application/pdf", "content-length": String(pdf.length) }).end(pdf);
  }

  private entry(raw: string): string | undefined {
    const id = raw.replace(/v\d+$/, "");
    if (!NEW_ID.test(id) && !OLD_ID.test(id)) {
      const err = `https://arxiv.org/api/errors#incorrect_id_format_for_${esc(raw)}`;
      return `  <entry>
    <id>${err}</id>
    <title>Error</title>
    <summary>incorrect id format for ${esc(raw)}</summary>
    <updated>2026-02-20T00:00:00-05:00</updated>
    <link href="${err}" rel="alternate" type="text/html"/>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>`;
    }
    const p = this.papers.get(id);
    if (!p) {
      if (!this.legacyUnknown) return undefined;
      return `  <entry>
    <id>http://arxiv.org/abs/${esc(id)}</id>
    <title/>
    <summary/>
    <updated>1969-12-31T19:00:00-05:00</updated>
    <published>1969-12-31T19:00:00-05:00</published>
    <author>
      <name/>
    </author>
  </entry>`;
    }
    const v = `${p.id}v${p.version ?? 1}`;
    const cats = [p.primaryCategory, ...(p.categories ?? []).filter((c) => c !== p.primaryCategory)];
    return `  <entry>
    <id>http://arxiv.org/abs/${esc(v)}</id>
    <title>${esc(wrap(p.title))}</title>
    <updated>${p.published}</updated>
    <link href="https://arxiv.org/abs/${esc(v)}" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/${esc(v)}" rel="related" type="application/pdf" title="pdf"/>
    <summary>  ${esc(wrap(p.summary))}
</summary>
${cats.map((c) => `    <category term="${esc(c)}" scheme="http://arxiv.org/schemas/atom"/>`).join("\n")}
    <published>${p.published}</published>
${p.comment ? `    <arxiv:comment>${esc(p.comment)}</arxiv:comment>\n` : ""}    <arxiv:primary_category term="${esc(p.primaryCategory)}"/>
${p.authors.map((a) => `    <author>\n      <name>${esc(a)}</name>\n    </author>`).join("\n")}
  </entry>`;
  }

  private feed(query: Record<string, string>, entries: string[]): string {
    const q = `search_query=${query.search_query ?? ""}&id_list=${query.id_list ?? ""}&start=0&max_results=${query.max_results ?? 10}`;
    return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/SkuXkYxumgL1drFIL7NufdnpkFc</id>
  <title>arXiv Query: ${esc(q)}</title>
  <updated>2026-02-20T12:00:00Z</updated>
  <link href="https://arxiv.org/api/query?${esc(q)}" type="application/atom+xml"/>
  <opensearch:itemsPerPage>${esc(query.max_results ?? "10")}</opensearch:itemsPerPage>
  <opensearch:totalResults>${entries.length}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
${entries.join("\n")}
</feed>
`;
  }
}
