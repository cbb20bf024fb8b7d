import type { Db } from "../db.js";
import { GroupPapers, type GroupPaper, type GroupPaperStore, type GroupVia } from "../groupPapers.js";

/** The async `GroupPaperStore` over the synchronous SQLite `GroupPapers`. */
export class SqliteGroupPaperStore implements GroupPaperStore {
  private readonly papers: GroupPapers;

  constructor(db: Db) {
    this.papers = new GroupPapers(db);
  }

  async add(guildId: string, paperId: string, via: GroupVia, userId?: string, now?: Date): Promise<boolean> {
    return this.papers.add(guildId, paperId, via, userId, now);
  }

  async addMany(guildId: string, paperIds: readonly string[], via: GroupVia, userId?: string, now?: Date): Promise<number> {
    return this.papers.addMany(guildId, paperIds, via, userId, now);
  }

  async remove(guildId: string, paperId: string, via: GroupVia): Promise<boolean> {
    return this.papers.remove(guildId, paperId, via);
  }

  async has(guildId: string, paperId: string, via: GroupVia): Promise<boolean> {
    return this.papers.has(guildId, paperId, via);
  }

  async list(guildId: string, via: GroupVia, page?: { limit: number; offset?: number }): Promise<GroupPaper[]> {
    return this.papers.list(guildId, via, page);
  }

  async count(guildId: string, via: GroupVia): Promise<number> {
    return this.papers.count(guildId, via);
  }

  async profileIds(guildId?: string): Promise<string[]> {
    return this.papers.profileIds(guildId);
  }

  async savedIds(guildId?: string): Promise<string[]> {
    return this.papers.savedIds(guildId);
  }
}
