
  -- Per-user, per-command cooldowns (key "command:user"), until when in epoch milliseconds: shared by the
  -- processes (shards) on one file.
  CREATE TABLE cooldowns (
    key TEXT PRIMARY KEY,
    until INTEGER NOT NULL
  ) WITHOUT ROWID;
  