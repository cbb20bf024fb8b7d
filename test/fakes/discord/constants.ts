/* Discord constants the fake needs, and small helpers. */

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

export const CHANNEL_TYPE = { GuildText: 0, PublicThread: 11 } as const;
export const THREAD_TYPES = new Set<number>([10, 11, 12]);

export const INTERACTION_TYPE = { ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4, ModalSubmit: 5 } as const;

/** Interaction callback types (`POST /interactions/{id}/{token}/callback` body `type`). */
export const CallbackType = {
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  UpdateMessage: 7,
  ApplicationCommandAutocompleteResult: 8,
  Modal: 9,
} as const;

export const MESSAGE_FLAGS = { Ephemeral: 1 << 6, Loading: 1 << 7, IsComponentsV2: 1 << 15 };

export const GATEWAY_OP = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  Resume: 6,
  Reconnect: 7,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

export type Json = Record<string, unknown>;

/** The shard a guild's events go to when the bot runs `count` shards (Discord's formula). */
export const shardOf = (guildId: string, count: number): number => (/^\d+$/.test(guildId) ? Number((BigInt(guildId) >> 22n) % BigInt(count)) : 0);

export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
export const clone = <T>(v: T): T => structuredClone(v);
export const iso = (ms: number) => new Date(ms).toISOString();
