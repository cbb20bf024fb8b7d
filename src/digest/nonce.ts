import { createHash } from "node:crypto";

/** Discord accepts a message nonce of at most 25 characters. */
export const NONCE_LENGTH = 25;

/**
 * The nonce of the digest post for (channel, date): the same on every attempt and every restart, so
 * a send repeated with `enforce_nonce` returns the first message instead of posting a second. The
 * "pd" prefix keeps it from ever being all digits (Discord would read that as an integer).
 */
export function digestNonce(channelId: string, date: string): string {
  const hex = createHash("sha256").update(`paperbot-digest\n${channelId}\n${date}`).digest("hex");
  return `pd${BigInt(`0x${hex}`)
    .toString(36)
    .padStart(50, "0")
    .slice(0, NONCE_LENGTH - 2)}`;
}
