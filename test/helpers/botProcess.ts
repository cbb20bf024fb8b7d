import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { afterEach } from "vitest";

const bin = path.resolve(import.meta.dirname, "../../bin/paperbot.js");
/** How long a stopped bot may take to exit: an event wait, generous for a loaded machine. */
export const EXIT_WAIT_MS = 10_000;

const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export interface BotProcess {
  child: ChildProcess;
  exited: Promise<Exit>;
  stderr(): string;
}

/** `paperbot start ARGS` as a real process with only PATH, HOME and `env`; killed after the test if still running. */
export function launchBot(args: string[], env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, [bin, "start", ...args], { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } });
  children.push(child);
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.resume();
  const exited = new Promise<Exit>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

/** Sends SIGTERM and waits (bounded) for the process to end; returns how it ended. */
export async function terminate(bot: BotProcess, ms = EXIT_WAIT_MS): Promise<Exit | "still running"> {
  bot.child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const stillRunning = new Promise<"still running">((resolve) => (timer = setTimeout(() => resolve("still running"), ms)));
  try {
    return await Promise.race([bot.exited, stillRunning]);
  } finally {
    clearTimeout(timer);
  }
}

/** The JSON log lines (pino) in what a process wrote to stderr. */
export function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A loopback port nothing listens on (connections to it are refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
