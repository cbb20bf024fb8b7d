import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";

/** The host, and its pid namespace where there is one: containers sharing a host name see each other's pids as gone. */
const HOST = (() => {
  try {
    return `${os.hostname()}/${fs.readlinkSync("/proc/self/ns/pid").replace(/\D/g, "")}`;
  } catch {
    return os.hostname();
  }
})();

/** Told apart from another process that shares this host name and pid (containers on one host are often all pid 1). */
const RUN = crypto.randomBytes(4).toString("hex");

/** This process as other processes see it in the database: `host/pid-namespace:pid:run`. */
export function thisProcess(): string {
  return `${HOST}:${process.pid}:${RUN}`;
}

/**
 * Whether `owner` (a `thisProcess()` value, or an older `host:pid`) is a process of this host that no longer
 * runs. Another host's cannot be told, nor one whose pid is this process's own under another run (another
 * container's): both are left to their lease or heartbeat.
 */
export function processGone(owner: string): boolean {
  const parts = owner.split(":");
  const [run, pid, host] =
    parts.length >= 3 ? [parts.pop(), Number(parts.pop()), parts.join(":")] : [undefined, Number(parts.pop()), parts.join(":")];
  if (host !== HOST || !Number.isInteger(pid) || run === RUN) return false;
  return pid !== process.pid && !processAlive(pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
