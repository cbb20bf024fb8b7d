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
