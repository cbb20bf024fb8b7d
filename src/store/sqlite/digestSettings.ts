import { type Db, writeTransaction } from "./db.js";
import type { DigestSettings, DigestSettingsStore, RankMode } from "../digestSettings.js";

interface SettingsRow {
  guild_id: string;
  channel_id: string | null;
  time: string;
  timezone: string;
  count: number;
  include_terms: string;
  exclude_terms: string;
  min_upvotes: number;
  rank_mode: RankMode;
  interests: string;
  paused: number;
  paused_reason: string | null;
  catch_up_days: number;
  active_since: string;
  updated_at: string;
}

function rowToSettings(r: SettingsRow): DigestSettings {
  return {
    guildId: r.guild_id,
    channelId: r.channel_id ?? undefined,
    time: r.time,
    timezone: r.timezone,
    count: r.count,
    include: JSON.parse(r.include_terms) as string[],
    exclude: JSON.parse(r.exclude_terms) as string[],
    minUpvotes: r.min_upvotes,
    rankMode: r.rank_mode,
    interests: JSON.parse(r.interests) as string[],
    paused: r.paused === 1,
    pausedReason: r.paused_reason ?? undefined,
    catchUpDays: r.catch_up_days,
    activeSince: r.active_since,
    updatedAt: r.updated_at,
  };
}

function settingsToRow(s: DigestSettings): SettingsRow {
  return {
    guild_id: s.guildId,
    channel_id: s.channelId ?? null,
    time: s.time,
    timezone: s.timezone,
    count: s.count,
    include_terms: JSON.stringify(s.include),
    exclude_terms: JSON.stringify(s.exclude),
    min_upvotes: s.minUpvotes,
    rank_mode: s.rankMode,
    interests: JSON.stringify(s.interests),
    paused: s.paused ? 1 : 0,
    paused_reason: s.pausedReason ?? null,
    catch_up_days: s.catchUpDays,
    active_since: s.activeSince,
    updated_at: s.updatedAt,
  };
}

/** The `digest_settings` table: one row of settings per server. */
export class DigestSettingsTable {
  constructor(private readonly db: Db) {}

  get(guildId: string): DigestSettings | undefined {
    const row = this.db.prepare("SELECT * FROM digest_settings WHERE guild_id = ?").get(guildId) as SettingsRow | undefined;
    return row ? rowToSettings(row) : undefined;
  }

  /** Reads a server's settings and writes what `change` makes of them, in one write transaction. */
  change(guildId: string, change: (stored: DigestSettings | undefined) => DigestSettings): DigestSettings {
    return writeTransaction(this.db, () => {
      const next = change(this.get(guildId));
      this.write(next);
      return next;
    });
  }

  remove(guildId: string): boolean {
    return this.db.prepare("DELETE FROM digest_settings WHERE guild_id = ?").run(guildId).changes > 0;
  }

  all(): DigestSettings[] {
    return (this.db.prepare("SELECT * FROM digest_settings ORDER BY guild_id").all() as SettingsRow[]).map(rowToSettings);
  }

  private write(s: DigestSettings): void {
    this.db
      .prepare(
        `INSERT INTO digest_settings (guild_id, channel_id, time, timezone, count, include_terms, exclude_terms,
           min_upvotes, rank_mode, interests, paused, paused_reason, catch_up_days, active_since, updated_at)
         VALUES (@guild_id, @channel_id, @time, @timezone, @count, @include_terms, @exclude_terms,
           @min_upvotes, @rank_mode, @interests, @paused, @paused_reason, @catch_up_days, @active_since, @updated_at)
         ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, time = excluded.time,
           timezone = excluded.timezone, count = excluded.count, include_terms = excluded.include_terms,
           exclude_terms = excluded.exclude_terms, min_upvotes = excluded.min_upvotes,
           rank_mode = excluded.rank_mode, interests = excluded.interests, paused = excluded.paused,
           paused_reason = excluded.paused_reason, catch_up_days = excluded.catch_up_days,
           active_since = excluded.active_since, updated_at = excluded.updated_at`,
      )
      .run(settingsToRow(s));
  }
}

/** The async `DigestSettingsStore` over the synchronous SQLite `DigestSettingsTable`. */
export class SqliteDigestSettingsStore implements DigestSettingsStore {
  private readonly table: DigestSettingsTable;

  constructor(db: Db) {
    this.table = new DigestSettingsTable(db);
  }

  async get(guildId: string): Promise<DigestSettings | undefined> {
    return this.table.get(guildId);
  }

  async change(guildId: string, change: (stored: DigestSettings | undefined) => DigestSettings): Promise<DigestSettings> {
    return this.table.change(guildId, change);
  }

  async remove(guildId: string): Promise<boolean> {
    return this.table.remove(guildId);
  }

  async all(): Promise<DigestSettings[]> {
    return this.table.all();
  }
}
