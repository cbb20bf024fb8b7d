import { commands } from "../../commands/index.js";
import { loadConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/config/logger.js";
import { bundledSeedPage } from "../../src/config/paths.js";
import { startBot, type RunningBot } from "../../src/discord/bot.js";
import { registerCommands } from "../../src/discord/registerCommands.js";
import { ingestSeedPage } from "../../src/ingest/ingestSeed.js";
import type { PaperStore } from "../../src/store/sqlite/paperStore.js";
import { sqliteStores } from "../../src/store/stores.js";
import { FakeDiscord } from "../fakes/discord.js";
import { FakeHuggingFace } from "../fakes/huggingface.js";
import { corpusDir, tempStore } from "./tmp.js";

export interface SeededBot {
  discord: FakeDiscord;
  hf: FakeHuggingFace;
  bot: RunningBot;
  store: PaperStore;
  /** Stops the bot, then the fakes. */
  stop(): Promise<void>;
}

/**
 * The real bot against the Discord and Hugging Face fakes (the feed month of test/fixtures), on a
 * collection holding the seed page (every server's profile), its clock at `now`.
 */
export async function startSeededBot(opts: { now: Date; guilds?: string[] }): Promise<SeededBot> {
  const discord = new FakeDiscord({ token: "test-token", guilds: (opts.guilds ?? ["Paper Lab"]).map((name) => ({ name })) });
  await discord.start();
  const hf = FakeHuggingFace.fromCorpus(corpusDir);
  await hf.start();
  const { store } = tempStore();
  await ingestSeedPage(sqliteStores(store), bundledSeedPage);
  const config = loadConfig({
    DISCORD_TOKEN: "test-token",
    DISCORD_APP_ID: discord.applicationId,
    DISCORD_API_BASE: discord.apiBase,
    HF_API_BASE: hf.url,
  });
  await registerCommands(
    config,
    commands.map((c) => c.data),
  );
  const bot = await startBot(config, sqliteStores(store, { clock: () => opts.now }), commands, {
    log: silentLogger,
    now: () => opts.now,
    digest: { sleep: async () => undefined, sendRetryDelaysMs: [] },
  });
  await bot.digestCatchUp;
  return {
    discord,
    hf,
    bot,
    store,
    stop: async () => {
      await bot.stop();
      await hf.stop();
      await discord.stop();
    },
  };
}
