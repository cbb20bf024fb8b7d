-- Written (model) answers per day (YYYY-MM-DD, UTC), per user and per server, for the optional budgets.
-- Counted with INSERT … ON CONFLICT DO UPDATE, which is atomic however many processes count at once.
CREATE TABLE answer_usage (
  day text COLLATE "C" NOT NULL,
  scope text NOT NULL CHECK (scope IN ('user', 'guild')),
  subject text COLLATE "C" NOT NULL,
  answers integer NOT NULL DEFAULT 0 CHECK (answers >= 0),
  PRIMARY KEY (day, scope, subject)
);
