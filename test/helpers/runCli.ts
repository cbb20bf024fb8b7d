import path from "node:path";
import { Readable, Writable } from "node:stream";
import { runCli as run } from "../../src/cli.js";
import type { BinResult } from "./runBin.js";

/** How a pipe hands stdin to a process: in pieces of this many bytes, characters split where they fall. */
export const PIPE_CHUNK = 64 * 1024;

/**
 * Runs `paperbot` in this process, through `runCli` with the given environment only, and returns what
 * runBin returns: the exit code and everything written to stdout and stderr (messages, log records and
 * progress, in order). It saves a node+tsx start-up per call; use runBin where the process itself matters
 * (signals, `start`, several processes on one database, the container's commands).
 *
 * runBin runs in the database's folder; this runs in the test's working directory, so PAPERBOT_DB must be
 * an absolute path (and so should file arguments) for both to mean the same files.
 */
export async function runCli(args: string[], env: Record<string, string>, stdin = ""): Promise<BinResult> {
  const db = env.PAPERBOT_DB;
  if (!db || !path.isAbsolute(db)) throw new Error(`runCli needs an absolute PAPERBOT_DB, not ${JSON.stringify(db)}`);
  let stdout = "";
  let stderr = "";
  const bytes = Buffer.from(stdin);
  const pieces = Array.from({ length: Math.ceil(bytes.length / PIPE_CHUNK) }, (_, i) => bytes.subarray(i * PIPE_CHUNK, (i + 1) * PIPE_CHUNK));
  const code = await run(
    args,
    { ...env },
    {
      out: (line) => (stdout += `${line}\n`),
      err: (line) => (stderr += `${line}\n`),
      stdin: Readable.from(pieces),
      log: { write: (record: string) => (stderr += record) },
      progress: new Writable({
        write(chunk, _encoding, done) {
          stderr += String(chunk);
          done();
        },
      }),
    },
  );
  return { code, stdout, stderr };
}
