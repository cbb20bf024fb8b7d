import net from "node:net";

/**
 * A TCP relay on 127.0.0.1 in front of a real server (here PostgreSQL), to play the network's part: `freeze` stops
 * every byte both ways (a database that does not answer), `thaw` lets them through again, `dropAll` cuts every
 * connection at once (what clients see when the server restarts).
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private frozen = false;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.host);
      const pair: [net.Socket, net.Socket] = [client, upstream];
      this.pairs.add(pair);
      const close = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      for (const s of pair) {
        s.on("error", close);
        s.on("close", close);
      }
      client.pipe(upstream);
      upstream.pipe(client);
      if (this.frozen) for (const s of pair) s.pause();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  freeze(): void {
    this.frozen = true;
    for (const pair of this.pairs) for (const s of pair) s.pause();
  }

  thaw(): void {
    this.frozen = false;
    for (const pair of this.pairs) for (const s of pair) s.resume();
  }

  dropAll(): void {
    for (const pair of [...this.pairs]) for (const s of pair) s.destroy();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
