import type { FollowedAuthor, FollowedAuthorStore, FollowOutcome } from "../followedAuthors.js";
import { EVERY_GROUP } from "../groupPapers.js";
import { inTransaction, type Pool } from "./pool.js";

interface Row {
  guild_id: string;
  name: string;
  name_key: string;
  user_id: string | null;
  created_at: Date;
}

const toFollowed = (r: Row): FollowedAuthor => ({
  guildId: r.guild_id,
  name: r.name,
  key: r.name_key,
  userId: r.user_id ?? undefined,
  createdAt: r.created_at.toISOString(),
});

/** Authors a server (or the whole installation, `*`) follows, in PostgreSQL. */
export class PostgresFollowedAuthorStore implements FollowedAuthorStore {
  constructor(private readonly pool: Pool) {}

  async add(guildId: string, name: string, key: string, userId?: string, now = new Date()): Promise<boolean> {
    const r = await this.pool.query(
      "INSERT INTO followed_authors (guild_id, name_key, name, user_id, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
      [guildId, key, name, userId ?? null, now],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async addWithin(max: number, guildId: string, name: string, key: string, userId?: string, now = new Date()): Promise<FollowOutcome> {
    return inTransaction(this.pool, async (c) => {
      // Adds to one server's follows take turns, so the count read is still the count when the row is written.
      await c.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [JSON.stringify(["followed_authors", guildId])]);
      const { rows } = await c.query<{ name_key: string }>("SELECT name_key FROM followed_authors WHERE guild_id = $1", [guildId]);
      if (rows.some((r) => r.name_key === key)) return "already";
      if (rows.length >= max) return "full";
      const r = await c.query(
        "INSERT INTO followed_authors (guild_id, name_key, name, user_id, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        [guildId, key, name, userId ?? null, now],
      );
      return (r.rowCount ?? 0) > 0 ? "added" : "already";
    });
  }

  async remove(guildId: string, key: string): Promise<boolean> {
    const r = await this.pool.query("DELETE FROM followed_authors WHERE guild_id = $1 AND name_key = $2", [guildId, key]);
    return (r.rowCount ?? 0) > 0;
  }

  async list(guildId: string): Promise<FollowedAuthor[]> {
    const { rows } = await this.pool.query<Row>("SELECT * FROM followed_authors WHERE guild_id = $1 ORDER BY created_at, name_key", [guildId]);
    return rows.map(toFollowed);
  }

  async forGroup(guildId?: string): Promise<FollowedAuthor[]> {
    const { rows } = guildId
      ? await this.pool.query<Row>("SELECT * FROM followed_authors WHERE guild_id IN ($1, $2) ORDER BY created_at, name_key", [EVERY_GROUP, guildId])
      : await this.pool.query<Row>("SELECT * FROM followed_authors ORDER BY guild_id, created_at, name_key");
    return rows.map(toFollowed);
  }

  async count(guildId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM followed_authors WHERE guild_id = $1", [guildId]);
    return rows[0]!.n;
  }

  async authorLists(recent: number): Promise<string[][]> {
    const { rows } = await this.pool.query<{ authors: string }>(
      `SELECT authors FROM (SELECT authors FROM papers WHERE feed_date IS NOT NULL ORDER BY feed_date DESC LIMIT $1) AS recent
       UNION ALL
       SELECT p.authors FROM papers p WHERE p.id IN (SELECT paper_id FROM group_papers)`,
      [recent],
    );
    return rows.map((r) => JSON.parse(r.authors) as string[]);
  }
}
