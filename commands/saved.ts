import { AttachmentBuilder, InteractionContextType, MessageFlags, SlashCommandBuilder } from "discord.js";
import { matchSaved, removeSaved, SAVED_PER_PAGE, savedBibtex, savedPage, savePaper } from "../src/answer/savedPapers.js";
import type { Command } from "../src/discord/command.js";
import { SAVE_BUTTON } from "../src/discord/format/saveButtons.js";
import { NOTHING_SAVED, SAVED_PAGE_BUTTON, saveReply, savedListMessage } from "../src/discord/format/savedList.js";
import { plain } from "../src/discord/format/markdown.js";
import { LIMITS, NO_MENTIONS } from "../src/discord/limits.js";
import { truncate } from "../src/text/prose.js";

const BIBTEX_FILE = "saved-papers.bib";

export const saved = {
  data: new SlashCommandBuilder()
    .setName("saved")
    .setDescription("This server's saved papers (⭐ Save on a post or a /paper card)")
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName("list")
        .setDescription("The saved papers, newest first")
        .addIntegerOption((o) => o.setName("page").setDescription("Page number (10 papers a page)").setMinValue(1).setMaxValue(10_000)),
    )
    .addSubcommand((s) =>
      s
        .setName("remove")
        .setDescription("Take a paper off the saved list")
        .addStringOption((o) => o.setName("paper").setDescription("A saved paper").setRequired(true).setAutocomplete(true).setMaxLength(300)),
    )
    .addSubcommand((s) => s.setName("export").setDescription("The saved list as a BibTeX file"))
    .toJSON(),

  async execute(interaction, deps) {
    const guildId = interaction.guildId;
    if (!guildId) {
      await interaction.reply({
        content: "Saved papers belong to a server; use /saved there.",
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
      return;
    }
    const sub = interaction.options.getSubcommand(true);
    if (sub === "list") {
      const page = await savedPage(deps.stores, guildId, interaction.options.getInteger("page") ?? 1);
      await interaction.reply({ ...savedListMessage(page, SAVED_PER_PAGE), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    } else if (sub === "remove") {
      const paper = await removeSaved(deps.stores, guildId, interaction.options.getString("paper", true));
      await interaction.reply({
        content: `Removed **${plain(truncate(paper.title, 300))}** from this server's saved list.`,
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
    } else {
      const { bibtex, count } = await savedBibtex(deps.stores, guildId);
      if (!count) {
        await interaction.reply({ content: NOTHING_SAVED, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
        return;
      }
      await interaction.reply({
        content: `${count} saved ${count === 1 ? "paper" : "papers"}, newest first, as BibTeX.`,
        files: [new AttachmentBuilder(Buffer.from(bibtex, "utf8"), { name: BIBTEX_FILE })],
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
    }
  },

  async autocomplete(interaction, deps) {
    if (!interaction.guildId) return;
    const papers = await matchSaved(deps.stores, interaction.guildId, interaction.options.getFocused(), LIMITS.choices);
    await interaction.respond(papers.map((p) => ({ name: truncate(p.title, LIMITS.choiceName), value: p.id.slice(0, 100) })));
  },

  buttons: {
    async [SAVE_BUTTON](interaction, deps, paperId) {
      if (!interaction.guildId) {
        await interaction.reply({
          content: "Saving needs a server: the saved list belongs to a server, so press ⭐ Save there.",
          flags: MessageFlags.Ephemeral,
          allowedMentions: NO_MENTIONS,
        });
        return;
      }
      const outcome = await savePaper(deps.stores, interaction.guildId, paperId, interaction.user.id, deps.now());
      deps.log.info({ guildId: interaction.guildId, paper: outcome.paper.id, saved: outcome.saved }, "save button");
      // A saved paper is one the group cares about: its full text is read in the background.
      if (outcome.saved) deps.engine.fullText?.readLater([outcome.paper.id]);
      await interaction.reply({ content: truncate(saveReply(outcome), LIMITS.content), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    },

    async [SAVED_PAGE_BUTTON](interaction, deps, arg) {
      if (!interaction.guildId) return;
      const page = await savedPage(deps.stores, interaction.guildId, Number(arg) || 1);
      await interaction.update({ ...savedListMessage(page, SAVED_PER_PAGE), allowedMentions: NO_MENTIONS });
    },
  },
} satisfies Command;
