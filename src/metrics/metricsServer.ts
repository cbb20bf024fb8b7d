import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../config/logger.js";
import { registry } from "./metrics.js";

export interface MetricsServer {
  /** The base URL it listens on, e.g. http://127.0.0.1:9464. */
  url: string;
  stop(): Promise<void>;
}

/** `/metrics` in the Prometheus text format and `/healthz` (200 when `healthy()`, else 503). */
export async function startMetricsServer(opts: { port: number; host: string; healthy: () => boolean; log: Logger }): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://metrics").pathname;
    if (req.method !== "GET") return void res.writeHead(405).end();
    if (path === "/metrics") {
      registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
        (err: unknown) => {
          opts.log.error({ err }, "metrics failed");
          res.writeHead(500).end();
        },
      );
      return;
    }
    if (path === "/healthz") {
      const ok = opts.healthy();
      return void res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok\n" : "gateway not connected\n");
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, resolve);
  });
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
