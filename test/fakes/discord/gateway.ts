import crypto from "node:crypto";
import type http from "node:http";
import type { Duplex } from "node:stream";
import { GatewayIntentBits } from "discord.js";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { GATEWAY_OP, isObject, type Json, shardOf } from "./constants.js";
import type { FakeDiscord } from "./fakeDiscord.js";
import { guildJson } from "./payloads.js";
import { ok, type Router } from "./rest.js";
import type { GatewayConnectionInfo, ResumeRecord } from "./types.js";

/*
 * The gateway at `ws://127.0.0.1:PORT/gateway`: HELLO / heartbeat ACK / IDENTIFY -> READY +
 * GUILD_CREATE / RECONNECT -> RESUME -> RESUMED, sharded as Discord does: IDENTIFY's
 * `shard: [id, count]` session gets only the guilds with `(guild_id >> 22) % count === id` (their
 * GUILD_CREATEs, events and interactions; DMs go to shard 0).
 */

interface Session {
  id: string;
  seq: number;
  /** IDENTIFY's `[shard id, shard count]` (`[0, 1]` when it sent none). */
  shard: [number, number];
  intents: number;
  /** Dispatches sent in this session, for replay on RESUME (capped). */
  buffer: { s: number; t: string; d: unknown }[];
  conn?: Conn;
  ended: boolean;
}

interface Conn {
  id: number;
  ws: WebSocket;
  info: GatewayConnectionInfo;
  session?: Session;
}

/** `GET /gateway/bot`: where discord.js connects, and how many shards it should run. */
export function gatewayRoutes(fake: FakeDiscord, router: Router): void {
  router.route("GET", "/gateway/bot", () =>
    ok({
      url: fake.handOutGatewayUrl ?? fake.gatewayUrl,
      shards: fake.recommendedShards,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    }),
  );
}

export class Gateway {
  private connCounter = 0;
  private readonly sessions = new Map<string, Session>();
  private readonly conns = new Set<Conn>();
  private readonly wss = new WebSocketServer({ noServer: true });
  /** Gateway connections held open unanswered ("no-handshake"), closed by `stop()`. */
  private readonly silentSockets = new Set<Duplex>();

  constructor(private readonly fake: FakeDiscord) {}

  /** Whether some session could still get an interaction (live, or waiting to resume). */
  get hasSession(): boolean {
    return [...this.sessions.values()].some((s) => !s.ended);
  }

  /** Closes every connection (and the held-open ones). */
  async stop(): Promise<void> {
    for (const c of this.conns) c.ws.terminate();
    this.conns.clear();
    for (const socket of this.silentSockets) socket.destroy();
    this.silentSockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /**
   * Sends a dispatch (op 0) to every live session (buffered for sessions waiting to resume) of the
   * shard its `guild_id` falls on (shard 0 without one).
   */
  dispatch(t: string, d: unknown): void {
    for (const session of this.sessions.values()) if (!session.ended && this.sessionGets(session, d)) this.sendDispatch(session, t, d);
  }

  /** Sends op 7 RECONNECT: discord.js closes (4200), reconnects to `resume_gateway_url` and RESUMEs. */
  requestReconnect(): void {
    for (const c of this.liveConns()) this.send(c, { op: GATEWAY_OP.Reconnect, d: null, s: null, t: null });
  }

  /** Closes gateway connections from the server side (default 4000 Unknown error: clients resume). */
  closeGateway(code = 4000): void {
    for (const c of this.conns) if (c.ws.readyState === WebSocket.OPEN) c.ws.close(code, "fake closed the connection");
  }

  /** Whether some client is identified and connected right now. */
  get connected(): boolean {
    return this.liveConns().some((c) => c.session && !c.session.ended);
  }

  private liveConns(): Conn[] {
    return [...this.conns].filter((c) => c.ws.readyState === WebSocket.OPEN);
  }

  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://fake");
    if (!url.pathname.startsWith("/gateway")) {
      socket.destroy();
      return;
    }
    this.fake.gatewayAttempts++;
    this.fake.notify();
    if (this.fake.gatewayAccepts === "refuse") return void socket.destroy();
    if (this.fake.gatewayAccepts === "no-handshake") return void this.silentSockets.add(socket);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url));
  }

  private onConnection(ws: WebSocket, url: URL): void {
    const info: GatewayConnectionInfo = {
      id: ++this.connCounter,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      openedAt: this.fake.now(),
    };
    this.fake.gatewayConnections.push(info);
    const conn: Conn = { id: info.id, ws, info };
    this.conns.add(conn);
    ws.on("message", (data: RawData) => this.onFrame(conn, data));
    ws.on("close", (code: number) => this.onClose(conn, code));
    ws.on("error", () => undefined);
    if (info.query.v !== undefined && info.query.v !== "10") {
      ws.close(4012, "Invalid API version");
      return;
    }
    if (info.query.encoding !== undefined && info.query.encoding !== "json") {
      ws.close(4002, "Error while decoding payload.");
      return;
    }
    // `compress=zlib-stream` would mean binary zlib frames; this fake never compresses.
    if (this.fake.gatewayAccepts === "no-hello") return void this.fake.notify();
    this.send(conn, { op: GATEWAY_OP.Hello, d: { heartbeat_interval: this.fake.heartbeatIntervalMs, _trace: ["fake-discord"] }, s: null, t: null });
    this.fake.notify();
  }

  private onClose(conn: Conn, code: number): void {
    this.conns.delete(conn);
    conn.info.closedAt = this.fake.now();
    conn.info.closeCode = code;
    const session = conn.session;
    if (session && session.conn === conn) {
      session.conn = undefined;
      // A client closing with 1000/1001 ends its session (Discord invalidates it); others may resume.
      if (code === 1000 || code === 1001) session.ended = true;
    }
    this.fake.notify();
  }

  private send(conn: Conn, payload: { op: number; d: unknown; s: number | null; t: string | null }): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.send(JSON.stringify(payload));
    this.fake.gatewayLog.push({
      seq: this.fake.nextSeq(),
      at: this.fake.now(),
      dir: "out",
      connection: conn.id,
      op: payload.op,
      t: payload.t,
      s: payload.s,
      d: payload.d,
    });
    this.fake.notify();
  }

  private sendDispatch(session: Session, t: string, d: unknown): void {
    const s = ++session.seq;
    session.buffer.push({ s, t, d });
    if (session.buffer.length > 1000) session.buffer.shift();
    if (session.conn) this.send(session.conn, { op: GATEWAY_OP.Dispatch, t, s, d });
  }

  /** A Guilds-intent event (channels, threads) for the sessions that asked for that intent. */
  dispatchGuildEvent(t: string, d: unknown): void {
    for (const session of this.sessions.values())
      if (!session.ended && (session.intents & GatewayIntentBits.Guilds) !== 0 && this.sessionGets(session, d)) this.sendDispatch(session, t, d);
  }

  /** Whether a session's shard gets an event: the one its `guild_id` falls on, shard 0 for the rest (DMs). */
  private sessionGets(session: Session, d: unknown): boolean {
    const guildId = isObject(d) && typeof d.guild_id === "string" ? d.guild_id : undefined;
    const [id, count] = session.shard;
    return guildId === undefined ? id === 0 : shardOf(guildId, count) === id;
  }

  private onFrame(conn: Conn, data: RawData): void {
    let p: Json;
    try {
      const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8");
      p = JSON.parse(text) as Json;
      if (!isObject(p) || typeof p.op !== "number") throw new Error("no op");
    } catch {
      conn.ws.close(4002, "Error while decoding payload.");
      return;
    }
    this.fake.gatewayLog.push({ seq: this.fake.nextSeq(), at: this.fake.now(), dir: "in", connection: conn.id, op: p.op as number, d: p.d });
    const d = isObject(p.d) ? p.d : {};
    switch (p.op) {
      case GATEWAY_OP.Heartbeat:
        if (this.fake.ackHeartbeats) this.send(conn, { op: GATEWAY_OP.HeartbeatAck, d: null, s: null, t: null });
        break;
      case GATEWAY_OP.Identify:
        this.identify(conn, d);
        break;
      case GATEWAY_OP.Resume:
        this.resume(conn, d);
        break;
      default:
        conn.ws.close(4001, "Unknown opcode.");
    }
    this.fake.notify();
  }

  private identify(conn: Conn, d: Json): void {
    if (conn.session) return void conn.ws.close(4005, "Already authenticated.");
    if (!this.fake.tokenOk(d.token)) return void conn.ws.close(4004, "Authentication failed.");
    if (typeof d.intents !== "number") return void conn.ws.close(4013, "Invalid intent(s).");
    const shard = d.shard;
    const validShard = (v: unknown): v is [number, number] =>
      Array.isArray(v) && v.length === 2 && v.every((n) => Number.isInteger(n)) && v[1] >= 1 && v[0] >= 0 && v[0] < v[1];
    if (shard !== undefined && !validShard(shard)) return void conn.ws.close(4010, "Invalid shard.");
    const [shardId, shardCount] = shard ?? [0, 1];
    const session: Session = {
      id: crypto.randomBytes(16).toString("hex"),
      seq: 0,
      shard: [shardId, shardCount],
      intents: d.intents,
      buffer: [],
      conn,
      ended: false,
    };
    this.sessions.set(session.id, session);
    conn.session = session;
    conn.info.sessionId = session.id;
    conn.info.mode = "identify";
    this.fake.identifies.push({
      seq: this.fake.nextSeq(),
      at: this.fake.now(),
      connection: conn.id,
      sessionId: session.id,
      intents: d.intents,
      shard,
      compress: d.compress,
      properties: d.properties,
    });
    const shardGuilds = this.fake.guilds.filter((g) => shardOf(g.id, shardCount) === shardId);
    this.sendDispatch(session, "READY", {
      v: 10,
      user: this.fake.botUser,
      guilds: shardGuilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: "normal",
      resume_gateway_url: this.fake.resumeGatewayUrl,
      shard: [shardId, shardCount],
      application: { id: this.fake.applicationId, flags: 0 },
      user_settings: {},
      relationships: [],
      private_channels: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
      _trace: ["fake-discord"],
    });
    // Without the Guilds intent Discord sends no GUILD_CREATE (discord.js then waits ~15 s).
    if ((session.intents & GatewayIntentBits.Guilds) === 0) return;
    for (const g of shardGuilds) this.sendDispatch(session, "GUILD_CREATE", guildJson(this.fake, g));
  }

  private resume(conn: Conn, d: Json): void {
    conn.info.mode = "resume";
    const session = typeof d.session_id === "string" ? this.sessions.get(d.session_id) : undefined;
    const fromSeq = typeof d.seq === "number" ? d.seq : null;
    const record: ResumeRecord = {
      seq: this.fake.nextSeq(),
      at: this.fake.now(),
      connection: conn.id,
      sessionId: String(d.session_id),
      fromSeq,
      replayed: 0,
      ok: false,
    };
    this.fake.resumes.push(record);
    if (!this.fake.tokenOk(d.token)) return void conn.ws.close(4004, "Authentication failed.");
    if (!session || session.ended || (fromSeq !== null && fromSeq > session.seq)) {
      this.send(conn, { op: GATEWAY_OP.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.conn && session.conn !== conn) session.conn.ws.close(4000, "Session resumed elsewhere");
    session.conn = conn;
    conn.session = session;
    conn.info.sessionId = session.id;
    const missed = session.buffer.filter((e) => e.s > (fromSeq ?? 0));
    for (const e of missed) this.send(conn, { op: GATEWAY_OP.Dispatch, t: e.t, s: e.s, d: e.d });
    record.replayed = missed.length;
    record.ok = true;
    this.sendDispatch(session, "RESUMED", { _trace: ["fake-discord"] });
  }
}
