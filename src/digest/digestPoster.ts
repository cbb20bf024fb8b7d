import type { DigestPost } from "./digestPost.js";

export interface RecentMessage {
  id: string;
  /** Present only when Discord returns it (the create response and gateway events; history usually omits it). */
  nonce?: string;
  content: string;
  /** Whether the bot itself wrote the message. */
  authorIsMe: boolean;
}

/**
 * Where digests go: implemented on the Discord side. Throw `ChannelGoneError` when the channel is
 * deleted or unknown, `MissingAccessError` when the bot may not read or post there; anything else
 * thrown counts as transient.
 */
export interface DigestPoster {
  /**
   * Posts `post` as one message: `content` as the text, one embed per entry. Must send `nonce` with
   * `enforce_nonce: true` and allow no mentions, so a repeated call within Discord's nonce window
   * returns the first message instead of posting again.
   */
  send(channelId: string, post: DigestPost, nonce: string): Promise<{ messageId: string }>;
  /** The newest `limit` messages of the channel, newest first. */
  recentMessages(channelId: string, limit: number): Promise<RecentMessage[]>;
}
