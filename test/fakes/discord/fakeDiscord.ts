import http from "node:http";
import type { AddressInfo } from "node:net";
import type { APIAllowedMentions, APIApplicationCommand, APIMessage, APIUser, ClientOptions } from "discord.js";
import { GatewayIntentBits } from "discord.js";
import {
  CallbackType,
  CHANNEL_TYPE,
  clone,
  DISCORD_EPOCH,
  GATEWAY_OP,
  INTERACTION_TYPE,
  type Json,
  MEMBER_PERMISSIONS,
  THREAD_TYPES,
} from "./constants.js";
import { FakeCdn } from "./cdn.js";
import { Gateway, gatewayRoutes } from "./gateway.js";
import { commandData, createInteraction, type FakeInteraction } from "./interaction.js";
import { computePings } from "./mentions.js";
import { modalSubmitData } from "./modal.js";
import { buildMessage, channelJson } from "./payloads.js";
import { Router } from "./rest.js";
import { channelRoutes } from "./routes/channels.js";
import { commandRoutes } from "./routes/commands.js";
import { interactionRoutes } from "./routes/interactions.js";
import type {
  AutocompleteInput,
  ButtonInput,
  CdnRequest,
  CommandInput,
  FakeChannel,
  FakeChannelSpec,
  FakeDiscordOptions,
  FakeGuild,
  FakeGuildSpec,
  GatewayConnectionInfo,
  GatewayFrame,
  IdentifyRecord,
  MessageWrite,
  ModalSubmitInput,
  NonceReplay,
  RecordedRequest,
  Rejection,
  RequestMatchInfo,
  ResumeRecord,
  ScriptedFailure,
  UserInput,
} from "./types.js";

/*
 * The fake's state and what tests call: its world (guilds, channels, users, messages), clock and
 * ids, the logs, the knobs, and the helpers that send interactions and wait for what the bot does.
 * The gateway (gateway.ts) and the REST routes (rest.ts, routes/) work on this state.
 */

interface Waiter {
  check: () => boolean;
  fail: (err: Error) => void;
}

/** Discord's nonce window is "the past few minutes". */
const DEFAULT_NONCE_WINDOW_MS = 5 * 60_000;

export class FakeDiscord {
  readonly applicationId: string;
  readonly botUser: APIUser;
  /** The user interactions come from unless a test says otherwise. */
  readonly defaultUser: APIUser;
  readonly guilds: FakeGuild[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly users = new Map<string, APIUser>();

  // --- logs -----------------------------------------------------------------------------------
  /** Every REST request, in the order they were answered. */
  readonly requests: RecordedRequest[] = [];
  /** Every 4xx the fake answered because of what was sent (limits, state, auth). */
  readonly rejections: Rejection[] = [];
  /** Every message created or edited by the bot, by any route. */
  readonly messageLog: MessageWrite[] = [];
  /** Channel posts answered with an earlier message because of `nonce` + `enforce_nonce`. */
  readonly nonceReplays: NonceReplay[] = [];
  /** Every download from the CDN (files users attached to commands), served or refused. */
  readonly cdnRequests: CdnRequest[] = [];
  /** Every gateway frame, both directions. */
  readonly gatewayLog: GatewayFrame[] = [];
  readonly gatewayConnections: GatewayConnectionInfo[] = [];
  readonly identifies: IdentifyRecord[] = [];
  readonly resumes: ResumeRecord[] = [];
  /** Registered global commands (as stored, with ids). */
  globalCommands: APIApplicationCommand[] = [];
  /** Registered guild commands by guild id. */
  readonly guildCommands = new Map<string, APIApplicationCommand[]>();

  // --- knobs ----------------------------------------------------------------------------------
  /** Scripted failures; each applies once, to the first request its `match` accepts. */
  readonly failures: ScriptedFailure[] = [];
  /** @internal Requests to handle but never answer (see `withholdReply`). */
  readonly withheldReplies: ((req: RequestMatchInfo) => boolean)[] = [];
  /** When false, heartbeats go unanswered (discord.js then treats the connection as a zombie). */
  ackHeartbeats = true;
  /**
   * How the gateway takes new connections: "refuse" drops them before the WebSocket handshake (as
   * if Discord were unreachable), "no-handshake" keeps the TCP connection open and never answers,
   * "no-hello" completes the handshake and then sends nothing.
   */
  gatewayAccepts: "normally" | "refuse" | "no-handshake" | "no-hello" = "normally";
  /** Gateway connections attempted so far, whatever became of them (see `gatewayAccepts`). */
  gatewayAttempts = 0;
  /** What `GET /gateway/bot` hands out instead of the fake's own gateway, e.g. a closed port. */
  handOutGatewayUrl?: string;
  /** The shard count `GET /gateway/bot` recommends. */
  recommendedShards: number;
  heartbeatIntervalMs: number;
  nonceWindowMs: number;

  // --- internals, shared with the gateway and the routes ------------------------------------
  /** @internal */
  readonly gateway = new Gateway(this);
  /** @internal Per channel: nonce -> the message it created, and when. */
  readonly nonces = new Map<string, Map<string, { messageId: string; at: number }>>();
  /** @internal */
  readonly interactionsById = new Map<string, FakeInteraction>();
  /** @internal */
  readonly interactionsByToken = new Map<string, FakeInteraction>();
  /** @internal Messages not in any known channel (ephemeral replies, replies in unknown channels). */
  readonly looseMessages = new Map<string, APIMessage>();

  private readonly token?: string;
  private clockOffset = 0;
  private lastSnowflake = 0n;
  private seqCounter = 0;
  private readonly waiters = new Set<Waiter>();
  /** @internal */
  readonly cdn = new FakeCdn(this);
  private readonly router = new Router(this);
  private readonly server = http.createServer((req, res) =>
    this.cdn.serves(new URL(req.url ?? "/", "http://fake").pathname) ? this.cdn.handle(req, res) : void this.router.handle(req, res),
  );
  private started = false;

  constructor(opts: FakeDiscordOptions = {}) {
    this.token = opts.token;
    this.recommendedShards = opts.shards ?? 1;
    this.heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 1000;
    this.nonceWindowMs = opts.nonceWindowMs ?? DEFAULT_NONCE_WINDOW_MS;
    this.applicationId = this.snowflake();
    this.botUser = {
      id: this.applicationId,
      username: "paperbot",
      discriminator: "0",
      global_name: null,
      avatar: null,
      bot: true,
    };
    this.users.set(this.botUser.id, this.botUser);
    this.defaultUser = this.user({ username: "alice", globalName: "Alice" });
    for (const spec of opts.guilds ?? [{}]) this.addGuild(spec);
    this.server.on("upgrade", (req, socket, head) => this.gateway.upgrade(req, socket, head));
    gatewayRoutes(this, this.router);
    commandRoutes(this, this.router);
    interactionRoutes(this, this.router);
    channelRoutes(this, this.router);
  }

  // =============================================================================================
  // Lifecycle
  // =============================================================================================

  /** Starts listening on 127.0.0.1 (random port); resolves to the base URL `http://127.0.0.1:PORT`. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.started = true;
    return this.url;
  }

  /** Closes every gateway connection and the server. Destroy clients first, or they will retry. */
  async stop(): Promise<void> {
    for (const w of [...this.waiters]) w.fail(new Error("FakeDiscord stopped"));
    await this.gateway.stop();
    if (!this.started) return;
    this.started = false;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** What to give discord.js / `@discordjs/rest` as `api` (and the bot as DISCORD_API_BASE). */
  get apiBase(): string {
    return `${this.url}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/gateway`;
  }

  get resumeGatewayUrl(): string {
    return `${this.gatewayUrl}/resume`;
  }

  /** Options for `new Client(...)`: Guilds intent and REST pointed at the fake. */
  clientOptions(extra: Partial<ClientOptions> = {}): ClientOptions {
    return { intents: [GatewayIntentBits.Guilds], ...extra, rest: { ...extra.rest, api: this.apiBase } };
  }

  // =============================================================================================
  // Clock and ids
  // =============================================================================================

  /** The fake's clock (ms): real time plus whatever was advanced. */
  now(): number {
    return Date.now() + this.clockOffset;
  }

  /** Moves the fake's clock forward (nonce windows, interaction deadlines, timestamps). */
  advanceClock(ms: number): void {
    this.clockOffset += ms;
    this.notify();
  }

  /** A fresh, increasing snowflake for the fake's current time. */
  snowflake(): string {
    let s = (BigInt(Math.max(0, this.now() - DISCORD_EPOCH)) << 22n) | (1n << 17n);
    if (s <= this.lastSnowflake) s = this.lastSnowflake + 1n;
    this.lastSnowflake = s;
    return s.toString();
  }

  /** A fresh snowflake (as `snowflake()`) whose guild would be on `shard` of `count` shards. */
  snowflakeOnShard(shard: number, count: number): string {
    if (!Number.isInteger(shard) || !Number.isInteger(count) || shard < 0 || shard >= count)
      throw new Error(`FakeDiscord: no shard ${shard} of ${count}`);
    const n = BigInt(count);
    let ms = BigInt(Math.max(0, this.now() - DISCORD_EPOCH));
    ms += (BigInt(shard) - (ms % n) + n) % n;
    let s = (ms << 22n) | (1n << 17n);
    while (s <= this.lastSnowflake) s += n << 22n;
    this.lastSnowflake = s;
    return s.toString();
  }

  /** @internal The next number of the fake's one sequence across every log. */
  nextSeq(): number {
    return ++this.seqCounter;
  }

  // =============================================================================================
  // World: guilds, channels, users, messages
  // =============================================================================================

  /** Adds a guild (its @everyone role has the guild's id; the bot and owner are members). */
  addGuild(spec: FakeGuildSpec = {}): FakeGuild {
    const id = spec.shard === undefined ? this.snowflake() : this.snowflakeOnShard(spec.shard, this.recommendedShards);
    const owner = this.user({ username: "owner" });
    const guild: FakeGuild = {
      id,
      name: spec.name ?? "Paper Lab",
      ownerId: owner.id,
      roles: [{ id, name: "@everyone", permissions: MEMBER_PERMISSIONS, position: 0 }],
      memberIds: [this.botUser.id, owner.id],
      createdAt: this.now(),
    };
    this.guilds.push(guild);
    for (const ch of spec.channels ?? [{ name: "general" }, { name: "papers" }]) this.addChannel(ch, id, false);
    return guild;
  }

  /** The guild by id or name; the first guild when omitted. */
  guild(idOrName?: string): FakeGuild {
    const g = idOrName === undefined ? this.guilds[0] : this.guilds.find((x) => x.id === idOrName || x.name === idOrName);
    if (!g) throw new Error(`FakeDiscord: no guild ${idOrName ?? "(none defined)"}`);
    return g;
  }

  /** A channel or thread by id, or by name (in `guildId` or any guild). */
  channel(idOrName: string, guildId?: string): FakeChannel {
    const byId = this.channels.get(idOrName);
    if (byId) return byId;
    const found = [...this.channels.values()].find((c) => c.name === idOrName && (!guildId || c.guildId === guildId));
    if (!found) throw new Error(`FakeDiscord: no channel ${idOrName}`);
    return found;
  }

  /** Shorthand for `channel(name).id`. */
  channelId(name: string, guildId?: string): string {
    return this.channel(name, guildId).id;
  }

  /** Adds a channel to a guild (default: the first); dispatches CHANNEL_CREATE to connected clients. */
  addChannel(spec: FakeChannelSpec, guildId = this.guild().id, dispatch = true): FakeChannel {
    const siblings = [...this.channels.values()].filter((c) => c.guildId === guildId && !THREAD_TYPES.has(c.type));
    const ch: FakeChannel = {
      id: this.snowflake(),
      guildId,
      name: spec.name,
      type: CHANNEL_TYPE.GuildText,
      topic: null,
      parentId: null,
      position: siblings.length,
      state: "ok",
      messages: [],
      createdAt: this.now(),
      messageCount: 0,
    };
    this.channels.set(ch.id, ch);
    if (dispatch) this.gateway.dispatchGuildEvent("CHANNEL_CREATE", channelJson(this, ch));
    return ch;
  }

  /** Adds a public thread (started by `defaultUser`) under a channel; dispatches THREAD_CREATE to connected clients. */
  addThread(parentId: string, opts: { name: string }): FakeChannel {
    return this.createThread(this.channel(parentId), { name: opts.name, ownerId: this.defaultUser.id });
  }

  /** Makes a channel answer 404 Unknown Channel (10003) and tells connected clients (CHANNEL_DELETE). */
  deleteChannel(id: string, opts: { dispatch?: boolean } = {}): void {
    const ch = this.channel(id);
    ch.state = "deleted";
    if (opts.dispatch ?? true) this.gateway.dispatchGuildEvent("CHANNEL_DELETE", channelJson(this, ch));
  }

  /** Makes posting in a channel answer 403 Missing Permissions (50013) and reading 403 Missing Access (50001). */
  forbidChannel(id: string): void {
    this.channel(id).state = "forbidden";
  }

  restoreChannel(id: string): void {
    this.channel(id).state = "ok";
  }

  /** Registers (or returns) a user; interactions can then come from it. */
  user(input: UserInput = {}): APIUser {
    if (input.id && this.users.has(input.id)) return this.users.get(input.id)!;
    const u: APIUser = {
      id: input.id ?? this.snowflake(),
      username: input.username ?? `user${this.users.size}`,
      discriminator: "0",
      global_name: input.globalName ?? null,
      avatar: null,
    };
    this.users.set(u.id, u);
    return u;
  }

  /** Messages in a channel, oldest first (what the channel shows, ephemeral replies excluded). */
  messages(channelId: string): APIMessage[] {
    return this.channel(channelId).messages;
  }

  /** Finds a message by id in any channel or interaction. */
  findMessage(id: string): APIMessage | undefined {
    for (const ch of this.channels.values()) {
      const m = ch.messages.find((x) => x.id === id);
      if (m) return m;
    }
    return this.looseMessages.get(id);
  }

  /** Puts a message from `defaultUser` into a channel, e.g. history to list. */
  seedMessage(channelId: string, input: { content?: string } = {}): APIMessage {
    const ch = this.channel(channelId);
    const msg = buildMessage(this, ch.id, { content: input.content ?? "" }, { author: this.defaultUser });
    this.storeInChannel(ch, msg);
    this.notify();
    return msg;
  }

  // =============================================================================================
  // Gateway: public controls
  // =============================================================================================

  /**
   * Sends a dispatch (op 0) to every live session (buffered for sessions waiting to resume) of the
   * shard its `guild_id` falls on (shard 0 without one).
   */
  dispatch(t: string, d: unknown): void {
    this.gateway.dispatch(t, d);
  }

  /** Sends op 7 RECONNECT: discord.js closes (4200), reconnects to `resume_gateway_url` and RESUMEs. */
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }

  /** Closes gateway connections from the server side (default 4000 Unknown error: clients resume). */
  closeGateway(code = 4000): void {
    this.gateway.closeGateway(code);
  }

  /** Whether some client is identified and connected right now. */
  get connected(): boolean {
    return this.gateway.connected;
  }

  // =============================================================================================
  // Interactions: public helpers
  // =============================================================================================

  /** Dispatches a chat-input command (type 2). Await `reply()` etc. on the result. */
  sendCommand(input: CommandInput): FakeInteraction {
    const data = commandData(this, input, undefined);
    return createInteraction(this, "command", INTERACTION_TYPE.ApplicationCommand, data, input);
  }

  /** Dispatches an autocomplete interaction (type 4) with `focused` being typed into. */
  sendAutocomplete(input: AutocompleteInput): FakeInteraction {
    const data = commandData(this, input, { name: input.focused, value: input.value });
    return createInteraction(this, "autocomplete", INTERACTION_TYPE.Autocomplete, data, input);
  }

  /**
   * Dispatches the submit (type 5) of the modal the bot answered `opener` with, from the same user
   * in the same place; with the message `opener` was a button on, as Discord sends it. A modal is
   * submitted once.
   */
  submitModal(input: ModalSubmitInput): FakeInteraction {
    const { opener } = input;
    const modal = opener.events.find((e) => e.kind === "callback" && e.status < 400 && e.callbackType === CallbackType.Modal)?.modal;
    if (!modal) throw new Error(`FakeDiscord.submitModal: the bot did not answer interaction ${opener.id} with a modal`);
    if (opener.modalSubmitted) throw new Error(`FakeDiscord.submitModal: the modal of interaction ${opener.id} was already submitted`);
    const data = modalSubmitData(modal, input.values ?? {});
    opener.modalSubmitted = true;
    const p = opener.payload;
    const member = p.member as { user: APIUser; permissions: string } | undefined;
    const common = member
      ? { channelId: opener.channelId, guildId: String(p.guild_id), user: member.user.id, permissions: member.permissions }
      : { dm: true, channelId: opener.channelId, user: (p.user as APIUser).id };
    const message = opener.sourceMessageId ? this.findMessage(opener.sourceMessageId) : undefined;
    return createInteraction(this, "modal", INTERACTION_TYPE.ModalSubmit, data, common, message);
  }

  /** Dispatches a button click (type 3) on a stored message that carries the button. */
  clickButton(input: ButtonInput): FakeInteraction {
    const message = input.messageId ? this.findMessage(input.messageId) : this.findMessageWithComponent(input.customId, input.channelId);
    if (!message) throw new Error(`FakeDiscord.clickButton: no message ${input.messageId ?? `with a component "${input.customId}"`}`);
    const data: Json = { custom_id: input.customId, component_type: 2 };
    return createInteraction(this, "button", INTERACTION_TYPE.MessageComponent, data, { channelId: message.channel_id, ...input }, message);
  }

  // =============================================================================================
  // REST: public helpers
  // =============================================================================================

  /** Fails the next request (or the first one `match` accepts) with `failure`. */
  failNext(failure: ScriptedFailure): void {
    this.failures.push(failure);
  }

  /**
   * Answers the next matching request with a 429: `retry-after` and `x-ratelimit-*` headers and
   * `{message, retry_after, global}`. `retryAfter` is in seconds (default 0.2; the header carries
   * the same decimal so tests stay fast; @discordjs/rest waits that long plus 50 ms and retries).
   */
  rateLimitNext(
    opts: { retryAfter?: number; global?: boolean; scope?: "user" | "shared" | "global"; match?: (req: RequestMatchInfo) => boolean } = {},
  ): void {
    const retryAfter = opts.retryAfter ?? 0.2;
    const headers: Record<string, string> = {
      "retry-after": String(retryAfter),
      "x-ratelimit-limit": "5",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": ((this.now() + retryAfter * 1000) / 1000).toFixed(3),
      "x-ratelimit-reset-after": retryAfter.toFixed(3),
      "x-ratelimit-bucket": "fake-bucket",
      "x-ratelimit-scope": opts.scope ?? (opts.global ? "global" : "user"),
    };
    if (opts.global) headers["x-ratelimit-global"] = "true";
    this.failures.push({
      status: 429,
      headers,
      body: { message: "You are being rate limited.", retry_after: retryAfter, global: opts.global ?? false },
      match: opts.match,
    });
  }

  /**
   * Handles the next request `match` accepts as usual (a post is created) but never answers it,
   * as when the caller dies before the reply arrives. The request is recorded with the status it
   * would have had; `stop()` closes the connection.
   */
  withholdReply(match: (req: RequestMatchInfo) => boolean): void {
    this.withheldReplies.push(match);
  }

  /** Requests matching a route pattern like `POST /channels/:channel/messages`. */
  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  /** Commands registered for a guild (empty when none). */
  commandsFor(guildId: string): APIApplicationCommand[] {
    return this.guildCommands.get(guildId) ?? [];
  }

  // =============================================================================================
  // Waiting
  // =============================================================================================

  /**
   * Resolves with `predicate()`'s value as soon as it is not undefined/null/false; re-checked on
   * every recorded event. Rejects after `timeoutMs` with a summary of recent activity.
   */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 5000, what: string | (() => string) = "a condition"): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        check: () => {
          let v: T | undefined | null | false;
          try {
            v = predicate();
          } catch (e) {
            waiter.fail(e instanceof Error ? e : new Error(String(e)));
            return true;
          }
          if (v === undefined || v === null || v === false) return false;
          this.waiters.delete(waiter);
          clearTimeout(timer);
          resolve(v);
          return true;
        },
        fail: (e) => {
          this.waiters.delete(waiter);
          clearTimeout(timer);
          reject(e);
        },
      };
      if (waiter.check()) return;
      this.waiters.add(waiter);
      const describe = () => (typeof what === "function" ? what() : what);
      timer = setTimeout(
        () => waiter.fail(new Error(`FakeDiscord: timed out after ${timeoutMs} ms waiting for ${describe()}\n${this.summary()}`)),
        timeoutMs,
      );
    });
  }

  /** The first gateway frame matching `predicate` (e.g. `f => f.dir === "in" && f.op === 6`). */
  waitForGateway(predicate: (f: GatewayFrame) => boolean, timeoutMs = 5000): Promise<GatewayFrame> {
    return this.waitFor(() => this.gatewayLog.find(predicate), timeoutMs, "a gateway frame");
  }

  /** Recent activity, one line each (used in timeout messages). */
  summary(lines = 25): string {
    const items: { seq: number; text: string }[] = [
      ...this.requests.map((r) => ({
        seq: r.seq,
        text: `REST ${r.method} ${r.path} -> ${r.status}${r.status >= 400 ? ` ${JSON.stringify(r.response).slice(0, 200)}` : ""}`,
      })),
      ...this.gatewayLog
        .filter((f) => f.op !== GATEWAY_OP.Heartbeat && f.op !== GATEWAY_OP.HeartbeatAck)
        .map((f) => ({ seq: f.seq, text: `WS#${f.connection} ${f.dir} op ${f.op}${f.t ? ` ${f.t}` : ""}${f.s ? ` s=${f.s}` : ""}` })),
    ].sort((a, b) => a.seq - b.seq);
    const tail = items.slice(-lines).map((i) => `  ${i.text}`);
    return tail.length ? `recent activity:\n${tail.join("\n")}` : "no activity recorded";
  }

  /** @internal */
  notify(): void {
    for (const w of [...this.waiters]) w.check();
  }

  // =============================================================================================
  // Internals: users, messages, commands
  // =============================================================================================

  /** @internal */
  resolveUser(u: string | UserInput | undefined): APIUser {
    if (u === undefined) return this.defaultUser;
    if (typeof u === "string") return this.users.get(u) ?? this.user({ id: u });
    return this.user(u);
  }

  /** @internal */
  storeInChannel(ch: FakeChannel, msg: APIMessage): void {
    ch.messages.push(msg);
    ch.messageCount++;
  }

  private findMessageWithComponent(customId: string, channelId?: string): APIMessage | undefined {
    const has = (m: APIMessage) => JSON.stringify(m.components ?? []).includes(JSON.stringify(customId));
    const chans = channelId ? [this.channel(channelId)] : [...this.channels.values()];
    let best: APIMessage | undefined;
    for (const ch of chans) for (const m of ch.messages) if (has(m) && (!best || BigInt(m.id) > BigInt(best.id))) best = m;
    for (const m of this.looseMessages.values())
      if ((!channelId || m.channel_id === channelId) && has(m) && (!best || BigInt(m.id) > BigInt(best.id))) best = m;
    return best;
  }

  /** @internal */
  registeredCommand(name: string, guildId: string | undefined): APIApplicationCommand | undefined {
    return (guildId ? this.commandsFor(guildId).find((c) => c.name === name) : undefined) ?? this.globalCommands.find((c) => c.name === name);
  }

  /** @internal */
  defaultChannel(): FakeChannel {
    const g = this.guild();
    const ch = [...this.channels.values()].find((c) => c.guildId === g.id && c.type === CHANNEL_TYPE.GuildText && c.state !== "deleted");
    if (!ch) throw new Error("FakeDiscord: the default guild has no text channel");
    return ch;
  }

  // =============================================================================================
  // Internals: the bot token
  // =============================================================================================

  /** @internal IDENTIFY/RESUME token: any non-empty one, or exactly `options.token` when set. */
  tokenOk(token: unknown): boolean {
    if (typeof token !== "string" || !token) return false;
    const t = token.replace(/^Bot\s+/i, "");
    return this.token === undefined ? t.length > 0 : t === this.token;
  }

  /** @internal REST `Authorization: Bot <token>`. */
  authOk(header: string | undefined): boolean {
    const m = /^Bot\s+(\S+)$/.exec(header ?? "");
    return !!m && this.tokenOk(m[1]);
  }

  // =============================================================================================
  // Internals: the message log and threads
  // =============================================================================================

  /** @internal */
  logWrite(w: Omit<MessageWrite, "seq" | "at" | "allowedMentions" | "pings" | "message"> & { message: APIMessage }): void {
    const am = w.body.allowed_mentions as APIAllowedMentions | undefined;
    this.messageLog.push({
      seq: this.nextSeq(),
      at: this.now(),
      ...w,
      allowedMentions: am,
      pings: computePings(w.message.content, am),
      message: clone(w.message),
    });
  }

  /** @internal */
  createThread(parent: FakeChannel, opts: { name: string; id?: string; ownerId: string }): FakeChannel {
    const thread: FakeChannel = {
      id: opts.id ?? this.snowflake(),
      guildId: parent.guildId,
      name: opts.name,
      type: CHANNEL_TYPE.PublicThread,
      topic: null,
      parentId: parent.id,
      position: 0,
      state: "ok",
      messages: [],
      ownerId: opts.ownerId,
      createdAt: this.now(),
      messageCount: 0,
    };
    this.channels.set(thread.id, thread);
    this.gateway.dispatchGuildEvent("THREAD_CREATE", { ...channelJson(this, thread), newly_created: true });
    this.notify();
    return thread;
  }
}
