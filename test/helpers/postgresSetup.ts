// Vitest globalSetup: the PostgreSQL server the PostgreSQL tests use. PAPERBOT_TEST_DATABASE_URL when set
// (.ci/run sets it); otherwise a throw-away server from scripts/test-postgres.sh, stopped after the run.
// Where neither can be had, the tests say why: they fail in CI (CI=true) and are skipped elsewhere.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";

export type PostgresForTests = { url: string } | { unavailable: string };

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresForTests;
  }
}

const run = promisify(execFile);
const script = path.resolve(import.meta.dirname, "../../scripts/test-postgres.sh");

export const HOW_TO_GET_ONE =
  "install PostgreSQL (apt-get install -y postgresql) so the tests start a throw-away server, " +
  "or set PAPERBOT_TEST_DATABASE_URL to a database where you may create schemas, or run: scripts/test-postgres.sh run npm test";

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.PAPERBOT_TEST_DATABASE_URL;
  if (given) {
    project.provide("postgres", { url: given });
    return undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paperbot-pg-"));
  const stop = async () => {
    await run("bash", [script, "stop", dir]).catch(() => fs.rmSync(dir, { recursive: true, force: true }));
  };
  try {
    const { stdout } = await run("bash", [script, "start", dir]);
    project.provide("postgres", { url: stdout.trim() });
    return stop;
  } catch (err) {
    await stop();
    const why = ((err as { stderr?: string }).stderr ?? String(err)).trim().split("\n").slice(-3).join(" ");
    const unavailable = `No PostgreSQL server for the tests (${why}). To get one: ${HOW_TO_GET_ONE}.`;
    console.warn(unavailable);
    project.provide("postgres", { unavailable });
    return undefined;
  }
}
