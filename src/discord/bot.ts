import { Events, type Client } from "discord.js";
import { createAnswerEngine } from "../answer/answerEngine.js";
import { Conversations } from "../answer/conversations.js";
import type { Config } from "../config/config.js";
import { UsageError } from "../config/errors.js";
import type { Logger } from "../config/logger.js";
import { createEmbeddings } from "../retrieval/embeddings.js";
import { Retriever } from "../retrieval/retriever.js";
import type { PaperStore } from "../store/paperStore.js";
import type { BotDeps, Command } from "./command.js";
import { createClient } from "./client.js";
import { Dispatcher } from "./dispatcher.js";

export interface RunningBot {
  client: Client;
  deps: BotDeps;
  /** Stops taking interactions, finishes the replies under way, logs out. The caller closes the store. */
  stop(): Promise<void>;
}

/** Builds the domain objects once, logs in with the minimal intent, and serves the commands. Registers nothing. */
export async function startBot(
  config: Readonly<Config>,
  store: PaperStore,
  commands: Command[],
  opts: { log: Logger; now?: () => Date },
): Promise<RunningBot> {
  if (!config.discord.token) throw new UsageError("DISCORD_TOKEN is not set: create a bot in the Discord Developer Portal (see README).");
  const retriever = new Retriever(store, { embeddings: createEmbeddings(config), log: opts.log });
  const deps: BotDeps = {
    config,
    log: opts.log,
    store,
    retriever,
    engine: createAnswerEngine(config, store, retriever, opts.log),
    conversations: new Conversations(store.db),
    now: opts.now ?? (() => new Date()),
  };
  const client = createClient(config);
  const dispatcher = new Dispatcher(commands, deps);
  let accepting = true;
  client.on(Events.InteractionCreate, (interaction) => {
    if (accepting) dispatcher.handle(interaction);
  });
  client.on(Events.Error, (err) => opts.log.error({ err }, "discord client error"));
  const ready = new Promise<void>((resolve) =>
    client.once(Events.ClientReady, (c) => {
      opts.log.info({ user: c.user.tag, guilds: c.guilds.cache.size }, "logged in");
      resolve();
    }),
  );
  await client.login(config.discord.token);
  await ready;
  return {
    client,
    deps,
    async stop() {
      accepting = false;
      await dispatcher.drain();
      await client.destroy();
    },
  };
}
