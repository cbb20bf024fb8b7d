import { pino, type DestinationStream, type Logger } from "pino";

export type { DestinationStream, Logger };

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

/** JSON lines to a file descriptor (default: stderr, written synchronously) or to any destination stream. */
export function createLogger(level = "info", destination: number | DestinationStream = 2): Logger {
  const to = typeof destination === "number" ? pino.destination({ fd: destination, sync: true }) : destination;
  return pino({ level, redact: { paths: REDACT, censor: "[secret]" }, base: undefined }, to);
}

export const silentLogger: Logger = pino({ level: "silent" });
