import { MessageFlags, type RepliableInteraction } from "discord.js";
import { UserError } from "../src/config/errors.js";
import type { Command } from "../src/discord/command.js";
import { parseAnswerId, parseVote, REASON_INPUT, REASON_MODAL, reasonModal, VOTE_BUTTON } from "../src/discord/format/answerVotes.js";
import { NO_MENTIONS } from "../src/discord/limits.js";

const GONE = "That answer is no longer on record, so your vote was not kept. Ask again with /ask.";
const NOTED = "Thanks — noted.";

const tell = (interaction: RepliableInteraction, content: string) =>
  interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });

/** 👍 records a vote (clicked again, takes it back); 👎 asks what was wrong first, or takes back an earlier 👎. */
export const answerVoteButtons: NonNullable<Command["buttons"]> = {
  async [VOTE_BUTTON](interaction, deps, arg) {
    const parsed = parseVote(arg);
    const feedback = deps.stores.answerFeedback;
    if (!parsed || !(await feedback.has(parsed.answerId))) throw new UserError(GONE);
    const { vote, answerId } = parsed;
    const userId = interaction.user.id;
    if ((await feedback.voteOf(answerId, userId)) === vote) {
      await feedback.takeBack(answerId, userId);
      await tell(interaction, `Took back your ${vote === "up" ? "👍" : "👎"}.`);
    } else if (vote === "down") await interaction.showModal(reasonModal(answerId));
    else {
      await feedback.vote(answerId, userId, "up", undefined, deps.now());
      await tell(interaction, NOTED);
    }
  },
};

/** The 👎's reason: the vote is recorded when the user submits it. */
export const answerVoteModals: NonNullable<Command["modals"]> = {
  async [REASON_MODAL](interaction, deps, arg) {
    const answerId = parseAnswerId(arg);
    const reason = interaction.fields.getTextInputValue(REASON_INPUT);
    if (answerId === undefined || !(await deps.stores.answerFeedback.vote(answerId, interaction.user.id, "down", reason, deps.now())))
      throw new UserError(GONE);
    await tell(interaction, NOTED);
  },
};
