import fs from "node:fs";
import type http from "node:http";
import { LoopbackServer } from "./loopbackServer.js";
import path from "node:path";

export interface ScriptedFailure {
  status: number;
  headers?: Record<string, string>;
  /** Close the connection without answering instead of sending a status. */
  hangUp?: boolean;
}

/** Ways the real feed has answered 200 with something that is not a list of papers. */
export type FeedGlitch = "error-object" | "null" | "renamed-fields";

export interface GlitchSpec {
  kind: FeedGlitch;
  /** Only this day glitches (default: every day). */
  date?: string;
  /** Pages before this one are served normally (default 0: every page). */
  fromPage?: number;
}

/**
 * A local stand-in for `GET /api/daily_papers` on 127.0.0.1: serves items per day with
 * `limit`/`p` paging, answers with scripted failures (429, 500, ...) first when told to, and
 * glitches (status 200, a body that is not a list of papers) while `glitch` is set.
 * `GET /api/papers/{id}` answers with the paper object of any day's item with that id (what the
 * real paper API returns), or of `papers`; 404 for others; `paperBodies` sends a raw 200 body.
 */
export class FakeHuggingFace extends LoopbackServer {
  readonly days = new Map<string, unknown[]>();
  /** Papers the paper API knows beyond the days' items, by arXiv id. */
  readonly papers = new Map<string, unknown>();
  /** Raw 200 bodies for the paper API, by arXiv id (a glitch: not JSON, not a paper). */
  readonly paperBodies = new Map<string, string>();
  readonly requests: { path: string; query: Record<string, string> }[] = [];
  readonly failures: ScriptedFailure[] = [];
  /** When set, every request fails with this status (the feed is down). */
  down?: number;
  /** While set, matching requests get status 200 and a glitched body; clear it and the feed has recovered. */
  glitch?: GlitchSpec;

  static fromCorpus(dir: string): FakeHuggingFace {
    const fake = new FakeHuggingFace();
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".json")))
      fake.days.set(path.basename(f, ".json"), JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as unknown[]);
    return fake;
  }

  /** Serves the corpus day `day` as today's feed (UTC), its papers submitted in the hour before midnight: a post due today has them. */
  serveAsToday(day: string): void {
    const today = new Date().toISOString().slice(0, 10);
    const submitted = new Date(Date.parse(`${today}T00:00:00Z`) - 3_600_000).toISOString();
    const items = this.days.get(day) as { paper: Record<string, unknown> }[];
    this.days.set(
      today,
      items.map((i) => ({ ...i, paper: { ...i.paper, submittedOnDailyAt: submitted } })),
    );
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ path: url.pathname, query });
    const failure = this.down ? { status: this.down } : this.failures.shift();
    if (failure?.hangUp) return void req.socket.destroy();
    if (failure) {
      res.writeHead(failure.status, { "content-type": "application/json", ...failure.headers });
      return void res.end(JSON.stringify({ error: `scripted ${failure.status}` }));
    }
    const paperPath = /^\/api\/papers\/(.+)$/.exec(url.pathname);
    if (paperPath) return this.servePaper(decodeURIComponent(paperPath[1]!), res);
    if (url.pathname !== "/api/daily_papers") {
      res.writeHead(404).end();
      return;
    }
    const limit = Number(query.limit ?? 50);
    const page = Number(query.p ?? 0);
    const items = (this.days.get(query.date ?? "") ?? []).slice(page * limit, (page + 1) * limit);
    const g = this.glitch;
    const glitched = g && (g.date ?? query.date) === query.date && page >= (g.fromPage ?? 0);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(glitched ? glitchBody(g.kind, items) : items));
  }

  private servePaper(id: string, res: http.ServerResponse): void {
    const raw = this.paperBodies.get(id);
    if (raw !== undefined) return void res.writeHead(200, { "content-type": "application/json" }).end(raw);
    const paper = this.papers.get(id) ?? this.findPaper(id);
    if (!paper) return void res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "Paper not found" }));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(paper));
  }

  private findPaper(id: string): unknown {
    for (const items of this.days.values()) for (const item of items as { paper?: { id?: string } }[]) if (item.paper?.id === id) return item.paper;
    return undefined;
  }
}

function glitchBody(kind: FeedGlitch, items: unknown[]): unknown {
  switch (kind) {
    case "error-object":
      return { error: "Internal Error", message: "upstream timed out" };
    case "null":
      return null;
    case "renamed-fields":
      // The API renamed the paper's fields: every item is still an object, none has a title or summary.
      return items.map((raw) => {
        const { paper, ...rest } = raw as { paper: Record<string, unknown> };
        const { title, summary, ...others } = paper;
        return { ...rest, paper: { ...others, paperTitle: title, abstract: summary } };
      });
  }
}
