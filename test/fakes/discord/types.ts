import type http from "node:http";
import type { APIAllowedMentions, APIApplicationCommandOptionChoice, APIMessage } from "discord.js";
import type { Json } from "./constants.js";
import type { FakeInteraction } from "./interaction.js";

/* The fake's public types: its options, its world (guilds, channels), what it records, test inputs. */

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
  /** For callbacks: 4 reply, 5 defer, 7 update, 8 autocomplete, 9 modal. */
  callbackType?: number;
  /** The message written (snapshot), for replies, edits, follow-ups and updates. */
  message?: APIMessage;
  /** Autocomplete results. */
  choices?: APIApplicationCommandOptionChoice[];
  /** A modal shown (callback type 9's `data`). */
  modal?: Json;
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

export interface InteractionCommon {
  /** Defaults to the first text channel of the default guild. Threads work (type 11). */
  channelId?: string;
  /** Defaults to the channel's guild. */
  guildId?: string;
  /** Sent from the user's DM with the bot: no guild, no member (`guildId` is ignored; `channelId` names the DM channel unless it is a guild's, default a new one). */
  dm?: boolean;
  /** A user id, a user, or defaults to `fake.defaultUser`. */
  user?: string | UserInput;
  /** The member's permissions in the channel, default `MEMBER_PERMISSIONS`. */
  permissions?: string;
}

/** A file a user attaches to an attachment option (type 11); the fake's CDN serves its bytes. */
export interface AttachmentInput {
  filename: string;
  data: Uint8Array;
  /** What Discord says the file is; default from the extension (".pdf": application/pdf); null leaves it out. */
  contentType?: string | null;
  /** The size Discord reports (default the data's length). */
  size?: number;
}

/** Option values by name (types from the registered command, else inferred). */
export type OptionsInput = Record<string, string | number | boolean | AttachmentInput>;

/** A request to the fake's CDN (attachment downloads). */
export interface CdnRequest {
  seq: number;
  at: number;
  method: string;
  path: string;
  status: number;
  /** Bytes of the file sent in the body. */
  bytes: number;
}

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

export interface ModalSubmitInput {
  /** The interaction the bot answered with the modal (callback type 9); the same user submits it, in the same place. */
  opener: FakeInteraction;
  /** What the user typed, by the text inputs' custom ids. */
  values?: Record<string, string>;
}

export interface ButtonInput extends InteractionCommon {
  customId: string;
  /** The message carrying the button; defaults to the newest message with that custom_id. */
  messageId?: string;
}
