import { ButtonStyle, ComponentType, LabelBuilder, ModalBuilder, TextInputBuilder, TextInputStyle, type APIButtonComponent } from "discord.js";
import { MAX_REASON_CHARS, type Vote } from "../../store/answerFeedback.js";

/** `answer-vote:up:<answerId>` and `answer-vote:down:<answerId>`: the 👍 / 👎 under an /ask answer. */
export const VOTE_BUTTON = "answer-vote";
/** `answer-reason:<answerId>`: the modal a 👎 opens. */
export const REASON_MODAL = "answer-reason";
/** The modal's one text input. */
export const REASON_INPUT = "reason";

/** 👍 and 👎 for a recorded answer (custom ids of about 30 characters, well inside Discord's 100). */
export function voteButtons(answerId: number): APIButtonComponent[] {
  return (["up", "down"] as const).map((vote) => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    custom_id: `${VOTE_BUTTON}:${vote}:${answerId}`,
    emoji: { name: vote === "up" ? "👍" : "👎" },
  }));
}

/** The vote and answer id of a vote button's argument (`up:12`); undefined for anything else. */
export function parseVote(arg: string): { vote: Vote; answerId: number } | undefined {
  const m = /^(up|down):(\d{1,15})$/.exec(arg);
  return m ? { vote: m[1] as Vote, answerId: Number(m[2]) } : undefined;
}

/** The answer id of a modal's argument; undefined when it is not one. */
export function parseAnswerId(arg: string): number | undefined {
  return /^\d{1,15}$/.test(arg) ? Number(arg) : undefined;
}

/** What a 👎 opens: one optional short text, "What was wrong?". */
export function reasonModal(answerId: number): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(`${REASON_MODAL}:${answerId}`)
    .setTitle("👎 Feedback on this answer")
    .addLabelComponents(
      new LabelBuilder()
        .setLabel("What was wrong?")
        .setDescription("Optional. Kept with the question for the bot's operator.")
        .setTextInputComponent(
          new TextInputBuilder().setCustomId(REASON_INPUT).setStyle(TextInputStyle.Short).setRequired(false).setMaxLength(MAX_REASON_CHARS),
        ),
    );
}
