import { MessageFlags, SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { NO_MENTIONS } from "../src/discord/limits.js";

export const help = {
  data: new SlashCommandBuilder().setName("help").setDescription("What this bot can do and which papers it knows").toJSON(),

  async execute(interaction, deps) {
    // Counting a million papers takes seconds the first time: answer Discord before that.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const s = await deps.stores.papers.stats();
    const sources = Object.entries(s.bySource).map(
      ([k, v]) => `${v} from ${k === "hf" ? "the Daily Papers feed" : k === "seed" ? "the seed page" : "arXiv"}`,
    );
    const mode = deps.engine.hasModel
      ? "Answers are written by a language model and cite their sources."
      : "No language model is configured, so answers quote the most relevant passages.";
    const content = [
      "**paperbot**: a research assistant over a local paper collection.",
      "`/ask question` answers from the papers and cites them; open a thread from the answer for follow-ups.",
      "`/compare a b` compares two papers side by side (names autocomplete).",
      "`/paper query` shows one paper; `/search query` lists matching papers.",
      "⭐ Save on a paper of the daily post or a /paper card keeps it on this server's list: `/saved list`, `remove`, `export` (BibTeX).",
      "`/add 2602.01234 …` adds papers by arXiv id or link to the collection and to this server's papers.",
      "`/digest …` (Manage Server) sets up the daily trending-papers post.",
      "",
      `The collection holds ${s.total} papers (${sources.join(", ")}), published ${s.published.first ?? "?"} to ${s.published.last ?? "?"}.`,
      mode,
    ].join("\n");
    await interaction.editReply({ content, allowedMentions: NO_MENTIONS });
  },
} satisfies Command;
