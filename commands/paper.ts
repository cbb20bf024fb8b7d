import { MessageFlags, SlashCommandBuilder } from "discord.js";
import { UserError } from "../src/config/errors.js";
import type { Command } from "../src/discord/command.js";
import { ASK_PAPER_BUTTON, paperCardRows, READ_PAPER_BUTTON } from "../src/discord/format/paperButtons.js";
import { fullTextField, paperCard } from "../src/discord/format/paperCard.js";
import { readOutcomeMessage } from "../src/discord/format/readOutcome.js";
import { whichPaperMessage } from "../src/discord/format/whichPaper.js";
import { NO_MENTIONS } from "../src/discord/limits.js";
import { openPaperThread } from "../src/discord/paperThread.js";
import { respondWithPapers } from "./paperChoices.js";

export const paper = {
  data: new SlashCommandBuilder()
    .setName("paper")
    .setDescription("Show one paper: authors, date, abstract, links, similar papers and whether its full text is in")
    .addStringOption((o) =>
      o.setName("query").setDescription("Title, short name or arXiv id").setRequired(true).setAutocomplete(true).setMaxLength(300),
    )
    .toJSON(),

  async execute(interaction, deps) {
    const query = interaction.options.getString("query", true);
    const found = await deps.engine.resolve(query);
    if (!found.paper) {
      await interaction.reply({ content: whichPaperMessage(found), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    const p = found.paper;
    await interaction.deferReply();
    const similar = (await deps.retriever.retrieve(`${p.title} ${p.abstract.slice(0, 300)}`, { k: 4, prf: false })).hits
      .map((h) => h.paper)
      .filter((s) => s.id !== p.id)
      .slice(0, 3);
    const reader = deps.engine.fullText;
    const text = await reader?.texts.status(p.id);
    // Offered while there is something to fetch: not for a text that is in, nor for a paper arXiv has no PDF of.
    const canRead = Boolean(reader?.canFetch && p.arxivId && text?.status !== "read" && !(text?.status === "failed" && text.problem === "no-pdf"));
    await interaction.editReply({
      embeds: [paperCard(p, similar).addFields(fullTextField(text))],
      components: paperCardRows(p.id, { ask: interaction.inGuild(), read: canRead }),
      allowedMentions: NO_MENTIONS,
    });
  },

  autocomplete: respondWithPapers,

  buttons: {
    [ASK_PAPER_BUTTON]: openPaperThread,

    async [READ_PAPER_BUTTON](interaction, deps, paperId) {
      const p = await deps.stores.papers.get(paperId);
      const reader = deps.engine.fullText;
      if (!p) throw new UserError("That paper is not in the collection any more.");
      if (!reader?.canFetch) throw new UserError("This bot does not fetch PDFs.");
      // Fetching waits its turn behind other PDFs (arXiv asks for a pause between them).
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const before = await reader.texts.status(p.id);
      const outcome = await reader.readPaper(p.id, { retry: before?.status === "failed" && before.problem !== "no-pdf" });
      await interaction.editReply({ content: readOutcomeMessage(p, outcome), allowedMentions: NO_MENTIONS });
    },
  },
} satisfies Command;
