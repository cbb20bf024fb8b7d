import { MessageFlags, type ButtonInteraction, type CommandInteractionOption, type Interaction, type ModalSubmitInteraction } from "discord.js";
import { userText } from "../text/userText.js";
import type { BotDeps, Command } from "./command.js";
import { NO_MENTIONS } from "./limits.js";
import { replyError } from "./replyError.js";

/** Routes every interaction to its command, with cooldowns (in the store, shared by every process on it), and tracks replies still in flight for a clean shutdown. */
export class Dispatcher {
  private readonly byName: Map<string, Command>;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    commands: Command[],
    private readonly deps: BotDeps,
  ) {
    this.byName = new Map(commands.map((c) => [c.data.name, c]));
  }

  handle(interaction: Interaction): void {
    const work = this.route(interaction).catch((err: unknown) => this.deps.log.error({ err }, "interaction handler crashed"));
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Resolves when every reply that had started is done. */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async route(interaction: Interaction): Promise<void> {
    const log = this.deps.log;
    if (interaction.isChatInputCommand() || interaction.isAutocomplete()) cleanTextOptions(interaction.options.data);
    if (interaction.isAutocomplete()) {
      const command = this.byName.get(interaction.commandName);
      try {
        await command?.autocomplete?.(interaction, this.deps);
      } catch (err) {
        log.warn({ err, command: interaction.commandName }, "autocomplete failed");
      }
      // Unanswered, Discord shows "loading options failed"; no choices is the honest answer.
      if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
      return;
    }
    if (interaction.isButton()) return this.routeComponent(interaction, "button", (c, prefix) => c.buttons?.[prefix]);
    if (interaction.isModalSubmit()) return this.routeComponent(interaction, "modal", (c, prefix) => c.modals?.[prefix]);
    if (!interaction.isChatInputCommand()) return;
    const command = this.byName.get(interaction.commandName);
    const context = { command: interaction.commandName, userId: interaction.user.id, guildId: interaction.guildId };
    if (!command) {
      log.warn(context, "unknown command");
      await interaction
        .reply({
          content: "I don't know that command any more; the command list may be out of date.",
          flags: MessageFlags.Ephemeral,
          allowedMentions: NO_MENTIONS,
        })
        .catch(() => undefined);
      return;
    }
    const started = Date.now();
    try {
      // The cooldown is in the database: failing to reach it is answered like any other error.
      const wait = command.cooldownSeconds
        ? await this.deps.stores.cooldowns.take(`${command.data.name}:${interaction.user.id}`, command.cooldownSeconds)
        : 0;
      if (wait) {
        await interaction.reply({
          content: `Please wait ${wait} s before using /${command.data.name} again.`,
          flags: MessageFlags.Ephemeral,
          allowedMentions: NO_MENTIONS,
        });
        return;
      }
      await command.execute(interaction, this.deps);
      log.info({ ...context, ms: Date.now() - started }, "answered");
    } catch (err) {
      await replyError(interaction, err, log, context);
    }
  }

  /** A button click or modal submit goes to the handler for its custom id's prefix (before the first ':'), with the rest as its argument. */
  private async routeComponent<I extends ButtonInteraction | ModalSubmitInteraction>(
    interaction: I,
    kind: "button" | "modal",
    handlerOf: (command: Command, prefix: string) => ((interaction: I, deps: BotDeps, arg: string) => Promise<void>) | undefined,
  ): Promise<void> {
    const [prefix = "", arg = ""] = interaction.customId.split(/:(.*)/s);
    const handler = [...this.byName.values()].map((c) => handlerOf(c, prefix)).find(Boolean);
    if (!handler) return;
    try {
      await handler(interaction, this.deps, arg);
    } catch (err) {
      await replyError(interaction, err, this.deps.log, { [kind]: prefix, userId: interaction.user.id });
    }
  }
}

/**
 * Every text a user typed into an option, as the commands take it (`userText`): invisible and
 * control characters gone, one space between words. In place, so `options.getString` and
 * `getFocused` read the clean text.
 */
function cleanTextOptions(options: readonly CommandInteractionOption[]): void {
  for (const option of options) {
    if (typeof option.value === "string") option.value = userText(option.value);
    if (option.options) cleanTextOptions(option.options);
  }
}
