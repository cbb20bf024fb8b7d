import { type AnswerCacheStore, MAX_AGE_DAYS } from "../answerCache.js";
import type { Db } from "./db.js";

/** Answers already given, keyed by everything that shapes them (the collection's version among them). */
export class AnswerCache {
  constructor(private readonly db: Db) {}

  get<T>(key: string): T | undefined {
    const row = this.db.prepare("SELECT result FROM answer_cache WHERE key = ?").get(key) as { result: string } | undefined;
    return row ? (JSON.parse(row.result) as T) : undefined;
  }

  set(key: string, value: unknown, now = new Date()): void {
    this.db
      .prepare("INSERT OR REPLACE INTO answer_cache (key, result, created_at) VALUES (?, ?, ?)")
      .run(key, JSON.stringify(value), now.toISOString());
    const cutoff = new Date(now.getTime() - MAX_AGE_DAYS * 86_400_000).toISOString();
    this.db.prepare("DELETE FROM answer_cache WHERE created_at < ?").run(cutoff);
  }
}

/** The async `AnswerCacheStore` over the synchronous SQLite `AnswerCache`. */
export class SqliteAnswerCacheStore implements AnswerCacheStore {
  private readonly cache: AnswerCache;

  constructor(db: Db) {
    this.cache = new AnswerCache(db);
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.cache.get<T>(key);
  }

  async set(key: string, value: unknown, now?: Date): Promise<void> {
    this.cache.set(key, value, now);
  }
}
