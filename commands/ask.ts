import { ActionRowBuilder, ButtonBuilder, ButtonStyle, MessageFlags, SlashCommandBuilder } from "discord.js";
import { MAX_QUESTION_CHARS } from "../src/answer/answerEngine.js";
import type { Command } from "../src/discord/command.js";
import { askAcknowledged, askReplied } from "../src/metrics/metrics.js";
import { ASK_SEARCHING, askProgress, askReplyMessages } from "../src/discord/format/askReply.js";
import { LIMITS, NO_MENTIONS } from "../src/discord/limits.js";
import { truncate } from "../src/retrieval/text.js";
import { ThrottledEditor } from "../src/discord/throttledEditor.js";

const THREAD_BUTTON = "ask-thread";

export const ask = {
  data: new SlashCommandBuilder()
    .setName("ask")
    .setDescription("Ask a question; the answer cites the papers it used")
    .addStringOption((o) => o.setName("question").setDescription("Your question").setRequired(true).setMaxLength(MAX_QUESTION_CHARS))
    .addBooleanOption((o) => o.setName("private").setDescription("Only you see the answer"))
    .toJSON(),
  cooldownSeconds: 5,

  async execute(interaction, deps) {
    const question = interaction.options.getString("question", true);
    const isPrivate = interaction.options.getBoolean("private") ?? false;
    await interaction.deferReply({ flags: isPrivate ? MessageFlags.Ephemeral : undefined });
    const sinceAsked = () => (Date.now() - interaction.createdTimestamp) / 1000;
    askAcknowledged.observe(sinceAsked());
    // Inside a thread opened from an answer, earlier turns are the context.
    const conversation = interaction.channel?.isThread() && deps.conversations.has(interaction.channelId) ? interaction.channelId : undefined;
    const progress = new ThrottledEditor((content) => interaction.editReply({ content, allowedMentions: NO_MENTIONS }));
    const result = await deps.engine
      .ask(question, {
        history: conversation ? deps.conversations.history(conversation) : [],
        onPartial: (text) => progress.push(askProgress(text)),
        // Only a model makes the search take long enough to be worth saying so.
        onStage: (stage) => stage === "searching" && deps.engine.hasModel && progress.push(ASK_SEARCHING),
        userId: interaction.user.id,
        guildId: interaction.guildId ?? undefined,
      })
      .finally(() => progress.finish());

    const [first, ...rest] = askReplyMessages(result);
    const inThread = interaction.channel?.isThread() ?? false;
    const offerThread = !isPrivate && !inThread && interaction.inGuild() && result.covered;
    const components = offerThread
      ? [
          new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId(`${THREAD_BUTTON}:`).setLabel("Ask follow-ups in a thread").setStyle(ButtonStyle.Secondary),
          ),
        ]
      : [];
    const reply = await interaction.editReply({ content: first ?? "", components: rest.length ? [] : components, allowedMentions: NO_MENTIONS });
    let last = reply;
    for (const [i, content] of rest.entries())
      last = await interaction.followUp({
        content,
        components: i === rest.length - 1 ? components : [],
        allowedMentions: NO_MENTIONS,
        flags: isPrivate ? MessageFlags.Ephemeral : undefined,
      });
    askReplied.observe(sinceAsked());
    deps.conversations.append(conversation ?? last.id, { question, answer: result.answer });
  },

  buttons: {
    async [THREAD_BUTTON](interaction, deps) {
      const message = interaction.message;
      if (!deps.conversations.has(message.id)) {
        await interaction.reply({ content: "That answer is too old to continue; ask again with /ask.", flags: MessageFlags.Ephemeral });
        return;
      }
      const question = deps.conversations.history(message.id)[0]?.question ?? "Follow-up questions";
      // Two quick clicks race: the second start fails because the first made the thread, so look again.
      const thread =
        message.thread ??
        (await message.startThread({ name: truncate(question, LIMITS.threadName) }).catch(async (err: unknown) => {
          const again = await message.fetch(true);
          if (again.thread) return again.thread;
          throw err;
        }));
      deps.conversations.copy(message.id, thread.id);
      await interaction.reply({
        content: `Ask follow-up questions with /ask in <#${thread.id}>: I will remember this conversation there.`,
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
    },
  },
} satisfies Command;
