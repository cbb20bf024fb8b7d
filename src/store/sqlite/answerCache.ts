import { AnswerCache, type AnswerCacheStore } from "../answerCache.js";
import type { Db } from "../db.js";

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
