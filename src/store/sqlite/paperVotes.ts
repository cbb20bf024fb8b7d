import type { Db } from "../db.js";
import { PaperVotes, type PaperVoteStore, type Vote, type VoteState } from "../paperVotes.js";

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
