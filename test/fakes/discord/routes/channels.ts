import { isObject, type Json, MESSAGE_FLAGS, THREAD_TYPES } from "../constants.js";
import type { FakeDiscord } from "../fakeDiscord.js";
import { buildMessage, channelJson } from "../payloads.js";
import { type Ctx, err, invalidForm, ok, type Reply, type Router } from "../rest.js";
import type { FakeChannel, RecordedRequest } from "../types.js";
import { isEmptyMessage, threadBodyViolations, validateMessage } from "../validation.js";

/** A channel, its recent messages, one message, posting (with nonces and files), a thread from a message. */
export function channelRoutes(fake: FakeDiscord, router: Router): void {
  router.route("GET", "/channels/:channel", (ctx) => {
    const { ch, error } = channelGuard(fake, ctx.params.channel!, "read");
    return error ?? ok(channelJson(fake, ch!));
  });
  router.route("GET", "/channels/:channel/messages", (ctx) => {
    const { ch, error } = channelGuard(fake, ctx.params.channel!, "read");
    if (error) return error;
    const limit = ctx.query.limit === undefined ? 50 : Number(ctx.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return invalidForm([{ path: ["limit"], code: "NUMBER_TYPE_MAX", message: "int value should be less than or equal to 100." }]);
    let list = [...ch!.messages].reverse();
    if (ctx.query.before) list = list.filter((m) => BigInt(m.id) < BigInt(ctx.query.before!));
    return ok(list.slice(0, limit));
  });
  router.route("GET", "/channels/:channel/messages/:message", (ctx) => {
    const { ch, error } = channelGuard(fake, ctx.params.channel!, "read");
    if (error) return error;
    const m = ch!.messages.find((x) => x.id === ctx.params.message);
    return m ? ok(m) : err(404, 10008, "Unknown Message");
  });
  router.route("POST", "/channels/:channel/messages", (ctx) => createChannelMessage(fake, ctx));
  router.route("POST", "/channels/:channel/messages/:message/threads", (ctx) => {
    const { ch, error } = channelGuard(fake, ctx.params.channel!, "write");
    if (error) return error;
    const m = ch!.messages.find((x) => x.id === ctx.params.message);
    if (!m) return err(404, 10008, "Unknown Message");
    if (THREAD_TYPES.has(ch!.type)) return err(400, 50024, "Cannot execute action on this channel type");
    if (fake.channels.has(m.id)) return err(400, 160004, "A thread has already been created for this message");
    const bad = threadBodyViolations(ctx.body);
    if (bad.length) return invalidForm(bad);
    const body = ctx.body as Json;
    const thread = fake.createThread(ch!, { name: String(body.name), id: m.id, ownerId: fake.botUser.id });
    (m as unknown as Json).thread = channelJson(fake, thread);
    return ok(channelJson(fake, thread), 201);
  });
}

function channelGuard(fake: FakeDiscord, id: string, action: "read" | "write"): { ch?: FakeChannel; error?: Reply } {
  const ch = fake.channels.get(id);
  if (!ch || ch.state === "deleted") return { error: err(404, 10003, "Unknown Channel") };
  if (ch.state === "forbidden") return { error: action === "write" ? err(403, 50013, "Missing Permissions") : err(403, 50001, "Missing Access") };
  return { ch };
}

function createChannelMessage(fake: FakeDiscord, ctx: Ctx): Reply {
  const { ch, error } = channelGuard(fake, ctx.params.channel!, "write");
  if (error) return error;
  const body = isObject(ctx.body) ? ctx.body : {};
  const violations = validateMessage(body);
  if (typeof body.flags === "number" && body.flags & MESSAGE_FLAGS.Ephemeral)
    violations.push({ path: ["flags"], code: "MESSAGE_FLAGS_INVALID", message: "Ephemeral messages can only be sent as interaction responses" });
  if (violations.length) return invalidForm(violations);
  if (ctx.files.length && !Array.isArray(body.attachments)) body.attachments = ctx.files.map((f, i) => ({ id: String(i), filename: f.name }));
  if (Array.isArray(body.attachments)) body.attachments = attachments(fake, body.attachments as Json[], ctx.files);
  if (isEmptyMessage(body)) return err(400, 50006, "Cannot send an empty message");

  const nonce = body.nonce;
  if (body.enforce_nonce === true && (typeof nonce === "string" || typeof nonce === "number")) {
    const perChannel = fake.nonces.get(ch!.id) ?? new Map<string, { messageId: string; at: number }>();
    fake.nonces.set(ch!.id, perChannel);
    const prev = perChannel.get(String(nonce));
    const existing = prev && fake.now() - prev.at <= fake.nonceWindowMs ? ch!.messages.find((m) => m.id === prev.messageId) : undefined;
    if (existing) {
      fake.nonceReplays.push({ seq: fake.nextSeq(), at: fake.now(), channelId: ch!.id, nonce, messageId: existing.id });
      return ok(existing);
    }
  }
  const msg = buildMessage(fake, ch!.id, body);
  fake.storeInChannel(ch!, msg);
  if (body.enforce_nonce === true && (typeof nonce === "string" || typeof nonce === "number"))
    fake.nonces.get(ch!.id)!.set(String(nonce), { messageId: msg.id, at: fake.now() });
  fake.logWrite({ kind: "create", via: "channel", channelId: ch!.id, messageId: msg.id, body, message: msg });
  return ok(msg);
}

export function attachments(fake: FakeDiscord, list: Json[], files: RecordedRequest["files"]): Json[] {
  return list.map((a, i) => {
    const file = files.find((f) => f.field === `files[${String(a.id ?? i)}]`) ?? files[i];
    const id = fake.snowflake();
    const filename = String(a.filename ?? file?.name ?? `file${i}`);
    return {
      id,
      filename,
      size: file?.size ?? 0,
      url: `${fake.url}/attachments/${id}/${encodeURIComponent(filename)}`,
      proxy_url: `${fake.url}/attachments/${id}/${encodeURIComponent(filename)}`,
      content_type: file?.contentType || "application/octet-stream",
      ...(a.description ? { description: a.description } : {}),
    };
  });
}
