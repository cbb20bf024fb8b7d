import { MessageFlags, SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { paperCard } from "../src/discord/format/paperCard.js";
import { paperSaveRow } from "../src/discord/format/saveButtons.js";
import { NO_MENTIONS } from "../src/discord/limits.js";
import { respondWithPapers } from "./paperChoices.js";

export const paper = {
  data: new SlashCommandBuilder()
    .setName("paper")
    .setDescription("Show one paper: authors, date, abstract, links and similar papers")
    .addStringOption((o) =>
      o.setName("query").setDescription("Title, short name or arXiv id").setRequired(true).setAutocomplete(true).setMaxLength(300),
    )
    .toJSON(),

  async execute(interaction, deps) {
    const query = interaction.options.getString("query", true);
    const found = deps.engine.resolve(query);
    if (!found.paper) {
      const suggestions = found.candidates.map((p) => `• ${p.title}`).join("\n");
      await interaction.reply({
        content: suggestions ? `Which paper did you mean?\n${suggestions}`.slice(0, 2000) : `No paper matches “${query.slice(0, 100)}”. Try /search.`,
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
      return;
    }
    const p = found.paper;
    await interaction.deferReply();
    const similar = (await deps.retriever.retrieve(`${p.title} ${p.abstract.slice(0, 300)}`, { k: 4, prf: false })).hits
      .map((h) => h.paper)
      .filter((s) => s.id !== p.id)
      .slice(0, 3);
    await interaction.editReply({ embeds: [paperCard(p, similar)], components: paperSaveRow(p.id), allowedMentions: NO_MENTIONS });
  },

  autocomplete: respondWithPapers,
} satisfies Command;
