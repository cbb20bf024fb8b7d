import type { APIApplicationCommandOptionChoice, APIMessage } from "discord.js";
import { CallbackType, clone, isObject, type Json, MESSAGE_FLAGS } from "../constants.js";
import type { FakeDiscord } from "../fakeDiscord.js";
import type { FakeInteraction, InteractionKind } from "../interaction.js";
import { applyEdit, buildMessage } from "../payloads.js";
import { type Ctx, err, invalidForm, ok, type Reply, type Router } from "../rest.js";
import type { DiscordErrorBody, InteractionEvent } from "../types.js";
import { isEmptyMessage, validateChoices, validateMessage, validateModal } from "../validation.js";
import { attachments } from "./channels.js";

/** Time allowed for the initial interaction response, as on Discord. */
const INTERACTION_DEADLINE_MS = 3000;
/** How long interaction tokens work for edits and follow-ups, as on Discord. */
const INTERACTION_TOKEN_TTL_MS = 15 * 60_000;

/** Interaction callbacks, follow-ups, and edits/deletes of the reply (sent without the bot token). */
export function interactionRoutes(fake: FakeDiscord, router: Router): void {
  router.route("POST", "/interactions/:id/:token/callback", (ctx) => interactionCallback(fake, ctx), false);
  router.route("POST", "/webhooks/:app/:token", (ctx) => followUp(fake, ctx), false);
  router.route("PATCH", "/webhooks/:app/:token/messages/:message", (ctx) => webhookMessage(fake, ctx), false);
  router.route("DELETE", "/webhooks/:app/:token/messages/:message", (ctx) => webhookMessage(fake, ctx), false);
}

function recordIx(fake: FakeDiscord, ix: FakeInteraction, e: Omit<InteractionEvent, "seq" | "at" | "interactionId">): InteractionEvent {
  const event: InteractionEvent = { seq: fake.nextSeq(), at: fake.now(), interactionId: ix.id, ...e };
  if (event.message) event.message = clone(event.message);
  ix.events.push(event);
  return event;
}

function interactionMessage(
  fake: FakeDiscord,
  ix: FakeInteraction,
  body: Json,
  opts: { type: number; ephemeral: boolean; flags?: number },
): APIMessage {
  const flags = (typeof body.flags === "number" ? body.flags : 0) | (opts.flags ?? 0) | (opts.ephemeral ? MESSAGE_FLAGS.Ephemeral : 0);
  const msg = buildMessage(fake, ix.channelId, body, { type: opts.type, interaction: ix, flags });
  const ch = fake.channels.get(ix.channelId);
  if (ch && !opts.ephemeral && ch.state === "ok") fake.storeInChannel(ch, msg);
  else fake.looseMessages.set(msg.id, msg);
  return msg;
}

function interactionCallback(fake: FakeDiscord, ctx: Ctx): Reply {
  const ix = fake.interactionsById.get(ctx.params.id!);
  const body = isObject(ctx.body) ? ctx.body : {};
  if (!ix) return err(404, 10062, "Unknown interaction");
  const fail = (reply: Reply, type?: number): Reply => {
    recordIx(fake, ix, { kind: "callback", status: reply.status, callbackType: type, body, error: reply.body as DiscordErrorBody });
    return reply;
  };
  const type = body.type as number | undefined;
  if (ix.token !== ctx.params.token) return fail(err(401, 50027, "Invalid Webhook Token"), type);
  if (ix.acknowledged) return fail(err(400, 40060, "Interaction has already been acknowledged."), type);
  if (fake.now() - ix.createdAt > INTERACTION_DEADLINE_MS) return fail(err(404, 10062, "Unknown interaction"), type);
  // The callbacks the bot uses: no deferred updates (6) or activities (12). A modal submit cannot open another modal.
  const allowed: Record<InteractionKind, number[]> = {
    command: [4, 5, 9],
    autocomplete: [8],
    button: [4, 5, 7, 9],
    modal: [4, 5, 7],
  };
  if (typeof type !== "number" || !allowed[ix.kind].includes(type))
    return fail(
      invalidForm([
        {
          path: ["type"],
          code: "INTERACTION_RESPONSE_TYPE_INVALID",
          message: `Interaction response type ${String(type)} is not valid for this interaction`,
        },
      ]),
      type,
    );
  const data = isObject(body.data) ? body.data : {};
  const ephemeral = typeof data.flags === "number" && (data.flags & MESSAGE_FLAGS.Ephemeral) !== 0;
  let message: APIMessage | undefined;
  let choices: APIApplicationCommandOptionChoice[] | undefined;
  let modal: Json | undefined;

  if (type === CallbackType.Modal) {
    const violations = validateModal(data);
    if (violations.length) return fail(invalidForm(violations), type);
    modal = clone(data);
  } else if (type === CallbackType.ApplicationCommandAutocompleteResult) {
    const violations = validateChoices(data.choices);
    if (violations.length) return fail(invalidForm(violations), type);
    choices = clone(data.choices as APIApplicationCommandOptionChoice[]);
  } else if (type === CallbackType.ChannelMessageWithSource || type === CallbackType.UpdateMessage) {
    const violations = validateMessage(data, ["data"]);
    if (violations.length) return fail(invalidForm(violations), type);
    if (ctx.files.length && Array.isArray(data.attachments)) data.attachments = attachments(fake, data.attachments as Json[], ctx.files);
    if (type === CallbackType.ChannelMessageWithSource) {
      if (isEmptyMessage(data)) return fail(err(400, 50006, "Cannot send an empty message"), type);
      message = interactionMessage(fake, ix, data, { type: ix.kind === "command" ? 20 : 0, ephemeral });
      ix.originalId = message.id;
      ix.ephemeral = ephemeral;
      fake.logWrite({
        kind: "create",
        via: "interaction-reply",
        channelId: ix.channelId,
        messageId: message.id,
        interactionId: ix.id,
        body: data,
        message,
      });
    } else {
      const source = ix.sourceMessageId ? fake.findMessage(ix.sourceMessageId) : undefined;
      if (!source) return fail(err(404, 10008, "Unknown Message"), type);
      const next = clone(source);
      applyEdit(fake, next, data);
      if (isEmptyMessage(next as unknown as Json)) return fail(err(400, 50006, "Cannot send an empty message"), type);
      Object.assign(source, next);
      message = source;
      ix.originalId = source.id;
      fake.logWrite({
        kind: "edit",
        via: "component-update",
        channelId: source.channel_id,
        messageId: source.id,
        interactionId: ix.id,
        body: data,
        message,
      });
    }
  } else if (type === CallbackType.DeferredChannelMessageWithSource) {
    message = interactionMessage(fake, ix, { content: "" }, { type: ix.kind === "command" ? 20 : 0, ephemeral, flags: MESSAGE_FLAGS.Loading });
    ix.originalId = message.id;
    ix.ephemeral = ephemeral;
    fake.logWrite({
      kind: "create",
      via: "interaction-defer",
      channelId: ix.channelId,
      messageId: message.id,
      interactionId: ix.id,
      body: data,
      message,
    });
  }

  ix.acknowledgedWith = type;
  recordIx(fake, ix, { kind: "callback", status: ctx.query.with_response === "true" ? 200 : 204, callbackType: type, body, message, choices, modal });
  if (ctx.query.with_response !== "true") return { status: 204 };
  const resource: Json = { type };
  if (message) resource.message = message;
  return ok({
    interaction: {
      id: ix.id,
      type: ix.payload.type,
      ...(message
        ? {
            response_message_id: message.id,
            response_message_loading: type === CallbackType.DeferredChannelMessageWithSource,
            response_message_ephemeral: ix.ephemeral,
          }
        : {}),
    },
    resource,
  });
}

/** Finds the interaction behind a webhook token route, or the error Discord would give. */
function webhookIx(fake: FakeDiscord, ctx: Ctx): { ix?: FakeInteraction; error?: Reply } {
  if (ctx.params.app !== fake.applicationId) return { error: err(404, 10015, "Unknown Webhook") };
  const ix = fake.interactionsByToken.get(ctx.params.token!);
  if (!ix) return { error: err(401, 50027, "Invalid Webhook Token") };
  if (fake.now() - ix.createdAt > INTERACTION_TOKEN_TTL_MS) return { ix, error: err(401, 50027, "Invalid Webhook Token") };
  return { ix };
}

function followUp(fake: FakeDiscord, ctx: Ctx): Reply {
  const { ix, error } = webhookIx(fake, ctx);
  const body = isObject(ctx.body) ? ctx.body : {};
  const fail = (reply: Reply): Reply => {
    if (ix) recordIx(fake, ix, { kind: "followup", status: reply.status, body, error: reply.body as DiscordErrorBody });
    return reply;
  };
  if (error) return fail(error);
  if (!ix!.acknowledged) return fail(err(404, 10015, "Unknown Webhook"));
  const violations = validateMessage(body);
  if (violations.length) return fail(invalidForm(violations));
  if (isEmptyMessage(body)) return fail(err(400, 50006, "Cannot send an empty message"));
  const ephemeral = typeof body.flags === "number" && (body.flags & MESSAGE_FLAGS.Ephemeral) !== 0;
  const message = interactionMessage(fake, ix!, body, { type: 0, ephemeral });
  ix!.followUpIds.push(message.id);
  recordIx(fake, ix!, { kind: "followup", status: 200, body, message });
  fake.logWrite({ kind: "create", via: "followup", channelId: ix!.channelId, messageId: message.id, interactionId: ix!.id, body, message });
  return ok(message);
}

function webhookMessage(fake: FakeDiscord, ctx: Ctx): Reply {
  const { ix, error } = webhookIx(fake, ctx);
  const body = isObject(ctx.body) ? ctx.body : {};
  const kind = ctx.method === "PATCH" ? "edit" : "delete";
  const fail = (reply: Reply): Reply => {
    if (ix) recordIx(fake, ix, { kind, status: reply.status, body, error: reply.body as DiscordErrorBody });
    return reply;
  };
  if (error) return fail(error);
  const target = ctx.params.message === "@original" ? ix!.originalId : ctx.params.message;
  const owned = target && (target === ix!.originalId || ix!.followUpIds.includes(target));
  const msg = owned ? fake.findMessage(target) : undefined;
  if (!msg) return fail(err(404, 10008, "Unknown Message"));
  if (kind === "delete") {
    for (const ch of fake.channels.values()) {
      const i = ch.messages.findIndex((m) => m.id === msg.id);
      if (i >= 0) ch.messages.splice(i, 1);
    }
    fake.looseMessages.delete(msg.id);
    recordIx(fake, ix!, { kind: "delete", status: 204, body: undefined });
    return { status: 204 };
  }
  const violations = validateMessage(body);
  if (violations.length) return fail(invalidForm(violations));
  const wasLoading = ((msg.flags ?? 0) & MESSAGE_FLAGS.Loading) !== 0;
  const next = clone(msg);
  applyEdit(fake, next, body, { clearLoading: true, markEdited: !wasLoading });
  if (isEmptyMessage(next as unknown as Json)) return fail(err(400, 50006, "Cannot send an empty message"));
  Object.assign(msg, next);
  recordIx(fake, ix!, { kind: "edit", status: 200, body, message: msg });
  fake.logWrite({ kind: "edit", via: "interaction-edit", channelId: msg.channel_id, messageId: msg.id, interactionId: ix!.id, body, message: msg });
  return ok(msg);
}
