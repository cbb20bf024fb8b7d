import { MessageFlags, type ButtonInteraction } from "discord.js";
import { votePaper } from "../digest/paperVote.js";
import type { Vote } from "../store/paperVotes.js";
import type { BotDeps, Command } from "./command.js";
import { paperSaveRow } from "./format/saveButtons.js";
import { VOTE_DOWN_BUTTON, VOTE_UP_BUTTON, voteReply } from "./format/voteButtons.js";
import { NO_MENTIONS } from "./limits.js";

async function vote(interaction: ButtonInteraction, deps: BotDeps, paperId: string, direction: Vote): Promise<void> {
  if (!interaction.guildId) {
    await interaction.reply({ content: "Votes belong to a server's daily post.", flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    return;
  }
  const outcome = votePaper(deps.store, interaction.guildId, paperId, interaction.user.id, direction, deps.now());
  deps.log.info({ guildId: interaction.guildId, paper: outcome.paper.id, vote: outcome.state }, "vote button");
  // Two papers a row leave no room for ⭐ in a long post: a 👍 offers it here.
  const components = outcome.state === "up" && !outcome.saved ? paperSaveRow(outcome.paper.id) : [];
  await interaction.reply({ content: voteReply(outcome), components, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

/** The daily post's 👍 / 👎 buttons. */
export const digestVoteHandlers: NonNullable<Command["buttons"]> = {
  [VOTE_UP_BUTTON]: (interaction, deps, paperId) => vote(interaction, deps, paperId, "up"),
  [VOTE_DOWN_BUTTON]: (interaction, deps, paperId) => vote(interaction, deps, paperId, "down"),
};
