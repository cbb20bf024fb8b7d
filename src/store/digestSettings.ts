/** How a server's post is ordered: closeness to the group's own papers (lifted by upvotes), or upvotes alone. */
export const RANK_MODES = ["for-us", "trending"] as const;
export type RankMode = (typeof RANK_MODES)[number];

/** One server's digest settings. No channel means the digest is not set up. */
export interface DigestSettings {
  guildId: string;
  channelId?: string;
  /** HH:MM, 24-hour, in `timezone`. */
  time: string;
  /** A canonical IANA name ("Europe/Berlin", "UTC"). */
  timezone: string;
  count: number;
  /** Topic terms: a paper is posted when any include term matches (or there are none) and no exclude term does. */
  include: string[];
  exclude: string[];
  minUpvotes: number;
  /** for-us: ranked for the group's profile; trending: most upvoted. */
  rankMode: RankMode;
  /** Optional interest phrases ("LLM serving"), counted with the group's papers in for-us ranking. */
  interests: string[];
  paused: boolean;
  pausedReason?: string;
  /** Missed days before today that start-up catch-up still posts (0: only today). */
  catchUpDays: number;
  /** When the schedule last started to apply; catch-up never posts for an earlier scheduled time. */
  activeSince: string;
  updatedAt: string;
}

/** Servers' digest settings in either store (SQLite or PostgreSQL); see `DigestSettingsTable` for what each does. */
export interface DigestSettingsStore {
  get(guildId: string): Promise<DigestSettings | undefined>;
  /** `change` runs while no other change to the same server can, so it sees the settings as they are when written. */
  change(guildId: string, change: (stored: DigestSettings | undefined) => DigestSettings): Promise<DigestSettings>;
  remove(guildId: string): Promise<boolean>;
  all(): Promise<DigestSettings[]>;
}
