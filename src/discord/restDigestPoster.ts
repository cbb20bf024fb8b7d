import {
  DiscordAPIError,
  HTTPError,
  REST,
  RESTJSONErrorCodes,
  Routes,
  SnowflakeUtil,
  type APIMessage,
  type RESTPostAPIChannelMessageJSONBody,
} from "discord.js";
import type { DigestPost } from "../digest/digestPost.js";
import type { DigestPoster, RecentMessage } from "../digest/digestPoster.js";
import { BotTokenRejectedError, ChannelGoneError, MissingAccessError, PostRejectedError } from "../digest/posterErrors.js";
import { digestComponents, digestEmbeds, digestPostProblems } from "./digestMessage.js";
import { NO_MENTIONS } from "./limits.js";

/** Discord returns at most this many messages per history request. */
const MAX_HISTORY = 100;

/**
 * The `DigestPoster` over Discord's REST API (`@discordjs/rest`, as re-exported by discord.js):
 * works with a gateway client's `client.rest` or a standalone `REST` (the CLI). Channel errors
 * become `ChannelGoneError` / `MissingAccessError`; everything else is rethrown as transient.
 */
/** A poster over REST alone (no gateway), as the CLI uses it. */
export function restDigestPoster(apiBase: string, token: string, appId: string): RestDigestPoster {
  return new RestDigestPoster(new REST({ api: apiBase }).setToken(token), appId);
}

export class RestDigestPoster implements DigestPoster {
  constructor(
    private readonly rest: REST,
    /** The bot's user id (for bots, the application id): messages by it count as the bot's own. */
    private readonly botUserId: string,
  ) {}

  async send(channelId: string, post: DigestPost, nonce: string): Promise<{ messageId: string }> {
    const problems = digestPostProblems(post, nonce);
    if (problems.length) throw new PostRejectedError(`the digest post does not fit in one Discord message: ${problems.join("; ")}`);
    const body: RESTPostAPIChannelMessageJSONBody = {
      content: post.content,
      embeds: digestEmbeds(post),
      components: digestComponents(post),
      nonce,
      enforce_nonce: true,
      allowed_mentions: NO_MENTIONS,
    };
    const message = (await this.call(channelId, () => this.rest.post(Routes.channelMessages(channelId), { body }))) as APIMessage;
    return { messageId: message.id };
  }

  async recentMessages(channelId: string, limit: number, before?: string): Promise<RecentMessage[]> {
    const query = new URLSearchParams({ limit: String(Math.max(1, Math.min(MAX_HISTORY, Math.floor(limit)))) });
    if (before) query.set("before", before);
    const messages = (await this.call(channelId, () => this.rest.get(Routes.channelMessages(channelId), { query }))) as APIMessage[];
    return messages.map((m) => ({
      id: m.id,
      nonce: m.nonce === undefined ? undefined : String(m.nonce),
      content: m.content ?? "",
      authorIsMe: m.author?.id === this.botUserId,
      sentAt: new Date(Date.parse(m.timestamp) || SnowflakeUtil.timestampFrom(m.id)),
    }));
  }

  private async call<T>(channelId: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw toPosterError(channelId, err);
    }
  }
}

/**
 * Discord's answer as the digest understands it: a rejected token, a channel that is gone, one the
 * bot may not use, a refused post, or the error itself (transient).
 */
export function toPosterError(channelId: string, err: unknown): unknown {
  const code = err instanceof DiscordAPIError ? err.code : undefined;
  const status = err instanceof DiscordAPIError || err instanceof HTTPError ? err.status : undefined;
  const detail = err instanceof Error ? err.message : undefined;
  // After a 401, @discordjs/rest drops the token and fails every later call with this message.
  if (status === 401 || detail?.startsWith("Expected token to be set")) return new BotTokenRejectedError();
  if (code === RESTJSONErrorCodes.UnknownChannel || status === 404) return new ChannelGoneError(channelId, detail);
  if (code === RESTJSONErrorCodes.MissingAccess || code === RESTJSONErrorCodes.MissingPermissions || status === 403)
    return new MissingAccessError(channelId);
  if (code === RESTJSONErrorCodes.InvalidFormBodyOrContentType) return new PostRejectedError(`Discord refused the post: ${detail}`);
  return err;
}
