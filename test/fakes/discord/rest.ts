import type http from "node:http";
import type { Json } from "./constants.js";
import type { FakeDiscord } from "./fakeDiscord.js";
import type { DiscordErrorBody, RecordedRequest, RequestMatchInfo, Violation } from "./types.js";
import { errorTree } from "./validation.js";

/*
 * REST under `${url}/api/v10/...`: routes matched by pattern, Discord-shaped errors, and what every
 * request goes through (scripted failures, withheld replies, the bot token, the record of requests).
 */

export interface Ctx {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  files: RecordedRequest["files"];
  headers: http.IncomingHttpHeaders;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  pattern: string;
  segments: string[];
  auth: boolean;
  handler: (ctx: Ctx) => Reply | Promise<Reply>;
}

export const err = (status: number, code: number, message: string, errors?: Json): Reply => ({
  status,
  body: errors ? { code, message, errors } : { code, message },
});
export const invalidForm = (violations: Violation[]): Reply => err(400, 50035, "Invalid Form Body", errorTree(violations));
export const ok = (body: unknown, status = 200): Reply => ({ status, body });

export class Router {
  private readonly routes: Route[] = [];

  constructor(private readonly fake: FakeDiscord) {}

  route(method: string, pattern: string, handler: Route["handler"], auth = true): void {
    this.routes.push({ method, pattern, segments: pattern.split("/").filter(Boolean), auth, handler });
  }

  private match(method: string, segs: string[]): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let okay = true;
      route.segments.forEach((s, i) => {
        const v = segs[i]!;
        if (s.startsWith(":")) params[s.slice(1)] = v;
        else if (s !== v) okay = false;
      });
      if (okay) return { route, params };
    }
    return undefined;
  }

  private async readBody(req: http.IncomingMessage): Promise<{ body: unknown; files: RecordedRequest["files"]; error?: Reply }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    if (!raw.length) return { body: undefined, files: [] };
    const type = String(req.headers["content-type"] ?? "");
    try {
      if (type.startsWith("multipart/form-data")) {
        const form = await new Request("http://fake/", { method: "POST", headers: { "content-type": type }, body: raw }).formData();
        const files: RecordedRequest["files"] = [];
        let body: unknown;
        for (const [field, value] of form.entries()) {
          if (typeof value === "string") {
            if (field === "payload_json") body = JSON.parse(value);
          } else files.push({ field, name: value.name, size: value.size, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
        }
        return { body, files };
      }
      return { body: JSON.parse(raw.toString("utf8")), files: [] };
    } catch {
      return { body: raw.toString("utf8"), files: [], error: err(400, 50109, "The request body contains invalid JSON.") };
    }
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const query = Object.fromEntries(url.searchParams);
    const prefix = "/api/v10";
    const rawPath = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : null;
    let segs: string[] = [];
    try {
      segs = (rawPath ?? "")
        .split("/")
        .filter(Boolean)
        .map((s) => decodeURIComponent(s));
    } catch {
      segs = ["(bad-encoding)"];
    }
    const path = rawPath === null ? url.pathname : "/" + segs.join("/");
    const { body, files, error: bodyError } = await this.readBody(req);
    const found = rawPath === null ? undefined : this.match(method, segs);
    const record: RecordedRequest = {
      seq: 0,
      at: this.fake.now(),
      method,
      path,
      route: found ? `${method} ${found.route.pattern}` : undefined,
      query,
      headers: req.headers,
      body,
      files,
      status: 0,
      response: undefined,
    };
    const info: RequestMatchInfo = { method, path, query, body };
    const fi = this.fake.failures.findIndex((f) => !f.match || f.match(info));
    let reply: Reply;
    if (fi >= 0) {
      const failure = this.fake.failures.splice(fi, 1)[0]!;
      reply = { status: failure.status, headers: failure.headers, body: failure.body ?? { code: 0, message: `scripted ${failure.status}` } };
    } else if (!found) {
      reply = err(404, 0, "404: Not Found");
    } else if (found.route.auth && !this.fake.authOk(req.headers.authorization)) {
      reply = err(401, 0, "401: Unauthorized");
    } else if (bodyError) {
      reply = bodyError;
    } else {
      try {
        reply = await found.route.handler({ method, path, params: found.params, query, body, files, headers: req.headers });
      } catch (e) {
        reply = { status: 500, body: { code: 0, message: `fake error: ${e instanceof Error ? e.stack : String(e)}` } };
      }
    }
    record.status = reply.status;
    record.response = reply.body;
    record.seq = this.fake.nextSeq();
    this.fake.requests.push(record);
    const withheld = fi < 0 ? this.fake.withheldReplies.findIndex((m) => m(info)) : -1;
    if (withheld >= 0) {
      this.fake.withheldReplies.splice(withheld, 1);
      this.fake.notify();
      return;
    }
    if (reply.status >= 400 && reply.status !== 429 && fi < 0)
      this.fake.rejections.push({ seq: record.seq, at: record.at, method, path, status: reply.status, error: reply.body as DiscordErrorBody });
    if (reply.body === undefined) res.writeHead(reply.status, { ...reply.headers }).end();
    else {
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(JSON.stringify(reply.body));
    }
    this.fake.notify();
  }
}
