import { MessageFlags, SlashCommandBuilder } from "discord.js";
import { UserError } from "../src/config/errors.js";
import type { Command } from "../src/discord/command.js";
import { addReply } from "../src/discord/format/addReply.js";
import { NO_MENTIONS } from "../src/discord/limits.js";
import { addPapers } from "../src/ingest/addPapers.js";
import { MAX_PAPER_REFS, parsePaperRefs } from "../src/ingest/paperRefs.js";
import { createEmbeddings } from "../src/retrieval/embeddings.js";

export const add = {
  data: new SlashCommandBuilder()
    .setName("add")
    .setDescription("Add papers to the collection and to this server's papers, by arXiv id or link")
    .addStringOption((o) =>
      o
        .setName("papers")
        .setDescription(`Up to ${MAX_PAPER_REFS} arXiv ids or links (arxiv.org, huggingface.co/papers), separated by spaces or commas`)
        .setRequired(true)
        .setMaxLength(1000),
    )
    .toJSON(),
  cooldownSeconds: 5,

  async execute(interaction, deps) {
    if (!interaction.guildId) throw new UserError("Use /add in a server: the papers become that server's.");
    const refs = parsePaperRefs(interaction.options.getString("papers", true));
    // Looking papers up can take longer than the 3 s Discord waits for a first answer.
    await interaction.deferReply();
    const { config, store, log } = deps;
    const outcomes = await addPapers(
      { store, embeddings: createEmbeddings(config), log },
      { hfApiBase: config.hfApiBase, arxivApiBase: config.arxivApiBase, lookup: { log } },
      refs,
      { guildId: interaction.guildId, userId: interaction.user.id },
    );
    const reply = addReply(outcomes);
    const [first, ...rest] = reply.messages;
    if (!first) throw new UserError(reply.problems);
    await interaction.editReply({ ...first, allowedMentions: NO_MENTIONS });
    for (const m of rest) await interaction.followUp({ ...m, allowedMentions: NO_MENTIONS });
    if (reply.problems) await interaction.followUp({ content: reply.problems, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  },
} satisfies Command;
