import http from "node:http";
import type { AddressInfo } from "node:net";

/** An HTTP fake on 127.0.0.1 at a free port: subclasses answer requests in `handle`. */
export abstract class LoopbackServer {
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): void;

  /** Starts listening; resolves to the base URL. */
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
}
