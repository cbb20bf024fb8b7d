import { PermissionFlagsBits, type Guild, type User } from "discord.js";

/** What the bot needs in the digest channel, with the names Discord shows. */
export const DIGEST_PERMISSIONS = [
  [PermissionFlagsBits.ViewChannel, "View Channel"],
  [PermissionFlagsBits.SendMessages, "Send Messages"],
  [PermissionFlagsBits.EmbedLinks, "Embed Links"],
  [PermissionFlagsBits.ReadMessageHistory, "Read Message History"],
] as const;

export type ChannelAccess =
  | { kind: "ok" }
  /** The channel is not in the bot's cache: it cannot see it (or it is not a channel of this server). */
  | { kind: "unseen" }
  /** Permissions could not be worked out (the bot's member is not cached). */
  | { kind: "unknown" }
  | { kind: "missing"; missing: string[] };

/** Whether the bot (`me`) can post the digest in `channelId` of `guild`, from the cached channel and roles. */
export function digestChannelAccess(guild: Guild | null, channelId: string, me: User): ChannelAccess {
  const channel = guild?.channels.cache.get(channelId);
  if (!channel) return { kind: "unseen" };
  const perms = channel.permissionsFor(me);
  if (!perms) return { kind: "unknown" };
  const missing = DIGEST_PERMISSIONS.filter(([bit]) => !perms.has(bit)).map(([, name]) => name);
  return missing.length ? { kind: "missing", missing } : { kind: "ok" };
}
