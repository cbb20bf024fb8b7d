import { SlashCommandBuilder } from "discord.js";
import { UserError } from "../src/config/errors.js";
import type { Command } from "../src/discord/command.js";
import { searchList } from "../src/discord/format/paperCard.js";
import { NO_MENTIONS } from "../src/discord/limits.js";

export const search = {
  data: new SlashCommandBuilder()
    .setName("search")
    .setDescription("Search the collection")
    .addStringOption((o) => o.setName("query").setDescription("What to look for").setRequired(true).setMaxLength(300))
    .addIntegerOption((o) => o.setName("count").setDescription("How many results (1-10, default 5)").setMinValue(1).setMaxValue(10))
    .addBooleanOption((o) =>
      o.setName("assist").setDescription("Let the language model rephrase the query in the papers' vocabulary (slower; needs a model)"),
    )
    .toJSON(),

  async execute(interaction, deps) {
    const query = interaction.options.getString("query", true);
    const count = interaction.options.getInteger("count") ?? 5;
    const assist = interaction.options.getBoolean("assist") ?? false;
    if (assist && !deps.engine.hasModel) throw new UserError("The assist option needs a language model, and none is configured. Search without it.");
    // Embedding the query or a model's rewrite can take longer than Discord's 3 s.
    await interaction.deferReply();
    const { hits } = await deps.engine.search(query, [], {
      k: count,
      assist,
      who: { userId: interaction.user.id, guildId: interaction.guildId ?? undefined },
    });
    await interaction.editReply({
      embeds: [
        searchList(
          query,
          hits.map((h) => h.paper),
        ),
      ],
      allowedMentions: NO_MENTIONS,
    });
  },
} satisfies Command;
