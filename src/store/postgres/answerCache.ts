import { MAX_AGE_DAYS, type AnswerCacheStore } from "../answerCache.js";
import type { Pool } from "./pool.js";

/** Answers already given, in PostgreSQL: one cache for every machine. */
export class PostgresAnswerCacheStore implements AnswerCacheStore {
  constructor(private readonly pool: Pool) {}

  async get<T>(key: string): Promise<T | undefined> {
    const { rows } = await this.pool.query<{ result: string }>("SELECT result FROM answer_cache WHERE key = $1", [key]);
    return rows[0] ? (JSON.parse(rows[0].result) as T) : undefined;
  }

  async set(key: string, value: unknown, now = new Date()): Promise<void> {
    await this.pool.query(
      `INSERT INTO answer_cache (key, result, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET result = excluded.result, created_at = excluded.created_at`,
      [key, JSON.stringify(value), now],
    );
    await this.pool.query("DELETE FROM answer_cache WHERE created_at < $1", [new Date(now.getTime() - MAX_AGE_DAYS * 86_400_000)]);
  }
}
