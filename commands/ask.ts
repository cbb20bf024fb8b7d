import { ActionRowBuilder, ButtonBuilder, ButtonStyle, MessageFlags, SlashCommandBuilder } from "discord.js";
import { MAX_QUESTION_CHARS } from "../src/answer/answerEngine.js";
import type { Command } from "../src/discord/command.js";
import { askAcknowledged, askReplied } from "../src/metrics/metrics.js";
import { ASK_SEARCHING, askProgress, askReading, askReplyMessages } from "../src/discord/format/askReply.js";
import { whichPaperMessage } from "../src/discord/format/whichPaper.js";
import { NO_MENTIONS } from "../src/discord/limits.js";
import { ThrottledEditor } from "../src/discord/throttledEditor.js";
import { threadOn } from "../src/discord/threads.js";
import { voteButtons } from "../src/discord/format/answerVotes.js";
import { answerVoteButtons, answerVoteModals } from "./answerVotes.js";
import { respondWithPapers } from "./paperChoices.js";

const THREAD_BUTTON = "ask-thread";

export const ask = {
  data: new SlashCommandBuilder()
    .setName("ask")
    .setDescription("Ask a question; the answer cites the papers it used")
    .addStringOption((o) => o.setName("question").setDescription("Your question").setRequired(true).setMaxLength(MAX_QUESTION_CHARS))
    .addBooleanOption((o) => o.setName("private").setDescription("Only you see the answer"))
    .addStringOption((o) =>
      o.setName("paper").setDescription("Answer from this paper alone (title, short name or arXiv id)").setAutocomplete(true).setMaxLength(300),
    )
    .toJSON(),
  cooldownSeconds: 5,

  async execute(interaction, deps) {
    const question = interaction.options.getString("question", true);
    const isPrivate = interaction.options.getBoolean("private") ?? false;
    const paperName = interaction.options.getString("paper");
    const named = paperName ? await deps.engine.resolve(paperName) : undefined;
    if (named && !named.paper) {
      await interaction.reply({ content: whichPaperMessage(named), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    await interaction.deferReply({ flags: isPrivate ? MessageFlags.Ephemeral : undefined });
    const sinceAsked = () => (Date.now() - interaction.createdTimestamp) / 1000;
    askAcknowledged.observe(sinceAsked());
    // Inside a thread opened from an answer or a paper card, earlier turns are the context (and the card's paper the source).
    const { conversations } = deps.stores;
    const conversation = interaction.channel?.isThread() && (await conversations.has(interaction.channelId)) ? interaction.channelId : undefined;
    const paperId = named?.paper?.id ?? (conversation ? await conversations.paper(conversation) : undefined);
    const progress = new ThrottledEditor((content) => interaction.editReply({ content, allowedMentions: NO_MENTIONS }));
    const result = await deps.engine
      .ask(question, {
        history: conversation ? await conversations.history(conversation) : [],
        onPartial: (text) => progress.push(askProgress(text)),
        // Only a model makes the search take long enough to be worth saying so.
        onStage: (stage, count) => {
          if (stage === "searching" && deps.engine.hasModel) progress.push(ASK_SEARCHING);
          if (stage === "reading" && count) progress.push(askReading(count));
        },
        paperId,
        userId: interaction.user.id,
        guildId: interaction.guildId ?? undefined,
      })
      .finally(() => progress.finish());

    const [first, ...rest] = askReplyMessages(result);
    const inThread = interaction.channel?.isThread() ?? false;
    const offerThread = !isPrivate && !inThread && interaction.inGuild() && result.covered;
    // Every answer can be judged, "not covered" ones too: a 👎 there says the collection does answer it.
    const answerId = await deps.stores.answerFeedback.record(
      {
        guildId: interaction.guildId ?? undefined,
        channelId: interaction.channelId,
        question,
        sourceIds: result.citations.map((c) => c.paperId),
        mode: result.mode,
      },
      deps.now(),
    );
    const buttons = [
      ...(offerThread
        ? [new ButtonBuilder().setCustomId(`${THREAD_BUTTON}:`).setLabel("Ask follow-ups in a thread").setStyle(ButtonStyle.Secondary)]
        : []),
      ...voteButtons(answerId).map((b) => new ButtonBuilder(b)),
    ];
    const components = buttons.length ? [new ActionRowBuilder<ButtonBuilder>().addComponents(buttons)] : [];
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
    await conversations.append(conversation ?? last.id, { question, answer: result.answer });
    // A thread opened from an answer about one paper stays on it.
    if (paperId && !conversation) await conversations.keepToPaper(last.id, paperId);
  },

  autocomplete: respondWithPapers,

  buttons: {
    ...answerVoteButtons,
    async [THREAD_BUTTON](interaction, deps) {
      const message = interaction.message;
      const { conversations } = deps.stores;
      if (!(await conversations.has(message.id))) {
        await interaction.reply({ content: "That answer is too old to continue; ask again with /ask.", flags: MessageFlags.Ephemeral });
        return;
      }
      const question = (await conversations.history(message.id))[0]?.question ?? "Follow-up questions";
      const thread = await threadOn(message, question);
      await conversations.copy(message.id, thread.id);
      await interaction.reply({
        content: `Ask follow-up questions with /ask in <#${thread.id}>: I will remember this conversation there.`,
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
    },
  },

  modals: answerVoteModals,
} satisfies Command;
