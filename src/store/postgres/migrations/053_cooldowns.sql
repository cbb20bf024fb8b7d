-- Per-user, per-command cooldowns (key "command:user"), until when in epoch milliseconds, shared by every
-- machine: a take is one INSERT … ON CONFLICT … WHERE until <= now.
CREATE TABLE cooldowns (
  key text COLLATE "C" PRIMARY KEY,
  until bigint NOT NULL
);
