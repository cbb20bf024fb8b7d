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
 *
 * It covers what paperbot does (slash commands, autocomplete, buttons, modals and their submits, deferred replies, edits,
 * follow-ups, threads from messages, channel posts with nonces and files, command registration,
 * shards, files attached to a command and served by a CDN with signed links); the code is in ./discord/.
 */

export { CallbackType, MANAGER_PERMISSIONS, MEMBER_PERMISSIONS, Permissions, shardOf } from "./discord/constants.js";
export { FakeDiscord } from "./discord/fakeDiscord.js";
export type { FakeInteraction } from "./discord/interaction.js";
export { loginClient } from "./discord/loginClient.js";
export { mentionsNobody } from "./discord/mentions.js";
export type { AttachmentInput, CommandInput, ModalSubmitInput } from "./discord/types.js";
export { validateMessage } from "./discord/validation.js";

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
