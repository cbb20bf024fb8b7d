import { writeTransaction, type Db } from "./db.js";

/** How a paper became a group's: the bundled seed page, `/add`, or the Save button. */
export type GroupVia = "seed" | "add" | "save";

/** The installation-wide group: the seed page counts for every server. */
export const EVERY_GROUP = "*";

export interface GroupPaper {
  guildId: string;
  paperId: string;
  via: GroupVia;
  userId?: string;
  createdAt: string;
}

/** The papers each group made its own, in either store (SQLite or PostgreSQL); see `GroupPapers` for what each does. */
export interface GroupPaperStore {
  add(guildId: string, paperId: string, via: GroupVia, userId?: string, now?: Date): Promise<boolean>;
  addMany(guildId: string, paperIds: readonly string[], via: GroupVia, userId?: string, now?: Date): Promise<number>;
  remove(guildId: string, paperId: string, via: GroupVia): Promise<boolean>;
  has(guildId: string, paperId: string, via: GroupVia): Promise<boolean>;
  list(guildId: string, via: GroupVia, page?: { limit: number; offset?: number }): Promise<GroupPaper[]>;
  count(guildId: string, via: GroupVia): Promise<number>;
  /** In no particular order. */
  profileIds(guildId?: string): Promise<string[]>;
  /** In no particular order. */
  savedIds(guildId?: string): Promise<string[]>;
}

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
