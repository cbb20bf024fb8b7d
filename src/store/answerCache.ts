import { createHash } from "node:crypto";
import type { Db } from "./db.js";

/** How long a cached answer is kept. */
export const MAX_AGE_DAYS = 30;

/** The cache key of an answer: a hash of everything that shapes it. */
export function answerCacheKey(parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/** Answers already given, in either store (SQLite or PostgreSQL); see `AnswerCache`. */
export interface AnswerCacheStore {
  get<T>(key: string): Promise<T | undefined>;
  /** Keeps `value` under `key` (replacing what was there), and forgets entries older than `MAX_AGE_DAYS`. */
  set(key: string, value: unknown, now?: Date): Promise<void>;
}

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
