import { InvalidArgumentError } from "commander";
import { EVERY_GROUP } from "../store/groupPapers.js";
import { userText } from "../text/userText.js";

export function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    return n;
  };
}

export function isoDate(value: string): string {
  // Date.parse accepts 2026-02-30 and rolls it over to March, so the round trip is checked too.
  const t = Date.parse(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value)
    throw new InvalidArgumentError("expected a date as YYYY-MM-DD");
  return value;
}

/**
 * Every line of `stream`, as `userText` cleans it, blank ones included (as ""), so answers line up with their lines.
 * The stream is decoded as one text: a character split across two chunks stays whole.
 */
export async function readLines(stream: NodeJS.ReadableStream): Promise<string[]> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) text += typeof chunk === "string" ? chunk : decoder.decode(chunk as Uint8Array, { stream: true });
  text += decoder.decode();
  const lines = text.split(/\r?\n/);
  // A final newline ends the last line; it does not start another.
  if (lines.at(-1) === "") lines.pop();
  return lines.map(userText);
}

/** `--guild`: a Discord server id, or `*` for every server of the installation. */
export function guildOption(value: string): string {
  if (value !== EVERY_GROUP && !/^\d{15,21}$/.test(value))
    throw new InvalidArgumentError(`expected a Discord server id (15 to 21 digits) or ${EVERY_GROUP}`);
  return value;
}

/** A Discord id: a server, channel or user (a snowflake). */
export function discordId(value: string): string {
  if (!/^\d{15,21}$/.test(value)) throw new InvalidArgumentError("expected a Discord id (15 to 21 digits)");
  return value;
}
