// Exactly once across processes: two bots on one database race for the same servers' posts, one is killed
// with SIGKILL at a random moment and started again. The many-trial run is `npm run bench -- failover`.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStores } from "../src/store/stores.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { type FailoverBackend, failoverTrial, type TrialResult } from "./helpers/failover.js";
import { freshSchema, havePostgres, postgresUrl } from "./helpers/postgres.js";
import { runCli } from "./helpers/runCli.js";
import { corpusDir, tempDir } from "./helpers/tmp.js";

/** `npm run bench -- failover` asks for more, and for the results in a file. */
const TRIALS = Number(process.env.PAPERBOT_FAILOVER_TRIALS ?? 3);
const REPORT = process.env.PAPERBOT_FAILOVER_REPORT;
/** The first trial's kill window; later ones take 1.2 times the median time to a first post so far. */
const FIRST_WINDOW_MS = 6_000;

let hf: FakeHuggingFace;

beforeAll(async () => {
  hf = FakeHuggingFace.fromCorpus(corpusDir);
  hf.serveAsToday("2026-02-10");
  await hf.start();
});

afterAll(async () => {
  await hf?.stop();
});

function killWindow(done: TrialResult[]): number {
  const seen = done
    .map((r) => r.firstPostAfterMs)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return seen.length ? 1.2 * seen[Math.floor(seen.length / 2)]! : FIRST_WINDOW_MS;
}

/** The trials on one database: `env` points the bots at it, seeded once before them (each trial's servers are new). */
function trials(name: string, database: () => Promise<{ env: Record<string, string>; done?: () => Promise<void> }>): void {
  describe(name, () => {
    let backend: FailoverBackend;
    let done: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const db = await database();
      done = db.done;
      const seeded = await runCli(["stats"], db.env);
      expect(seeded.code, seeded.stderr).toBe(0);
      backend = { env: db.env, stores: await openStores({ dbPath: db.env.PAPERBOT_DB!, databaseUrl: db.env.DATABASE_URL }) };
    });
    afterAll(async () => {
      await backend?.stores.close();
      await done?.();
    });

    it(
      `post every channel's digest exactly once when one is killed at a random moment (${TRIALS} trials)`,
      async () => {
        const results: TrialResult[] = [];
        for (let t = 0; t < TRIALS; t++) {
          const r = await failoverTrial(backend, { hfUrl: hf.url, killWindowMs: killWindow(results) });
          results.push(r);
          if (REPORT) fs.writeFileSync(REPORT, JSON.stringify(results.map(({ logs: _, ...rest }) => rest)));
          expect(r.postsPerChannel, `trial ${t}: killed bot ${r.killed} after ${r.killAfterMs} ms (${r.stateAtKill})\n${r.logs}`).toEqual([1, 1]);
        }
      },
      TRIALS * 100_000,
    );
  });
}

trials("two bots on one SQLite file", async () => ({ env: { PAPERBOT_DB: path.join(tempDir(), "paperbot.db") } }));

if (havePostgres()) {
  trials("two bots on one PostgreSQL", async () => {
    const schema = await freshSchema(postgresUrl()!);
    // PAPERBOT_DB is set only to show that nothing is written there.
    return { env: { DATABASE_URL: schema.url, PAPERBOT_DB: path.join(tempDir(), "unused.db") }, done: schema.drop };
  });
}
