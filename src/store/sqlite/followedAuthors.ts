import type { Db } from "../db.js";
import { FollowedAuthorsTable, knownAuthorLists, type FollowedAuthor, type FollowedAuthorStore } from "../followedAuthors.js";

/** The async `FollowedAuthorStore` over the synchronous SQLite `FollowedAuthorsTable`. */
export class SqliteFollowedAuthorStore implements FollowedAuthorStore {
  private readonly table: FollowedAuthorsTable;

  constructor(private readonly db: Db) {
    this.table = new FollowedAuthorsTable(db);
  }

  async add(guildId: string, name: string, key: string, userId?: string, now?: Date): Promise<boolean> {
    return this.table.add(guildId, name, key, userId, now);
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
