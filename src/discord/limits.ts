import { DISCORD_LIMITS } from "../config/discordLimits.js";

/** Discord's limits, as the Discord layer names them (one table: src/config/discordLimits.ts). */
export const LIMITS = DISCORD_LIMITS;

/** No reply ever pings anyone. */
export const NO_MENTIONS = { parse: [] as never[] };
