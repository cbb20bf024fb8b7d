-- The exactly-once ledger of daily posts: a post is claimed before it is sent and marked sent with its message id
-- after. 'sent' with no message id is a day with nothing new. paper_ids (a JSON array) is written before the send,
-- so a crash between sending and marking still knows what went out. A claim is a lease: the process holding it
-- (host:pid) and until when, renewed while it works. One post per channel and date, whatever the server id.
CREATE TABLE digest_posts (
  guild_id text COLLATE "C" NOT NULL,
  channel_id text COLLATE "C" NOT NULL,
  date text COLLATE "C" NOT NULL,
  state text NOT NULL CHECK (state IN ('claimed', 'sent', 'failed')),
  message_id text,
  paper_ids jsonb NOT NULL DEFAULT '[]',
  nonce text NOT NULL,
  attempts integer NOT NULL DEFAULT 1,
  last_error text,
  claimed_at timestamptz NOT NULL,
  sent_at timestamptz,
  lease_owner text,
  lease_until timestamptz,
  PRIMARY KEY (guild_id, channel_id, date),
  UNIQUE (channel_id, date)
);
CREATE INDEX digest_posts_guild_date ON digest_posts (guild_id, date);
