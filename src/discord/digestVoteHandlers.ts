import { ComponentType, MessageFlags, type ButtonInteraction } from "discord.js";
import { votePaper } from "../digest/paperVote.js";
import type { Vote } from "../store/paperVotes.js";
import type { BotDeps, Command } from "./command.js";
import { paperSaveRow } from "./format/saveButtons.js";
import { SAVE_BUTTON } from "./format/saveButtons.js";
import { RATE_BUTTON, rateRows, VOTE_DOWN_BUTTON, VOTE_UP_BUTTON, voteReply } from "./format/voteButtons.js";
import { NO_MENTIONS } from "./limits.js";

async function vote(interaction: ButtonInteraction, deps: BotDeps, paperId: string, direction: Vote): Promise<void> {
  if (!interaction.guildId) {
    await interaction.reply({ content: "Votes belong to a server's daily post.", flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    return;
  }
  const outcome = await votePaper(deps.stores, interaction.guildId, paperId, interaction.user.id, direction, deps.now());
  deps.log.info({ guildId: interaction.guildId, paper: outcome.paper.id, vote: outcome.state }, "vote button");
  // A 👍 from "Rate these papers" is one click from ⭐ here.
  const components = outcome.state === "up" && !outcome.saved ? paperSaveRow(outcome.paper.id) : [];
  await interaction.reply({ content: voteReply(outcome), components, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

/** "Rate these papers" on a long post: 👍 / 👎 for each of its papers (read from its ⭐ buttons), only to the member. */
async function rate(interaction: ButtonInteraction, deps: BotDeps): Promise<void> {
  const ids: string[] = [];
  for (const row of interaction.message.components)
    if (row.type === ComponentType.ActionRow)
      for (const c of row.components)
        if (c.type === ComponentType.Button && c.customId?.startsWith(`${SAVE_BUTTON}:`)) ids.push(c.customId.slice(SAVE_BUTTON.length + 1));
  // A post's ids are the feed's (arXiv ids): a paper that had another id before keeps it, so each is looked up by either.
  const found = await Promise.all(ids.map((id) => deps.stores.papers.get(id)));
  const papers = found.flatMap((p) => (p ? [{ paperId: p.id, title: p.title }] : []));
  const content = papers.length
    ? "👍 more like this, 👎 less like this, for this server's next posts:"
    : "These papers are no longer in the collection.";
  await interaction.reply({ content, components: rateRows(papers), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

/** The daily post's 👍 / 👎 buttons. */
export const digestVoteHandlers: NonNullable<Command["buttons"]> = {
  [RATE_BUTTON]: (interaction, deps) => rate(interaction, deps),
  [VOTE_UP_BUTTON]: (interaction, deps, paperId) => vote(interaction, deps, paperId, "up"),
  [VOTE_DOWN_BUTTON]: (interaction, deps, paperId) => vote(interaction, deps, paperId, "down"),
};
