import Database from "better-sqlite3";
import fs from "node:fs";
import * as sqliteVec from "sqlite-vec";
import { ConfigError } from "../config/config.js";
import { UserError } from "../config/errors.js";
import type { Progress } from "../config/progress.js";
import type { Vote as AnswerVote } from "./answerFeedback.js";
import type { UsageScope } from "./answerUsage.js";
import { indexedThrough } from "./sqlite/bulkIndex.js";
import type { Db } from "./sqlite/db.js";
import type { TextSource } from "./fullText.js";
import type { GroupVia } from "./groupPapers.js";
import { rowToEntry, type PostRow } from "./sqlite/ledger.js";
import { migrations } from "./sqlite/migrations.js";
import type { Vote } from "./paperVotes.js";
import type { PaperRow } from "./paperRow.js";
import { PostgresAnswerFeedbackStore } from "./postgres/answerFeedback.js";
import { PostgresAnswerUsageStore } from "./postgres/answerUsage.js";
import { PostgresConversationStore } from "./postgres/conversations.js";
import { PostgresDigestSettingsStore } from "./postgres/digestSettings.js";
import { PostgresFollowedAuthorStore } from "./postgres/followedAuthors.js";
import { PostgresFullTextChunks } from "./postgres/fullTextChunks.js";
import { PostgresGroupPaperStore } from "./postgres/groupPapers.js";
import { PostgresDigestLedgerStore } from "./postgres/ledger.js";
import { PostgresLexicalIndexStore } from "./postgres/lexicalIndex.js";
import { PostgresPaperRecords } from "./postgres/papers.js";
import { PostgresPaperVoteStore } from "./postgres/paperVotes.js";
import type { Pool } from "./postgres/pool.js";
import { PostgresVectorStore } from "./postgres/vectors.js";
import { SqliteDigestSettingsStore } from "./sqlite/digestSettings.js";

/** What one kind of data came to: rows written now, rows PostgreSQL had already. */
export interface CopiedKind {
  kind: string;
  copied: number;
  already: number;
}

/** One line of the final check: the kind's count on each side. */
export interface CountCheck {
  kind: string;
  sqlite: number;
  postgres: number;
}

export interface CopyOptions {
  /** Papers (and rows of the other kinds) per transaction. */
  batchSize: number;
  /** A progress report per kind. */
  progress: (label: string, total: number) => Progress;
  /** Called after each batch is committed (tests kill the process here). */
  afterBatch?: (kind: string, done: number) => void;
  /** Called when a kind is done. */
  onKind?: (result: CopiedKind) => void;
}

/**
 * Opens PAPERBOT_DB only to read it (no migration, no WAL switch, no write of any kind). It must be at this
 * paperbot's schema and have no bulk load left half indexed: `paperbot migrate` (which opens it as every command
 * does) brings it there.
 */
export function openSqliteToRead(file: string): Db {
  if (!fs.existsSync(file)) throw new UserError(`no SQLite database at ${file} (PAPERBOT_DB); nothing to copy`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    sqliteVec.load(db);
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > migrations.length) {
      throw new ConfigError(
        `${file} was written by a newer paperbot (schema ${version}; this version knows ${migrations.length}). Upgrade paperbot.`,
      );
    }
    if (version < migrations.length) {
      throw new UserError(
        `${file} is at schema ${version}, this paperbot's is ${migrations.length}: run \`paperbot migrate\` first, with DATABASE_URL unset (copy only reads it)`,
      );
    }
    if (indexedThrough(db) !== undefined) {
      throw new UserError(
        `${file} has a bulk load that was not finished: run \`paperbot migrate\` first, with DATABASE_URL unset, which indexes the rest`,
      );
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

const count = (db: Db, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const pgCount = async (pool: Pool, table: string) => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

/** The rows of `sql` (which ends in `LIMIT ? OFFSET ?`), a page at a time: the tables that have no rowid are small. */
function* pages<T>(db: Db, sql: string, size: number): Generator<T[]> {
  const stmt = db.prepare(sql);
  for (let offset = 0; ; offset += size) {
    const rows = stmt.all(size, offset) as T[];
    if (rows.length) yield rows;
    if (rows.length < size) return;
  }
}

/**
 * Copies everything SQLite holds that has a PostgreSQL store, kind by kind, in batches (each batch one
 * transaction where the store allows). Resumable: nothing is overwritten; a row PostgreSQL has already (by its
 * key: paper id or arXiv id, answer id, server and channel and day, …) is left alone and counted as already there,
 * so a run that died part way is finished by running it again, and a second run copies nothing.
 */
export async function copyToPostgres(sqlite: Db, pool: Pool, opts: CopyOptions): Promise<CopiedKind[]> {
  const results: CopiedKind[] = [];
  const size = Math.max(1, opts.batchSize);
  const run = async (kind: string, total: number, body: (step: (copied: number, seen: number) => void) => Promise<void>) => {
    const progress = opts.progress(kind, total);
    const result: CopiedKind = { kind, copied: 0, already: 0 };
    let done = 0;
    try {
      await body((copied, seen) => {
        result.copied += copied;
        result.already += seen - copied;
        done += seen;
        progress.update(done, `${done}/${total}`);
        opts.afterBatch?.(kind, done);
      });
    } finally {
      progress.stop();
    }
    results.push(result);
    opts.onKind?.(result);
  };

  // Papers first, in arrival order (rowid), with every title key each has had: the other kinds name them by id.
  const papers = new PostgresPaperRecords(pool);
  const titleKeys = sqlite.prepare("SELECT title_key FROM paper_titles WHERE paper_rowid = ?").pluck();
  const paperPage = sqlite.prepare("SELECT rowid, * FROM papers WHERE rowid > ? ORDER BY rowid LIMIT ?");
  await run("papers", count(sqlite, "papers"), async (step) => {
    for (let after = 0; ; ) {
      const rows = paperPage.all(after, size) as PaperRow[];
      if (rows.length === 0) break;
      after = rows.at(-1)!.rowid;
      const added = await papers.copyIn(rows.map(({ rowid, ...r }) => ({ ...r, title_keys: titleKeys.all(rowid) as string[] })));
      step(added.length, rows.length);
    }
  });

  // Full texts, one paper per transaction (the store's `save`): a text is up to a few hundred passages.
  const texts = new PostgresFullTextChunks(pool);
  const chunksOf = sqlite.prepare("SELECT page, page_end, section, text FROM paper_chunks WHERE paper_id = ? ORDER BY seq");
  await run("full texts", count(sqlite, "paper_texts"), async (step) => {
    type TextRow = {
      rowid: number;
      paper_id: string;
      status: "read" | "failed";
      source: TextSource;
      pages: number | null;
      problem: string | null;
      detail: string | null;
      references_text: string | null;
      read_at: string;
    };
    const page = sqlite.prepare("SELECT rowid, * FROM paper_texts WHERE rowid > ? ORDER BY rowid LIMIT ?");
    for (let after = 0; ; ) {
      const rows = page.all(after, size) as TextRow[];
      if (rows.length === 0) break;
      after = rows.at(-1)!.rowid;
      let added = 0;
      for (const t of rows) {
        if (await texts.status(t.paper_id)) continue;
        const at = new Date(t.read_at);
        if (t.status === "failed") {
          await texts.recordFailure(t.paper_id, t.source, t.problem ?? "failed", t.detail ?? "", at);
        } else {
          const chunks = (chunksOf.all(t.paper_id) as { page: number; page_end: number; section: string | null; text: string }[]).map((c) => ({
            page: c.page,
            pageEnd: c.page_end,
            ...(c.section ? { section: c.section } : {}),
            text: c.text,
          }));
          await texts.save(t.paper_id, { pageCount: t.pages ?? 0, chunks, references: t.references_text ?? undefined }, t.source, at);
        }
        added++;
      }
      step(added, rows.length);
    }
  });

  // Vectors, read from sqlite-vec's table of their length.
  const vectors = new PostgresVectorStore(pool, { kind: "scan" });
  await run("vectors", count(sqlite, "paper_embeddings"), async (step) => {
    type Row = { rowid: number; id: string; model: string; dim: number; content_hash: string; embedded_at: string };
    const page = sqlite.prepare(
      `SELECT e.paper_rowid AS rowid, p.id, e.model, e.dim, e.content_hash, e.embedded_at
       FROM paper_embeddings e JOIN papers p ON p.rowid = e.paper_rowid WHERE e.paper_rowid > ? ORDER BY e.paper_rowid LIMIT ?`,
    );
    for (let after = 0; ; ) {
      const rows = page.all(after, size) as Row[];
      if (rows.length === 0) break;
      after = rows.at(-1)!.rowid;
      const copies = rows.map((r) => {
        const blob = sqlite.prepare(`SELECT embedding FROM vec_papers_${r.dim} WHERE rowid = ?`).pluck().get(BigInt(r.rowid)) as Buffer | undefined;
        if (!blob) throw new Error(`paper ${r.id} has a vector recorded but none in vec_papers_${r.dim}`);
        const vector = new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
        return { paperId: r.id, model: r.model, hash: r.content_hash, embeddedAt: r.embedded_at, vector };
      });
      step(await vectors.copyIn(copies), rows.length);
    }
  });

  const settings = new PostgresDigestSettingsStore(pool);
  const allSettings = await new SqliteDigestSettingsStore(sqlite).all();
  await run("digest settings", allSettings.length, async (step) => {
    for (let i = 0; i < allSettings.length; i += size) {
      let added = 0;
      const batch = allSettings.slice(i, i + size);
      for (const s of batch) {
        let wrote = false;
        // Under the store's per-server lock: a row written meanwhile (or by an earlier run) is kept as it is.
        await settings.change(s.guildId, (stored) => {
          wrote = !stored;
          return stored ?? s;
        });
        if (wrote) added++;
      }
      step(added, batch.length);
    }
  });

  const ledger = new PostgresDigestLedgerStore(pool);
  await run("ledger", count(sqlite, "digest_posts"), async (step) => {
    for (const rows of pages<PostRow>(sqlite, "SELECT * FROM digest_posts ORDER BY guild_id, channel_id, date LIMIT ? OFFSET ?", size)) {
      const added = await ledger.copyIn(
        rows.map((r) => ({ ...rowToEntry(r), leaseOwner: r.lease_owner ?? undefined, leaseUntil: r.lease_until ?? undefined })),
      );
      step(added, rows.length);
    }
  });

  const groups = new PostgresGroupPaperStore(pool);
  await run("group papers", count(sqlite, "group_papers"), async (step) => {
    type Row = { guild_id: string; paper_id: string; via: GroupVia; user_id: string | null; created_at: string };
    for (const rows of pages<Row>(sqlite, "SELECT * FROM group_papers ORDER BY guild_id, via, paper_id LIMIT ? OFFSET ?", size)) {
      let added = 0;
      for (const r of rows) if (await groups.add(r.guild_id, r.paper_id, r.via, r.user_id ?? undefined, new Date(r.created_at))) added++;
      step(added, rows.length);
    }
  });

  const votes = new PostgresPaperVoteStore(pool);
  await run("paper votes", count(sqlite, "paper_votes"), async (step) => {
    type Row = { guild_id: string; paper_id: string; user_id: string; vote: number; created_at: string };
    for (const rows of pages<Row>(sqlite, "SELECT * FROM paper_votes ORDER BY guild_id, user_id, paper_id LIMIT ? OFFSET ?", size)) {
      // Which of these PostgreSQL has already: one question per (server, member).
      const had = new Set<string>();
      const byVoter = new Map<string, Row[]>();
      for (const r of rows) {
        const key = JSON.stringify([r.guild_id, r.user_id]);
        byVoter.set(key, [...(byVoter.get(key) ?? []), r]);
      }
      for (const group of byVoter.values()) {
        const mine = await votes.mine(group[0]!.guild_id, group[0]!.user_id, [...new Set(group.map((r) => r.paper_id))]);
        for (const id of mine.keys()) had.add(JSON.stringify([group[0]!.guild_id, group[0]!.user_id, id]));
      }
      let added = 0;
      for (const r of rows) {
        if (had.has(JSON.stringify([r.guild_id, r.user_id, r.paper_id]))) continue;
        await votes.set(r.guild_id, r.paper_id, r.user_id, (r.vote > 0 ? "up" : "down") satisfies Vote, new Date(r.created_at));
        added++;
      }
      step(added, rows.length);
    }
  });

  const follows = new PostgresFollowedAuthorStore(pool);
  await run("followed authors", count(sqlite, "followed_authors"), async (step) => {
    type Row = { guild_id: string; name_key: string; name: string; user_id: string | null; created_at: string };
    for (const rows of pages<Row>(sqlite, "SELECT * FROM followed_authors ORDER BY guild_id, name_key LIMIT ? OFFSET ?", size)) {
      let added = 0;
      for (const r of rows) if (await follows.add(r.guild_id, r.name, r.name_key, r.user_id ?? undefined, new Date(r.created_at))) added++;
      step(added, rows.length);
    }
  });

  // Answers with their votes, in id order: a vote's answer is in the same batch or an earlier one.
  const feedback = new PostgresAnswerFeedbackStore(pool);
  const votesOf = sqlite.prepare("SELECT * FROM answer_votes WHERE answer_id BETWEEN ? AND ? ORDER BY answer_id, user_id");
  let answerVotes: CopiedKind = { kind: "answer votes", copied: 0, already: 0 };
  await run("answers", count(sqlite, "given_answers"), async (step) => {
    type Row = { id: number; guild_id: string | null; channel_id: string; question: string; source_ids: string; mode: string; created_at: string };
    type VoteRow = { answer_id: number; user_id: string; vote: AnswerVote; reason: string | null; created_at: string };
    const page = sqlite.prepare("SELECT * FROM given_answers WHERE id > ? ORDER BY id LIMIT ?");
    for (let after = 0; ; ) {
      const rows = page.all(after, size) as Row[];
      if (rows.length === 0) break;
      const vs = votesOf.all(after + 1, rows.at(-1)!.id) as VoteRow[];
      after = rows.at(-1)!.id;
      const added = await feedback.copyIn(
        rows.map((r) => ({
          id: r.id,
          answer: {
            guildId: r.guild_id ?? undefined,
            channelId: r.channel_id,
            question: r.question,
            sourceIds: JSON.parse(r.source_ids),
            mode: r.mode,
          },
          createdAt: r.created_at,
        })),
        vs.map((v) => ({ answerId: v.answer_id, userId: v.user_id, vote: v.vote, reason: v.reason ?? undefined, createdAt: v.created_at })),
      );
      answerVotes = { ...answerVotes, copied: answerVotes.copied + added.votes, already: answerVotes.already + vs.length - added.votes };
      step(added.answers, rows.length);
    }
  });
  results.push(answerVotes);
  opts.onKind?.(answerVotes);

  const usage = new PostgresAnswerUsageStore(pool);
  await run("answer usage", count(sqlite, "answer_usage"), async (step) => {
    type Row = { day: string; scope: UsageScope; subject: string; answers: number };
    for (const rows of pages<Row>(sqlite, "SELECT * FROM answer_usage ORDER BY day, scope, subject LIMIT ? OFFSET ?", size)) {
      step(await usage.copyIn(rows), rows.length);
    }
  });

  // Conversations: a thread's follow-ups go on on PostgreSQL. The answer cache is left behind: it is derived
  // (answers recomputed on demand), its keys hold SQLite's papers version, which PostgreSQL's never equals, so
  // no copied entry could be found again.
  const conversations = new PostgresConversationStore(pool);
  await run("conversation turns", count(sqlite, "ask_turns"), async (step) => {
    type Row = { conversation: string; turn: number; question: string; answer: string; created_at: string };
    for (const rows of pages<Row>(sqlite, "SELECT * FROM ask_turns ORDER BY conversation, turn LIMIT ? OFFSET ?", size)) {
      step(await conversations.copyTurnsIn(rows.map((r) => ({ ...r, createdAt: r.created_at }))), rows.length);
    }
  });
  await run("conversation papers", count(sqlite, "conversation_papers"), async (step) => {
    type Row = { conversation: string; paper_id: string; created_at: string };
    for (const rows of pages<Row>(sqlite, "SELECT * FROM conversation_papers ORDER BY conversation LIMIT ? OFFSET ?", size)) {
      step(
        await conversations.copyPapersIn(rows.map((r) => ({ conversation: r.conversation, paperId: r.paper_id, createdAt: r.created_at }))),
        rows.length,
      );
    }
  });
  return results;
}

/** Each kind's count in SQLite and in PostgreSQL, as `paperbot copy` checks them at the end. */
export async function compareCounts(sqlite: Db, pool: Pool): Promise<CountCheck[]> {
  const same =
    (kind: string, table: string, pgTable = table) =>
    async (): Promise<CountCheck> => ({
      kind,
      sqlite: count(sqlite, table),
      postgres: await pgCount(pool, pgTable),
    });
  const checks = [
    same("papers", "papers"),
    // What the BM25 re-ranker reads as the collection's size (papers_meta, kept by every write of a paper).
    async (): Promise<CountCheck> => ({
      kind: "lexical index",
      sqlite: count(sqlite, "papers"),
      postgres: await new PostgresLexicalIndexStore(pool).paperCount(),
    }),
    same("full texts", "paper_texts"),
    same("passages", "paper_chunks"),
    same("vectors", "paper_embeddings"),
    same("digest settings", "digest_settings"),
    same("ledger", "digest_posts"),
    same("group papers", "group_papers"),
    same("paper votes", "paper_votes"),
    same("followed authors", "followed_authors"),
    same("answers", "given_answers"),
    same("answer votes", "answer_votes"),
    same("answer usage", "answer_usage"),
    same("conversation turns", "ask_turns"),
    same("conversation papers", "conversation_papers"),
  ];
  const out: CountCheck[] = [];
  for (const check of checks) out.push(await check());
  return out;
}
