import { MessageFlags, SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { compareEmbed, unresolvedMessage } from "../src/discord/format/compareEmbed.js";
import { NO_MENTIONS } from "../src/discord/limits.js";
import { respondWithPapers } from "./paperChoices.js";

export const compare = {
  data: new SlashCommandBuilder()
    .setName("compare")
    .setDescription("Compare two papers side by side")
    .addStringOption((o) =>
      o.setName("a").setDescription("First paper (title, short name or arXiv id)").setRequired(true).setAutocomplete(true).setMaxLength(300),
    )
    .addStringOption((o) => o.setName("b").setDescription("Second paper").setRequired(true).setAutocomplete(true).setMaxLength(300))
    .toJSON(),
  cooldownSeconds: 5,

  async execute(interaction, deps) {
    const a = interaction.options.getString("a", true);
    const b = interaction.options.getString("b", true);
    const names = { a: await deps.engine.resolve(a), b: await deps.engine.resolve(b) };
    if (!names.a.paper || !names.b.paper) {
      const which = (["a", "b"] as const).filter((w) => !names[w].paper);
      await interaction.reply({
        content: unresolvedMessage({ kind: "unresolved", which, ...names }),
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
      return;
    }
    // Names resolve instantly; the comparison may take the model several seconds.
    await interaction.deferReply();
    const result = await deps.engine.compare(names.a.paper.id, names.b.paper.id, {
      userId: interaction.user.id,
      guildId: interaction.guildId ?? undefined,
    });
    if (result.kind === "unresolved") throw new Error("a resolved paper id no longer resolves");
    await interaction.editReply({ embeds: [compareEmbed(result)], allowedMentions: NO_MENTIONS });
  },

  autocomplete: respondWithPapers,
} satisfies Command;
