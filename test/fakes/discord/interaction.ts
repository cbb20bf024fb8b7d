import crypto from "node:crypto";
import type { APIApplicationCommandOptionChoice, APIMessage } from "discord.js";
import { BOT_PERMISSIONS, CallbackType, clone, type Json, MEMBER_PERMISSIONS } from "./constants.js";
import type { FakeDiscord } from "./fakeDiscord.js";
import { channelJson, memberJson } from "./payloads.js";
import type { CommandInput, InteractionCommon, InteractionEvent, OptionsInput } from "./types.js";

export type InteractionKind = "command" | "autocomplete" | "button" | "modal";

/**
 * One interaction the fake dispatched, and everything the bot did with it. Await `reply()`,
 * `choices()`, `followUp()` or `callback()`; read `events`, `original`, `followUps`.
 */
export class FakeInteraction {
  readonly events: InteractionEvent[] = [];
  /** @internal id of the @original message once there is one. */
  originalId?: string;
  /** @internal */
  followUpIds: string[] = [];
  /** @internal the first successful callback's type. */
  acknowledgedWith?: number;
  /** @internal */
  ephemeral = false;
  /** @internal */
  deleted = false;
  /** @internal whether the modal this interaction was answered with has been submitted (once only, as on Discord). */
  modalSubmitted = false;

  constructor(
    private readonly fake: FakeDiscord,
    readonly kind: InteractionKind,
    readonly id: string,
    readonly token: string,
    /** The INTERACTION_CREATE payload exactly as dispatched. */
    readonly payload: Json,
    readonly channelId: string,
    readonly createdAt: number,
    readonly sourceMessageId?: string,
  ) {}

  /** Whether a callback was accepted. */
  get acknowledged(): boolean {
    return this.acknowledgedWith !== undefined;
  }

  get callbackType(): number | undefined {
    return this.acknowledgedWith;
  }

  /** The @original message as it is now (live, not a snapshot). */
  get original(): APIMessage | undefined {
    return this.originalId ? this.fake.findMessage(this.originalId) : undefined;
  }

  get followUps(): APIMessage[] {
    return this.followUpIds.map((id) => this.fake.findMessage(id)).filter((m): m is APIMessage => !!m);
  }

  /** Attempts the fake refused (limits, double acknowledge, late response ...). */
  get rejected(): InteractionEvent[] {
    return this.events.filter((e) => e.status >= 400);
  }

  /** Waits until `predicate(this)` returns something other than undefined/null/false. */
  waitFor<T>(predicate: (ix: this) => T | undefined | null | false, timeoutMs = 5000, what = "a condition"): Promise<T> {
    return this.fake.waitFor(
      () => predicate(this),
      timeoutMs,
      () => `${what} on interaction ${this.kind} ${this.id}\n${this.describe()}`,
    );
  }

  /** The first accepted callback (reply, defer, update, autocomplete result). */
  callback(timeoutMs = 5000): Promise<InteractionEvent> {
    return this.waitFor((ix) => ix.events.find((e) => e.kind === "callback" && e.status < 400), timeoutMs, "the interaction callback");
  }

  /**
   * The reply the user sees: the message of a type-4 reply, the first edit after a deferral
   * (type 5), or the updated message of a type-7 update. Rejected attempts are skipped.
   */
  reply(timeoutMs = 5000): Promise<APIMessage> {
    return this.waitFor(
      (ix) => {
        const ok = ix.events.filter((e) => e.status < 400);
        const cb = ok.find((e) => e.kind === "callback");
        if (!cb) return undefined;
        if (cb.callbackType === CallbackType.ChannelMessageWithSource || cb.callbackType === CallbackType.UpdateMessage) return cb.message;
        if (cb.callbackType === CallbackType.DeferredChannelMessageWithSource) return ok.find((e) => e.kind === "edit" && e.seq > cb.seq)?.message;
        throw new Error(`interaction ${ix.id} was answered with callback type ${cb.callbackType}, which has no reply`);
      },
      timeoutMs,
      "the visible reply",
    );
  }

  /** The autocomplete choices the bot responded with. */
  choices(timeoutMs = 5000): Promise<APIApplicationCommandOptionChoice[]> {
    return this.waitFor(
      (ix) =>
        ix.events.find((e) => e.kind === "callback" && e.status < 400 && e.callbackType === CallbackType.ApplicationCommandAutocompleteResult)
          ?.choices,
      timeoutMs,
      "autocomplete choices",
    );
  }

  /** The modal the bot answered with (callback type 9): its `data` as sent. */
  modal(timeoutMs = 5000): Promise<Json> {
    return this.waitFor(
      (ix) => ix.events.find((e) => e.kind === "callback" && e.status < 400 && e.callbackType === CallbackType.Modal)?.modal,
      timeoutMs,
      "a modal",
    );
  }

  /** The n-th (0-based) follow-up message, as first sent. */
  followUp(n = 0, timeoutMs = 5000): Promise<APIMessage> {
    return this.waitFor((ix) => ix.events.filter((e) => e.kind === "followup" && e.status < 400)[n]?.message, timeoutMs, `follow-up #${n}`);
  }

  /** A one-line-per-event summary, for failure messages. */
  describe(): string {
    if (!this.events.length) return "  (the bot has not answered this interaction)";
    return this.events
      .map((e) => {
        const what = e.kind === "callback" ? `callback type ${e.callbackType}` : e.kind;
        const detail = e.error
          ? ` ${JSON.stringify(e.error).slice(0, 300)}`
          : e.message
            ? ` content=${JSON.stringify(e.message.content.slice(0, 80))}`
            : "";
        return `  +${e.at - this.createdAt}ms ${what} -> ${e.status}${detail}`;
      })
      .join("\n");
  }
}

/** The `data` of a chat-input or autocomplete interaction, typed by the registered command when there is one. */
export function commandData(fake: FakeDiscord, input: CommandInput, focused: { name: string; value: string | number } | undefined): Json {
  const channel = fake.channel(input.channelId ?? fake.defaultChannel().id);
  const guildId = input.guildId ?? channel.guildId;
  const registered = fake.registeredCommand(input.name, guildId);
  const resolved: Json = {};
  // Where the registered definition says which types the leaf options have.
  let defs = (registered?.options ?? []) as unknown as Json[];
  const sub = input.subcommand ? defs.find((o) => o.name === input.subcommand) : undefined;
  if (sub) defs = (sub.options as Json[] | undefined) ?? [];
  if (registered && input.subcommand && !sub)
    throw new Error(`FakeDiscord: command /${input.name} has no subcommand "${input.subcommand}" registered`);

  const leaf = (name: string, value: OptionsInput[string]): Json => {
    const def = defs.find((o) => o.name === name);
    if (registered && !def) throw new Error(`FakeDiscord: command /${input.name} has no option "${name}" registered`);
    // An attachment option's value is the attachment's id; the file itself is in `resolved.attachments`.
    if (typeof value === "object") {
      const attachment = fake.cdn.attach(channel.id, value);
      resolved.attachments = { ...(resolved.attachments as Json | undefined), [attachment.id]: attachment };
      return { name, type: 11, value: attachment.id };
    }
    const type =
      (def?.type as number | undefined) ?? (typeof value === "boolean" ? 5 : typeof value === "number" ? (Number.isInteger(value) ? 4 : 10) : 3);
    // Channel options (type 7) come with the resolved channel, as Discord sends them.
    if (type === 7) {
      const c = fake.channel(String(value));
      resolved.channels = { ...(resolved.channels as Json | undefined), [c.id]: { ...channelJson(fake, c), permissions: BOT_PERMISSIONS } };
    }
    return { name, type, value };
  };

  let options = Object.entries(input.options ?? {}).map(([k, v]) => leaf(k, v));
  if (focused) options.push({ ...leaf(focused.name, focused.value), focused: true });
  if (input.subcommand) options = [{ name: input.subcommand, type: 1, options }];
  const data: Json = {
    id: registered?.id ?? fake.snowflake(),
    name: input.name,
    type: 1,
    options,
  };
  if (registered?.guild_id) data.guild_id = registered.guild_id;
  if (Object.keys(resolved).length) data.resolved = resolved;
  return data;
}

/** The INTERACTION_CREATE payload for an interaction in a channel (or a DM), dispatched to the shard it belongs to. */
export function createInteraction(
  fake: FakeDiscord,
  kind: InteractionKind,
  type: number,
  data: Json,
  input: InteractionCommon,
  message?: APIMessage,
): FakeInteraction {
  if (!fake.gateway.hasSession) throw new Error("FakeDiscord: no gateway session to deliver the interaction to (log a client in first)");
  const channel = input.dm ? fake.defaultChannel() : fake.channel(input.channelId ?? fake.defaultChannel().id);
  const permissions = input.permissions ?? MEMBER_PERMISSIONS;
  const channelPayload: Json = { ...channelJson(fake, channel), permissions };
  const channelId = channel.id;
  const guildId = input.guildId ?? channel.guildId;
  const guild = fake.guild(guildId);
  const user = fake.resolveUser(input.user);
  if (!guild.memberIds.includes(user.id)) guild.memberIds.push(user.id);
  const id = fake.snowflake();
  const token = `fake.${crypto.randomBytes(24).toString("base64url")}`;
  const payload: Json = {
    id,
    application_id: fake.applicationId,
    type,
    data,
    guild: { id: guildId, locale: "en-US", features: [] },
    guild_id: guildId,
    channel: channelPayload,
    channel_id: channelId,
    member: memberJson(user, guild, { permissions }),
    token,
    version: 1,
    app_permissions: BOT_PERMISSIONS,
    locale: "en-US",
    guild_locale: "en-US",
    entitlements: [],
    authorizing_integration_owners: { "0": guildId },
    context: 0,
    attachment_size_limit: 10 * 1024 * 1024,
  };
  if (input.dm) {
    for (const k of ["guild", "guild_id", "member", "app_permissions", "guild_locale"]) delete payload[k];
    payload.user = user;
    // A guild's channel cannot be a DM: a click "in a DM" on a guild message gets a DM channel of its own.
    const dmId = input.channelId && !fake.channels.has(input.channelId) ? input.channelId : fake.snowflake();
    payload.channel = { id: dmId, type: 1, recipients: [user], last_message_id: null, flags: 0 };
    payload.channel_id = (payload.channel as Json).id;
    payload.context = 1;
    payload.authorizing_integration_owners = { "0": user.id };
    payload.app_permissions = BOT_PERMISSIONS;
  }
  if (message) payload.message = clone(message);
  const ix = new FakeInteraction(fake, kind, id, token, payload, String(payload.channel_id), fake.now(), message?.id);
  fake.interactionsById.set(id, ix);
  fake.interactionsByToken.set(token, ix);
  fake.dispatch("INTERACTION_CREATE", payload);
  return ix;
}
