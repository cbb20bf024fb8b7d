-- Each shard's last heartbeat (the beat as JSON), from whichever machine runs it: `paperbot health` reads them all.
CREATE TABLE bot_heartbeats (
  shard integer PRIMARY KEY CHECK (shard >= 0),
  beat jsonb NOT NULL
);
