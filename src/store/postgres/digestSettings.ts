import type { DigestSettings, DigestSettingsStore, RankMode } from "../digestSettings.js";
import { inTransaction, type Pool, type PoolClient } from "./pool.js";

interface Row {
  guild_id: string;
  channel_id: string | null;
  time: string;
  timezone: string;
  count: number;
  include_terms: string[];
  exclude_terms: string[];
  min_upvotes: number;
  rank_mode: RankMode;
  interests: string[];
  paused: boolean;
  paused_reason: string | null;
  catch_up_days: number;
  active_since: Date;
  updated_at: Date;
}

const toSettings = (r: Row): DigestSettings => ({
  guildId: r.guild_id,
  channelId: r.channel_id ?? undefined,
  time: r.time,
  timezone: r.timezone,
  count: r.count,
  include: r.include_terms,
  exclude: r.exclude_terms,
  minUpvotes: r.min_upvotes,
  rankMode: r.rank_mode,
  interests: r.interests,
  paused: r.paused,
  pausedReason: r.paused_reason ?? undefined,
  catchUpDays: r.catch_up_days,
  activeSince: r.active_since.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** Servers' digest settings, one row each, in PostgreSQL. */
export class PostgresDigestSettingsStore implements DigestSettingsStore {
  constructor(private readonly pool: Pool) {}

  async get(guildId: string): Promise<DigestSettings | undefined> {
    return read(this.pool, guildId);
  }

  async change(guildId: string, change: (stored: DigestSettings | undefined) => DigestSettings): Promise<DigestSettings> {
    return inTransaction(this.pool, async (c) => {
      // Changes to one server take turns, from any process, even before its row exists (which FOR UPDATE
      // could not lock): each reads what the one before it wrote, as in SQLite's write transaction.
      await c.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [JSON.stringify(["digest_settings", guildId])]);
      const next = change(await read(c, guildId));
      await write(c, next);
      return next;
    });
  }

  async remove(guildId: string): Promise<boolean> {
    const r = await this.pool.query("DELETE FROM digest_settings WHERE guild_id = $1", [guildId]);
    return (r.rowCount ?? 0) > 0;
  }

  async all(): Promise<DigestSettings[]> {
    const { rows } = await this.pool.query<Row>("SELECT * FROM digest_settings ORDER BY guild_id");
    return rows.map(toSettings);
  }
}

async function read(db: Pool | PoolClient, guildId: string): Promise<DigestSettings | undefined> {
  const { rows } = await db.query<Row>("SELECT * FROM digest_settings WHERE guild_id = $1", [guildId]);
  return rows[0] ? toSettings(rows[0]) : undefined;
}

async function write(c: PoolClient, s: DigestSettings): Promise<void> {
  await c.query(
    `INSERT INTO digest_settings (guild_id, channel_id, time, timezone, count, include_terms, exclude_terms,
       min_upvotes, rank_mode, interests, paused, paused_reason, catch_up_days, active_since, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, time = excluded.time,
       timezone = excluded.timezone, count = excluded.count, include_terms = excluded.include_terms,
       exclude_terms = excluded.exclude_terms, min_upvotes = excluded.min_upvotes,
       rank_mode = excluded.rank_mode, interests = excluded.interests, paused = excluded.paused,
       paused_reason = excluded.paused_reason, catch_up_days = excluded.catch_up_days,
       active_since = excluded.active_since, updated_at = excluded.updated_at`,
    [
      s.guildId,
      s.channelId ?? null,
      s.time,
      s.timezone,
      s.count,
      [...s.include],
      [...s.exclude],
      s.minUpvotes,
      s.rankMode,
      [...s.interests],
      s.paused,
      s.pausedReason ?? null,
      s.catchUpDays,
      s.activeSince,
      s.updatedAt,
    ],
  );
}
