import { pino } from "pino";
import { sqliteStores, type Stores } from "../../src/store/stores.js";
import { commands } from "../../commands/index.js";
import { loadConfig } from "../../src/config/config.js";
import { startBot, type RunningBot } from "../../src/discord/bot.js";
import { registerCommands } from "../../src/discord/registerCommands.js";
import { ingestSeedPage } from "../../src/ingest/ingestSeed.js";
import type { PaperStore } from "../../src/store/sqlite/paperStore.js";
import { FakeDiscord } from "../fakes/discord.js";
import type { FakeOpenAI } from "../fakes/openai.js";
import { seedPage, tempStore } from "./tmp.js";

/** A loopback port nothing listens on: PDF downloads fail at once. */
export const NO_PDF_SERVER = "http://127.0.0.1:9";

export interface TestBot {
  discord: FakeDiscord;
  store: PaperStore;
  bot: RunningBot;
  /** Every log line the bot wrote, parsed. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** The real bot (real discord.js client) against the Discord fake, on the seed collection, commands registered. */
export async function startTestBot(
  opts: { model?: FakeOpenAI; env?: Record<string, string>; stores?: (store: PaperStore) => Stores } = {},
): Promise<TestBot> {
  const discord = new FakeDiscord();
  await discord.start();
  const { store } = tempStore();
  await ingestSeedPage(sqliteStores(store), seedPage);
  const config = loadConfig({
    DISCORD_TOKEN: "test-token",
    DISCORD_APP_ID: discord.applicationId,
    DISCORD_API_BASE: discord.apiBase,
    // Papers' PDFs are fetched in the background: never from arxiv.org in a test (a closed port unless a test gives its fake).
    ARXIV_PDF_BASE: NO_PDF_SERVER,
    ARXIV_PDF_PAUSE_MS: "0",
    ...(opts.model ? { OPENAI_BASE_URL: opts.model.url, OPENAI_MODEL: "fake-chat" } : {}),
    ...opts.env,
  });
  const logs: Record<string, unknown>[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  await registerCommands(
    config,
    commands.map((c) => c.data),
  );
  const bot = await startBot(config, opts.stores?.(store) ?? sqliteStores(store), commands, { log });
  return {
    discord,
    store,
    bot,
    logs,
    async stop() {
      await bot.stop();
      await discord.stop();
    },
  };
}
