import { type Db, writeTransaction } from "./db.js";
import { type PaperVoteStore, type Vote, type VoteState, voteValue } from "../paperVotes.js";
import { EVERY_GROUP } from "../groupPapers.js";

/** Members' 👍 / 👎 on papers, per server. */
export class PaperVotes {
  constructor(private readonly db: Db) {}

  /** A click: the same vote again takes it back; the other vote replaces it. */
  toggle(guildId: string, paperId: string, userId: string, vote: Vote, now = new Date()): VoteState {
    return writeTransaction(this.db, () => {
      const had = this.db
        .prepare("SELECT vote FROM paper_votes WHERE guild_id = ? AND paper_id = ? AND user_id = ?")
        .pluck()
        .get(guildId, paperId, userId) as number | undefined;
      if (had === voteValue(vote)) {
        this.db.prepare("DELETE FROM paper_votes WHERE guild_id = ? AND paper_id = ? AND user_id = ?").run(guildId, paperId, userId);
        return "none";
      }
      this.set(guildId, paperId, userId, vote, now);
      return vote;
    });
  }

  /** Records the vote, replacing any earlier one of the same member on the paper. */
  set(guildId: string, paperId: string, userId: string, vote: Vote, now = new Date()): void {
    this.db
      .prepare(
        `INSERT INTO paper_votes (guild_id, paper_id, user_id, vote, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (guild_id, paper_id, user_id) DO UPDATE SET vote = excluded.vote, created_at = excluded.created_at`,
      )
      .run(guildId, paperId, userId, voteValue(vote), now.toISOString());
  }

  /**
   * Each voted paper's net vote (👍 minus 👎) for a server, counting the installation-wide votes too;
   * without a server, every server's. Papers whose votes cancel out are left out.
   */
  tally(guildId?: string): Map<string, number> {
    const rows = (
      guildId
        ? this.db.prepare("SELECT paper_id, sum(vote) AS net FROM paper_votes WHERE guild_id IN (?, ?) GROUP BY paper_id").all(EVERY_GROUP, guildId)
        : this.db.prepare("SELECT paper_id, sum(vote) AS net FROM paper_votes GROUP BY paper_id").all()
    ) as { paper_id: string; net: number }[];
    return new Map(rows.filter((r) => r.net !== 0).map((r) => [r.paper_id, r.net]));
  }

  /** One member's votes on these papers. */
  mine(guildId: string, userId: string, paperIds: readonly string[]): Map<string, Vote> {
    const out = new Map<string, Vote>();
    const get = this.db.prepare("SELECT vote FROM paper_votes WHERE guild_id = ? AND paper_id = ? AND user_id = ?").pluck();
    for (const id of paperIds) {
      const v = get.get(guildId, id, userId) as number | undefined;
      if (v) out.set(id, v > 0 ? "up" : "down");
    }
    return out;
  }
}

/** The async `PaperVoteStore` over the synchronous SQLite `PaperVotes`. */
export class SqlitePaperVoteStore implements PaperVoteStore {
  private readonly votes: PaperVotes;

  constructor(db: Db) {
    this.votes = new PaperVotes(db);
  }

  async toggle(guildId: string, paperId: string, userId: string, vote: Vote, now?: Date): Promise<VoteState> {
    return this.votes.toggle(guildId, paperId, userId, vote, now);
  }

  async set(guildId: string, paperId: string, userId: string, vote: Vote, now?: Date): Promise<void> {
    this.votes.set(guildId, paperId, userId, vote, now);
  }

  async tally(guildId?: string): Promise<Map<string, number>> {
    return this.votes.tally(guildId);
  }

  async mine(guildId: string, userId: string, paperIds: readonly string[]): Promise<Map<string, Vote>> {
    return this.votes.mine(guildId, userId, paperIds);
  }
}
