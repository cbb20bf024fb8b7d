import { pino, type Logger } from "pino";

export type { Logger };

/** Keys that may hold secrets anywhere in a log object are censored. */
const REDACT = [
  "token",
  "apiKey",
  "authorization",
  "*.token",
  "*.apiKey",
  "*.authorization",
  "*.headers.authorization",
  "*.*.token",
  "*.*.apiKey",
  "DISCORD_TOKEN",
  "OPENAI_API_KEY",
];

export function createLogger(level = "info", destination: number = 2): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[secret]" }, base: undefined }, pino.destination({ fd: destination, sync: true }));
}

export const silentLogger: Logger = pino({ level: "silent" });
