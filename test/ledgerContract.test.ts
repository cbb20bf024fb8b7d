// The digest ledger's contract (DigestLedgerStore), run against SQLite and PostgreSQL alike; on PostgreSQL also
// machines racing for the same day.
import { execFileSync } from "node:child_process";
import { thisProcess } from "../src/store/processOwner.js";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { openDb } from "../src/store/sqlite/db.js";
import { LEASE_MS, type DigestLedgerStore, type LedgerKey, type LedgerOptions } from "../src/store/ledger.js";
import { PostgresDigestLedgerStore } from "../src/store/postgres/ledger.js";
import { SqliteDigestLedgerStore } from "../src/store/sqlite/ledger.js";
import { havePostgres, migratedSchemaForFile } from "./helpers/postgres.js";

interface Backend {
  name: string;
  /** An empty ledger's data for one test: `ledger()` is one process's ledger over it (`owner`: another process's). */
  open: () => Promise<(options?: LedgerOptions) => DigestLedgerStore>;
}

const backends: Backend[] = [
  {
    name: "SQLite",
    open: async () => {
      const db = openDb(":memory:");
      return (options) => new SqliteDigestLedgerStore(db, options);
    },
  },
];

// One fresh schema for this file, emptied before each test; a second pool plays a second machine.
const withPostgres = havePostgres();
const schema = withPostgres ? migratedSchemaForFile() : undefined;
const pool = () => schema!.pool();
const otherPool = () => schema!.other();
if (withPostgres) {
  backends.push({
    name: "PostgreSQL",
    open: async () => {
      await pool().query("TRUNCATE digest_posts");
      return (options) => new PostgresDigestLedgerStore(pool(), options);
    },
  });
}

const key: LedgerKey = { guildId: "200000000000000001", channelId: "300000000000000001", date: "2026-02-10" };
const t0 = new Date("2026-02-10T09:00:00.000Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
/** A process of another machine: whether it still runs cannot be seen from here. */
const ELSEWHERE = "another-host:4242";

/** A process id of this host that no longer runs. */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).toString());
}

describe.each(backends)("the digest ledger in $name", (backend) => {
  let ledger: (options?: LedgerOptions) => DigestLedgerStore;
  beforeEach(async () => {
    ledger = await backend.open();
  });

  it("claims a day once; while it is in flight here another claim is busy; once released, it is resumed", async () => {
    const me = ledger();
    const first = await me.claim(key, "nonce-1", t0);
    expect(first).toEqual({
      kind: "owned",
      resumed: false,
      entry: { ...key, state: "claimed", paperIds: [], nonce: "nonce-1", attempts: 1, claimedAt: t0.toISOString() },
    });
    expect(await me.claim(key, "nonce-1", at(1000))).toMatchObject({ kind: "busy", entry: { state: "claimed", attempts: 1 } });
    expect(await me.get(key)).toEqual(first.entry);
    await me.release(key);
    expect(await me.claim(key, "nonce-1", at(2000))).toMatchObject({
      kind: "owned",
      resumed: true,
      entry: { attempts: 2, claimedAt: t0.toISOString() },
    });
    await me.release(key);
  });

  it("leaves another owner's live lease alone, takes the day over once the lease has run out, and counts the attempt", async () => {
    const other = ledger({ owner: ELSEWHERE });
    const me = ledger();
    expect(await other.claim(key, "n", t0)).toMatchObject({ kind: "owned", resumed: false });
    expect(await me.claim(key, "n", at(LEASE_MS - 1000))).toMatchObject({ kind: "busy", entry: { attempts: 1 } });
    expect(await me.claim(key, "n", at(LEASE_MS + 1000))).toMatchObject({ kind: "owned", resumed: true, entry: { attempts: 2 } });
    // Now this one holds the lease, and the other finds the day busy; its release leaves this one's lease alone.
    expect(await other.claim(key, "n", at(LEASE_MS + 2000))).toMatchObject({ kind: "busy" });
    await other.release(key);
    expect(await other.claim(key, "n", at(LEASE_MS + 3000))).toMatchObject({ kind: "busy" });
    await me.release(key);
    expect(await other.claim(key, "n", at(LEASE_MS + 4000))).toMatchObject({ kind: "owned", resumed: true, entry: { attempts: 3 } });
    await other.release(key);
  });

  it("takes over at once a claim whose process is gone on this host", async () => {
    // Another run of this host (same host and pid namespace) whose process has exited.
    const host = thisProcess().split(":").slice(0, -2).join(":");
    const gone = ledger({ owner: `${host}:${deadPid()}:0000` });
    expect(await gone.claim(key, "n", t0)).toMatchObject({ kind: "owned" });
    const me = ledger();
    expect(await me.claim(key, "n", at(1000))).toMatchObject({ kind: "owned", resumed: true, entry: { attempts: 2 } });
    await me.release(key);
  });

  it("a run that lost its claim to another process (its lease ran out) is told so and its writes change nothing", async () => {
    const me = ledger();
    await me.claim(key, "n", t0);
    expect(await me.holds(key)).toBe(true);
    const other = ledger({ owner: ELSEWHERE });
    expect(await other.claim(key, "n", at(LEASE_MS + 1000))).toMatchObject({ kind: "owned", resumed: true });
    expect(await me.holds(key)).toBe(false);
    await me.recordPlan(key, ["2602.00009"]);
    await me.markFailed(key, "stalled", { posted: "unknown" });
    expect(await me.get(key)).toMatchObject({ state: "claimed", paperIds: [] });
    await other.markSent(key, "777", at(LEASE_MS + 2000), ["2602.00001"]);
    await me.markFailed(key, "stalled", { posted: "no" });
    expect(await me.get(key)).toMatchObject({ state: "sent", messageId: "777", paperIds: ["2602.00001"] });
    await me.release(key);
    await other.release(key);
  });

  it("a sent day stays sent, with its message, papers and time, for every process", async () => {
    const me = ledger();
    await me.claim(key, "n", t0);
    await me.recordPlan(key, ["2602.00001", "2602.00002"]);
    await me.noteError(key, "feed slow, retrying");
    expect(await me.get(key)).toMatchObject({ state: "claimed", paperIds: ["2602.00001", "2602.00002"], lastError: "feed slow, retrying" });
    await me.markSent(key, "999", at(5000));
    await me.release(key);
    const sent = { ...key, state: "sent", messageId: "999", paperIds: ["2602.00001", "2602.00002"], sentAt: at(5000).toISOString() };
    expect(await me.claim(key, "n", at(6000))).toMatchObject({ kind: "sent", entry: sent });
    expect(await ledger({ owner: ELSEWHERE }).claim(key, "n", at(6000))).toMatchObject({ kind: "sent", entry: sent });
    const entry = await me.get(key);
    expect(entry).toMatchObject({ ...sent, attempts: 1 });
    expect(entry!.lastError).toBeUndefined();
    expect(await me.lastPost(key.guildId)).toEqual(entry);
  });

  it("a day with nothing new is sent without a message; the papers given at markSent replace the plan", async () => {
    const me = ledger();
    await me.claim(key, "n", t0);
    await me.recordPlan(key, ["2602.00001"]);
    await me.markSent(key, null, at(1000), []);
    await me.release(key);
    expect(await me.get(key)).toMatchObject({ state: "sent", messageId: undefined, paperIds: [] });
    expect(await me.lastPost(key.guildId)).toBeUndefined();
    expect(await me.lastRun(key.guildId)).toMatchObject({ ...key, state: "sent" });
    expect(await me.lastSentAt(key.channelId, "2026-02-11")).toEqual(at(1000));
  });

  it("a failed day can be claimed again; posted 'unknown' keeps its papers out of later posts, 'no' frees them", async () => {
    const me = ledger();
    await me.claim(key, "n", t0);
    await me.recordPlan(key, ["2602.00001"]);
    await me.markFailed(key, "Discord said 500", { posted: "unknown" });
    expect(await me.get(key)).toMatchObject({ state: "failed", lastError: "Discord said 500", paperIds: ["2602.00001"] });
    expect([...(await me.postedPaperIds(key.channelId))]).toEqual(["2602.00001"]);
    expect(await me.lastError(key.guildId)).toMatchObject({ ...key, lastError: "Discord said 500" });
    // Failed, not claimed: resumable at once by another run, but not while this run is still finishing up (not released):
    // its release would strip the new run's lease.
    expect((await me.claim(key, "n", at(1000))).kind).toBe("busy");
    await me.release(key);
    expect(await me.claim(key, "n", at(1000))).toMatchObject({ kind: "owned", resumed: true, entry: { state: "claimed", attempts: 2 } });
    await me.markFailed(key, "no channel", { posted: "no" });
    await me.release(key);
    expect(await me.get(key)).toMatchObject({ state: "failed", paperIds: [] });
    expect((await me.postedPaperIds(key.channelId)).size).toBe(0);
    const other = ledger({ owner: ELSEWHERE });
    expect(await other.claim(key, "n", at(2000))).toMatchObject({ kind: "owned", resumed: true, entry: { attempts: 3 } });
    await other.markSent(key, "1000", at(3000), ["2602.00003"]);
    await other.release(key);
    expect(await me.get(key)).toMatchObject({ state: "sent", lastError: undefined, messageId: "1000" });
    expect(await me.lastError(key.guildId)).toBeUndefined();
  });

  it("postedPaperIds (and postedPaperDays, with their earliest dates) gives the channel's papers of every date but the one excepted; lastSentAt the latest send before a date", async () => {
    const me = ledger();
    const days = ["2026-02-08", "2026-02-09", "2026-02-10"];
    for (const [i, date] of days.entries()) {
      const k = { ...key, date };
      await me.claim(k, `n${i}`, at(i * 86_400_000));
      await me.markSent(k, `m${i}`, at(i * 86_400_000 + 1000), [`2602.0000${i}`, "2602.00009"]);
      await me.release(k);
    }
    // A claim in flight keeps its planned papers out too (they may be going out right now).
    const inFlight = { ...key, date: "2026-02-11" };
    await me.claim(inFlight, "n3", at(3 * 86_400_000));
    await me.recordPlan(inFlight, ["2602.00003"]);
    // Another channel's posts do not count.
    const elsewhere = { ...key, channelId: "300000000000000002", date: "2026-02-09" };
    await me.claim(elsewhere, "x", at(1.5 * 86_400_000));
    await me.markSent(elsewhere, "x1", at(99_999_999), ["2602.00007"]);
    await me.release(elsewhere);

    const sorted = (s: Set<string>) => [...s].sort();
    expect(sorted(await me.postedPaperIds(key.channelId))).toEqual(["2602.00000", "2602.00001", "2602.00002", "2602.00003", "2602.00009"]);
    expect(sorted(await me.postedPaperIds(key.channelId, "2026-02-10"))).toEqual(["2602.00000", "2602.00001", "2602.00003", "2602.00009"]);
    expect((await me.postedPaperIds("300000000000000003")).size).toBe(0);
    // Each paper with the earliest date its channel held it, the excepted date aside.
    const earliest = async (except?: string) => [...(await me.postedPaperDays(key.channelId, except))].sort();
    expect(await earliest()).toEqual([
      ["2602.00000", "2026-02-08"],
      ["2602.00001", "2026-02-09"],
      ["2602.00002", "2026-02-10"],
      ["2602.00003", "2026-02-11"],
      ["2602.00009", "2026-02-08"],
    ]);
    expect(await earliest("2026-02-08")).toEqual([
      ["2602.00001", "2026-02-09"],
      ["2602.00002", "2026-02-10"],
      ["2602.00003", "2026-02-11"],
      ["2602.00009", "2026-02-09"],
    ]);
    expect((await me.postedPaperDays("300000000000000003")).size).toBe(0);
    expect(await me.lastSentAt(key.channelId, "2026-02-08")).toBeUndefined();
    expect(await me.lastSentAt(key.channelId, "2026-02-10")).toEqual(at(86_400_000 + 1000));
    expect(await me.lastSentAt(key.channelId, "2026-02-12")).toEqual(at(2 * 86_400_000 + 1000));
    expect((await me.history(key.guildId)).map((e) => `${e.channelId.slice(-1)} ${e.date} ${e.state}`)).toEqual([
      "1 2026-02-11 claimed",
      "1 2026-02-10 sent",
      "2 2026-02-09 sent",
      "1 2026-02-09 sent",
      "1 2026-02-08 sent",
    ]);
    expect(await me.history(key.guildId, 1)).toHaveLength(1);
    expect(await me.lastRun(key.guildId)).toMatchObject(inFlight);
    expect(await me.lastPost(key.guildId)).toMatchObject({ date: "2026-02-10", messageId: "m2" });
    expect(await me.history("200000000000000009")).toEqual([]);
    await me.release(inFlight);
  });

  it("one post per channel and date: a claim under another server id finds the first server's row", async () => {
    const me = ledger();
    await me.claim(key, "n", t0);
    const moved = { ...key, guildId: "200000000000000002" };
    expect(await me.claim(moved, "n", at(1000))).toMatchObject({ kind: "busy", entry: { guildId: key.guildId } });
    await me.markSent(key, "999", at(2000));
    await me.release(key);
    expect(await me.claim(moved, "n", at(3000))).toMatchObject({ kind: "sent", entry: { guildId: key.guildId, messageId: "999" } });
    expect(await me.get(moved)).toBeUndefined();
  });
});

if (withPostgres) {
  describe("the digest ledger in PostgreSQL, machines racing", () => {
    beforeEach(async () => {
      await pool().query("TRUNCATE digest_posts");
    });

    it("two machines (two claims each) claiming the same day at once, 20 times: exactly one owns it each time", async () => {
      const a = new PostgresDigestLedgerStore(pool(), { owner: "machine-a:1" });
      const b = new PostgresDigestLedgerStore(otherPool(), { owner: "machine-b:2" });
      for (let i = 0; i < 20; i++) {
        const k = { ...key, date: `2026-03-${String(i + 1).padStart(2, "0")}` };
        const expired = i % 2 === 1;
        if (expired) {
          // A day claimed by a third machine that died: its lease ran out a second ago, and both take it over at once.
          await pool().query(
            `INSERT INTO digest_posts (guild_id, channel_id, date, state, nonce, attempts, claimed_at, lease_owner, lease_until)
             VALUES ($1, $2, $3, 'claimed', 'n', 1, $4, 'machine-c:3', $5)`,
            [k.guildId, k.channelId, k.date, new Date(Date.now() - LEASE_MS - 1000), new Date(Date.now() - 1000)],
          );
        }
        const results = await Promise.all([a.claim(k, "n"), b.claim(k, "n"), a.claim(k, "n"), b.claim(k, "n")]);
        const owned = results.filter((r) => r.kind === "owned");
        expect(owned, `day ${k.date}: ${results.map((r) => r.kind).join(", ")}`).toHaveLength(1);
        expect(results.filter((r) => r.kind === "busy")).toHaveLength(3);
        expect(owned[0]).toMatchObject({ resumed: expired, entry: { attempts: expired ? 2 : 1 } });
        const winner = results.indexOf(owned[0]!) % 2 === 0 ? "machine-a:1" : "machine-b:2";
        const row = await pool().query<{ lease_owner: string; attempts: number }>(
          "SELECT lease_owner, attempts FROM digest_posts WHERE channel_id = $1 AND date = $2",
          [k.channelId, k.date],
        );
        expect(row.rows).toEqual([{ lease_owner: winner, attempts: expired ? 2 : 1 }]);
        await a.release(k);
        await b.release(k);
      }
    });

    it("renews the lease while it works and gives it up on release", async () => {
      let now = t0;
      const a = new PostgresDigestLedgerStore(pool(), { owner: "machine-a:1", clock: () => now });
      const lease = async () =>
        (await pool().query<{ lease_owner: string | null; lease_until: Date | null }>("SELECT lease_owner, lease_until FROM digest_posts")).rows[0];
      vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
      try {
        await a.claim(key, "n", t0);
        expect(await lease()).toEqual({ lease_owner: "machine-a:1", lease_until: at(LEASE_MS) });
        now = at(LEASE_MS / 2);
        vi.advanceTimersByTime(LEASE_MS / 3);
        await vi.waitFor(async () => expect((await lease())!.lease_until).toEqual(at(LEASE_MS / 2 + LEASE_MS)));
        await a.release(key);
        expect(await lease()).toEqual({ lease_owner: null, lease_until: null });
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    });
  });
}
