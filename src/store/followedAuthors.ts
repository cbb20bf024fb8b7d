export interface FollowedAuthor {
  guildId: string;
  /** As the person who followed wrote it. */
  name: string;
  /** The name's comparison key (see `nameKeyOf`): one follow per server and key. */
  key: string;
  userId?: string;
  createdAt: string;
}

/** Followed authors in either store (SQLite or PostgreSQL); see `FollowedAuthorsTable` for what each does. */
export interface FollowedAuthorStore {
  add(guildId: string, name: string, key: string, userId?: string, now?: Date): Promise<boolean>;
  remove(guildId: string, key: string): Promise<boolean>;
  list(guildId: string): Promise<FollowedAuthor[]>;
  forGroup(guildId?: string): Promise<FollowedAuthor[]>;
  count(guildId: string): Promise<number>;
  /** Author lists of the `recent` newest papers of the feed (by feed date) and of every group's papers, for suggestions. */
  authorLists(recent: number): Promise<string[][]>;
}
