import { type Db, writeTransaction } from "./db.js";
import type { FollowedAuthor, FollowedAuthorStore, FollowOutcome } from "../followedAuthors.js";
import { EVERY_GROUP } from "../groupPapers.js";

interface Row {
  guild_id: string;
  name: string;
  name_key: string;
  user_id: string | null;
  created_at: string;
}

const toFollowed = (r: Row): FollowedAuthor => ({
  guildId: r.guild_id,
  name: r.name,
  key: r.name_key,
  userId: r.user_id ?? undefined,
  createdAt: r.created_at,
});

/** The `followed_authors` table: authors a server (or the whole installation, `*`) follows. */
export class FollowedAuthorsTable {
  constructor(private readonly db: Db) {}

  /** False when the server already follows that key. */
  add(guildId: string, name: string, key: string, userId?: string, now = new Date()): boolean {
    const r = this.db
      .prepare("INSERT OR IGNORE INTO followed_authors (guild_id, name_key, name, user_id, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(guildId, key, name, userId ?? null, now.toISOString());
    return r.changes > 0;
  }

  addWithin(max: number, guildId: string, name: string, key: string, userId?: string, now = new Date()): FollowOutcome {
    return writeTransaction(this.db, () => {
      const followed = this.db.prepare("SELECT name_key FROM followed_authors WHERE guild_id = ?").pluck().all(guildId) as string[];
      if (followed.includes(key)) return "already";
      if (followed.length >= max) return "full";
      return this.add(guildId, name, key, userId, now) ? "added" : "already";
    });
  }

  remove(guildId: string, key: string): boolean {
    return this.db.prepare("DELETE FROM followed_authors WHERE guild_id = ? AND name_key = ?").run(guildId, key).changes > 0;
  }

  /** One server's own follows (or the installation's, `*`), in the order they were made. */
  list(guildId: string): FollowedAuthor[] {
    const rows = this.db.prepare("SELECT * FROM followed_authors WHERE guild_id = ? ORDER BY created_at, name_key").all(guildId) as Row[];
    return rows.map(toFollowed);
  }

  /** What a server's digest follows: its own and the installation's; without a server, every follow of the installation. */
  forGroup(guildId?: string): FollowedAuthor[] {
    const rows = guildId
      ? this.db.prepare("SELECT * FROM followed_authors WHERE guild_id IN (?, ?) ORDER BY created_at, name_key").all(EVERY_GROUP, guildId)
      : this.db.prepare("SELECT * FROM followed_authors ORDER BY guild_id, created_at, name_key").all();
    return (rows as Row[]).map(toFollowed);
  }

  count(guildId: string): number {
    return this.db.prepare("SELECT count(*) FROM followed_authors WHERE guild_id = ?").pluck().get(guildId) as number;
  }
}

/**
 * The author lists (JSON arrays as stored) of the `recent` newest feed papers and of every group's
 * papers: where a name worth following is found without reading a whole arXiv dump.
 */
export function knownAuthorLists(db: Db, recent: number): string[] {
  return db
    .prepare(
      `SELECT authors FROM (SELECT authors FROM papers WHERE feed_date IS NOT NULL ORDER BY feed_date DESC LIMIT ?)
       UNION ALL
       SELECT p.authors FROM papers p WHERE p.id IN (SELECT DISTINCT paper_id FROM group_papers)`,
    )
    .pluck()
    .all(recent) as string[];
}

/** The async `FollowedAuthorStore` over the synchronous SQLite `FollowedAuthorsTable`. */
export class SqliteFollowedAuthorStore implements FollowedAuthorStore {
  private readonly table: FollowedAuthorsTable;

  constructor(private readonly db: Db) {
    this.table = new FollowedAuthorsTable(db);
  }

  async add(guildId: string, name: string, key: string, userId?: string, now?: Date): Promise<boolean> {
    return this.table.add(guildId, name, key, userId, now);
  }

  async addWithin(max: number, guildId: string, name: string, key: string, userId?: string, now?: Date): Promise<FollowOutcome> {
    return this.table.addWithin(max, guildId, name, key, userId, now);
  }

  async remove(guildId: string, key: string): Promise<boolean> {
    return this.table.remove(guildId, key);
  }

  async list(guildId: string): Promise<FollowedAuthor[]> {
    return this.table.list(guildId);
  }

  async forGroup(guildId?: string): Promise<FollowedAuthor[]> {
    return this.table.forGroup(guildId);
  }

  async count(guildId: string): Promise<number> {
    return this.table.count(guildId);
  }

  async authorLists(recent: number): Promise<string[][]> {
    return knownAuthorLists(this.db, recent).map((json) => JSON.parse(json) as string[]);
  }
}
