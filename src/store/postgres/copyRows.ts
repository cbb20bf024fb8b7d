import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import type { PoolClient } from "./pool.js";

const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** A value as COPY's text format writes it: null as \N, a Date as ISO 8601, backslash and line breaks escaped. */
function field(v: unknown): string {
  if (v === null || v === undefined) return "\\N";
  const s = v instanceof Date ? v.toISOString() : String(v);
  return /[\\\n\r\t]/.test(s) ? s.replace(/[\\\n\r\t]/g, (ch) => ESCAPES[ch]!) : s;
}

/** About this many characters per chunk written to the server. */
const CHUNK = 1 << 16;

/** Writes `rows` into `table`'s `columns` with one COPY FROM STDIN (text format) on `c`. */
export async function copyRows(c: PoolClient, table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<void> {
  function* chunks(): Generator<string> {
    let buf = "";
    for (const row of rows) {
      buf += `${row.map(field).join("\t")}\n`;
      if (buf.length >= CHUNK) {
        yield buf;
        buf = "";
      }
    }
    if (buf) yield buf;
  }
  await pipeline(Readable.from(chunks()), c.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN`)));
}
