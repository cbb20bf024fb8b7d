import { EVERY_GROUP, type GroupPaper, type GroupPaperStore, type GroupVia } from "../groupPapers.js";
import type { Pool } from "./pool.js";

interface Row {
  guild_id: string;
  paper_id: string;
  via: GroupVia;
  user_id: string | null;
  created_at: Date;
}

const toGroupPaper = (r: Row): GroupPaper => ({
  guildId: r.guild_id,
  paperId: r.paper_id,
  via: r.via,
  userId: r.user_id ?? undefined,
  createdAt: r.created_at.toISOString(),
});

/** The papers each group made its own (its profile), and each server's saved list, in PostgreSQL. */
export class PostgresGroupPaperStore implements GroupPaperStore {
  constructor(private readonly pool: Pool) {}

  async add(guildId: string, paperId: string, via: GroupVia, userId?: string, now = new Date()): Promise<boolean> {
    return (await this.addMany(guildId, [paperId], via, userId, now)) > 0;
  }

  /** One statement: processes adding the same paper at once record it once, and only one of them is told it added it. */
  async addMany(guildId: string, paperIds: readonly string[], via: GroupVia, userId?: string, now = new Date()): Promise<number> {
    if (paperIds.length === 0) return 0;
    // In one order whoever adds: two processes adding the same papers in different orders would each wait for a row
    // the other has just inserted (a deadlock).
    const ordered = [...new Set(paperIds)].sort();
    const r = await this.pool.query(
      `INSERT INTO group_papers (guild_id, paper_id, via, user_id, created_at)
       SELECT $1, id, $3, $4, $5 FROM unnest($2::text[]) WITH ORDINALITY AS t (id, n) ORDER BY n
       ON CONFLICT DO NOTHING`,
      [guildId, ordered, via, userId ?? null, now],
    );
    return r.rowCount ?? 0;
  }

  async remove(guildId: string, paperId: string, via: GroupVia): Promise<boolean> {
    const r = await this.pool.query("DELETE FROM group_papers WHERE guild_id = $1 AND via = $2 AND paper_id = $3", [guildId, via, paperId]);
    return (r.rowCount ?? 0) > 0;
  }

  async has(guildId: string, paperId: string, via: GroupVia): Promise<boolean> {
    const r = await this.pool.query("SELECT 1 FROM group_papers WHERE guild_id = $1 AND via = $2 AND paper_id = $3", [guildId, via, paperId]);
    return (r.rowCount ?? 0) > 0;
  }

  async list(guildId: string, via: GroupVia, page: { limit: number; offset?: number } = { limit: 1000 }): Promise<GroupPaper[]> {
    const { rows } = await this.pool.query<Row>(
      "SELECT * FROM group_papers WHERE guild_id = $1 AND via = $2 ORDER BY created_at DESC, paper_id LIMIT $3 OFFSET $4",
      [guildId, via, page.limit, page.offset ?? 0],
    );
    return rows.map(toGroupPaper);
  }

  async count(guildId: string, via: GroupVia): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM group_papers WHERE guild_id = $1 AND via = $2", [
      guildId,
      via,
    ]);
    return rows[0]!.n;
  }

  async profileIds(guildId?: string): Promise<string[]> {
    const { rows } = guildId
      ? await this.pool.query<{ paper_id: string }>("SELECT DISTINCT paper_id FROM group_papers WHERE guild_id IN ($1, $2)", [EVERY_GROUP, guildId])
      : await this.pool.query<{ paper_id: string }>("SELECT DISTINCT paper_id FROM group_papers");
    return rows.map((r) => r.paper_id);
  }

  async savedIds(guildId?: string): Promise<string[]> {
    const { rows } = guildId
      ? await this.pool.query<{ paper_id: string }>("SELECT DISTINCT paper_id FROM group_papers WHERE via = 'save' AND guild_id IN ($1, $2)", [
          EVERY_GROUP,
          guildId,
        ])
      : await this.pool.query<{ paper_id: string }>("SELECT DISTINCT paper_id FROM group_papers WHERE via = 'save'");
    return rows.map((r) => r.paper_id);
  }
}
