import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  ModalSubmitInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { AnswerEngine } from "../answer/answerEngine.js";
import type { Config } from "../config/config.js";
import type { Logger } from "../config/logger.js";
import type { Retriever } from "../retrieval/retriever.js";
import type { Stores } from "../store/stores.js";
import type { DigestService } from "../digest/digestService.js";

/** What every command handler gets: the domain objects, built once at start-up. */
export interface BotDeps {
  config: Readonly<Config>;
  log: Logger;
  /** Every kind of data, behind async interfaces: what handlers and the domain use. */
  stores: Stores;
  retriever: Retriever;
  engine: AnswerEngine;
  now: () => Date;
  /** The daily digest; set once the bot is logged in (undefined before, or if it could not start). */
  digest?: DigestService;
}

/** A slash command: its registration JSON and thin handlers that call into src/. */
export interface Command {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Seconds a user waits between two uses. */
  cooldownSeconds?: number;
  execute(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, deps: BotDeps): Promise<void>;
  /** Buttons this command puts on its messages, by the custom id's prefix (before the first ':'). */
  buttons?: Record<string, (interaction: ButtonInteraction, deps: BotDeps, arg: string) => Promise<void>>;
  /** Modals its buttons open, by the custom id's prefix, as `buttons`. */
  modals?: Record<string, (interaction: ModalSubmitInteraction, deps: BotDeps, arg: string) => Promise<void>>;
}
