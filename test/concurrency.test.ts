import { spawn } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { FakeDiscord } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { migrations } from "../src/store/sqlite/migrations.js";
import { runBin, type BinResult } from "./helpers/runBin.js";
import { runCli } from "./helpers/runCli.js";
import { corpusDir, tempDir } from "./helpers/tmp.js";

// Several paperbot processes on one database file, as in the README's sharded setup. Every run
// starts on a file that does not exist yet, so the processes also race to create its schema.

const DAY = "2026-02-10";
const CHANNELS = 8;
// Each process starts the TypeScript CLI; many of them at once on two cores take a while.
const SLOW = 120_000;

let discord: FakeDiscord | undefined;
let hf: FakeHuggingFace | undefined;

afterEach(async () => {
  await discord?.stop();
  await hf?.stop();
  discord = hf = undefined;
});

async function startFakes(): Promise<{ discord: FakeDiscord; hf: FakeHuggingFace }> {
  discord = new FakeDiscord({
    guilds: [{ name: "Paper Lab", channels: Array.from({ length: CHANNELS }, (_, i) => ({ name: `papers-${i}` })) }],
  });
  await discord.start();
  hf = FakeHuggingFace.fromCorpus(corpusDir);
  await hf.start();
  return { discord, hf };
}

function envFor(db: string, w?: { discord: FakeDiscord; hf: FakeHuggingFace }): Record<string, string> {
  return {
    PAPERBOT_DB: db,
    ...(w && {
      HF_API_BASE: w.hf.url,
      DISCORD_TOKEN: "test-token",
      DISCORD_APP_ID: w.discord.applicationId,
      DISCORD_API_BASE: w.discord.apiBase,
    }),
  };
}

const describeRun = (r: BinResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

/** Every paper as stored, without the timestamps and rowids that depend on who wrote first. */
function papersIn(file: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    const cols = (db.prepare("SELECT name FROM pragma_table_info('papers')").all() as { name: string }[])
      .map((c) => c.name)
      .filter((c) => !["rowid", "first_seen_at", "updated_at"].includes(c));
    return db.prepare(`SELECT ${cols.join(", ")} FROM papers ORDER BY id`).all();
  } finally {
    db.close();
  }
}

/**
 * Starts `n` processes, waits until each is ready, then has them all open `file` at once; their last lines.
 * `whileOpening` runs once they have been told to open.
 */
async function openAtOnce(file: string, n: number, whileOpening?: () => Promise<void>): Promise<string[]> {
  const child = path.resolve(import.meta.dirname, "helpers/openDbOnCue.ts");
  const kids = Array.from({ length: n }, () => {
    const p = spawn(process.execPath, ["--import", "tsx", child], { env: { PATH: process.env.PATH ?? "", PAPERBOT_DB: file } });
    let out = "";
    const ready = new Promise<void>((resolve) =>
      p.stdout.on("data", (d) => {
        out += d;
        if (out.startsWith("ready\n")) resolve();
      }),
    );
    const done = new Promise<string>((resolve) => p.on("close", (code) => resolve(`${out.trim().split("\n").at(-1)} (exit ${code})`)));
    return { p, ready, done };
  });
  await Promise.all(kids.map((k) => k.ready));
  for (const k of kids) k.p.stdin.end("go\n");
  await whileOpening?.();
  return Promise.all(kids.map((k) => k.done));
}

describe("several processes on one database file", () => {
  it(
    "open a new file, or one with an older schema, at the same moment: each migration runs once and every process gets the full schema",
    async () => {
      const fresh = path.join(tempDir(), "fresh.db");
      expect(await openAtOnce(fresh, 6)).toEqual(Array(6).fill("opened (exit 0)"));

      const older = path.join(tempDir(), "older.db");
      const db = new Database(older);
      db.pragma("journal_mode = WAL");
      for (const m of migrations.slice(0, 2)) db.exec(m);
      db.pragma("user_version = 2");
      db.close();
      expect(await openAtOnce(older, 4)).toEqual(Array(4).fill("opened (exit 0)"));

      for (const file of [fresh, older]) {
        const check = new Database(file, { readonly: true });
        expect(check.pragma("user_version", { simple: true })).toBe(migrations.length);
        expect(check.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'ask_turns'").get()).toEqual({ n: 1 });
        check.close();
      }
    },
    SLOW,
  );

  it(
    `${CHANNELS} digests at once, each to its own channel: every channel gets exactly one post and no run fails`,
    async () => {
      const w = await startFakes();
      const env = envFor(path.join(tempDir(), "paperbot.db"), w);
      const channels = [...w.discord.channels.values()].map((c) => c.id);
      const runs = await Promise.all(channels.map((ch) => runBin(["digest", "--date", DAY, "--channel", ch], env)));
      runs.forEach((r, i) => {
        expect(r.code, describeRun(r)).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^posted 5 papers for ${DAY} to channel ${channels[i]} `));
      });
      for (const ch of channels) expect(w.discord.messages(ch), `channel ${ch}`).toHaveLength(1);
      expect(runs.filter((r) => /the collection was empty/.test(r.stderr))).toHaveLength(1);
    },
    SLOW,
  );

  it(
    "open a new file while another process still holds it in its first, rollback-journal transaction: waits, then opens",
    async () => {
      const file = path.join(tempDir(), "creating.db");
      const creator = new Database(file);
      creator.exec("BEGIN; CREATE TABLE t (x); ");
      const opened = await openAtOnce(file, 1, async () => {
        // Long enough for the opener to reach its switch to WAL and find the file locked.
        await new Promise((r) => setTimeout(r, 500));
        creator.exec("COMMIT");
        creator.close();
      });
      expect(opened).toEqual(["opened (exit 0)"]);
    },
    SLOW,
  );

  it(
    "two month-long ingests at once both succeed and leave what one ingest leaves",
    async () => {
      const w = await startFakes();
      const month = ["ingest", "hf", "--since", "2026-02-01", "--until", "2026-02-28"];
      const single = path.join(tempDir(), "single.db");
      // The reference run needs no process of its own.
      const alone = await runCli(month, envFor(single, w));
      expect(alone.code, describeRun(alone)).toBe(0);

      const shared = envFor(path.join(tempDir(), "shared.db"), w);
      const runs = await Promise.all([1, 2].map(() => runBin(month, shared)));
      for (const r of runs) {
        expect(r.code, describeRun(r)).toBe(0);
        expect(r.stdout).toMatch(/^hf api 2026-02-01\.\.2026-02-28: read 776, /);
      }
      // The bundled seed page is loaded into the empty collection once, not by both.
      expect(runs.filter((r) => /the collection was empty/.test(r.stderr))).toHaveLength(1);
      expect(papersIn(shared.PAPERBOT_DB!)).toEqual(papersIn(single));
    },
    SLOW,
  );

  it(
    "an ingest beside a digest: both succeed and the channel gets one post",
    async () => {
      const w = await startFakes();
      const env = envFor(path.join(tempDir(), "paperbot.db"), w);
      const channel = [...w.discord.channels.values()][0]!.id;
      const [ingest, digest] = await Promise.all([
        runBin(["ingest", "hf", "--since", "2026-02-01", "--until", "2026-02-28"], env),
        runBin(["digest", "--date", DAY, "--channel", channel], env),
      ]);
      expect(ingest.code, describeRun(ingest)).toBe(0);
      expect(ingest.stdout).toMatch(/^hf api 2026-02-01\.\.2026-02-28: read 776, /);
      expect(digest.code, describeRun(digest)).toBe(0);
      expect(w.discord.messages(channel)).toHaveLength(1);
    },
    SLOW,
  );
});
