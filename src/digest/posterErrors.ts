/**
 * What a `DigestPoster` throws when a post can never succeed in that channel as things stand; the
 * digest pauses that server with `reason`. Any other error is taken as transient (retried, or the
 * day is recorded as failed).
 */
export abstract class DigestPosterError extends Error {
  abstract readonly reason: string;
  constructor(
    readonly channelId: string,
    message: string,
  ) {
    super(message);
  }
}

/** The channel was deleted or is unknown to the bot (Discord 10003, or 404 on the channel). */
export class ChannelGoneError extends DigestPosterError {
  override name = "ChannelGoneError";
  readonly reason: string;
  constructor(channelId: string, detail?: string) {
    super(channelId, `channel ${channelId} is gone${detail ? ` (${detail})` : ""}`);
    this.reason = `The digest channel (${channelId}) was deleted or the bot can no longer see it; choose a channel and resume.`;
  }
}

/** The bot may not read or post there (Discord 50001 Missing Access, 50013 Missing Permissions, 403). */
export class MissingAccessError extends DigestPosterError {
  override name = "MissingAccessError";
  readonly reason: string;
  constructor(
    channelId: string,
    /** Which permissions are missing, when known ("Send Messages, Embed Links"). */
    readonly missing?: string,
  ) {
    super(channelId, `no permission to post in channel ${channelId}${missing ? ` (missing ${missing})` : ""}`);
    this.reason =
      `The bot lacks permission to post in the digest channel (${channelId})` +
      `${missing ? `: missing ${missing}` : ""}. It needs View Channel, Send Messages, Embed Links and ` +
      `Read Message History; fix that and resume.`;
  }
}

/**
 * Discord refused the post itself (too large, invalid form body, a rejected token): sending it
 * again cannot help, so the day is recorded as failed and not posted, without retries, and the
 * server is not paused.
 */
export class PostRejectedError extends Error {
  override name = "PostRejectedError";
}

/** Discord does not accept the bot's token (401): no call can succeed until the token is fixed. */
export class BotTokenRejectedError extends PostRejectedError {
  override name = "BotTokenRejectedError";
  constructor() {
    super("the bot token was rejected (HTTP 401)");
  }
}
