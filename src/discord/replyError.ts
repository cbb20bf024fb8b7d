import { randomBytes } from "node:crypto";
import { MessageFlags, type RepliableInteraction } from "discord.js";
import { UserError } from "../config/errors.js";
import type { Logger } from "../config/logger.js";
import { userErrors } from "../metrics/metrics.js";
import { isDatabaseUnavailable } from "../store/unavailable.js";
import { truncate } from "../text/prose.js";
import { NO_MENTIONS } from "./limits.js";

/** Replies with a short ephemeral message to the user only, replacing a public "thinking…" reply if there is one. */
export async function replyEphemeral(interaction: RepliableInteraction, content: string): Promise<void> {
  const message = { content: truncate(content, 2000), allowedMentions: NO_MENTIONS };
  if (interaction.deferred || interaction.replied) {
    if (!interaction.ephemeral) await interaction.deleteReply().catch(() => undefined);
    await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
  } else await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
}

/**
 * The one error path: expected problems show their message; anything else shows an error id that
 * is also in the log, so an operator can find it.
 */
export async function replyError(interaction: RepliableInteraction, err: unknown, log: Logger, context: Record<string, unknown>): Promise<void> {
  let content: string;
  userErrors.inc({ kind: err instanceof UserError ? "user" : "internal" });
  if (err instanceof UserError) content = err.message;
  else if (isDatabaseUnavailable(err)) {
    const errorId = randomBytes(4).toString("hex");
    log.error({ err, errorId, ...context }, "command failed: the database is unavailable");
    content = `The database is not answering right now (error id \`${errorId}\`); nothing was changed. Please try again in a minute.`;
  } else {
    const errorId = randomBytes(4).toString("hex");
    log.error({ err, errorId, ...context }, "command failed");
    content = `Something went wrong on my side (error id \`${errorId}\`). Please try again; if it keeps happening, give the id to the bot's operator.`;
  }
  await replyEphemeral(interaction, content).catch((e: unknown) => log.warn({ err: e, ...context }, "could not report an error to the user"));
}
