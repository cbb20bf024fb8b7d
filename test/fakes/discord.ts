import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, WebSocket, type RawData } from "ws";
import { Client, Events, GatewayIntentBits } from "discord.js";
import type { APIAllowedMentions, APIApplicationCommand, APIApplicationCommandOptionChoice, APIMessage, APIUser, ClientOptions } from "discord.js";

/*
 * A local stand-in for Discord on 127.0.0.1 that the real discord.js `Client` (and a standalone
 * `@discordjs/rest` REST) can log into and be driven through:
 *
 * - REST under `${url}/api/v10/...` (give discord.js `rest: { api: fake.apiBase }`),
 * - the gateway at `ws://127.0.0.1:PORT/gateway` (handed out by `GET /gateway/bot`), with
 *   HELLO / heartbeat ACK / IDENTIFY -> READY + GUILD_CREATE / RECONNECT -> RESUME -> RESUMED,
 *   sharded as Discord does: IDENTIFY's `shard: [id, count]` session gets only the guilds with
 *   `(guild_id >> 22) % count === id` (their GUILD_CREATEs, events and interactions; DMs go to shard 0).
 *
 * Everything is recorded (REST requests, gateway frames, interaction responses, message writes)
 * and every message the bot sends is checked against Discord's limits; violations get Discord's
 * real 400 `{code: 50035, message: "Invalid Form Body", errors}` so tests catch them.
 */

// ---------------------------------------------------------------------------------------------
// Constants and small helpers
// ---------------------------------------------------------------------------------------------

export const DISCORD_EPOCH = 1420070400000;

/** Permission bits (bigint); pass `.toString()` or the bigint itself as `permissions:` in interactions. */
export const Permissions = {
  CreateInstantInvite: 1n << 0n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  UseApplicationCommands: 1n << 31n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  SendMessagesInThreads: 1n << 38n,
} as const;

const P = Permissions;
/** What an ordinary member can do (no Manage Server). */
export const MEMBER_PERMISSIONS = (
  P.CreateInstantInvite |
  P.AddReactions |
  P.ViewChannel |
  P.SendMessages |
  P.EmbedLinks |
  P.AttachFiles |
  P.ReadMessageHistory |
  P.UseApplicationCommands |
  P.CreatePublicThreads |
  P.SendMessagesInThreads
).toString();
/** A member who may also manage the server (Manage Server = 1 << 5). */
export const MANAGER_PERMISSIONS = (BigInt(MEMBER_PERMISSIONS) | P.ManageGuild | P.ManageMessages).toString();
/** What the bot itself may do in channels (sent as `app_permissions`). */
export const BOT_PERMISSIONS = (BigInt(MEMBER_PERMISSIONS) | P.ManageThreads | P.ManageMessages).toString();

const CHANNEL_TYPE = { GuildText: 0, PublicThread: 11 } as const;
const THREAD_TYPES = new Set<number>([10, 11, 12]);

const INTERACTION_TYPE = { ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4 } as const;

/** Interaction callback types (`POST /interactions/{id}/{token}/callback` body `type`). */
export const CallbackType = {
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  UpdateMessage: 7,
  ApplicationCommandAutocompleteResult: 8,
} as const;

const MESSAGE_FLAGS = { Ephemeral: 1 << 6, Loading: 1 << 7, IsComponentsV2: 1 << 15 };

const GATEWAY_OP = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  Resume: 6,
  Reconnect: 7,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

type Json = Record<string, unknown>;

/** The shard a guild's events go to when the bot runs `count` shards (Discord's formula). */
export const shardOf = (guildId: string, count: number): number => (/^\d+$/.test(guildId) ? Number((BigInt(guildId) >> 22n) % BigInt(count)) : 0);

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);
const iso = (ms: number) => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** One field-level error inside a 50035 body. */
export interface FieldError {
  code: string;
  message: string;
}

/** Discord's JSON error body. */
export interface DiscordErrorBody {
  code: number;
  message: string;
  errors?: Json;
  retry_after?: number;
  global?: boolean;
}

/** A limit violation found in something the bot sent; `path` like `["embeds", 0, "title"]`. */
export interface Violation {
  path: (string | number)[];
  code: string;
  message: string;
}

/** A text channel to add to a guild. */
export interface FakeChannelSpec {
  name: string;
}

export interface FakeGuildSpec {
  /** The guild gets an id that falls on this shard of `FakeDiscordOptions.shards`. */
  shard?: number;
  name?: string;
  /** Defaults to `#general` and `#papers`. */
  channels?: FakeChannelSpec[];
}

export interface FakeDiscordOptions {
  /** When set, REST and IDENTIFY must use exactly this token; otherwise any non-empty one passes. */
  token?: string;
  /** Defaults to one guild "Paper Lab" with #general and #papers. */
  guilds?: FakeGuildSpec[];
  /** The shard count `GET /gateway/bot` recommends (default 1). */
  shards?: number;
  /** HELLO's heartbeat interval (default 1000 ms, so heartbeats happen within a test). */
  heartbeatIntervalMs?: number;
  /** How long a `nonce` + `enforce_nonce` stays unique per channel (default 5 minutes). */
  nonceWindowMs?: number;
}

/** A channel (or thread) in the fake's world. `messages` is oldest first. */
export interface FakeChannel {
  id: string;
  guildId: string;
  name: string;
  type: number;
  topic: string | null;
  parentId: string | null;
  position: number;
  /** "deleted" answers 404 Unknown Channel (10003); "forbidden" 403 Missing Permissions (50013). */
  state: "ok" | "deleted" | "forbidden";
  messages: APIMessage[];
  /** Threads only. */
  ownerId?: string;
  createdAt: number;
  messageCount: number;
}

export interface FakeRole {
  id: string;
  name: string;
  permissions: string;
  position: number;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: FakeRole[];
  /** Ids of users who are members (the bot and the owner at least). */
  memberIds: string[];
  createdAt: number;
}

/** A REST request as the fake saw it (recorded after it was answered). */
export interface RecordedRequest {
  seq: number;
  at: number;
  method: string;
  /** The API path without `/api/v10`, segments decoded: `/webhooks/1/tok/messages/@original`. */
  path: string;
  /** The matched route, e.g. `POST /channels/:channel/messages` (undefined when none matched). */
  route?: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** The JSON body, or `payload_json` of a multipart body. */
  body: unknown;
  /** Uploaded files, with their bytes (`data`). */
  files: { field: string; name: string; size: number; contentType: string; data: Buffer }[];
  status: number;
  response: unknown;
}

/** What a scripted failure sees to decide whether it applies. */
export interface RequestMatchInfo {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface ScriptedFailure {
  status: number;
  /** Defaults to a Discord-shaped error body. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Only the first request this returns true for gets the failure (default: the next request). */
  match?: (req: RequestMatchInfo) => boolean;
}

/** Who may be pinged by a message, after applying `allowed_mentions` to its content. */
export interface Pings {
  users: string[];
  roles: string[];
  everyone: boolean;
}

/** Every message the bot created or edited, by any route, in order. */
export interface MessageWrite {
  seq: number;
  at: number;
  kind: "create" | "edit";
  via: "channel" | "interaction-reply" | "interaction-defer" | "interaction-edit" | "followup" | "component-update";
  channelId: string;
  messageId: string;
  interactionId?: string;
  /** The raw request body (for callbacks, the callback's `data`). */
  body: Json;
  /** `allowed_mentions` as sent (undefined when the bot sent none: Discord then parses everything). */
  allowedMentions: APIAllowedMentions | undefined;
  pings: Pings;
  /** The message after the write. */
  message: APIMessage;
}

export interface NonceReplay {
  seq: number;
  at: number;
  channelId: string;
  nonce: string | number;
  messageId: string;
}

export interface Rejection {
  seq: number;
  at: number;
  method: string;
  path: string;
  status: number;
  error: DiscordErrorBody;
}

export interface InteractionEvent {
  seq: number;
  at: number;
  interactionId: string;
  kind: "callback" | "edit" | "followup" | "delete";
  /** The HTTP status the fake answered with (>= 400: rejected, nothing changed). */
  status: number;
  /** For callbacks: 4 reply, 5 defer, 7 update, 8 autocomplete. */
  callbackType?: number;
  /** The message written (snapshot), for replies, edits, follow-ups and updates. */
  message?: APIMessage;
  /** Autocomplete results. */
  choices?: APIApplicationCommandOptionChoice[];
  body: unknown;
  error?: DiscordErrorBody;
}

export interface GatewayFrame {
  seq: number;
  at: number;
  dir: "in" | "out";
  connection: number;
  op: number;
  t?: string | null;
  s?: number | null;
  d: unknown;
}

export interface GatewayConnectionInfo {
  id: number;
  /** Path the client connected to: `/gateway` or (resuming) `/gateway/resume`. */
  path: string;
  query: Record<string, string>;
  openedAt: number;
  closedAt?: number;
  closeCode?: number;
  sessionId?: string;
  mode?: "identify" | "resume";
}

export interface IdentifyRecord {
  seq: number;
  at: number;
  connection: number;
  sessionId: string;
  intents: number;
  shard: unknown;
  compress: unknown;
  properties: unknown;
}

export interface ResumeRecord {
  seq: number;
  at: number;
  connection: number;
  sessionId: string;
  /** The `seq` the client said it had seen. */
  fromSeq: number | null;
  /** How many missed dispatches were replayed before RESUMED. */
  replayed: number;
  ok: boolean;
}

/** A user who can act in interactions. */
export interface UserInput {
  id?: string;
  username?: string;
  globalName?: string | null;
}

interface InteractionCommon {
  /** Defaults to the first text channel of the default guild. Threads work (type 11). */
  channelId?: string;
  /** Defaults to the channel's guild. */
  guildId?: string;
  /** Sent from the user's DM with the bot: no guild, no member (`channelId`/`guildId` are ignored). */
  dm?: boolean;
  /** A user id, a user, or defaults to `fake.defaultUser`. */
  user?: string | UserInput;
  /** The member's permissions in the channel, default `MEMBER_PERMISSIONS`. */
  permissions?: string;
}

/** Option values by name (types from the registered command, else inferred). */
export type OptionsInput = Record<string, string | number | boolean>;

export interface CommandInput extends InteractionCommon {
  name: string;
  subcommand?: string;
  options?: OptionsInput;
}

export interface AutocompleteInput extends CommandInput {
  /** The option being typed into. */
  focused: string;
  /** What the user typed so far. */
  value: string | number;
}

export interface ButtonInput extends InteractionCommon {
  customId: string;
  /** The message carrying the button; defaults to the newest message with that custom_id. */
  messageId?: string;
}

// ---------------------------------------------------------------------------------------------
// Validation (exported so unit tests can use the same rules)
// ---------------------------------------------------------------------------------------------

const maxLen = (n: number): [string, string] => ["BASE_TYPE_MAX_LENGTH", `Must be ${n} or fewer in length.`];
const between = (a: number, b: number): [string, string] => ["BASE_TYPE_BAD_LENGTH", `Must be between ${a} and ${b} in length.`];
const required: [string, string] = ["BASE_TYPE_REQUIRED", "This field is required"];

class Violations {
  readonly list: Violation[] = [];
  add(path: (string | number)[], [code, message]: [string, string]): void {
    this.list.push({ path, code, message });
  }
  str(path: (string | number)[], v: unknown, max: number, opts: { min?: number; required?: boolean } = {}): number {
    if (v === undefined || v === null) {
      if (opts.required) this.add(path, required);
      return 0;
    }
    if (typeof v !== "string") {
      this.add(path, ["STRING_TYPE_CONVERT", "Could not interpret value as string."]);
      return 0;
    }
    const len = [...v].length;
    const min = opts.min ?? 0;
    if (len > max || len < min) this.add(path, min > 0 ? between(min, max) : maxLen(max));
    return len;
  }
  url(path: (string | number)[], v: unknown, allowAttachment = false): void {
    if (v === undefined || v === null) return;
    if (typeof v === "string" && allowAttachment && v.startsWith("attachment://")) return;
    let ok = false;
    try {
      const u = new URL(String(v));
      ok = u.protocol === "http:" || u.protocol === "https:" || (allowAttachment && u.protocol === "attachment:");
    } catch {
      ok = false;
    }
    if (!ok) this.add(path, ["URL_TYPE_INVALID_URL", "Not a well formed URL."]);
  }
}

/** Turns violations into Discord's nested `errors` object. */
export function errorTree(violations: Violation[]): Json {
  const root: Json = {};
  for (const v of violations) {
    let node = root;
    for (const key of v.path) {
      const k = String(key);
      if (!isObject(node[k])) node[k] = {};
      node = node[k] as Json;
    }
    const list = (node._errors as FieldError[] | undefined) ?? [];
    list.push({ code: v.code, message: v.message });
    node._errors = list;
  }
  return root;
}

function validateEmbeds(vs: Violations, embeds: unknown, prefix: (string | number)[]): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds)) return vs.add([...prefix, "embeds"], ["LIST_TYPE_CONVERT", "Must be an array."]);
  if (embeds.length > 10) vs.add([...prefix, "embeds"], maxLen(10));
  let total = 0;
  embeds.forEach((e: unknown, i) => {
    const p = [...prefix, "embeds", i];
    if (!isObject(e)) return vs.add(p, ["DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"]);
    total += vs.str([...p, "title"], e.title, 256);
    total += vs.str([...p, "description"], e.description, 4096);
    vs.url([...p, "url"], e.url);
    if (e.color !== undefined && e.color !== null && (!Number.isInteger(e.color) || (e.color as number) < 0 || (e.color as number) > 0xffffff))
      vs.add([...p, "color"], ["NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215."]);
    if (e.timestamp !== undefined && e.timestamp !== null && Number.isNaN(Date.parse(String(e.timestamp))))
      vs.add([...p, "timestamp"], ["DATE_TYPE_PARSE", "Could not parse " + String(e.timestamp) + ". Should be ISO8601."]);
    if (e.footer !== undefined && e.footer !== null) {
      const f = e.footer as Json;
      total += vs.str([...p, "footer", "text"], f.text, 2048, { required: true });
      vs.url([...p, "footer", "icon_url"], f.icon_url, true);
    }
    if (e.author !== undefined && e.author !== null) {
      const a = e.author as Json;
      total += vs.str([...p, "author", "name"], a.name, 256, { required: true });
      vs.url([...p, "author", "url"], a.url);
      vs.url([...p, "author", "icon_url"], a.icon_url, true);
    }
    for (const k of ["thumbnail", "image"] as const) if (isObject(e[k])) vs.url([...p, k, "url"], (e[k] as Json).url, true);
    if (e.fields !== undefined && e.fields !== null) {
      if (!Array.isArray(e.fields)) vs.add([...p, "fields"], ["LIST_TYPE_CONVERT", "Must be an array."]);
      else {
        if (e.fields.length > 25) vs.add([...p, "fields"], maxLen(25));
        e.fields.forEach((f: unknown, j) => {
          const fo = isObject(f) ? f : {};
          total += vs.str([...p, "fields", j, "name"], fo.name, 256, { required: true, min: 1 });
          total += vs.str([...p, "fields", j, "value"], fo.value, 1024, { required: true, min: 1 });
        });
      }
    }
  });
  if (total > 6000) vs.add([...prefix, "embeds"], ["MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"]);
}

function validateComponents(vs: Violations, components: unknown, prefix: (string | number)[]): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) return vs.add([...prefix, "components"], ["LIST_TYPE_CONVERT", "Must be an array."]);
  if (components.length > 5) vs.add([...prefix, "components"], maxLen(5));
  const ids = new Set<string>();
  components.forEach((row: unknown, i) => {
    const rp = [...prefix, "components", i];
    if (!isObject(row) || row.type !== 1) return vs.add([...rp, "type"], ["UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).']);
    const children = row.components;
    if (!Array.isArray(children) || children.length === 0) return vs.add([...rp, "components"], between(1, 5));
    if (children.length > 5) vs.add([...rp, "components"], maxLen(5));
    children.forEach((c: unknown, j) => {
      const cp = [...rp, "components", j];
      if (!isObject(c)) return vs.add(cp, ["DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"]);
      const customId = c.custom_id;
      if (typeof customId === "string") {
        if (ids.has(customId)) vs.add([...cp, "custom_id"], ["COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"]);
        ids.add(customId);
      }
      if (c.type === 2) {
        vs.str([...cp, "label"], c.label, 80);
        if (c.label === undefined && c.emoji === undefined) vs.add([...cp, "label"], required);
        if (c.style === 5) {
          if (!c.url) vs.add([...cp, "url"], required);
          vs.url([...cp, "url"], c.url);
          if (customId !== undefined)
            vs.add([...cp, "custom_id"], ["BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "A custom id cannot be specified for a link button"]);
        } else if (c.style !== 6) {
          vs.str([...cp, "custom_id"], customId, 100, { required: true, min: 1 });
          if (c.url !== undefined) vs.add([...cp, "url"], ["BUTTON_COMPONENT_URL_NOT_ALLOWED", "A url can only be specified for a link button"]);
        }
        if (![1, 2, 3, 4, 5, 6].includes(c.style as number))
          vs.add([...cp, "style"], ["BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}."]);
      } else {
        // The bot sends buttons only; this fake refuses select menus and text inputs too.
        vs.add([...cp, "type"], ["UNION_TYPE_CHOICES", 'Value of field "type" must be one of (2,).']);
      }
    });
  });
}

/**
 * Checks a message body (create, edit, interaction reply data, follow-up) against Discord's
 * limits. Returns the violations (empty when fine).
 */
export function validateMessage(body: unknown, prefix: (string | number)[] = []): Violation[] {
  const vs = new Violations();
  if (!isObject(body)) {
    vs.add(prefix, ["DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"]);
    return vs.list;
  }
  const flags = typeof body.flags === "number" ? body.flags : 0;
  const v2 = (flags & MESSAGE_FLAGS.IsComponentsV2) !== 0;
  vs.str([...prefix, "content"], body.content, 2000);
  if (v2 && typeof body.content === "string" && body.content)
    vs.add(
      [...prefix, "content"],
      ["MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2", "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2"],
    );
  validateEmbeds(vs, body.embeds, prefix);
  validateComponents(vs, body.components, prefix);
  if (body.nonce !== undefined && body.nonce !== null) {
    if (typeof body.nonce === "string") vs.str([...prefix, "nonce"], body.nonce, 25);
    else if (!Number.isInteger(body.nonce)) vs.add([...prefix, "nonce"], ["NONCE_TYPE_INVALID", "Nonce must be an integer or string"]);
  }
  const am = body.allowed_mentions;
  if (am !== undefined && am !== null) {
    if (!isObject(am)) vs.add([...prefix, "allowed_mentions"], ["DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"]);
    else {
      const parse = am.parse;
      if (parse !== undefined) {
        if (!Array.isArray(parse)) vs.add([...prefix, "allowed_mentions", "parse"], ["LIST_TYPE_CONVERT", "Must be an array."]);
        else
          parse.forEach((x: unknown, i) => {
            if (!["users", "roles", "everyone"].includes(String(x)))
              vs.add([...prefix, "allowed_mentions", "parse", i], ["BASE_TYPE_CHOICES", "Value must be one of ('everyone', 'roles', 'users')."]);
          });
        for (const k of ["users", "roles"] as const)
          if (Array.isArray(parse) && parse.includes(k) && Array.isArray(am[k]) && (am[k] as unknown[]).length)
            vs.add(
              [...prefix, "allowed_mentions", "parse"],
              ["SET_TYPE_ALREADY_CONTAINS_VALUE", `parse:${k} and ${k}: [ids...] are mutually exclusive.`],
            );
      }
      for (const k of ["users", "roles"] as const)
        if (Array.isArray(am[k]) && (am[k] as unknown[]).length > 100) vs.add([...prefix, "allowed_mentions", k], maxLen(100));
    }
  }
  return vs.list;
}

/** Checks autocomplete results: at most 25 choices, names 1–100 chars, string values ≤ 100. */
export function validateChoices(choices: unknown, prefix: (string | number)[] = ["data"]): Violation[] {
  const vs = new Violations();
  if (!Array.isArray(choices)) {
    vs.add([...prefix, "choices"], ["LIST_TYPE_CONVERT", "Must be an array."]);
    return vs.list;
  }
  if (choices.length > 25) vs.add([...prefix, "choices"], maxLen(25));
  choices.forEach((c: unknown, i) => {
    const co = isObject(c) ? c : {};
    vs.str([...prefix, "choices", i, "name"], co.name, 100, { required: true, min: 1 });
    if (typeof co.value === "string") vs.str([...prefix, "choices", i, "value"], co.value, 100);
    else if (typeof co.value !== "number") vs.add([...prefix, "choices", i, "value"], required);
  });
  return vs.list;
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Checks one command of a registration body (names, descriptions, options, choices). */
export function validateCommand(cmd: unknown, prefix: (string | number)[] = []): Violation[] {
  const vs = new Violations();
  if (!isObject(cmd)) {
    vs.add(prefix, ["DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"]);
    return vs.list;
  }
  const type = (cmd.type as number | undefined) ?? 1;
  const checkName = (p: (string | number)[], name: unknown, lower: boolean) => {
    if (typeof name !== "string" || !COMMAND_NAME.test(name) || (lower && name !== name.toLowerCase()))
      vs.add(p, ["APPLICATION_COMMAND_INVALID_NAME", `Command name is invalid`]);
  };
  checkName([...prefix, "name"], cmd.name, type === 1);
  if (type === 1) vs.str([...prefix, "description"], cmd.description, 100, { required: true, min: 1 });
  const checkOptions = (options: unknown, p: (string | number)[], depth: number) => {
    if (options === undefined || options === null) return;
    if (!Array.isArray(options)) return vs.add(p, ["LIST_TYPE_CONVERT", "Must be an array."]);
    if (options.length > 25) vs.add(p, maxLen(25));
    const names = new Set<string>();
    let sawOptional = false;
    options.forEach((o: unknown, i) => {
      const op = [...p, i];
      if (!isObject(o)) return vs.add(op, ["DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"]);
      checkName([...op, "name"], o.name, true);
      if (typeof o.name === "string") {
        if (names.has(o.name)) vs.add([...op, "name"], ["APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique"]);
        names.add(o.name);
      }
      vs.str([...op, "description"], o.description, 100, { required: true, min: 1 });
      if (o.required) {
        if (sawOptional)
          vs.add(
            [...op, "required"],
            ["APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options"],
          );
      } else sawOptional = true;
      if (o.type === 1 || o.type === 2) {
        if (depth >= (o.type === 2 ? 1 : 2)) vs.add([...op, "type"], ["APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Sub-command nesting is too deep"]);
        checkOptions(o.options, [...op, "options"], depth + 1);
        return;
      }
      if (Array.isArray(o.choices)) {
        if (o.autocomplete)
          vs.add([...op, "autocomplete"], ["AUTOCOMPLETE_CHOICES_MUTUALLY_EXCLUSIVE", "Autocomplete and choices are mutually exclusive"]);
        vs.list.push(...validateChoices(o.choices, op));
      }
    });
  };
  checkOptions(cmd.options, [...prefix, "options"], 0);
  return vs.list;
}

/** True when `allowed_mentions` lets nobody be pinged (`{parse: []}` or equivalent). */
export function mentionsNobody(am: APIAllowedMentions | undefined | null): boolean {
  if (!am) return false;
  return (am.parse ?? []).length === 0 && (am.users ?? []).length === 0 && (am.roles ?? []).length === 0;
}

/** Who a message's content pings once `allowed_mentions` is applied (absent = everything). */
export function computePings(content: unknown, am: APIAllowedMentions | undefined | null): Pings {
  const text = typeof content === "string" ? content : "";
  const users = [...new Set([...text.matchAll(/<@!?(\d{15,21})>/g)].map((m) => m[1]!))];
  const roles = [...new Set([...text.matchAll(/<@&(\d{15,21})>/g)].map((m) => m[1]!))];
  const everyone = /@(everyone|here)\b/.test(text);
  if (!am) return { users, roles, everyone };
  const parse = new Set<string>(am.parse ?? []);
  return {
    users: users.filter((u) => parse.has("users") || (am.users ?? []).includes(u)),
    roles: roles.filter((r) => parse.has("roles") || (am.roles ?? []).includes(r)),
    everyone: everyone && parse.has("everyone"),
  };
}

// ---------------------------------------------------------------------------------------------
// Interactions
// ---------------------------------------------------------------------------------------------

export type InteractionKind = "command" | "autocomplete" | "button";

/**
 * One interaction the fake dispatched, and everything the bot did with it. Await `reply()`,
 * `choices()`, `followUp()` or `callback()`; read `events`, `original`, `followUps`.
 */
export class FakeInteraction {
  readonly events: InteractionEvent[] = [];
  /** @internal id of the @original message once there is one. */
  originalId?: string;
  /** @internal */
  followUpIds: string[] = [];
  /** @internal the first successful callback's type. */
  acknowledgedWith?: number;
  /** @internal */
  ephemeral = false;
  /** @internal */
  deleted = false;

  constructor(
    private readonly fake: FakeDiscord,
    readonly kind: InteractionKind,
    readonly id: string,
    readonly token: string,
    /** The INTERACTION_CREATE payload exactly as dispatched. */
    readonly payload: Json,
    readonly channelId: string,
    readonly createdAt: number,
    readonly sourceMessageId?: string,
  ) {}

  /** Whether a callback was accepted. */
  get acknowledged(): boolean {
    return this.acknowledgedWith !== undefined;
  }

  get callbackType(): number | undefined {
    return this.acknowledgedWith;
  }

  /** The @original message as it is now (live, not a snapshot). */
  get original(): APIMessage | undefined {
    return this.originalId ? this.fake.findMessage(this.originalId) : undefined;
  }

  get followUps(): APIMessage[] {
    return this.followUpIds.map((id) => this.fake.findMessage(id)).filter((m): m is APIMessage => !!m);
  }

  /** Attempts the fake refused (limits, double acknowledge, late response ...). */
  get rejected(): InteractionEvent[] {
    return this.events.filter((e) => e.status >= 400);
  }

  /** Waits until `predicate(this)` returns something other than undefined/null/false. */
  waitFor<T>(predicate: (ix: this) => T | undefined | null | false, timeoutMs = 5000, what = "a condition"): Promise<T> {
    return this.fake.waitFor(
      () => predicate(this),
      timeoutMs,
      () => `${what} on interaction ${this.kind} ${this.id}\n${this.describe()}`,
    );
  }

  /** The first accepted callback (reply, defer, update, autocomplete result). */
  callback(timeoutMs = 5000): Promise<InteractionEvent> {
    return this.waitFor((ix) => ix.events.find((e) => e.kind === "callback" && e.status < 400), timeoutMs, "the interaction callback");
  }

  /**
   * The reply the user sees: the message of a type-4 reply, the first edit after a deferral
   * (type 5), or the updated message of a type-7 update. Rejected attempts are skipped.
   */
  reply(timeoutMs = 5000): Promise<APIMessage> {
    return this.waitFor(
      (ix) => {
        const ok = ix.events.filter((e) => e.status < 400);
        const cb = ok.find((e) => e.kind === "callback");
        if (!cb) return undefined;
        if (cb.callbackType === CallbackType.ChannelMessageWithSource || cb.callbackType === CallbackType.UpdateMessage) return cb.message;
        if (cb.callbackType === CallbackType.DeferredChannelMessageWithSource) return ok.find((e) => e.kind === "edit" && e.seq > cb.seq)?.message;
        throw new Error(`interaction ${ix.id} was answered with callback type ${cb.callbackType}, which has no reply`);
      },
      timeoutMs,
      "the visible reply",
    );
  }

  /** The autocomplete choices the bot responded with. */
  choices(timeoutMs = 5000): Promise<APIApplicationCommandOptionChoice[]> {
    return this.waitFor(
      (ix) =>
        ix.events.find((e) => e.kind === "callback" && e.status < 400 && e.callbackType === CallbackType.ApplicationCommandAutocompleteResult)
          ?.choices,
      timeoutMs,
      "autocomplete choices",
    );
  }

  /** The n-th (0-based) follow-up message, as first sent. */
  followUp(n = 0, timeoutMs = 5000): Promise<APIMessage> {
    return this.waitFor((ix) => ix.events.filter((e) => e.kind === "followup" && e.status < 400)[n]?.message, timeoutMs, `follow-up #${n}`);
  }

  /** A one-line-per-event summary, for failure messages. */
  describe(): string {
    if (!this.events.length) return "  (the bot has not answered this interaction)";
    return this.events
      .map((e) => {
        const what = e.kind === "callback" ? `callback type ${e.callbackType}` : e.kind;
        const detail = e.error
          ? ` ${JSON.stringify(e.error).slice(0, 300)}`
          : e.message
            ? ` content=${JSON.stringify(e.message.content.slice(0, 80))}`
            : "";
        return `  +${e.at - this.createdAt}ms ${what} -> ${e.status}${detail}`;
      })
      .join("\n");
  }
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

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

interface Ctx {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  files: RecordedRequest["files"];
  headers: http.IncomingHttpHeaders;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  auth: boolean;
  handler: (ctx: Ctx) => Reply | Promise<Reply>;
}

interface Waiter {
  check: () => boolean;
  fail: (err: Error) => void;
}

const err = (status: number, code: number, message: string, errors?: Json): Reply => ({
  status,
  body: errors ? { code, message, errors } : { code, message },
});
const invalidForm = (violations: Violation[]): Reply => err(400, 50035, "Invalid Form Body", errorTree(violations));
const ok = (body: unknown, status = 200): Reply => ({ status, body });

/** Discord's nonce window is "the past few minutes". */
const DEFAULT_NONCE_WINDOW_MS = 5 * 60_000;
/** Time allowed for the initial interaction response, as on Discord. */
const INTERACTION_DEADLINE_MS = 3000;
/** How long interaction tokens work for edits and follow-ups, as on Discord. */
const INTERACTION_TOKEN_TTL_MS = 15 * 60_000;

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
  /** Requests to handle but never answer (see `withholdReply`). */
  private readonly withheldReplies: ((req: RequestMatchInfo) => boolean)[] = [];
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

  private readonly token?: string;
  private clockOffset = 0;
  private lastSnowflake = 0n;
  private seqCounter = 0;
  private connCounter = 0;
  private readonly sessions = new Map<string, Session>();
  private readonly conns = new Set<Conn>();
  private readonly nonces = new Map<string, Map<string, { messageId: string; at: number }>>();
  private readonly interactionsById = new Map<string, FakeInteraction>();
  private readonly interactionsByToken = new Map<string, FakeInteraction>();
  private readonly waiters = new Set<Waiter>();
  private readonly routes: Route[] = [];
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly wss = new WebSocketServer({ noServer: true });
  /** Gateway connections held open unanswered ("no-handshake"), closed by `stop()`. */
  private readonly silentSockets = new Set<Duplex>();
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
    this.server.on("upgrade", (req, socket, head) => this.upgrade(req, socket, head));
    this.defineRoutes();
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
    for (const c of this.conns) c.ws.terminate();
    this.conns.clear();
    for (const socket of this.silentSockets) socket.destroy();
    this.silentSockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
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

  private nextSeq(): number {
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
    if (dispatch) this.dispatchGuildEvent("CHANNEL_CREATE", this.channelJson(ch));
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
    if (opts.dispatch ?? true) this.dispatchGuildEvent("CHANNEL_DELETE", this.channelJson(ch));
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

  /** Messages not in any known channel (ephemeral replies, replies in unknown channels). */
  private readonly looseMessages = new Map<string, APIMessage>();

  /** Puts a message from `defaultUser` into a channel, e.g. history to list. */
  seedMessage(channelId: string, input: { content?: string } = {}): APIMessage {
    const ch = this.channel(channelId);
    const msg = this.buildMessage(ch.id, { content: input.content ?? "" }, { author: this.defaultUser });
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

  // =============================================================================================
  // Interactions: public helpers
  // =============================================================================================

  /** Dispatches a chat-input command (type 2). Await `reply()` etc. on the result. */
  sendCommand(input: CommandInput): FakeInteraction {
    const data = this.commandData(input, undefined);
    return this.sendInteraction("command", INTERACTION_TYPE.ApplicationCommand, data, input);
  }

  /** Dispatches an autocomplete interaction (type 4) with `focused` being typed into. */
  sendAutocomplete(input: AutocompleteInput): FakeInteraction {
    const data = this.commandData(input, { name: input.focused, value: input.value });
    return this.sendInteraction("autocomplete", INTERACTION_TYPE.Autocomplete, data, input);
  }

  /** Dispatches a button click (type 3) on a stored message that carries the button. */
  clickButton(input: ButtonInput): FakeInteraction {
    const message = input.messageId ? this.findMessage(input.messageId) : this.findMessageWithComponent(input.customId, input.channelId);
    if (!message) throw new Error(`FakeDiscord.clickButton: no message ${input.messageId ?? `with a component "${input.customId}"`}`);
    const data: Json = { custom_id: input.customId, component_type: 2 };
    return this.sendInteraction("button", INTERACTION_TYPE.MessageComponent, data, { channelId: message.channel_id, ...input }, message);
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

  private notify(): void {
    for (const w of [...this.waiters]) w.check();
  }

  // =============================================================================================
  // Internals: payload builders
  // =============================================================================================

  private resolveUser(u: string | UserInput | undefined): APIUser {
    if (u === undefined) return this.defaultUser;
    if (typeof u === "string") return this.users.get(u) ?? this.user({ id: u });
    return this.user(u);
  }

  private roleJson(r: FakeRole): Json {
    return {
      id: r.id,
      name: r.name,
      permissions: r.permissions,
      position: r.position,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      managed: false,
      mentionable: false,
      flags: 0,
    };
  }

  private memberJson(user: APIUser, guild: FakeGuild, extra: Json = {}): Json {
    return {
      user,
      nick: null,
      avatar: null,
      banner: null,
      roles: [],
      joined_at: iso(guild.createdAt),
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
      ...extra,
    };
  }

  /** @internal The channel as the API returns it. */
  channelJson(ch: FakeChannel): Json {
    const base: Json = {
      id: ch.id,
      type: ch.type,
      guild_id: ch.guildId,
      name: ch.name,
      parent_id: ch.parentId,
      last_message_id: ch.messages.at(-1)?.id ?? null,
      rate_limit_per_user: 0,
      flags: 0,
    };
    if (THREAD_TYPES.has(ch.type))
      return {
        ...base,
        owner_id: ch.ownerId ?? this.botUser.id,
        message_count: ch.messageCount,
        total_message_sent: ch.messageCount,
        member_count: 1,
        thread_metadata: {
          archived: false,
          auto_archive_duration: 1440,
          archive_timestamp: iso(ch.createdAt),
          locked: false,
          create_timestamp: iso(ch.createdAt),
        },
      };
    return { ...base, position: ch.position, permission_overwrites: [], topic: ch.topic, nsfw: false };
  }

  private guildJson(g: FakeGuild): Json {
    const chans = [...this.channels.values()].filter((c) => c.guildId === g.id && c.state !== "deleted");
    return {
      id: g.id,
      name: g.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: g.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: g.roles.map((r) => this.roleJson(r)),
      emojis: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: chans.find((c) => c.type === 0)?.id ?? null,
      system_channel_flags: 0,
      rules_channel_id: null,
      max_members: 500000,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: "en-US",
      public_updates_channel_id: null,
      max_video_channel_users: 25,
      nsfw_level: 0,
      stickers: [],
      premium_progress_bar_enabled: false,
      safety_alerts_channel_id: null,
      incidents_data: null,
      // GUILD_CREATE extras
      joined_at: iso(g.createdAt),
      large: false,
      unavailable: false,
      member_count: g.memberIds.length,
      voice_states: [],
      members: g.memberIds.map((id) => this.memberJson(this.users.get(id)!, g)),
      channels: chans.filter((c) => !THREAD_TYPES.has(c.type)).map((c) => this.channelJson(c)),
      threads: chans.filter((c) => THREAD_TYPES.has(c.type)).map((c) => this.channelJson(c)),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  private buildMessage(
    channelId: string,
    body: Json,
    opts: { author?: APIUser; type?: number; interaction?: FakeInteraction; flags?: number } = {},
  ): APIMessage {
    const at = this.now();
    const ch = this.channels.get(channelId);
    const pings = computePings(body.content, body.allowed_mentions as APIAllowedMentions | undefined);
    const msg: Json = {
      id: this.snowflake(),
      type: opts.type ?? 0,
      channel_id: channelId,
      author: opts.author ?? this.botUser,
      content: typeof body.content === "string" ? body.content : "",
      timestamp: iso(at),
      edited_timestamp: null,
      tts: body.tts === true,
      mention_everyone: pings.everyone,
      mentions: pings.users.map((id) => this.users.get(id) ?? { id, username: "unknown", discriminator: "0", global_name: null, avatar: null }),
      mention_roles: pings.roles,
      attachments: Array.isArray(body.attachments) ? body.attachments : [],
      embeds: Array.isArray(body.embeds) ? (body.embeds as Json[]).map((e) => ({ type: "rich", ...e })) : [],
      components: Array.isArray(body.components) ? body.components : [],
      pinned: false,
      flags: opts.flags ?? (typeof body.flags === "number" ? body.flags : 0),
    };
    if (ch) msg.guild_id = ch.guildId;
    if (body.nonce !== undefined && body.nonce !== null) msg.nonce = body.nonce;
    if (opts.interaction) {
      msg.webhook_id = this.applicationId;
      msg.application_id = this.applicationId;
      const p = opts.interaction.payload;
      const user = ((p.member as Json | undefined)?.user ?? p.user) as APIUser;
      msg.interaction_metadata = {
        id: opts.interaction.id,
        type: p.type,
        user,
        authorizing_integration_owners: p.authorizing_integration_owners,
        ...(p.type === INTERACTION_TYPE.ApplicationCommand ? { name: (p.data as Json).name, command_type: 1 } : {}),
      };
    }
    return msg as unknown as APIMessage;
  }

  private storeInChannel(ch: FakeChannel, msg: APIMessage): void {
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

  private registeredCommand(name: string, guildId: string | undefined): APIApplicationCommand | undefined {
    return (guildId ? this.commandsFor(guildId).find((c) => c.name === name) : undefined) ?? this.globalCommands.find((c) => c.name === name);
  }

  private commandData(input: CommandInput, focused: { name: string; value: string | number } | undefined): Json {
    const channel = this.channel(input.channelId ?? this.defaultChannel().id);
    const guildId = input.guildId ?? channel.guildId;
    const registered = this.registeredCommand(input.name, guildId);
    const resolved: Json = {};
    // Where the registered definition says which types the leaf options have.
    let defs = (registered?.options ?? []) as unknown as Json[];
    const sub = input.subcommand ? defs.find((o) => o.name === input.subcommand) : undefined;
    if (sub) defs = (sub.options as Json[] | undefined) ?? [];
    if (registered && input.subcommand && !sub)
      throw new Error(`FakeDiscord: command /${input.name} has no subcommand "${input.subcommand}" registered`);

    const leaf = (name: string, value: string | number | boolean): Json => {
      const def = defs.find((o) => o.name === name);
      if (registered && !def) throw new Error(`FakeDiscord: command /${input.name} has no option "${name}" registered`);
      const type =
        (def?.type as number | undefined) ?? (typeof value === "boolean" ? 5 : typeof value === "number" ? (Number.isInteger(value) ? 4 : 10) : 3);
      // Channel options (type 7) come with the resolved channel, as Discord sends them.
      if (type === 7) {
        const c = this.channel(String(value));
        resolved.channels = { ...(resolved.channels as Json | undefined), [c.id]: { ...this.channelJson(c), permissions: BOT_PERMISSIONS } };
      }
      return { name, type, value };
    };

    let options = Object.entries(input.options ?? {}).map(([k, v]) => leaf(k, v));
    if (focused) options.push({ ...leaf(focused.name, focused.value), focused: true });
    if (input.subcommand) options = [{ name: input.subcommand, type: 1, options }];
    const data: Json = {
      id: registered?.id ?? this.snowflake(),
      name: input.name,
      type: 1,
      options,
    };
    if (registered?.guild_id) data.guild_id = registered.guild_id;
    if (Object.keys(resolved).length) data.resolved = resolved;
    return data;
  }

  private defaultChannel(): FakeChannel {
    const g = this.guild();
    const ch = [...this.channels.values()].find((c) => c.guildId === g.id && c.type === CHANNEL_TYPE.GuildText && c.state !== "deleted");
    if (!ch) throw new Error("FakeDiscord: the default guild has no text channel");
    return ch;
  }

  private sendInteraction(kind: InteractionKind, type: number, data: Json, input: InteractionCommon, message?: APIMessage): FakeInteraction {
    if (!this.sessions.size || [...this.sessions.values()].every((s) => s.ended))
      throw new Error("FakeDiscord: no gateway session to deliver the interaction to (log a client in first)");
    const channel = this.channel(input.channelId ?? this.defaultChannel().id);
    const permissions = input.permissions ?? MEMBER_PERMISSIONS;
    const channelJson: Json = { ...this.channelJson(channel), permissions };
    const channelId = channel.id;
    const guildId = input.guildId ?? channel.guildId;
    const guild = this.guild(guildId);
    const user = this.resolveUser(input.user);
    if (!guild.memberIds.includes(user.id)) guild.memberIds.push(user.id);
    const id = this.snowflake();
    const token = `fake.${crypto.randomBytes(24).toString("base64url")}`;
    const payload: Json = {
      id,
      application_id: this.applicationId,
      type,
      data,
      guild: { id: guildId, locale: "en-US", features: [] },
      guild_id: guildId,
      channel: channelJson,
      channel_id: channelId,
      member: this.memberJson(user, guild, { permissions }),
      token,
      version: 1,
      app_permissions: BOT_PERMISSIONS,
      locale: "en-US",
      guild_locale: "en-US",
      entitlements: [],
      authorizing_integration_owners: { "0": guildId },
      context: 0,
      attachment_size_limit: 10 * 1024 * 1024,
    };
    if (input.dm) {
      for (const k of ["guild", "guild_id", "member", "app_permissions", "guild_locale"]) delete payload[k];
      payload.user = user;
      payload.channel = { id: this.snowflake(), type: 1, recipients: [user], last_message_id: null, flags: 0 };
      payload.channel_id = (payload.channel as Json).id;
      payload.context = 1;
      payload.authorizing_integration_owners = { "0": user.id };
      payload.app_permissions = BOT_PERMISSIONS;
    }
    if (message) payload.message = clone(message);
    const ix = new FakeInteraction(this, kind, id, token, payload, String(payload.channel_id), this.now(), message?.id);
    this.interactionsById.set(id, ix);
    this.interactionsByToken.set(token, ix);
    this.dispatch("INTERACTION_CREATE", payload);
    return ix;
  }

  // =============================================================================================
  // Internals: gateway
  // =============================================================================================

  private liveConns(): Conn[] {
    return [...this.conns].filter((c) => c.ws.readyState === WebSocket.OPEN);
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://fake");
    if (!url.pathname.startsWith("/gateway")) {
      socket.destroy();
      return;
    }
    this.gatewayAttempts++;
    this.notify();
    if (this.gatewayAccepts === "refuse") return void socket.destroy();
    if (this.gatewayAccepts === "no-handshake") return void this.silentSockets.add(socket);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url));
  }

  private onConnection(ws: WebSocket, url: URL): void {
    const info: GatewayConnectionInfo = {
      id: ++this.connCounter,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      openedAt: this.now(),
    };
    this.gatewayConnections.push(info);
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
    if (this.gatewayAccepts === "no-hello") return void this.notify();
    this.send(conn, { op: GATEWAY_OP.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs, _trace: ["fake-discord"] }, s: null, t: null });
    this.notify();
  }

  private onClose(conn: Conn, code: number): void {
    this.conns.delete(conn);
    conn.info.closedAt = this.now();
    conn.info.closeCode = code;
    const session = conn.session;
    if (session && session.conn === conn) {
      session.conn = undefined;
      // A client closing with 1000/1001 ends its session (Discord invalidates it); others may resume.
      if (code === 1000 || code === 1001) session.ended = true;
    }
    this.notify();
  }

  private send(conn: Conn, payload: { op: number; d: unknown; s: number | null; t: string | null }): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.send(JSON.stringify(payload));
    this.gatewayLog.push({
      seq: this.nextSeq(),
      at: this.now(),
      dir: "out",
      connection: conn.id,
      op: payload.op,
      t: payload.t,
      s: payload.s,
      d: payload.d,
    });
    this.notify();
  }

  private sendDispatch(session: Session, t: string, d: unknown): void {
    const s = ++session.seq;
    session.buffer.push({ s, t, d });
    if (session.buffer.length > 1000) session.buffer.shift();
    if (session.conn) this.send(session.conn, { op: GATEWAY_OP.Dispatch, t, s, d });
  }

  /** A Guilds-intent event (channels, threads) for the sessions that asked for that intent. */
  private dispatchGuildEvent(t: string, d: unknown): void {
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
    this.gatewayLog.push({ seq: this.nextSeq(), at: this.now(), dir: "in", connection: conn.id, op: p.op as number, d: p.d });
    const d = isObject(p.d) ? p.d : {};
    switch (p.op) {
      case GATEWAY_OP.Heartbeat:
        if (this.ackHeartbeats) this.send(conn, { op: GATEWAY_OP.HeartbeatAck, d: null, s: null, t: null });
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
    this.notify();
  }

  /** IDENTIFY/RESUME token: any non-empty one, or exactly `options.token` when set. */
  private tokenOk(token: unknown): boolean {
    if (typeof token !== "string" || !token) return false;
    const t = token.replace(/^Bot\s+/i, "");
    return this.token === undefined ? t.length > 0 : t === this.token;
  }

  /** REST `Authorization: Bot <token>`. */
  private authOk(header: string | undefined): boolean {
    const m = /^Bot\s+(\S+)$/.exec(header ?? "");
    return !!m && this.tokenOk(m[1]);
  }

  private identify(conn: Conn, d: Json): void {
    if (conn.session) return void conn.ws.close(4005, "Already authenticated.");
    if (!this.tokenOk(d.token)) return void conn.ws.close(4004, "Authentication failed.");
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
    this.identifies.push({
      seq: this.nextSeq(),
      at: this.now(),
      connection: conn.id,
      sessionId: session.id,
      intents: d.intents,
      shard,
      compress: d.compress,
      properties: d.properties,
    });
    const shardGuilds = this.guilds.filter((g) => shardOf(g.id, shardCount) === shardId);
    this.sendDispatch(session, "READY", {
      v: 10,
      user: this.botUser,
      guilds: shardGuilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: "normal",
      resume_gateway_url: this.resumeGatewayUrl,
      shard: [shardId, shardCount],
      application: { id: this.applicationId, flags: 0 },
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
    for (const g of shardGuilds) this.sendDispatch(session, "GUILD_CREATE", this.guildJson(g));
  }

  private resume(conn: Conn, d: Json): void {
    conn.info.mode = "resume";
    const session = typeof d.session_id === "string" ? this.sessions.get(d.session_id) : undefined;
    const fromSeq = typeof d.seq === "number" ? d.seq : null;
    const record: ResumeRecord = {
      seq: this.nextSeq(),
      at: this.now(),
      connection: conn.id,
      sessionId: String(d.session_id),
      fromSeq,
      replayed: 0,
      ok: false,
    };
    this.resumes.push(record);
    if (!this.tokenOk(d.token)) return void conn.ws.close(4004, "Authentication failed.");
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

  // =============================================================================================
  // Internals: REST
  // =============================================================================================

  private route(method: string, pattern: string, handler: Route["handler"], auth = true): void {
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

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
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
      at: this.now(),
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
    const fi = this.failures.findIndex((f) => !f.match || f.match(info));
    let reply: Reply;
    if (fi >= 0) {
      const failure = this.failures.splice(fi, 1)[0]!;
      reply = { status: failure.status, headers: failure.headers, body: failure.body ?? { code: 0, message: `scripted ${failure.status}` } };
    } else if (!found) {
      reply = err(404, 0, "404: Not Found");
    } else if (found.route.auth && !this.authOk(req.headers.authorization)) {
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
    record.seq = this.nextSeq();
    this.requests.push(record);
    const withheld = fi < 0 ? this.withheldReplies.findIndex((m) => m(info)) : -1;
    if (withheld >= 0) {
      this.withheldReplies.splice(withheld, 1);
      this.notify();
      return;
    }
    if (reply.status >= 400 && reply.status !== 429 && fi < 0)
      this.rejections.push({ seq: record.seq, at: record.at, method, path, status: reply.status, error: reply.body as DiscordErrorBody });
    if (reply.body === undefined) res.writeHead(reply.status, { ...reply.headers }).end();
    else {
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(JSON.stringify(reply.body));
    }
    this.notify();
  }

  private channelGuard(id: string, action: "read" | "write"): { ch?: FakeChannel; error?: Reply } {
    const ch = this.channels.get(id);
    if (!ch || ch.state === "deleted") return { error: err(404, 10003, "Unknown Channel") };
    if (ch.state === "forbidden") return { error: action === "write" ? err(403, 50013, "Missing Permissions") : err(403, 50001, "Missing Access") };
    return { ch };
  }

  private checkApp(app: string | undefined): Reply | undefined {
    return app === this.applicationId ? undefined : err(403, 50001, "Missing Access");
  }

  private logWrite(w: Omit<MessageWrite, "seq" | "at" | "allowedMentions" | "pings" | "message"> & { message: APIMessage }): void {
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

  private isEmpty(m: Json): boolean {
    const content = typeof m.content === "string" ? m.content.trim() : "";
    const arr = (k: string) => Array.isArray(m[k]) && (m[k] as unknown[]).length > 0;
    return !content && !arr("embeds") && !arr("components") && !arr("attachments");
  }

  /** Applies an edit body to a stored message (fields present replace; null clears). */
  private applyEdit(msg: APIMessage, body: Json, opts: { clearLoading?: boolean; markEdited?: boolean } = {}): void {
    const m = msg as unknown as Json;
    if ("content" in body) m.content = typeof body.content === "string" ? body.content : "";
    if ("embeds" in body) m.embeds = Array.isArray(body.embeds) ? (body.embeds as Json[]).map((e) => ({ type: "rich", ...e })) : [];
    if ("components" in body) m.components = Array.isArray(body.components) ? body.components : [];
    if ("attachments" in body) m.attachments = Array.isArray(body.attachments) ? body.attachments : [];
    if (typeof body.flags === "number") m.flags = (((m.flags as number) ?? 0) & (MESSAGE_FLAGS.Ephemeral | MESSAGE_FLAGS.Loading)) | body.flags;
    if (opts.clearLoading) m.flags = ((m.flags as number) ?? 0) & ~MESSAGE_FLAGS.Loading;
    const pings = computePings(m.content, body.allowed_mentions as APIAllowedMentions | undefined);
    m.mentions = pings.users.map((id) => this.users.get(id) ?? { id, username: "unknown", discriminator: "0", global_name: null, avatar: null });
    m.mention_roles = pings.roles;
    m.mention_everyone = pings.everyone;
    if (opts.markEdited ?? true) m.edited_timestamp = iso(this.now());
  }

  private defineRoutes(): void {
    // --- gateway info ---
    this.route("GET", "/gateway/bot", () =>
      ok({
        url: this.handOutGatewayUrl ?? this.gatewayUrl,
        shards: this.recommendedShards,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      }),
    );

    // --- commands ---
    const listFor = (guildId?: string) => (guildId ? this.commandsFor(guildId) : this.globalCommands);
    const store = (guildId: string | undefined, list: APIApplicationCommand[]) => {
      if (guildId) this.guildCommands.set(guildId, list);
      else this.globalCommands = list;
    };
    const toStored = (c: Json, guildId: string | undefined, existing: APIApplicationCommand[]): APIApplicationCommand => {
      const type = (c.type as number | undefined) ?? 1;
      const prev = existing.find((e) => e.name === c.name && ((e.type as number | undefined) ?? 1) === type);
      return {
        ...c,
        id: prev?.id ?? this.snowflake(),
        application_id: this.applicationId,
        version: this.snowflake(),
        type,
        description: (c.description as string | undefined) ?? "",
        default_member_permissions: (c.default_member_permissions as string | null | undefined) ?? null,
        nsfw: (c.nsfw as boolean | undefined) ?? false,
        ...(guildId ? { guild_id: guildId } : {}),
      } as unknown as APIApplicationCommand;
    };
    const putCommands = (ctx: Ctx): Reply => {
      const denied = this.checkApp(ctx.params.app);
      if (denied) return denied;
      if (ctx.params.guild && !this.guilds.some((g) => g.id === ctx.params.guild)) return err(404, 10004, "Unknown Guild");
      if (!Array.isArray(ctx.body)) return invalidForm([{ path: [], code: "LIST_TYPE_CONVERT", message: "Must be an array." }]);
      const violations = ctx.body.flatMap((c, i) => validateCommand(c, [i]));
      if (ctx.body.length > 100) violations.push({ path: [], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 100 or fewer in length." });
      const seen = new Set<string>();
      ctx.body.forEach((c: unknown, i) => {
        const key = isObject(c) ? `${(c.type as number | undefined) ?? 1}:${String(c.name)}` : "";
        if (seen.has(key))
          violations.push({ path: [i, "name"], code: "APPLICATION_COMMANDS_DUPLICATE_NAME", message: "Application command names must be unique" });
        seen.add(key);
      });
      if (violations.length) return invalidForm(violations);
      const existing = listFor(ctx.params.guild);
      const list = (ctx.body as Json[]).map((c) => toStored(c, ctx.params.guild, existing));
      store(ctx.params.guild, list);
      return ok(list);
    };
    for (const base of ["/applications/:app/commands", "/applications/:app/guilds/:guild/commands"]) this.route("PUT", base, putCommands);

    // --- interactions ---
    this.route("POST", "/interactions/:id/:token/callback", (ctx) => this.interactionCallback(ctx), false);
    this.route("POST", "/webhooks/:app/:token", (ctx) => this.followUp(ctx), false);
    this.route("PATCH", "/webhooks/:app/:token/messages/:message", (ctx) => this.webhookMessage(ctx), false);
    this.route("DELETE", "/webhooks/:app/:token/messages/:message", (ctx) => this.webhookMessage(ctx), false);

    // --- channels ---
    this.route("GET", "/channels/:channel", (ctx) => {
      const { ch, error } = this.channelGuard(ctx.params.channel!, "read");
      return error ?? ok(this.channelJson(ch!));
    });
    this.route("GET", "/channels/:channel/messages", (ctx) => {
      const { ch, error } = this.channelGuard(ctx.params.channel!, "read");
      if (error) return error;
      const limit = ctx.query.limit === undefined ? 50 : Number(ctx.query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100)
        return invalidForm([{ path: ["limit"], code: "NUMBER_TYPE_MAX", message: "int value should be less than or equal to 100." }]);
      let list = [...ch!.messages].reverse();
      if (ctx.query.before) list = list.filter((m) => BigInt(m.id) < BigInt(ctx.query.before!));
      return ok(list.slice(0, limit));
    });
    this.route("GET", "/channels/:channel/messages/:message", (ctx) => {
      const { ch, error } = this.channelGuard(ctx.params.channel!, "read");
      if (error) return error;
      const m = ch!.messages.find((x) => x.id === ctx.params.message);
      return m ? ok(m) : err(404, 10008, "Unknown Message");
    });
    this.route("POST", "/channels/:channel/messages", (ctx) => this.createChannelMessage(ctx));
    this.route("POST", "/channels/:channel/messages/:message/threads", (ctx) => {
      const { ch, error } = this.channelGuard(ctx.params.channel!, "write");
      if (error) return error;
      const m = ch!.messages.find((x) => x.id === ctx.params.message);
      if (!m) return err(404, 10008, "Unknown Message");
      if (THREAD_TYPES.has(ch!.type)) return err(400, 50024, "Cannot execute action on this channel type");
      if (this.channels.has(m.id)) return err(400, 160004, "A thread has already been created for this message");
      const bad = this.validateThreadBody(ctx.body);
      if (bad) return bad;
      const body = ctx.body as Json;
      const thread = this.createThread(ch!, { name: String(body.name), id: m.id, ownerId: this.botUser.id });
      (m as unknown as Json).thread = this.channelJson(thread);
      return ok(this.channelJson(thread), 201);
    });
  }

  private validateThreadBody(body: unknown): Reply | undefined {
    const vs = new Violations();
    const b = isObject(body) ? body : {};
    vs.str(["name"], b.name, 100, { required: true, min: 1 });
    if (b.auto_archive_duration !== undefined && ![60, 1440, 4320, 10080].includes(b.auto_archive_duration as number))
      vs.add(["auto_archive_duration"], ["BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}."]);
    return vs.list.length ? invalidForm(vs.list) : undefined;
  }

  private createThread(parent: FakeChannel, opts: { name: string; id?: string; ownerId: string }): FakeChannel {
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
    this.dispatchGuildEvent("THREAD_CREATE", { ...this.channelJson(thread), newly_created: true });
    this.notify();
    return thread;
  }

  private createChannelMessage(ctx: Ctx): Reply {
    const { ch, error } = this.channelGuard(ctx.params.channel!, "write");
    if (error) return error;
    const body = isObject(ctx.body) ? ctx.body : {};
    const violations = validateMessage(body);
    if (typeof body.flags === "number" && body.flags & MESSAGE_FLAGS.Ephemeral)
      violations.push({ path: ["flags"], code: "MESSAGE_FLAGS_INVALID", message: "Ephemeral messages can only be sent as interaction responses" });
    if (violations.length) return invalidForm(violations);
    if (ctx.files.length && !Array.isArray(body.attachments)) body.attachments = ctx.files.map((f, i) => ({ id: String(i), filename: f.name }));
    if (Array.isArray(body.attachments)) body.attachments = this.attachments(body.attachments as Json[], ctx.files);
    if (this.isEmpty(body)) return err(400, 50006, "Cannot send an empty message");

    const nonce = body.nonce;
    if (body.enforce_nonce === true && (typeof nonce === "string" || typeof nonce === "number")) {
      const perChannel = this.nonces.get(ch!.id) ?? new Map<string, { messageId: string; at: number }>();
      this.nonces.set(ch!.id, perChannel);
      const prev = perChannel.get(String(nonce));
      const existing = prev && this.now() - prev.at <= this.nonceWindowMs ? ch!.messages.find((m) => m.id === prev.messageId) : undefined;
      if (existing) {
        this.nonceReplays.push({ seq: this.nextSeq(), at: this.now(), channelId: ch!.id, nonce, messageId: existing.id });
        return ok(existing);
      }
    }
    const msg = this.buildMessage(ch!.id, body);
    this.storeInChannel(ch!, msg);
    if (body.enforce_nonce === true && (typeof nonce === "string" || typeof nonce === "number"))
      this.nonces.get(ch!.id)!.set(String(nonce), { messageId: msg.id, at: this.now() });
    this.logWrite({ kind: "create", via: "channel", channelId: ch!.id, messageId: msg.id, body, message: msg });
    return ok(msg);
  }

  private attachments(list: Json[], files: RecordedRequest["files"]): Json[] {
    return list.map((a, i) => {
      const file = files.find((f) => f.field === `files[${String(a.id ?? i)}]`) ?? files[i];
      const id = this.snowflake();
      const filename = String(a.filename ?? file?.name ?? `file${i}`);
      return {
        id,
        filename,
        size: file?.size ?? 0,
        url: `${this.url}/attachments/${id}/${encodeURIComponent(filename)}`,
        proxy_url: `${this.url}/attachments/${id}/${encodeURIComponent(filename)}`,
        content_type: file?.contentType || "application/octet-stream",
        ...(a.description ? { description: a.description } : {}),
      };
    });
  }

  // --- interaction routes --------------------------------------------------------------------

  private recordIx(ix: FakeInteraction, e: Omit<InteractionEvent, "seq" | "at" | "interactionId">): InteractionEvent {
    const event: InteractionEvent = { seq: this.nextSeq(), at: this.now(), interactionId: ix.id, ...e };
    if (event.message) event.message = clone(event.message);
    ix.events.push(event);
    return event;
  }

  private interactionMessage(ix: FakeInteraction, body: Json, opts: { type: number; ephemeral: boolean; flags?: number }): APIMessage {
    const flags = (typeof body.flags === "number" ? body.flags : 0) | (opts.flags ?? 0) | (opts.ephemeral ? MESSAGE_FLAGS.Ephemeral : 0);
    const msg = this.buildMessage(ix.channelId, body, { type: opts.type, interaction: ix, flags });
    const ch = this.channels.get(ix.channelId);
    if (ch && !opts.ephemeral && ch.state === "ok") this.storeInChannel(ch, msg);
    else this.looseMessages.set(msg.id, msg);
    return msg;
  }

  private interactionCallback(ctx: Ctx): Reply {
    const ix = this.interactionsById.get(ctx.params.id!);
    const body = isObject(ctx.body) ? ctx.body : {};
    if (!ix) return err(404, 10062, "Unknown interaction");
    const fail = (reply: Reply, type?: number): Reply => {
      this.recordIx(ix, { kind: "callback", status: reply.status, callbackType: type, body, error: reply.body as DiscordErrorBody });
      return reply;
    };
    const type = body.type as number | undefined;
    if (ix.token !== ctx.params.token) return fail(err(401, 50027, "Invalid Webhook Token"), type);
    if (ix.acknowledged) return fail(err(400, 40060, "Interaction has already been acknowledged."), type);
    if (this.now() - ix.createdAt > INTERACTION_DEADLINE_MS) return fail(err(404, 10062, "Unknown interaction"), type);
    // The callbacks the bot uses: no deferred updates (6), modals (9) or activities (12).
    const allowed: Record<InteractionKind, number[]> = {
      command: [4, 5],
      autocomplete: [8],
      button: [4, 5, 7],
    };
    if (typeof type !== "number" || !allowed[ix.kind].includes(type))
      return fail(
        invalidForm([
          {
            path: ["type"],
            code: "INTERACTION_RESPONSE_TYPE_INVALID",
            message: `Interaction response type ${String(type)} is not valid for this interaction`,
          },
        ]),
        type,
      );
    const data = isObject(body.data) ? body.data : {};
    const ephemeral = typeof data.flags === "number" && (data.flags & MESSAGE_FLAGS.Ephemeral) !== 0;
    let message: APIMessage | undefined;
    let choices: APIApplicationCommandOptionChoice[] | undefined;

    if (type === CallbackType.ApplicationCommandAutocompleteResult) {
      const violations = validateChoices(data.choices);
      if (violations.length) return fail(invalidForm(violations), type);
      choices = clone(data.choices as APIApplicationCommandOptionChoice[]);
    } else if (type === CallbackType.ChannelMessageWithSource || type === CallbackType.UpdateMessage) {
      const violations = validateMessage(data, ["data"]);
      if (violations.length) return fail(invalidForm(violations), type);
      if (ctx.files.length && Array.isArray(data.attachments)) data.attachments = this.attachments(data.attachments as Json[], ctx.files);
      if (type === CallbackType.ChannelMessageWithSource) {
        if (this.isEmpty(data)) return fail(err(400, 50006, "Cannot send an empty message"), type);
        message = this.interactionMessage(ix, data, { type: ix.kind === "command" ? 20 : 0, ephemeral });
        ix.originalId = message.id;
        ix.ephemeral = ephemeral;
        this.logWrite({
          kind: "create",
          via: "interaction-reply",
          channelId: ix.channelId,
          messageId: message.id,
          interactionId: ix.id,
          body: data,
          message,
        });
      } else {
        const source = ix.sourceMessageId ? this.findMessage(ix.sourceMessageId) : undefined;
        if (!source) return fail(err(404, 10008, "Unknown Message"), type);
        const next = clone(source);
        this.applyEdit(next, data);
        if (this.isEmpty(next as unknown as Json)) return fail(err(400, 50006, "Cannot send an empty message"), type);
        Object.assign(source, next);
        message = source;
        ix.originalId = source.id;
        this.logWrite({
          kind: "edit",
          via: "component-update",
          channelId: source.channel_id,
          messageId: source.id,
          interactionId: ix.id,
          body: data,
          message,
        });
      }
    } else if (type === CallbackType.DeferredChannelMessageWithSource) {
      message = this.interactionMessage(ix, { content: "" }, { type: ix.kind === "command" ? 20 : 0, ephemeral, flags: MESSAGE_FLAGS.Loading });
      ix.originalId = message.id;
      ix.ephemeral = ephemeral;
      this.logWrite({
        kind: "create",
        via: "interaction-defer",
        channelId: ix.channelId,
        messageId: message.id,
        interactionId: ix.id,
        body: data,
        message,
      });
    }

    ix.acknowledgedWith = type;
    this.recordIx(ix, { kind: "callback", status: ctx.query.with_response === "true" ? 200 : 204, callbackType: type, body, message, choices });
    if (ctx.query.with_response !== "true") return { status: 204 };
    const resource: Json = { type };
    if (message) resource.message = message;
    return ok({
      interaction: {
        id: ix.id,
        type: ix.payload.type,
        ...(message
          ? {
              response_message_id: message.id,
              response_message_loading: type === CallbackType.DeferredChannelMessageWithSource,
              response_message_ephemeral: ix.ephemeral,
            }
          : {}),
      },
      resource,
    });
  }

  /** Finds the interaction behind a webhook token route, or the error Discord would give. */
  private webhookIx(ctx: Ctx): { ix?: FakeInteraction; error?: Reply } {
    if (ctx.params.app !== this.applicationId) return { error: err(404, 10015, "Unknown Webhook") };
    const ix = this.interactionsByToken.get(ctx.params.token!);
    if (!ix) return { error: err(401, 50027, "Invalid Webhook Token") };
    if (this.now() - ix.createdAt > INTERACTION_TOKEN_TTL_MS) return { ix, error: err(401, 50027, "Invalid Webhook Token") };
    return { ix };
  }

  private followUp(ctx: Ctx): Reply {
    const { ix, error } = this.webhookIx(ctx);
    const body = isObject(ctx.body) ? ctx.body : {};
    const fail = (reply: Reply): Reply => {
      if (ix) this.recordIx(ix, { kind: "followup", status: reply.status, body, error: reply.body as DiscordErrorBody });
      return reply;
    };
    if (error) return fail(error);
    if (!ix!.acknowledged) return fail(err(404, 10015, "Unknown Webhook"));
    const violations = validateMessage(body);
    if (violations.length) return fail(invalidForm(violations));
    if (this.isEmpty(body)) return fail(err(400, 50006, "Cannot send an empty message"));
    const ephemeral = typeof body.flags === "number" && (body.flags & MESSAGE_FLAGS.Ephemeral) !== 0;
    const message = this.interactionMessage(ix!, body, { type: 0, ephemeral });
    ix!.followUpIds.push(message.id);
    this.recordIx(ix!, { kind: "followup", status: 200, body, message });
    this.logWrite({ kind: "create", via: "followup", channelId: ix!.channelId, messageId: message.id, interactionId: ix!.id, body, message });
    return ok(message);
  }

  private webhookMessage(ctx: Ctx): Reply {
    const { ix, error } = this.webhookIx(ctx);
    const body = isObject(ctx.body) ? ctx.body : {};
    const kind = ctx.method === "PATCH" ? "edit" : "delete";
    const fail = (reply: Reply): Reply => {
      if (ix) this.recordIx(ix, { kind, status: reply.status, body, error: reply.body as DiscordErrorBody });
      return reply;
    };
    if (error) return fail(error);
    const target = ctx.params.message === "@original" ? ix!.originalId : ctx.params.message;
    const owned = target && (target === ix!.originalId || ix!.followUpIds.includes(target));
    const msg = owned ? this.findMessage(target) : undefined;
    if (!msg) return fail(err(404, 10008, "Unknown Message"));
    if (kind === "delete") {
      for (const ch of this.channels.values()) {
        const i = ch.messages.findIndex((m) => m.id === msg.id);
        if (i >= 0) ch.messages.splice(i, 1);
      }
      this.looseMessages.delete(msg.id);
      this.recordIx(ix!, { kind: "delete", status: 204, body: undefined });
      return { status: 204 };
    }
    const violations = validateMessage(body);
    if (violations.length) return fail(invalidForm(violations));
    const wasLoading = ((msg.flags ?? 0) & MESSAGE_FLAGS.Loading) !== 0;
    const next = clone(msg);
    this.applyEdit(next, body, { clearLoading: true, markEdited: !wasLoading });
    if (this.isEmpty(next as unknown as Json)) return fail(err(400, 50006, "Cannot send an empty message"));
    Object.assign(msg, next);
    this.recordIx(ix!, { kind: "edit", status: 200, body, message: msg });
    this.logWrite({ kind: "edit", via: "interaction-edit", channelId: msg.channel_id, messageId: msg.id, interactionId: ix!.id, body, message: msg });
    return ok(msg);
  }
}

// ---------------------------------------------------------------------------------------------
// discord.js convenience
// ---------------------------------------------------------------------------------------------

/**
 * Creates a discord.js `Client` pointed at the fake, logs in and waits for `clientReady` (guilds
 * cached). Destroy it (`await client.destroy()`) before `fake.stop()`.
 */
export async function loginClient(fake: FakeDiscord, opts: { options?: Partial<ClientOptions> } = {}): Promise<Client> {
  const client = new Client(fake.clientOptions(opts.options));
  const timeoutMs = 10_000;
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    client.once(Events.ClientReady, () => resolve());
    timer = setTimeout(() => reject(new Error(`client not ready after ${timeoutMs} ms\n${fake.summary()}`)), timeoutMs);
  });
  try {
    await client.login("fake-bot-token");
    await ready;
    return client;
  } catch (e) {
    await client.destroy();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/*
 * Notes on discord.js behaviour this fake relies on (14.28, @discordjs/ws 1.2, @discordjs/rest 2.6):
 * - The gateway URL comes only from GET /gateway/bot; discord.js appends `?v=10&encoding=json`
 *   (no `compress` unless zlib-sync is installed) and, when resuming, uses READY's
 *   `resume_gateway_url` the same way.
 * - READY and the GUILD_CREATEs may be written back to back; discord.js keeps their order and only
 *   emits `clientReady` once every guild listed in READY has arrived (else after 15 s).
 * - Interaction callbacks and webhook routes are sent without Authorization (`auth: false`).
 * - A 401 on an authenticated request makes @discordjs/rest forget its token.
 */
