import { spawn } from "node:child_process";
import path from "node:path";

const bin = path.resolve(import.meta.dirname, "../../bin/paperbot.js");

export interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `paperbot` executable with only the given environment (no keys leak in from the machine),
 * in the database's folder. Each call starts node and tsx; where the process itself does not matter, runCli
 * (./runCli.ts) runs the same command in this process.
 */
export function runBin(args: string[], env: Record<string, string>, stdin?: string): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      cwd: path.dirname(env.PAPERBOT_DB ?? bin),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}
