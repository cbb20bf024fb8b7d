
  -- The daily digest: one row of settings per server (defaults apply until a row exists).
  -- active_since is when the schedule last started to apply (channel, time or timezone set, or
  -- resumed): start-up catch-up never posts for a scheduled time before it.
  CREATE TABLE digest_settings (
    guild_id TEXT PRIMARY KEY,
    channel_id TEXT,
    time TEXT NOT NULL DEFAULT '09:00',
    timezone TEXT NOT NULL DEFAULT 'UTC',
    count INTEGER NOT NULL DEFAULT 5 CHECK (count BETWEEN 1 AND 10),
    include_terms TEXT NOT NULL DEFAULT '[]',
    exclude_terms TEXT NOT NULL DEFAULT '[]',
    min_upvotes INTEGER NOT NULL DEFAULT 0 CHECK (min_upvotes >= 0),
    paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    paused_reason TEXT,
    catch_up_days INTEGER NOT NULL DEFAULT 0 CHECK (catch_up_days >= 0),
    active_since TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  -- The exactly-once ledger: a post is claimed before it is sent and marked sent with its message
  -- id after. 'sent' with no message id is a day with nothing new. paper_ids is written before the
  -- send, so a crash between sending and marking still knows what went out.
  CREATE TABLE digest_posts (
    guild_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    date TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'failed')),
    message_id TEXT,
    paper_ids TEXT NOT NULL DEFAULT '[]',
    nonce TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    last_error TEXT,
    claimed_at TEXT NOT NULL,
    sent_at TEXT,
    PRIMARY KEY (guild_id, channel_id, date),
    UNIQUE (channel_id, date)
  ) WITHOUT ROWID;
  CREATE INDEX digest_posts_guild_date ON digest_posts (guild_id, date);
  