import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";

export interface ScriptedFailure {
  status: number;
  headers?: Record<string, string>;
  /** Close the connection without answering instead of sending a status. */
  hangUp?: boolean;
}

/**
 * A local stand-in for `GET /api/daily_papers` on 127.0.0.1: serves items per day with
 * `limit`/`p` paging, and answers with scripted failures (429, 500, ...) first when told to.
 */
export class FakeHuggingFace {
  readonly days = new Map<string, unknown[]>();
  readonly requests: { path: string; query: Record<string, string> }[] = [];
  readonly failures: ScriptedFailure[] = [];
  /** When set, every request fails with this status (the feed is down). */
  down?: number;
  private server = http.createServer((req, res) => this.handle(req, res));

  static fromCorpus(dir: string): FakeHuggingFace {
    const fake = new FakeHuggingFace();
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".json")))
      fake.days.set(path.basename(f, ".json"), JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as unknown[]);
    return fake;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ path: url.pathname, query });
    const failure = this.down ? { status: this.down } : this.failures.shift();
    if (failure?.hangUp) return void req.socket.destroy();
    if (failure) {
      res.writeHead(failure.status, { "content-type": "application/json", ...failure.headers });
      return void res.end(JSON.stringify({ error: `scripted ${failure.status}` }));
    }
    if (url.pathname !== "/api/daily_papers") {
      res.writeHead(404).end();
      return;
    }
    const limit = Number(query.limit ?? 50);
    const page = Number(query.p ?? 0);
    const items = this.days.get(query.date ?? "") ?? [];
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(items.slice(page * limit, (page + 1) * limit)));
  }
}
