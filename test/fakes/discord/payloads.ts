import type { APIAllowedMentions, APIMessage, APIUser } from "discord.js";
import { INTERACTION_TYPE, iso, type Json, MESSAGE_FLAGS, THREAD_TYPES } from "./constants.js";
import type { FakeDiscord } from "./fakeDiscord.js";
import type { FakeInteraction } from "./interaction.js";
import { computePings } from "./mentions.js";
import type { FakeChannel, FakeGuild, FakeRole } from "./types.js";

/* The fake's world as Discord's API shapes it: roles, members, channels, guilds, messages. */

export function roleJson(r: FakeRole): Json {
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

export function memberJson(user: APIUser, guild: FakeGuild, extra: Json = {}): Json {
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
export function channelJson(fake: FakeDiscord, ch: FakeChannel): Json {
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
      owner_id: ch.ownerId ?? fake.botUser.id,
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

export function guildJson(fake: FakeDiscord, g: FakeGuild): Json {
  const chans = [...fake.channels.values()].filter((c) => c.guildId === g.id && c.state !== "deleted");
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
    roles: g.roles.map((r) => roleJson(r)),
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
    members: g.memberIds.map((id) => memberJson(fake.users.get(id)!, g)),
    channels: chans.filter((c) => !THREAD_TYPES.has(c.type)).map((c) => channelJson(fake, c)),
    threads: chans.filter((c) => THREAD_TYPES.has(c.type)).map((c) => channelJson(fake, c)),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function buildMessage(
  fake: FakeDiscord,
  channelId: string,
  body: Json,
  opts: { author?: APIUser; type?: number; interaction?: FakeInteraction; flags?: number } = {},
): APIMessage {
  const at = fake.now();
  const ch = fake.channels.get(channelId);
  const pings = computePings(body.content, body.allowed_mentions as APIAllowedMentions | undefined);
  const msg: Json = {
    id: fake.snowflake(),
    type: opts.type ?? 0,
    channel_id: channelId,
    author: opts.author ?? fake.botUser,
    content: typeof body.content === "string" ? body.content : "",
    timestamp: iso(at),
    edited_timestamp: null,
    tts: body.tts === true,
    mention_everyone: pings.everyone,
    mentions: pings.users.map((id) => fake.users.get(id) ?? { id, username: "unknown", discriminator: "0", global_name: null, avatar: null }),
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
    msg.webhook_id = fake.applicationId;
    msg.application_id = fake.applicationId;
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

/** Applies an edit body to a stored message (fields present replace; null clears). */
export function applyEdit(fake: FakeDiscord, msg: APIMessage, body: Json, opts: { clearLoading?: boolean; markEdited?: boolean } = {}): void {
  const m = msg as unknown as Json;
  if ("content" in body) m.content = typeof body.content === "string" ? body.content : "";
  if ("embeds" in body) m.embeds = Array.isArray(body.embeds) ? (body.embeds as Json[]).map((e) => ({ type: "rich", ...e })) : [];
  if ("components" in body) m.components = Array.isArray(body.components) ? body.components : [];
  if ("attachments" in body) m.attachments = Array.isArray(body.attachments) ? body.attachments : [];
  if (typeof body.flags === "number") m.flags = (((m.flags as number) ?? 0) & (MESSAGE_FLAGS.Ephemeral | MESSAGE_FLAGS.Loading)) | body.flags;
  if (opts.clearLoading) m.flags = ((m.flags as number) ?? 0) & ~MESSAGE_FLAGS.Loading;
  const pings = computePings(m.content, body.allowed_mentions as APIAllowedMentions | undefined);
  m.mentions = pings.users.map((id) => fake.users.get(id) ?? { id, username: "unknown", discriminator: "0", global_name: null, avatar: null });
  m.mention_roles = pings.roles;
  m.mention_everyone = pings.everyone;
  if (opts.markEdited ?? true) m.edited_timestamp = iso(fake.now());
}
