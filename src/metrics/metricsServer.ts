import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../config/logger.js";
import { registry } from "./metrics.js";

export interface MetricsServer {
  /** The base URL it listens on, e.g. http://127.0.0.1:9464. */
  url: string;
  stop(): Promise<void>;
}

/** The path of an origin-form request target (`/metrics?x=1`), or undefined for anything else (`//x:99999/`, `*`, absolute URLs). */
function requestPath(target: string | undefined): string | undefined {
  if (!target?.startsWith("/") || target.startsWith("//")) return undefined;
  return URL.canParse(target, "http://metrics") ? new URL(target, "http://metrics").pathname : undefined;
}

/** `/metrics` in the Prometheus text format and `/healthz` (200 when `healthy()`, else 503). */
async function answer(req: http.IncomingMessage, res: http.ServerResponse, opts: { healthy: () => boolean }): Promise<void> {
  const path = requestPath(req.url);
  if (path === undefined) return void res.writeHead(400, { "content-type": "text/plain" }).end("bad request target\n");
  if (req.method !== "GET") return void res.writeHead(405).end();
  if (path === "/metrics") {
    const text = await registry.metrics();
    return void res.writeHead(200, { "content-type": registry.contentType }).end(text);
  }
  if (path === "/healthz") {
    const ok = opts.healthy();
    return void res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok\n" : "gateway not connected\n");
  }
  res.writeHead(404).end();
}

/** Serves `answer`; whatever a request makes it throw ends that request with a 500, never the process. */
export async function startMetricsServer(opts: { port: number; host: string; healthy: () => boolean; log: Logger }): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    Promise.resolve()
      .then(() => answer(req, res, opts))
      .catch((err: unknown) => {
        opts.log.error({ err, target: req.url?.slice(0, 200) }, "a metrics request failed");
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, resolve);
  });
  // Once listening, a server error (e.g. out of file descriptors while accepting) is logged, never thrown.
  server.on("error", (err) => opts.log.error({ err }, "the metrics server failed"));
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  opts.log.info({ url }, "serving metrics");
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
