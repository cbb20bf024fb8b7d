import os from "node:os";

/** This process as other processes see it in the database: `host:pid`. */
export function thisProcess(): string {
  return `${os.hostname()}:${process.pid}`;
}

/** Whether `owner` (a `thisProcess()` value) is a process of this host that no longer runs. Another host's cannot be told. */
export function processGone(owner: string): boolean {
  const at = owner.lastIndexOf(":");
  const [host, pid] = [owner.slice(0, at), Number(owner.slice(at + 1))];
  return host === os.hostname() && Number.isInteger(pid) && pid !== process.pid && !processAlive(pid);
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
