import { REST, Routes, type RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import type { Config } from "../config/config.js";
import { UsageError } from "../config/errors.js";

/** Replaces the application's commands (globally, or in one server): running it twice changes nothing. */
export async function registerCommands(
  config: Readonly<Config>,
  commands: RESTPostAPIChatInputApplicationCommandsJSONBody[],
): Promise<{ scope: string; count: number }> {
  const { token, appId, guildId, apiBase } = config.discord;
  if (!token || !appId) throw new UsageError("DISCORD_TOKEN and DISCORD_APP_ID must be set to register commands (see .env.example).");
  const rest = new REST({ api: apiBase }).setToken(token);
  const route = guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId);
  const saved = (await rest.put(route, { body: commands })) as unknown[];
  return { scope: guildId ? `server ${guildId}` : "all servers (global; may take up to an hour to appear)", count: saved.length };
}
