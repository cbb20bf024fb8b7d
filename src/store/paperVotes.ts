export type Vote = "up" | "down";

/** A member's vote after a click: what the paper now has from them. */
export type VoteState = Vote | "none";

export const voteValue = (v: Vote) => (v === "up" ? 1 : -1);

/** The user id the command line votes as. */
export const CLI_VOTER = "cli";

/** Members' 👍 / 👎 on papers, per server, in either store (SQLite or PostgreSQL); see `PaperVotes` for what each does. */
export interface PaperVoteStore {
  toggle(guildId: string, paperId: string, userId: string, vote: Vote, now?: Date): Promise<VoteState>;
  set(guildId: string, paperId: string, userId: string, vote: Vote, now?: Date): Promise<void>;
  tally(guildId?: string): Promise<Map<string, number>>;
  mine(guildId: string, userId: string, paperIds: readonly string[]): Promise<Map<string, Vote>>;
}
