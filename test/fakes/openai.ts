import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedFailure {
  status: number;
  headers?: Record<string, string>;
  /** Close the connection without answering instead of sending a status. */
  hangUp?: boolean;
}

export interface FakeRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined when there was none). */
  body: unknown;
}

export type RouteHandler = (req: FakeRequest, res: http.ServerResponse) => void | Promise<void>;

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** An error in the shape the OpenAI API sends, which the SDK turns into its typed errors. */
export function sendError(
  res: http.ServerResponse,
  status: number,
  message: string,
  type = "invalid_request_error",
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { message, type, param: null, code: null } }, headers);
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The fake's deterministic embedding: a signed, hashed bag of words, L2-normalised, so texts
 * sharing words are close and unrelated texts are near orthogonal.
 */
export function fakeEmbedding(text: string, dim = 64, synonyms: Record<string, string> = {}): number[] {
  const v = new Array<number>(dim).fill(0);
  for (const w of words(text)) {
    const h = fnv1a(synonyms[w] ?? w);
    v[h % dim]! += h & 0x80000000 ? -1 : 1;
  }
  const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  return norm ? v.map((x) => x / norm) : v.map((_, i) => (i === 0 ? 1 : 0));
}

/** The name of the JSON schema a structured-output request asks for. */
export function schemaName(req: FakeRequest): string | undefined {
  return (req.body as { response_format?: { json_schema?: { name?: string } } } | undefined)?.response_format?.json_schema?.name;
}

/** The numbers of the `<source id="N">` blocks in a request's messages. */
function sourceNumbers(req: FakeRequest): number[] {
  const text = JSON.stringify((req.body as { messages?: unknown }).messages ?? "");
  return [...text.matchAll(/<source id=\\"(\d+)\\">/g)].map((m) => Number(m[1]));
}

/** What the fake chat model does for one request. */
export type ChatReply =
  | { text: string; chunks?: number }
  | { status: number; headers?: Record<string, string> }
  /** Never answers (for client timeouts). */
  | { hang: true }
  /** Streams this much, then drops the connection. */
  | { partial: string }
  /** Streams this much, then keeps the connection open and silent. */
  | { stall: string };

/**
 * A local stand-in for an OpenAI-compatible server on 127.0.0.1. Serves `POST /v1/embeddings`;
 * other endpoints are added with `route()`. Records every request and answers with scripted
 * failures first when told to.
 */
export class FakeOpenAI {
  readonly requests: FakeRequest[] = [];
  /** Failures for the next requests, one each, in order. */
  readonly failures: ScriptedFailure[] = [];
  /** Decides a failure from the request and its 0-based number, e.g. "fail the 2nd call". */
  failWhen?: (req: FakeRequest, n: number) => ScriptedFailure | undefined;
  /** When set, every request fails with this status (the server is down). */
  down?: number;
  /** Every text embedded successfully, in order. */
  readonly embedded: string[] = [];
  readonly dim: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`, as on api.openai.com. */
  readonly apiKey?: string;
  /** Replies for the next chat requests, in order; when empty, `defaultChat` answers. */
  readonly chatReplies: ChatReply[] = [];
  defaultChat: (req: FakeRequest) => ChatReply = () => ({ text: "No scripted reply." });
  /**
   * Answers structured-output requests by their JSON schema's name, before `chatReplies`. The bot's
   * own search calls get neutral defaults (no rewrites; every candidate relevant), so a test about
   * writing scripts only the answer; a test about searching replaces them.
   */
  readonly structured = new Map<string, (req: FakeRequest) => ChatReply>([
    ["search_queries", () => ({ text: JSON.stringify({ queries: [] }) })],
    ["relevance", (req) => ({ text: JSON.stringify({ relevant: sourceNumbers(req) }) })],
  ]);
  /** Like servers without structured output: a `json_schema` response format gets a 400. */
  rejectJsonSchema = false;
  private readonly routes = new Map<string, RouteHandler>();
  private server = http.createServer((req, res) => void this.handle(req, res));

  /** Words the fake "understands" as the same, like a real model knows a handset is a phone. */
  readonly synonyms: Record<string, string>;

  constructor(opts: { dim?: number; apiKey?: string; synonyms?: Record<string, string> } = {}) {
    this.dim = opts.dim ?? 64;
    this.apiKey = opts.apiKey;
    this.synonyms = opts.synonyms ?? {};
    this.route("POST", "/v1/embeddings", (req, res) => this.embeddings(req, res));
    this.route("POST", "/v1/chat/completions", (req, res) => this.chat(req, res));
  }

  /** Adds (or replaces) the handler of one endpoint. */
  route(method: string, path: string, handler: RouteHandler): this {
    this.routes.set(`${method.toUpperCase()} ${path}`, handler);
    return this;
  }

  /** Starts listening; resolves to the base URL, ending in `/v1`, to give the SDK. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    let raw = "";
    for await (const chunk of req) raw += chunk;
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return sendError(res, 400, "the body is not valid JSON");
    }
    const request: FakeRequest = { method: req.method ?? "GET", path, headers: req.headers, body };
    const n = this.requests.push(request) - 1;
    const failure = this.down ? { status: this.down } : (this.failures.shift() ?? this.failWhen?.(request, n));
    if (failure?.hangUp) return void req.socket.destroy();
    if (failure) return sendError(res, failure.status, `scripted ${failure.status}`, "server_error", failure.headers);
    if (this.apiKey && req.headers.authorization !== `Bearer ${this.apiKey}`)
      return sendError(res, 401, "Incorrect API key provided.", "invalid_request_error");
    const handler = this.routes.get(`${request.method} ${path}`);
    if (!handler) return sendError(res, 404, `no route ${request.method} ${path}`);
    try {
      await handler(request, res);
    } catch (err) {
      if (!res.headersSent) sendError(res, 500, String(err), "server_error");
      else res.end();
    }
  }

  /** The chat requests received, with their messages. */
  get chatRequests(): { messages: { role: string; content: string }[]; stream?: boolean; response_format?: { type: string } }[] {
    return this.requests.filter((r) => r.path === "/v1/chat/completions").map((r) => r.body as never);
  }

  /** Chat requests other than the ones `structured` answered: the answers and comparisons themselves. */
  get writingRequests(): FakeOpenAI["chatRequests"] {
    return this.requests.filter((r) => r.path === "/v1/chat/completions" && !this.structured.has(schemaName(r) ?? "")).map((r) => r.body as never);
  }

  private async chat(req: FakeRequest, res: http.ServerResponse): Promise<void> {
    const body = (req.body ?? {}) as { model?: string; stream?: boolean; response_format?: { type?: string } };
    if (this.rejectJsonSchema && body.response_format?.type === "json_schema")
      return sendError(res, 400, "response_format json_schema is not supported by this server");
    const byName = this.structured.get(schemaName(req) ?? "");
    const reply = byName ? byName(req) : (this.chatReplies.shift() ?? this.defaultChat(req));
    if ("hang" in reply) return new Promise<void>(() => {});
    if ("stall" in reply) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const chunk = {
        id: "chatcmpl-fake",
        created: 0,
        model: body.model ?? "fake-chat",
        object: "chat.completion.chunk",
        choices: [{ index: 0, delta: { content: reply.stall }, finish_reason: null }],
      };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      return new Promise<void>(() => {});
    }
    if ("status" in reply) return sendError(res, reply.status, `scripted ${reply.status}`, "server_error", reply.headers);
    const model = body.model ?? "fake-chat";
    const base = { id: "chatcmpl-fake", created: 0, model };
    if (!body.stream) {
      const text = "text" in reply ? reply.text : reply.partial;
      return sendJson(res, 200, {
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const text = "text" in reply ? reply.text : reply.partial;
    const n = "text" in reply ? Math.max(1, reply.chunks ?? 4) : 2;
    const size = Math.ceil(text.length / n) || 1;
    for (let i = 0; i < text.length; i += size) {
      const chunk = {
        ...base,
        object: "chat.completion.chunk",
        choices: [{ index: 0, delta: { content: text.slice(i, i + size) }, finish_reason: null }],
      };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      await new Promise((r) => setTimeout(r, 5));
    }
    if ("partial" in reply) return void res.socket?.destroy();
    res.write(`data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`);
    res.end("data: [DONE]\n\n");
  }

  private embeddings(req: FakeRequest, res: http.ServerResponse): void {
    const body = (req.body ?? {}) as { model?: unknown; input?: unknown; encoding_format?: unknown; dimensions?: unknown };
    if (typeof body.model !== "string" || !body.model) return sendError(res, 400, "you must provide a model parameter");
    const input = typeof body.input === "string" ? [body.input] : body.input;
    if (!Array.isArray(input) || !input.length || !input.every((t) => typeof t === "string" && t.length > 0))
      return sendError(res, 400, "'input' must be a non-empty string or a non-empty array of non-empty strings");
    const texts = input as string[];
    const dim = typeof body.dimensions === "number" && body.dimensions > 0 ? Math.floor(body.dimensions) : this.dim;
    const base64 = body.encoding_format === "base64";
    const data = texts.map((text, index) => {
      const v = fakeEmbedding(text, dim, this.synonyms);
      const embedding = base64 ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v;
      return { object: "embedding", index, embedding };
    });
    this.embedded.push(...texts);
    const tokens = texts.reduce((a, t) => a + words(t).length, 0);
    sendJson(res, 200, { object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }
}
