import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  type Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  MessageFlags,
  PermissionFlagsBits,
  REST,
  Routes,
  SlashCommandBuilder,
  type Interaction,
  type TextChannel,
} from "discord.js";
import { CallbackType, FakeDiscord, loginClient, shardOf, MANAGER_PERMISSIONS, mentionsNobody, validateMessage } from "./fakes/discord.js";

const fakes: FakeDiscord[] = [];
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.destroy();
  for (const f of fakes.splice(0)) await f.stop();
});

async function startFake(opts: ConstructorParameters<typeof FakeDiscord>[0] = {}): Promise<FakeDiscord> {
  const fake = new FakeDiscord(opts);
  fakes.push(fake);
  await fake.start();
  return fake;
}

async function startBot(opts: ConstructorParameters<typeof FakeDiscord>[0] = {}): Promise<{ fake: FakeDiscord; client: Client }> {
  const fake = await startFake(opts);
  const client = await loginClient(fake);
  clients.push(client);
  return { fake, client };
}

/** The next interaction discord.js emits (so the bot-side code runs in the test body). */
async function nextInteraction(client: Client, timeoutMs = 5000): Promise<Interaction> {
  const [interaction] = (await once(client, Events.InteractionCreate, { signal: AbortSignal.timeout(timeoutMs) })) as [Interaction];
  return interaction;
}

function restFor(fake: FakeDiscord, token = "x"): REST {
  return new REST({ api: fake.apiBase, retries: 0 }).setToken(token);
}

describe("FakeDiscord with the real discord.js Client", () => {
  it("shards as Discord does: each shard gets its own guilds and their interactions", async () => {
    const fake = await startFake({
      shards: 2,
      guilds: [
        { name: "Zero", shard: 0 },
        { name: "One", shard: 1 },
        { name: "Zero again", shard: 0 },
      ],
    });
    const [zero, one] = [fake.guild("Zero"), fake.guild("One")];
    expect([zero.id, one.id, fake.guild("Zero again").id].map((id) => shardOf(id, 2))).toEqual([0, 1, 0]);
    const shard0 = await loginClient(fake, { options: { shards: [0], shardCount: 2 } });
    clients.push(shard0);
    const shard1 = await loginClient(fake, { options: { shards: [1], shardCount: 2 } });
    clients.push(shard1);
    expect((await restFor(fake).get(Routes.gatewayBot())) as { shards: number }).toMatchObject({ shards: 2 });
    expect(fake.identifies.map((i) => i.shard)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect([...shard0.guilds.cache.keys()].sort()).toEqual([zero.id, fake.guild("Zero again").id].sort());
    expect([...shard1.guilds.cache.keys()]).toEqual([one.id]);

    const got: string[] = [];
    shard0.on(Events.InteractionCreate, (i) => got.push(`0:${i.guildId}`));
    shard1.on(Events.InteractionCreate, (i) => got.push(`1:${i.guildId}`));
    fake.sendCommand({ name: "ping", guildId: one.id, channelId: fake.channelId("general", one.id) });
    fake.sendCommand({ name: "ping", guildId: zero.id, channelId: fake.channelId("general", zero.id) });
    await fake.waitFor(() => got.length === 2, 5000, "both interactions");
    expect(got.sort()).toEqual([`0:${zero.id}`, `1:${one.id}`]);
  });

  it("closes a connection that identifies with an impossible shard (4010)", async () => {
    const fake = await startFake();
    // discord.js validates its own options, so the bad IDENTIFY goes over a raw socket.
    const { WebSocket } = await import("ws");
    const ws = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
    await once(ws, "message");
    ws.send(JSON.stringify({ op: 2, d: { token: "t", intents: 1, properties: {}, shard: [2, 2] } }));
    const [code] = (await once(ws, "close")) as [number];
    expect(code).toBe(4010);
  });

  it("logs in: READY, guild and channels cached, heartbeats acknowledged", async () => {
    const { fake, client } = await startBot();
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.user?.bot).toBe(true);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(fake.guild().id);
    expect(guild?.available).toBe(true);
    expect(guild?.name).toBe("Paper Lab");
    const general = client.channels.cache.get(fake.channelId("general"));
    expect(general?.type).toBe(ChannelType.GuildText);
    expect(guild?.channels.cache.size).toBe(2);
    expect(guild?.roles.everyone.id).toBe(guild?.id);
    expect(guild?.members.me?.id).toBe(fake.botUser.id);

    // How discord.js connected: the URL from /gateway/bot, JSON, no compression.
    expect(fake.requestsTo("GET /gateway/bot")).toHaveLength(1);
    expect(fake.gatewayConnections[0]).toMatchObject({ path: "/gateway", query: { v: "10", encoding: "json" }, mode: "identify" });
    expect(fake.gatewayConnections[0]!.query.compress).toBeUndefined();
    expect(fake.identifies[0]).toMatchObject({ intents: 1, shard: [0, 1], compress: false });

    // A heartbeat (interval 1 s with jitter) is sent and ACKed; discord.js measures a ping.
    await fake.waitForGateway((f) => f.dir === "in" && f.op === 1, 3000);
    await fake.waitForGateway((f) => f.dir === "out" && f.op === 11, 3000);
    await fake.waitFor(() => client.ws.ping >= 0, 3000, "a measured ping");
  });

  it("delivers a chat-input command and records the reply with its allowed_mentions", async () => {
    const { fake, client } = await startBot();
    const seen = nextInteraction(client);
    const ix = fake.sendCommand({ name: "ask", options: { question: "what is <@123456789012345678> doing? @everyone", k: 3 } });
    const interaction = await seen;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat-input command");
    expect(interaction.commandName).toBe("ask");
    expect(interaction.options.getString("question")).toContain("@everyone");
    expect(interaction.options.getInteger("k")).toBe(3);
    expect(interaction.channelId).toBe(fake.channelId("general"));
    expect(interaction.guildId).toBe(fake.guild().id);
    expect(interaction.user.id).toBe(fake.defaultUser.id);
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(false);
    expect(interaction.channel?.id).toBe(fake.channelId("general"));

    const question = interaction.options.getString("question", true);
    await interaction.reply({ content: `You asked: ${question}`, allowedMentions: { parse: [] } });

    const reply = await ix.reply();
    expect(reply.content).toBe(`You asked: ${question}`);
    expect(reply.author.id).toBe(fake.botUser.id);
    expect(ix.callbackType).toBe(CallbackType.ChannelMessageWithSource);
    // The reply is in the channel's history, and pinged nobody.
    expect(fake.messages(fake.channelId("general")).map((m) => m.id)).toContain(reply.id);
    const write = fake.messageLog.find((w) => w.messageId === reply.id)!;
    expect(write.via).toBe("interaction-reply");
    expect(write.allowedMentions).toEqual({ parse: [] });
    expect(mentionsNobody(write.allowedMentions)).toBe(true);
    expect(write.pings).toEqual({ users: [], roles: [], everyone: false });
    expect(reply.mention_everyone).toBe(false);
    // Interaction callbacks go out without Authorization, as discord.js sends them.
    const cb = fake.requestsTo("POST /interactions/:id/:token/callback")[0]!;
    expect(cb.headers.authorization).toBeUndefined();
    expect(cb.query).toEqual({ with_response: "false" });
  });

  it("records what a message without allowed_mentions would ping", async () => {
    const { fake, client } = await startBot();
    const channel = client.channels.cache.get(fake.channelId("papers")) as TextChannel;
    await channel.send("hello @everyone and <@123456789012345678>");
    const write = fake.messageLog.at(-1)!;
    expect(write.allowedMentions).toBeUndefined();
    expect(mentionsNobody(write.allowedMentions)).toBe(false);
    expect(write.pings).toEqual({ users: ["123456789012345678"], roles: [], everyone: true });
  });

  it("deferReply, editReply, then followUp, in order", async () => {
    const { fake, client } = await startBot();
    const seen = nextInteraction(client);
    const ix = fake.sendCommand({ name: "search", options: { query: "kv cache" }, user: { username: "bob" }, permissions: MANAGER_PERMISSIONS });
    const interaction = await seen;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat-input command");
    expect(interaction.user.username).toBe("bob");
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(true);

    await interaction.deferReply();
    expect(ix.original?.flags).toBe(MessageFlags.Loading);
    const embed = new EmbedBuilder().setTitle("Results").setDescription("1. PagedAttention").setURL("https://arxiv.org/abs/2309.06180");
    const edited = await interaction.editReply({ content: "", embeds: [embed], allowedMentions: { parse: [] } });
    expect(edited.embeds[0]?.title).toBe("Results");
    const follow = await interaction.followUp({ content: "page 2", flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    expect(follow.content).toBe("page 2");

    expect(ix.events.map((e) => [e.kind, e.callbackType ?? null, e.status])).toEqual([
      ["callback", CallbackType.DeferredChannelMessageWithSource, 204],
      ["edit", null, 200],
      ["followup", null, 200],
    ]);
    const reply = await ix.reply();
    expect(reply.embeds[0]?.description).toBe("1. PagedAttention");
    expect(reply.flags ?? 0).toBe(0); // no longer "thinking"
    expect((await ix.followUp(0)).flags).toBe(MessageFlags.Ephemeral);
    // Ephemeral follow-ups are not in the channel's history; the edited reply is.
    const history = fake.messages(fake.channelId("general")).map((m) => m.id);
    expect(history).toContain(reply.id);
    expect(history).not.toContain(follow.id);
    expect(ix.events[0]!.at).toBeLessThanOrEqual(ix.events[2]!.at);
    expect(fake.messageLog.filter((w) => w.interactionId === ix.id).map((w) => w.via)).toEqual(["interaction-defer", "interaction-edit", "followup"]);
  });

  it("answers autocomplete and enforces the choice limits", async () => {
    const { fake, client } = await startBot();
    let seen = nextInteraction(client);
    let ix = fake.sendAutocomplete({ name: "compare", focused: "paper_a", value: "flash", options: { paper_b: "vllm" } });
    let interaction = await seen;
    if (!interaction.isAutocomplete()) throw new Error("expected autocomplete");
    expect(interaction.options.getFocused(true)).toMatchObject({ name: "paper_a", value: "flash" });
    expect(interaction.options.getString("paper_b")).toBe("vllm");
    await interaction.respond([
      { name: "FlashAttention-3", value: "2407.08608" },
      { name: "FlashInfer", value: "2501.01005" },
    ]);
    expect(await ix.choices()).toEqual([
      { name: "FlashAttention-3", value: "2407.08608" },
      { name: "FlashInfer", value: "2501.01005" },
    ]);

    seen = nextInteraction(client);
    ix = fake.sendAutocomplete({ name: "compare", focused: "paper_a", value: "x" });
    interaction = await seen;
    if (!interaction.isAutocomplete()) throw new Error("expected autocomplete");
    const tooMany = Array.from({ length: 26 }, (_, i) => ({ name: `paper ${i}`, value: `${i}` }));
    await expect(interaction.respond(tooMany)).rejects.toMatchObject({ code: 50035, status: 400 });
    expect(ix.rejected[0]?.error?.errors).toMatchObject({ data: { choices: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } });
  });

  it("rejects a 2001-character reply with 50035 Invalid Form Body", async () => {
    const { fake, client } = await startBot();
    const seen = nextInteraction(client);
    const ix = fake.sendCommand({ name: "paper", options: { id: "2309.06180" } });
    const interaction = await seen;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat-input command");
    const error = await interaction.reply({ content: "x".repeat(2001) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(50035);
    expect((error as DiscordAPIError).message).toContain("content[BASE_TYPE_MAX_LENGTH]");
    expect(ix.acknowledged).toBe(false);
    expect(fake.rejections.at(-1)?.error).toMatchObject({
      code: 50035,
      errors: { data: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } },
    });
    expect(fake.messages(fake.channelId("general"))).toHaveLength(0);
  });

  it("hands discord.js a file attached to a command, served only at its signed CDN link", async () => {
    const { fake, client } = await startBot();
    const seen = nextInteraction(client);
    const data = Buffer.from("%PDF-1.7\n% a paper\n");
    const ix = fake.sendCommand({ name: "add", options: { file: { filename: "paper one.pdf", data } } });
    const interaction = await seen;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat-input command");
    const file = interaction.options.getAttachment("file", true);
    expect(file).toMatchObject({ name: "paper one.pdf", size: data.length, contentType: "application/pdf", ephemeral: true });
    const url = new URL(file.url);
    expect(url.pathname).toBe(`/ephemeral-attachments/${ix.channelId}/${file.id}/paper%20one.pdf`);
    expect([...url.searchParams.keys()]).toEqual(["ex", "is", "hm"]);
    const served = await fetch(file.url);
    expect(served.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await served.arrayBuffer())).toEqual(data);
    // Without its signature, or another file's id, the link is dead, as on Discord's CDN.
    expect((await fetch(`${url.origin}${url.pathname}`)).status).toBe(404);
    expect((await fetch(file.url.replace(file.id, "1234"))).status).toBe(404);
    expect(fake.cdnRequests.map((r) => [r.status, r.bytes])).toEqual([
      [200, data.length],
      [404, 0],
      [404, 0],
    ]);
    // Discord leaves the type out when it cannot tell it from the name.
    const again = nextInteraction(client);
    fake.sendCommand({ name: "add", options: { file: { filename: "README", data } } });
    const untyped = await again;
    if (!untyped.isChatInputCommand()) throw new Error("expected a chat-input command");
    expect(untyped.options.getAttachment("file", true).contentType).toBeNull();
  });

  it("validates embeds and components like Discord", () => {
    const longEmbeds = Array.from({ length: 2 }, () => ({ description: "d".repeat(3500) }));
    expect(validateMessage({ embeds: longEmbeds }).map((v) => v.code)).toEqual(["MAX_EMBED_SIZE_EXCEEDED"]);
    expect(
      validateMessage({ embeds: [{ title: "t".repeat(257), fields: [{ name: "n", value: "v".repeat(1025) }] }] }).map((v) => v.path.join(".")),
    ).toEqual(["embeds.0.title", "embeds.0.fields.0.value"]);
    const row = { type: 1, components: Array.from({ length: 6 }, (_, i) => ({ type: 2, style: 1, label: "b", custom_id: `b${i}` })) };
    expect(validateMessage({ components: [row] }).map((v) => v.code)).toEqual(["BASE_TYPE_MAX_LENGTH"]);
    expect(validateMessage({ embeds: [{ url: "/relative" }] }).map((v) => v.code)).toEqual(["URL_TYPE_INVALID_URL"]);
    expect(validateMessage({ content: "ok", allowed_mentions: { parse: [] } })).toEqual([]);
  });

  it("channel posts with nonce + enforce_nonce are created once within the window", async () => {
    const { fake, client } = await startBot({ nonceWindowMs: 60_000 });
    const channel = client.channels.cache.get(fake.channelId("papers")) as TextChannel;
    const first = await channel.send({ content: "Daily digest", nonce: "digest-2026-02-03", enforceNonce: true, allowedMentions: { parse: [] } });
    const second = await channel.send({ content: "Daily digest", nonce: "digest-2026-02-03", enforceNonce: true, allowedMentions: { parse: [] } });
    expect(second.id).toBe(first.id);
    expect(fake.messages(channel.id)).toHaveLength(1);
    expect(fake.nonceReplays).toHaveLength(1);
    // Outside the window the same nonce creates a new message.
    fake.advanceClock(61_000);
    const third = await channel.send({ content: "Daily digest", nonce: "digest-2026-02-03", enforceNonce: true });
    expect(third.id).not.toBe(first.id);
    expect(fake.messages(channel.id)).toHaveLength(2);
    // Without enforce_nonce, a nonce does not deduplicate.
    await channel.send({ content: "again", nonce: "n1" });
    await channel.send({ content: "again", nonce: "n1" });
    expect(fake.messages(channel.id)).toHaveLength(4);
  });

  it("survives RECONNECT: RESUME on the resume URL, missed events replayed, interactions still work", async () => {
    const { fake, client } = await startBot();
    const resumed = once(client, Events.ShardResume, { signal: AbortSignal.timeout(5000) });
    fake.requestReconnect();
    // While the client is away, an interaction is buffered and replayed after RESUME.
    await fake.waitFor(() => !fake.connected, 3000, "the client to drop the connection");
    const seen = nextInteraction(client, 8000);
    const ix = fake.sendCommand({ name: "help" });
    await resumed;
    const interaction = await seen;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat-input command");
    await interaction.reply({ content: "Commands: /ask /compare /paper /search /digest /help", allowedMentions: { parse: [] } });
    expect((await ix.reply()).content).toMatch(/^Commands:/);

    expect(fake.resumes).toHaveLength(1);
    expect(fake.resumes[0]).toMatchObject({ ok: true, sessionId: fake.identifies[0]!.sessionId, replayed: 1 });
    expect(fake.identifies).toHaveLength(1);
    expect(fake.gatewayConnections[0]!.closeCode).toBe(4200);
    expect(fake.gatewayConnections[1]).toMatchObject({ path: "/gateway/resume", mode: "resume" });
    expect(fake.gatewayLog.some((f) => f.dir === "out" && f.t === "RESUMED")).toBe(true);

    // And a fresh interaction after the resume.
    const again = nextInteraction(client);
    const ix2 = fake.sendCommand({ name: "help" });
    const i2 = await again;
    if (!i2.isChatInputCommand()) throw new Error("expected a chat-input command");
    await i2.reply({ content: "still here", allowedMentions: { parse: [] } });
    expect((await ix2.reply()).content).toBe("still here");
  });

  it("resumes after unanswered heartbeats (zombie connection)", async () => {
    const { fake, client } = await startBot({ heartbeatIntervalMs: 300 });
    fake.ackHeartbeats = false;
    await fake.waitFor(() => fake.resumes.find((r) => r.ok), 5000, "a RESUME after missed ACKs");
    fake.ackHeartbeats = true;
    expect(fake.gatewayConnections[0]!.closeCode).toBe(4200);
    const seen = nextInteraction(client);
    const ix = fake.sendCommand({ name: "help" });
    const interaction = await seen;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat-input command");
    await interaction.reply({ content: "alive", allowedMentions: { parse: [] } });
    expect((await ix.reply()).content).toBe("alive");
  });

  it("client.destroy() closes the gateway cleanly (1000) and ends the session", async () => {
    const fake = await startFake();
    const client = await loginClient(fake);
    expect(fake.connected).toBe(true);
    await client.destroy();
    await fake.waitFor(() => fake.gatewayConnections[0]!.closeCode, 3000, "the close");
    expect(fake.gatewayConnections[0]!.closeCode).toBe(1000);
    expect(fake.connected).toBe(false);
    expect(() => fake.sendCommand({ name: "help" })).toThrow(/no gateway session/);
  });

  it("records command registration and uses registered option types", async () => {
    const { fake, client } = await startBot();
    const commands = [
      new SlashCommandBuilder()
        .setName("compare")
        .setDescription("Compare two papers")
        .addStringOption((o) => o.setName("paper_a").setDescription("first").setRequired(true).setAutocomplete(true))
        .addStringOption((o) => o.setName("paper_b").setDescription("second").setRequired(true).setAutocomplete(true)),
      new SlashCommandBuilder()
        .setName("digest")
        .setDescription("Daily digest settings")
        .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
        .addSubcommand((s) =>
          s
            .setName("channel")
            .setDescription("Where to post")
            .addChannelOption((o) => o.setName("channel").setDescription("c").setRequired(true)),
        )
        .addSubcommand((s) => s.setName("off").setDescription("Stop posting")),
    ].map((c) => c.toJSON());
    const rest = restFor(fake, "bot-token");
    const stored = (await rest.put(Routes.applicationGuildCommands(fake.applicationId, fake.guild().id), { body: commands })) as {
      id: string;
      name: string;
    }[];
    expect(stored.map((c) => c.name)).toEqual(["compare", "digest"]);
    expect(fake.commandsFor(fake.guild().id)[1]).toMatchObject({ name: "digest", default_member_permissions: "32", guild_id: fake.guild().id });
    const put = fake.requestsTo("PUT /applications/:app/guilds/:guild/commands")[0]!;
    expect(put.body).toEqual(commands);
    expect(put.headers.authorization).toBe("Bot bot-token");
    // Re-registering keeps ids (as Discord does for the same name).
    const again = (await rest.put(Routes.applicationGuildCommands(fake.applicationId, fake.guild().id), { body: commands })) as { id: string }[];
    expect(again.map((c) => c.id)).toEqual(stored.map((c) => c.id));
    await rest.put(Routes.applicationCommands(fake.applicationId), { body: [commands[0]] });
    expect(fake.globalCommands.map((c) => c.name)).toEqual(["compare"]);

    // A bad registration is refused.
    const bad = [{ name: "Bad Name", description: "" }];
    await expect(rest.put(Routes.applicationCommands(fake.applicationId), { body: bad })).rejects.toMatchObject({ code: 50035 });

    // Interactions now carry the registered id, and a channel option is resolved.
    const seen = nextInteraction(client);
    const papers = fake.channelId("papers");
    fake.sendCommand({ name: "digest", subcommand: "channel", options: { channel: papers }, permissions: MANAGER_PERMISSIONS });
    const interaction = await seen;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat-input command");
    expect(interaction.commandId).toBe(stored[1]!.id);
    expect(interaction.options.getSubcommand()).toBe("channel");
    expect(interaction.options.getChannel("channel")?.id).toBe(papers);
    expect(() => fake.sendCommand({ name: "digest", subcommand: "nope" })).toThrow(/no subcommand/);
    await interaction.reply({ content: "ok", flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  });

  it("button clicks reach the bot and update the message", async () => {
    const { fake, client } = await startBot();
    const channel = client.channels.cache.get(fake.channelId("papers")) as TextChannel;
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId("more:2309.06180").setLabel("More").setStyle(ButtonStyle.Primary),
      new ButtonBuilder().setURL("https://arxiv.org/abs/2309.06180").setLabel("arXiv").setStyle(ButtonStyle.Link),
    );
    const posted = await channel.send({ content: "PagedAttention", components: [row], allowedMentions: { parse: [] } });
    const seen = nextInteraction(client);
    const ix = fake.clickButton({ customId: "more:2309.06180" });
    const interaction = await seen;
    if (!interaction.isButton()) throw new Error("expected a button");
    expect(interaction.customId).toBe("more:2309.06180");
    expect(interaction.message.id).toBe(posted.id);
    await interaction.update({ content: "PagedAttention (expanded)", components: [] });
    expect((await ix.reply()).content).toBe("PagedAttention (expanded)");
    expect(fake.messages(channel.id)[0]).toMatchObject({ id: posted.id, content: "PagedAttention (expanded)", components: [] });
  });

  it("a button opens a modal (checked like Discord), whose submit reaches the bot once, with what was typed", async () => {
    const { fake, client } = await startBot();
    const channel = client.channels.cache.get(fake.channelId("papers")) as TextChannel;
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId("note").setLabel("Note").setStyle(ButtonStyle.Secondary),
    );
    const posted = await channel.send({ content: "PagedAttention", components: [row], allowedMentions: { parse: [] } });
    let seen = nextInteraction(client);
    const click = fake.clickButton({ customId: "note" });
    const button = await seen;
    if (!button.isButton()) throw new Error("expected a button");
    const input = { type: 4, custom_id: "why", style: 2, label: "Why?", max_length: 20 };
    const tooLong = button.showModal({ custom_id: "m", title: "t".repeat(46), components: [{ type: 1, components: [input] }] } as never);
    await expect(tooLong).rejects.toThrow(DiscordAPIError);
    await button.showModal({ custom_id: "m", title: "A note", components: [{ type: 1, components: [input] }] } as never);
    expect(await click.modal()).toMatchObject({ custom_id: "m", title: "A note" });

    expect(() => fake.submitModal({ opener: click })).toThrow(/"why" is required/);
    expect(() => fake.submitModal({ opener: click, values: { why: "x".repeat(21) } })).toThrow(/"why" takes 0 to 20 characters/);
    seen = nextInteraction(client);
    const submit = fake.submitModal({ opener: click, values: { why: "too vague" } });
    const modal = await seen;
    if (!modal.isModalSubmit()) throw new Error("expected a modal submit");
    expect(modal.customId).toBe("m");
    expect(modal.fields.getTextInputValue("why")).toBe("too vague");
    expect(modal.message?.id).toBe(posted.id);
    expect(modal.user.id).toBe(fake.defaultUser.id);
    await modal.reply({ content: "Noted", flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    expect((await submit.reply()).content).toBe("Noted");
    expect(() => fake.submitModal({ opener: click })).toThrow(/already submitted/);
  });

  it("interactions in threads, thread creation from a message, and withResponse", async () => {
    const { fake, client } = await startBot();
    const channel = client.channels.cache.get(fake.channelId("papers")) as TextChannel;
    const digest = await channel.send({ content: "Digest for 2026-02-03", allowedMentions: { parse: [] } });
    const thread = await digest.startThread({ name: "Discuss 2026-02-03" });
    expect(thread.id).toBe(digest.id);
    expect(fake.channel(thread.id)).toMatchObject({ type: 11, parentId: channel.id });
    await expect(digest.startThread({ name: "again" })).rejects.toMatchObject({ code: 160004 });
    await fake.waitFor(() => client.channels.cache.get(thread.id), 3000, "THREAD_CREATE to reach the cache");

    const seen = nextInteraction(client);
    const ix = fake.sendCommand({ name: "ask", channelId: thread.id, options: { question: "why?" } });
    const interaction = await seen;
    expect(interaction.channel?.isThread()).toBe(true);
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat-input command");
    const response = await interaction.reply({ content: "because", withResponse: true, allowedMentions: { parse: [] } });
    expect(response.resource?.message?.content).toBe("because");
    expect(response.interaction.responseMessageId).toBe((await ix.reply()).id);
    expect(fake.messages(thread.id).map((m) => m.content)).toEqual(["because"]);
  });

  it("refuses a reply after the 3 s deadline and a second acknowledgement", async () => {
    const { fake, client } = await startBot();
    let seen = nextInteraction(client);
    fake.sendCommand({ name: "ask" });
    let interaction = await seen;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat-input command");
    fake.advanceClock(3500);
    await expect(interaction.reply("late")).rejects.toMatchObject({ code: 10062, status: 404 });

    seen = nextInteraction(client);
    const ix = fake.sendCommand({ name: "ask" });
    interaction = await seen;
    if (!interaction.isChatInputCommand()) throw new Error("expected a chat-input command");
    await interaction.reply("first");
    // Bypass discord.js's own guard to see what Discord would say.
    await expect(
      client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
        body: { type: 4, data: { content: "second" } },
        auth: false,
      }),
    ).rejects.toMatchObject({ code: 40060 });
    expect(ix.rejected.map((e) => e.error?.code)).toEqual([40060]);
  });
});

describe("FakeDiscord REST without a gateway (how the daily digest posts)", () => {
  it("posts to a channel with a standalone @discordjs/rest REST and lists recent messages", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const channelId = fake.channelId("papers");
    fake.seedMessage(channelId, { content: "someone chatting" });
    const body = {
      content: "**Trending papers — 2026-02-03**",
      embeds: [
        { title: "PagedAttention", url: "https://arxiv.org/abs/2309.06180", description: "Efficient memory management", footer: { text: "▲ 120" } },
      ],
      allowed_mentions: { parse: [] },
      nonce: "digest-2026-02-03",
      enforce_nonce: true,
    };
    const created = (await rest.post(Routes.channelMessages(channelId), { body })) as { id: string; author: { id: string }; embeds: unknown[] };
    expect(created.author.id).toBe(fake.botUser.id);
    const retried = (await rest.post(Routes.channelMessages(channelId), { body })) as { id: string };
    expect(retried.id).toBe(created.id);

    const recent = (await rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ limit: "10" }) })) as {
      id: string;
      content: string;
    }[];
    expect(recent.map((m) => m.content)).toEqual(["**Trending papers — 2026-02-03**", "someone chatting"]);
    expect(((await rest.get(Routes.channel(channelId))) as { name: string }).name).toBe("papers");
    const post = fake.requestsTo("POST /channels/:channel/messages")[0]!;
    expect(post.headers.authorization).toBe("Bot x");
    expect(fake.messageLog.map((w) => [w.via, w.allowedMentions])).toEqual([["channel", { parse: [] }]]);
  });

  it("answers 404 Unknown Channel, 403 Missing Permissions, 401 without a token", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const gone = fake.channelId("general");
    const locked = fake.channelId("papers");
    fake.deleteChannel(gone);
    fake.forbidChannel(locked);
    await expect(rest.post(Routes.channelMessages(gone), { body: { content: "hi" } })).rejects.toMatchObject({
      status: 404,
      code: 10003,
      rawError: { message: "Unknown Channel" },
    });
    await expect(rest.post(Routes.channelMessages(locked), { body: { content: "hi" } })).rejects.toMatchObject({
      status: 403,
      code: 50013,
      rawError: { message: "Missing Permissions" },
    });
    fake.restoreChannel(locked);
    await rest.post(Routes.channelMessages(locked), { body: { content: "hi", allowed_mentions: { parse: [] } } });
    await expect(rest.post(Routes.channelMessages(locked), { body: { content: "" } })).rejects.toMatchObject({ code: 50006 });

    const res = await fetch(`${fake.apiBase}/v10/channels/${locked}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(401);
    expect(fake.rejections.map((r) => r.status)).toEqual([404, 403, 400, 401]);
  });

  it("scripts a 429 that @discordjs/rest waits out and retries", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const limited: unknown[] = [];
    rest.on("rateLimited", (info) => limited.push(info));
    const channelId = fake.channelId("papers");
    fake.rateLimitNext({ retryAfter: 0.1, match: (r) => r.method === "POST" });
    const started = Date.now();
    await rest.post(Routes.channelMessages(channelId), { body: { content: "after the limit", allowed_mentions: { parse: [] } } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    const posts = fake.requestsTo("POST /channels/:channel/messages");
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(posts[0]!.response).toEqual({ message: "You are being rate limited.", retry_after: 0.1, global: false });
    expect(fake.messages(channelId)).toHaveLength(1);
  });

  it("handles multipart bodies (payload_json plus files)", async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const channelId = fake.channelId("papers");
    const msg = (await rest.post(Routes.channelMessages(channelId), {
      body: { content: "see attached", attachments: [{ id: 0, filename: "digest.md" }], allowed_mentions: { parse: [] } },
      files: [{ name: "digest.md", data: Buffer.from("# Digest\n"), contentType: "text/markdown" }],
    })) as { attachments: { filename: string; size: number }[] };
    expect(msg.attachments).toMatchObject([{ filename: "digest.md", size: 9 }]);
    const req = fake.requestsTo("POST /channels/:channel/messages")[0]!;
    expect(req.files).toEqual([{ field: "files[0]", name: "digest.md", size: 9, contentType: "text/markdown", data: Buffer.from("# Digest\n") }]);
    expect(req.body).toMatchObject({ content: "see attached" });
  });
});
