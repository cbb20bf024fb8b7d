import { MessageFlags, type ButtonInteraction } from "discord.js";
import { UserError } from "../config/errors.js";
import { truncate } from "../text/prose.js";
import type { BotDeps } from "./command.js";
import { plain } from "./format/markdown.js";
import { shortTitle } from "./format/saveButtons.js";
import { NO_MENTIONS } from "./limits.js";
import { threadOn } from "./threads.js";

/** "Ask about this paper": a thread on the card whose /ask questions are answered from that paper alone. */
export async function openPaperThread(interaction: ButtonInteraction, deps: BotDeps, paperId: string): Promise<void> {
  const paper = await deps.stores.papers.get(paperId);
  if (!paper) throw new UserError("That paper is not in the collection any more.");
  const title = `**${plain(truncate(paper.title, 200))}**`;
  if (!interaction.inGuild() || interaction.channel?.isThread()) {
    await interaction.reply({
      content: `I can only open a thread from a card in a server's channel. Here, ask with /ask and \`paper:\` ${title}.`,
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  const thread = await threadOn(interaction.message, `Questions: ${shortTitle(paper.title)}`);
  await deps.stores.conversations.keepToPaper(thread.id, paper.id);
  await interaction.reply({
    content: `Ask about ${title} with /ask in <#${thread.id}>: the answers there come from this paper alone.`,
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_MENTIONS,
  });
}
