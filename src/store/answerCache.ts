import { createHash } from "node:crypto";

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
