export interface FollowedAuthor {
  guildId: string;
  /** As the person who followed wrote it. */
  name: string;
  /** The name's comparison key (see `nameKeyOf`): one follow per server and key. */
  key: string;
  userId?: string;
  createdAt: string;
}

/** What `addWithin` did: followed now, followed already (that key), or not, the server being at its most. */
export type FollowOutcome = "added" | "already" | "full";

/** Followed authors in either store (SQLite or PostgreSQL); see `FollowedAuthorsTable` for what each does. */
export interface FollowedAuthorStore {
  add(guildId: string, name: string, key: string, userId?: string, now?: Date): Promise<boolean>;
  /**
   * `add` unless the server follows `max` authors already, decided atomically: of processes on any machines adding
   * at once, no more than `max` follows are kept.
   */
  addWithin(max: number, guildId: string, name: string, key: string, userId?: string, now?: Date): Promise<FollowOutcome>;
  remove(guildId: string, key: string): Promise<boolean>;
  list(guildId: string): Promise<FollowedAuthor[]>;
  forGroup(guildId?: string): Promise<FollowedAuthor[]>;
  count(guildId: string): Promise<number>;
  /** Author lists of the `recent` newest papers of the feed (by feed date) and of every group's papers, for suggestions. */
  authorLists(recent: number): Promise<string[][]>;
}
