import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { searchList } from "../src/discord/format/paperCard.js";
import { NO_MENTIONS } from "../src/discord/limits.js";

export const search = {
  data: new SlashCommandBuilder()
    .setName("search")
    .setDescription("Search the collection")
    .addStringOption((o) => o.setName("query").setDescription("What to look for").setRequired(true).setMaxLength(300))
    .addIntegerOption((o) => o.setName("count").setDescription("How many results (1-10, default 5)").setMinValue(1).setMaxValue(10))
    .toJSON(),

  async execute(interaction, deps) {
    const query = interaction.options.getString("query", true);
    const count = interaction.options.getInteger("count") ?? 5;
    // With an embedding model the query is embedded first, which can take longer than Discord's 3 s.
    await interaction.deferReply();
    const { hits } = await deps.retriever.retrieve(query, { k: count });
    await interaction.editReply({ embeds: [searchList(query, hits.map((h) => h.paper))], allowedMentions: NO_MENTIONS });
  },
} satisfies Command;
