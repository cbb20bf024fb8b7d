import { EVERY_GROUP } from "../groupPapers.js";
import { voteValue, type PaperVoteStore, type Vote, type VoteState } from "../paperVotes.js";
import { inTransaction, type Pool, type PoolClient } from "./pool.js";

/** Members' 👍 / 👎 on papers, per server, in PostgreSQL. */
export class PostgresPaperVoteStore implements PaperVoteStore {
  constructor(private readonly pool: Pool) {}

  async toggle(guildId: string, paperId: string, userId: string, vote: Vote, now = new Date()): Promise<VoteState> {
    return inTransaction(this.pool, async (c) => {
      // Two clicks at once on a vote nobody has yet would both read "none" and both set it; this lock on the
      // (server, paper, member) key makes them take turns, so the second takes the vote back as in SQLite.
      await c.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [JSON.stringify([guildId, paperId, userId])]);
      const had = await c.query<{ vote: number }>("SELECT vote FROM paper_votes WHERE guild_id = $1 AND paper_id = $2 AND user_id = $3", [
        guildId,
        paperId,
        userId,
      ]);
      if (had.rows[0]?.vote === voteValue(vote)) {
        await c.query("DELETE FROM paper_votes WHERE guild_id = $1 AND paper_id = $2 AND user_id = $3", [guildId, paperId, userId]);
        return "none";
      }
      await upsert(c, guildId, paperId, userId, vote, now);
      return vote;
    });
  }

  async set(guildId: string, paperId: string, userId: string, vote: Vote, now = new Date()): Promise<void> {
    await upsert(this.pool, guildId, paperId, userId, vote, now);
  }

  async tally(guildId?: string): Promise<Map<string, number>> {
    const { rows } = guildId
      ? await this.pool.query<{ paper_id: string; net: number }>(
          "SELECT paper_id, sum(vote)::int AS net FROM paper_votes WHERE guild_id IN ($1, $2) GROUP BY paper_id HAVING sum(vote) <> 0 ORDER BY paper_id",
          [EVERY_GROUP, guildId],
        )
      : await this.pool.query<{ paper_id: string; net: number }>(
          "SELECT paper_id, sum(vote)::int AS net FROM paper_votes GROUP BY paper_id HAVING sum(vote) <> 0 ORDER BY paper_id",
        );
    return new Map(rows.map((r) => [r.paper_id, r.net]));
  }

  async mine(guildId: string, userId: string, paperIds: readonly string[]): Promise<Map<string, Vote>> {
    const { rows } = await this.pool.query<{ paper_id: string; vote: number }>(
      "SELECT paper_id, vote FROM paper_votes WHERE guild_id = $1 AND user_id = $2 AND paper_id = ANY($3)",
      [guildId, userId, [...paperIds]],
    );
    const votes = new Map(rows.map((r) => [r.paper_id, r.vote]));
    const out = new Map<string, Vote>();
    for (const id of paperIds) {
      const v = votes.get(id);
      if (v) out.set(id, v > 0 ? "up" : "down");
    }
    return out;
  }
}

function upsert(db: Pool | PoolClient, guildId: string, paperId: string, userId: string, vote: Vote, now: Date) {
  return db.query(
    `INSERT INTO paper_votes (guild_id, paper_id, user_id, vote, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (guild_id, paper_id, user_id) DO UPDATE SET vote = excluded.vote, created_at = excluded.created_at`,
    [guildId, paperId, userId, voteValue(vote), now],
  );
}
