import { processGone, thisProcess } from "../processOwner.js";
import { writeTransaction, type Db } from "./db.js";

/**
 * Papers with a rowid above meta 'indexed_through' are not yet in papers_fts, paper_title_words
 * or paper_names; the triggers (migrations 8, 9 and 11) skip them. A bulk load sets the mark
 * before its first insert, in the same transaction, and `catchUpIndexes` indexes what is above it
 * set-based and removes it. A load killed in between leaves the mark, so the next open or ingest
 * finishes the job.
 */
const MARK = "indexed_through";

/** FTS5's default. */
const FTS5_AUTOMERGE = 4;

/**
 * Papers one catch-up transaction indexes, so other writers get in between: 1 s of work at 200k papers,
 * 2.5 s at a million (well inside their busy timeout). Each step rewrites the index pages it touches,
 * so fewer, larger steps are cheaper (at a million papers, 20k rows a step took 10% longer).
 */
export const CATCH_UP_ROWS = 50_000;

export function indexedThrough(db: Db): number | undefined {
  const r = db.prepare("SELECT CAST(value AS INTEGER) AS v FROM meta WHERE key = ?").get(MARK) as { v: number } | undefined;
  return r?.v;
}

/** Which process runs the bulk load that set the mark, and when it last wrote a batch. */
const OWNER = "bulk_load_owner";
const BEAT = "bulk_load_beat";
/** A load that has written nothing for this long is dead, whatever its process id says (another host, a reused id). */
const SILENT_MS = 5 * 60_000;

/** Called inside a bulk load's write transaction, before it inserts: rows added from here on wait for the catch-up. */
export function suspendIndexing(db: Db): void {
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, (SELECT coalesce(max(rowid), 0) FROM papers))").run(MARK);
  const set = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  set.run(OWNER, thisProcess());
  set.run(BEAT, String(Date.now()));
}

/**
 * Whether papers wait above a mark that no live bulk load will catch up: its process is gone (on
 * this host), or it has written nothing for minutes. A live load's own catch-up indexes them soon;
 * a dead one's never would.
 */
export function indexingStalled(db: Db): boolean {
  if (indexedThrough(db) === undefined) return false;
  const get = db.prepare("SELECT value FROM meta WHERE key = ?").pluck();
  const owner = get.get(OWNER) as string | undefined;
  const beat = Number(get.get(BEAT) ?? 0);
  return !owner || Date.now() - beat > SILENT_MS || processGone(owner);
}

/**
 * Indexes every paper above the mark, CATCH_UP_ROWS per write transaction, moving the mark up
 * each time and removing it with the last step. Any process may run it at any time (a concurrent
 * one only finds less to do): each step re-reads the mark inside its transaction.
 */
export function catchUpIndexes(db: Db, rows = CATCH_UP_ROWS): number {
  const sql = (s: string) => db.prepare(s);
  const mark = sql("SELECT CAST(value AS INTEGER) AS v FROM meta WHERE key = ?").pluck();
  const last = sql("SELECT coalesce(max(rowid), 0) FROM papers").pluck();
  const range = "FROM papers WHERE rowid > @from AND rowid <= @to";
  const fts = sql(`INSERT INTO papers_fts (rowid, title, abstract) SELECT rowid, title, abstract ${range}`);
  const words = sql(`INSERT INTO paper_title_words (rowid, title) SELECT rowid, title ${range}`);
  // In key order, so the index B-trees are appended to instead of written at random pages.
  const names = sql(
    `INSERT OR IGNORE INTO paper_names (kind, key, paper_rowid, upvotes)
     SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys WHERE paper_rowid > @from AND paper_rowid <= @to
     ORDER BY kind, key, paper_rowid`,
  );
  // FTS5's automerge would merge each step's new segment into the ones before it, rewriting the
  // growing index over and over; the merge after a bulk load (optimizeIndexes) merges them all once.
  // Off until the last step; crisismerge still caps the segments a search reads meanwhile.
  // The value is written into the SQL: FTS5 takes only an integer, and a bound JS number is a real.
  const automerge = (n: number) => ["papers_fts", "paper_title_words"].map((t) => sql(`INSERT INTO ${t} (${t}, rank) VALUES ('automerge', ${n})`));
  const [automergeOff, automergeOn] = [automerge(0), automerge(FTS5_AUTOMERGE)];
  const bump = sql("UPDATE meta SET value = value + 1 WHERE key = 'papers_version'");
  const move = sql("UPDATE meta SET value = ? WHERE key = ?");
  const drop = sql("DELETE FROM meta WHERE key = ?");
  let indexed = 0;
  for (;;) {
    const done = writeTransaction(db, () => {
      const from = mark.get(MARK) as number | undefined;
      if (from === undefined) return true;
      const max = last.get() as number;
      const to = Math.min(max, from + rows);
      const span = { from, to };
      for (const a of to >= max ? automergeOn : automergeOff) a.run();
      if (to > from) {
        fts.run(span);
        words.run(span);
        names.run(span);
        bump.run();
        indexed += to - from;
      }
      if (to >= max) for (const key of [MARK, OWNER, BEAT]) drop.run(key);
      else move.run(String(to), MARK);
      return to >= max;
    });
    if (done) return indexed;
  }
}
