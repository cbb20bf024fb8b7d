import type { DigestPost } from "./digestPost.js";

export interface RecentMessage {
  id: string;
  /** Present only when Discord returns it (the create response and gateway events; history usually omits it). */
  nonce?: string;
  content: string;
  /** Whether the bot itself wrote the message. */
  authorIsMe: boolean;
  /** When Discord says it was sent. */
  sentAt: Date;
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
  /**
   * One page of the channel's history, newest first: its newest `limit` (at most 100) messages, or
   * with `before` (a message id) the `limit` messages just older than that one.
   */
  recentMessages(channelId: string, limit: number, before?: string): Promise<RecentMessage[]>;
}
