-- The daily digest: one row of settings per server (defaults apply until a row exists). active_since is when
-- the schedule last started to apply (channel, time or timezone set, or resumed): start-up catch-up never
-- posts for a scheduled time before it. Topic terms and interest phrases are lists of text.
CREATE TABLE digest_settings (
  guild_id text COLLATE "C" PRIMARY KEY,
  channel_id text COLLATE "C",
  time text NOT NULL DEFAULT '09:00',
  timezone text NOT NULL DEFAULT 'UTC',
  count integer NOT NULL DEFAULT 5 CHECK (count BETWEEN 1 AND 10),
  include_terms text[] NOT NULL DEFAULT '{}',
  exclude_terms text[] NOT NULL DEFAULT '{}',
  min_upvotes integer NOT NULL DEFAULT 0 CHECK (min_upvotes >= 0),
  rank_mode text NOT NULL DEFAULT 'for-us' CHECK (rank_mode IN ('for-us', 'trending')),
  interests text[] NOT NULL DEFAULT '{}',
  paused boolean NOT NULL DEFAULT false,
  paused_reason text,
  catch_up_days integer NOT NULL DEFAULT 0 CHECK (catch_up_days >= 0),
  active_since timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
