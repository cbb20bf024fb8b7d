import { InvalidArgumentError } from "commander";

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

export async function readLines(stream: NodeJS.ReadableStream): Promise<string[]> {
  let text = "";
  for await (const chunk of stream) text += chunk.toString();
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}
