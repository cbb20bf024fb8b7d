import { type Db, writeTransaction } from "./db.js";
import { type GroupPaper, type GroupPaperStore, type GroupVia, EVERY_GROUP } from "../groupPapers.js";

interface Row {
  guild_id: string;
  paper_id: string;
  via: GroupVia;
  user_id: string | null;
  created_at: string;
}

const toGroupPaper = (r: Row): GroupPaper => ({
  guildId: r.guild_id,
  paperId: r.paper_id,
  via: r.via,
  userId: r.user_id ?? undefined,
  createdAt: r.created_at,
});

/** The papers each group made its own (its profile), and each server's saved list. */
export class GroupPapers {
  constructor(private readonly db: Db) {}

  /** Records that `guildId` made `paperId` its own; false when it already had (saving twice is one entry). */
  add(guildId: string, paperId: string, via: GroupVia, userId?: string, now = new Date()): boolean {
    const r = this.db
      .prepare("INSERT OR IGNORE INTO group_papers (guild_id, paper_id, via, user_id, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(guildId, paperId, via, userId ?? null, now.toISOString());
    return r.changes > 0;
  }

  addMany(guildId: string, paperIds: readonly string[], via: GroupVia, userId?: string, now = new Date()): number {
    return writeTransaction(this.db, () => paperIds.filter((id) => this.add(guildId, id, via, userId, now)).length);
  }

  remove(guildId: string, paperId: string, via: GroupVia): boolean {
    return this.db.prepare("DELETE FROM group_papers WHERE guild_id = ? AND via = ? AND paper_id = ?").run(guildId, via, paperId).changes > 0;
  }

  has(guildId: string, paperId: string, via: GroupVia): boolean {
    return Boolean(this.db.prepare("SELECT 1 FROM group_papers WHERE guild_id = ? AND via = ? AND paper_id = ?").get(guildId, via, paperId));
  }

  /** One server's papers by how they came, newest first. */
  list(guildId: string, via: GroupVia, page: { limit: number; offset?: number } = { limit: 1000 }): GroupPaper[] {
    const rows = this.db
      .prepare("SELECT * FROM group_papers WHERE guild_id = ? AND via = ? ORDER BY created_at DESC, paper_id LIMIT ? OFFSET ?")
      .all(guildId, via, page.limit, page.offset ?? 0) as Row[];
    return rows.map(toGroupPaper);
  }

  count(guildId: string, via: GroupVia): number {
    return this.db.prepare("SELECT count(*) FROM group_papers WHERE guild_id = ? AND via = ?").pluck().get(guildId, via) as number;
  }

  /**
   * The ids of a group's profile: the installation's seed page plus what the server added or
   * saved. Without a server, the installation-wide profile (every server's papers too).
   */
  profileIds(guildId?: string): string[] {
    const rows = guildId
      ? this.db.prepare("SELECT DISTINCT paper_id FROM group_papers WHERE guild_id IN (?, ?)").pluck().all(EVERY_GROUP, guildId)
      : this.db.prepare("SELECT DISTINCT paper_id FROM group_papers").pluck().all();
    return rows as string[];
  }

  /** Papers saved with ⭐ in a server (and installation-wide); without a server, in any. */
  savedIds(guildId?: string): string[] {
    const rows = guildId
      ? this.db.prepare("SELECT DISTINCT paper_id FROM group_papers WHERE via = 'save' AND guild_id IN (?, ?)").pluck().all(EVERY_GROUP, guildId)
      : this.db.prepare("SELECT DISTINCT paper_id FROM group_papers WHERE via = 'save'").pluck().all();
    return rows as string[];
  }
}

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
