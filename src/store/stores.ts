import type { Logger } from "../config/logger.js";
import type { AnswerFeedbackStore } from "./answerFeedback.js";
import type { AnswerUsageStore } from "./answerUsage.js";
import type { DigestSettingsStore } from "./digestSettings.js";
import type { FollowedAuthorStore } from "./followedAuthors.js";
import type { FullTextChunks } from "./fullText.js";
import type { GroupPaperStore } from "./groupPapers.js";
import type { DigestLedgerStore, LedgerOptions } from "./ledger.js";
import type { LexicalIndexStore } from "./lexicalIndex.js";
import { openStore } from "./sqlite/openStore.js";
import type { PaperNameIndex } from "./paperNames.js";
import type { PaperRecords } from "./paperRecords.js";
import type { PaperStore } from "./sqlite/paperStore.js";
import type { PaperVoteStore } from "./paperVotes.js";
import { PostgresAnswerFeedbackStore } from "./postgres/answerFeedback.js";
import { PostgresAnswerUsageStore } from "./postgres/answerUsage.js";
import { PostgresDigestSettingsStore } from "./postgres/digestSettings.js";
import { PostgresFollowedAuthorStore } from "./postgres/followedAuthors.js";
import { PostgresFullTextChunks } from "./postgres/fullTextChunks.js";
import { PostgresGroupPaperStore } from "./postgres/groupPapers.js";
import { PostgresDigestLedgerStore } from "./postgres/ledger.js";
import { PostgresLexicalIndexStore } from "./postgres/lexicalIndex.js";
import { migratePostgres } from "./postgres/migrate.js";
import { PostgresPaperNameIndex } from "./postgres/paperNames.js";
import { PostgresPaperRecords } from "./postgres/papers.js";
import { PostgresPaperVoteStore } from "./postgres/paperVotes.js";
import { connectPostgres, whereIs, type Pool } from "./postgres/pool.js";
import { PostgresVectorStore } from "./postgres/vectors.js";
import { SqliteAnswerFeedbackStore } from "./sqlite/answerFeedback.js";
import { SqliteAnswerUsageStore } from "./sqlite/answerUsage.js";
import { SqliteDigestSettingsStore } from "./sqlite/digestSettings.js";
import { SqliteFollowedAuthorStore } from "./sqlite/followedAuthors.js";
import { SqliteFullTextChunks } from "./sqlite/fullTextChunks.js";
import { SqliteGroupPaperStore } from "./sqlite/groupPapers.js";
import { SqliteDigestLedgerStore } from "./sqlite/ledger.js";
import { SqliteLexicalIndexStore } from "./sqlite/lexicalIndex.js";
import { SqlitePaperNameIndex } from "./sqlite/paperNames.js";
import { SqlitePaperRecords } from "./sqlite/papers.js";
import { SqlitePaperVoteStore } from "./sqlite/paperVotes.js";
import { SqliteVectorStore } from "./sqlite/vectors.js";
import type { VectorStore } from "./vectors.js";
import type { AnswerCacheStore } from "./answerCache.js";
import type { ConversationStore } from "./conversations.js";
import type { CooldownStore } from "./cooldowns.js";
import type { HeartbeatStore } from "./heartbeat.js";
import { PostgresAnswerCacheStore } from "./postgres/answerCache.js";
import { PostgresConversationStore } from "./postgres/conversations.js";
import { PostgresCooldownStore } from "./postgres/cooldowns.js";
import { PostgresHeartbeatStore } from "./postgres/heartbeats.js";
import { SqliteAnswerCacheStore } from "./sqlite/answerCache.js";
import { SqliteConversationStore } from "./sqlite/conversations.js";
import { SqliteCooldownStore } from "./sqlite/cooldowns.js";
import { SqliteHeartbeatStore } from "./sqlite/heartbeats.js";

/**
 * Every kind of data the domain keeps, each behind its async interface: what `answer`, `digest`,
 * `retrieval` and `ingest` are given. Built once per process by `openStores` from the config, on
 * SQLite (one file, the default) or PostgreSQL (shared by several machines).
 */
export interface Stores {
  readonly backend: "sqlite" | "postgres";
  /** Where the data is, for messages: a file, or a PostgreSQL host and database (never a password). */
  readonly where: string;
  papers: PaperRecords;
  lexical: LexicalIndexStore;
  vectors: VectorStore;
  fullText: FullTextChunks;
  ledger: DigestLedgerStore;
  digestSettings: DigestSettingsStore;
  groupPapers: GroupPaperStore;
  votes: PaperVoteStore;
  follows: FollowedAuthorStore;
  answerFeedback: AnswerFeedbackStore;
  answerUsage: AnswerUsageStore;
  /** The answer side: answers already given, conversations in threads, bots' heartbeats, per-user cooldowns. */
  answerCache: AnswerCacheStore;
  conversations: ConversationStore;
  heartbeats: HeartbeatStore;
  cooldowns: CooldownStore;
  /** The names papers are known by (resolvePaper, autocomplete). */
  names: PaperNameIndex;
  /** Ends the process's claims and closes the database. */
  close(): Promise<void>;
}

export type StoresOptions = LedgerOptions & { logger?: Logger };

/** The stores over one SQLite file's `PaperStore` (the synchronous classes, wrapped). */
export function sqliteStores(store: PaperStore, options: StoresOptions = {}): Stores {
  const db = store.db;
  return {
    backend: "sqlite",
    where: db.name,
    papers: new SqlitePaperRecords(store),
    lexical: new SqliteLexicalIndexStore(db),
    vectors: new SqliteVectorStore(db),
    fullText: new SqliteFullTextChunks(db),
    ledger: new SqliteDigestLedgerStore(db, options),
    digestSettings: new SqliteDigestSettingsStore(db),
    groupPapers: new SqliteGroupPaperStore(db),
    votes: new SqlitePaperVoteStore(db),
    follows: new SqliteFollowedAuthorStore(db),
    answerFeedback: new SqliteAnswerFeedbackStore(db),
    answerUsage: new SqliteAnswerUsageStore(db),
    // The answer side's stores.
    answerCache: new SqliteAnswerCacheStore(db),
    conversations: new SqliteConversationStore(db),
    heartbeats: new SqliteHeartbeatStore(db),
    cooldowns: new SqliteCooldownStore(db),
    names: new SqlitePaperNameIndex(db),
    close: async () => {
      if (db.open) db.close();
    },
  };
}

/** The stores on a PostgreSQL pool whose schema is migrated. */
export async function postgresStores(pool: Pool, where: string, options: StoresOptions = {}): Promise<Stores> {
  return {
    backend: "postgres",
    where,
    papers: new PostgresPaperRecords(pool),
    lexical: new PostgresLexicalIndexStore(pool),
    vectors: await PostgresVectorStore.open(pool, { logger: options.logger }),
    fullText: new PostgresFullTextChunks(pool),
    ledger: new PostgresDigestLedgerStore(pool, options),
    digestSettings: new PostgresDigestSettingsStore(pool),
    groupPapers: new PostgresGroupPaperStore(pool),
    votes: new PostgresPaperVoteStore(pool),
    follows: new PostgresFollowedAuthorStore(pool),
    answerFeedback: new PostgresAnswerFeedbackStore(pool),
    answerUsage: new PostgresAnswerUsageStore(pool),
    // The answer side's stores.
    answerCache: new PostgresAnswerCacheStore(pool),
    conversations: new PostgresConversationStore(pool),
    heartbeats: new PostgresHeartbeatStore(pool),
    cooldowns: new PostgresCooldownStore(pool),
    names: new PostgresPaperNameIndex(pool),
    close: () => pool.end(),
  };
}

/**
 * The one place the backend is chosen: PostgreSQL at `databaseUrl` when it is set (migrated first, safely
 * when several processes start at once), else the SQLite file at `dbPath` (migrated on open, as always).
 */
export async function openStores(
  config: { dbPath: string; databaseUrl?: string; databaseTimeoutMs?: number },
  options: StoresOptions = {},
): Promise<Stores> {
  if (!config.databaseUrl) return sqliteStores(openStore(config.dbPath), options);
  const pool = await connectPostgres(config.databaseUrl, { timeoutMs: config.databaseTimeoutMs });
  try {
    await migratePostgres(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return postgresStores(pool, whereIs(config.databaseUrl), options);
}
