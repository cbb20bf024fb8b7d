import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

interface Trial {
  killAfterMs: number;
  killed: number;
  stateAtKill: string[];
  postsPerChannel: number[];
  createRequests: number;
}

/**
 * Runs test/failover.test.ts with many trials (two `paperbot start` processes racing for the same servers'
 * posts, one killed with SIGKILL at a random moment and started again) and prints where the kills landed and
 * how many channels got their post exactly once.
 */
export async function benchFailover(opts: { trials: number; postgres?: boolean }): Promise<void> {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "paperbot-failover-")), "trials.json");
  const name = opts.postgres ? "two bots on one PostgreSQL" : "two bots on one SQLite file";
  console.log(`failover: ${opts.trials} trials, ${name} (test/failover.test.ts)`);
  const run = spawnSync("npx", ["vitest", "run", "test/failover.test.ts", "-t", name], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, PAPERBOT_FAILOVER_TRIALS: String(opts.trials), PAPERBOT_FAILOVER_REPORT: report },
  });
  if (!fs.existsSync(report)) {
    console.log("no trial finished");
    process.exitCode = 1;
    return;
  }
  const trials = JSON.parse(fs.readFileSync(report, "utf8")) as Trial[];
  const channels = trials.flatMap((t) => t.stateAtKill.map((state, i) => ({ state, posts: t.postsPerChannel[i]! })));
  const byState = new Map<string, { channels: number; once: number }>();
  for (const c of channels) {
    const row = byState.get(c.state) ?? { channels: 0, once: 0 };
    row.channels++;
    if (c.posts === 1) row.once++;
    byState.set(c.state, row);
  }
  console.log("\n| post's state when a bot was killed | channels | posted exactly once |");
  console.log("| ---------------------------------- | -------: | ------------------: |");
  for (const [state, row] of [...byState].sort())
    console.log(`| ${state.padEnd(34)} | ${String(row.channels).padStart(8)} | ${String(row.once).padStart(19)} |`);
  const once = channels.filter((c) => c.posts === 1).length;
  console.log(
    `\n${trials.length}/${opts.trials} trials finished; ${once}/${channels.length} channels posted exactly once ` +
      `(${channels.filter((c) => c.posts > 1).length} twice or more, ${channels.filter((c) => c.posts === 0).length} never); ` +
      `kills ${Math.min(...trials.map((t) => t.killAfterMs))}-${Math.max(...trials.map((t) => t.killAfterMs))} ms after start`,
  );
  if (run.status !== 0) process.exitCode = 1;
}
