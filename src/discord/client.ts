import { Client, GatewayIntentBits } from "discord.js";
import type { Config } from "../config/config.js";
import { NO_MENTIONS } from "./limits.js";

/** A discord.js client with the minimum intent (no privileged ones) and mentions off by default. */
export function createClient(config: Readonly<Config>): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: NO_MENTIONS,
    rest: { api: config.discord.apiBase },
  });
}
