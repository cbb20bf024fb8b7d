/** A new row that the search and name indexes take at once: no bulk load is waiting for its catch-up (migration 9; never change it). */
const INDEXED = "new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid)";

/** Each entry moves the schema one version up; `PRAGMA user_version` records how far a file has come. */
export const migrations: string[] = [
  `
  CREATE TABLE papers (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    arxiv_id TEXT UNIQUE,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    abstract TEXT NOT NULL,
    authors TEXT NOT NULL DEFAULT '[]',
    author_count INTEGER NOT NULL DEFAULT 0,
    organization TEXT,
    published_at TEXT,
    feed_date TEXT,
    upvotes INTEGER NOT NULL DEFAULT 0,
    hf_url TEXT,
    arxiv_url TEXT,
    pdf_url TEXT,
    github_url TEXT,
    project_url TEXT,
    github_stars INTEGER,
    thumbnail TEXT,
    ai_summary TEXT,
    ai_keywords TEXT NOT NULL DEFAULT '[]',
    categories TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL CHECK (source IN ('seed', 'hf', 'arxiv')),
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX papers_title_key ON papers (title_key);
  CREATE INDEX papers_feed_date ON papers (feed_date);

  CREATE VIRTUAL TABLE papers_fts USING fts5 (
    title, abstract,
    content = 'papers', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
    INSERT INTO papers_fts (rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract);
  END;
  CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', old.rowid, old.title, old.abstract);
  END;
  CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', old.rowid, old.title, old.abstract);
    INSERT INTO papers_fts (rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract);
  END;

  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  -- Every title a paper has been known by, so a renamed paper still meets its seed entry.
  CREATE TABLE paper_titles (
    title_key TEXT NOT NULL,
    paper_rowid INTEGER NOT NULL REFERENCES papers (rowid) ON DELETE CASCADE,
    PRIMARY KEY (title_key, paper_rowid)
  ) WITHOUT ROWID;
  CREATE TRIGGER papers_title_insert AFTER INSERT ON papers BEGIN
    INSERT OR IGNORE INTO paper_titles VALUES (new.title_key, new.rowid);
  END;
  CREATE TRIGGER papers_title_update AFTER UPDATE OF title_key ON papers BEGIN
    INSERT OR IGNORE INTO paper_titles VALUES (new.title_key, new.rowid);
  END;
  `,
  `
  -- Which papers have a dense vector, from which model and text; the vectors themselves live in
  -- vec0 tables (vec_papers_<dim>) created on first use, since their dimension depends on the model.
  CREATE TABLE paper_embeddings (
    paper_rowid INTEGER PRIMARY KEY REFERENCES papers (rowid) ON DELETE CASCADE,
    model TEXT NOT NULL,
    dim INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    embedded_at TEXT NOT NULL
  );
  CREATE INDEX paper_embeddings_model ON paper_embeddings (model);
  `,
  `
  -- Names people call a paper by, as compact keys (lower-case letters and digits only, so "Burst GPT",
  -- "burst-gpt" and "BurstGPT" meet): kind 'title' is the whole title, 'short' the name before its
  -- colon ("NanoFlow"). A short name with characters other than ASCII letters, digits and common
  -- punctuation gets no row (its title still does). Upvotes are copied in so autocomplete can rank a
  -- busy prefix from an index; src/retrieval/nameKey.ts computes the same keys in TypeScript.
  CREATE VIEW paper_name_keys AS
    SELECT rowid AS paper_rowid, 'title' AS kind, replace(title_key, ' ', '') AS key, upvotes FROM papers
    WHERE title_key <> ''
    UNION ALL
    SELECT paper_rowid, 'short', key, upvotes FROM (
      SELECT rowid AS paper_rowid, upvotes, lower(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(replace(replace(replace(replace(replace(replace(replace(substr(title, 1, instr(title, ':') - 1),
        ' ', ''), '-', ''), '.', ''), '_', ''), '&', ''), '+', ''), '/', ''), '''', ''), '(', ''), ')', ''),
        '!', ''), '?', ''), ',', ''), '*', ''), '#', ''), '@', '')) AS key
      FROM papers WHERE instr(title, ':') BETWEEN 2 AND 61
    ) WHERE key <> '' AND key NOT GLOB '*[^a-z0-9]*';

  CREATE TABLE paper_names (
    kind TEXT NOT NULL CHECK (kind IN ('short', 'title')),
    key TEXT NOT NULL,
    paper_rowid INTEGER NOT NULL,
    upvotes INTEGER NOT NULL,
    PRIMARY KEY (kind, key, paper_rowid)
  ) WITHOUT ROWID;
  CREATE INDEX paper_names_votes ON paper_names (kind, upvotes, key);
  INSERT INTO paper_names (kind, key, paper_rowid, upvotes) SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys;

  -- No foreign key: a cascade would scan paper_names by paper_rowid; the triggers delete by primary key.
  -- BEFORE triggers read the old names through the view while the row still holds them. The update
  -- triggers test for a real change because the store's UPDATE sets every column.
  CREATE TRIGGER paper_names_insert AFTER INSERT ON papers BEGIN
    INSERT OR IGNORE INTO paper_names (kind, key, paper_rowid, upvotes)
      SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys WHERE paper_rowid = new.rowid;
  END;
  CREATE TRIGGER paper_names_rename_old BEFORE UPDATE OF title, title_key ON papers
  WHEN old.title IS NOT new.title OR old.title_key IS NOT new.title_key BEGIN
    DELETE FROM paper_names WHERE (kind, key, paper_rowid) IN
      (SELECT kind, key, paper_rowid FROM paper_name_keys WHERE paper_rowid = old.rowid);
  END;
  CREATE TRIGGER paper_names_rename_new AFTER UPDATE OF title, title_key ON papers
  WHEN old.title IS NOT new.title OR old.title_key IS NOT new.title_key BEGIN
    INSERT OR IGNORE INTO paper_names (kind, key, paper_rowid, upvotes)
      SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys WHERE paper_rowid = new.rowid;
  END;
  CREATE TRIGGER paper_names_votes AFTER UPDATE OF upvotes ON papers WHEN old.upvotes IS NOT new.upvotes BEGIN
    UPDATE paper_names SET upvotes = new.upvotes WHERE (kind, key, paper_rowid) IN
      (SELECT kind, key, paper_rowid FROM paper_name_keys WHERE paper_rowid = new.rowid);
  END;
  CREATE TRIGGER paper_names_delete BEFORE DELETE ON papers BEGIN
    DELETE FROM paper_names WHERE (kind, key, paper_rowid) IN
      (SELECT kind, key, paper_rowid FROM paper_name_keys WHERE paper_rowid = old.rowid);
  END;

  -- The words of each title, unstemmed, so "effic" completes "efficiency" (the porter index in
  -- papers_fts stores "effici") and a short title is not drowned by abstract matches. The prefix
  -- indexes make "s"* one doclist instead of a merge of every word starting with s. Only match
  -- and rowid order are used, never bm25: no positions, no lengths.
  CREATE VIRTUAL TABLE paper_title_words USING fts5 (
    title, content = 'papers', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2', detail = none, columnsize = 0, prefix = '1 2 3'
  );
  CREATE VIRTUAL TABLE paper_title_vocab USING fts5vocab (paper_title_words, row);
  INSERT INTO paper_title_words (paper_title_words) VALUES ('rebuild');
  CREATE TRIGGER paper_title_words_insert AFTER INSERT ON papers BEGIN
    INSERT INTO paper_title_words (rowid, title) VALUES (new.rowid, new.title);
  END;
  CREATE TRIGGER paper_title_words_delete AFTER DELETE ON papers BEGIN
    INSERT INTO paper_title_words (paper_title_words, rowid, title) VALUES ('delete', old.rowid, old.title);
  END;
  CREATE TRIGGER paper_title_words_update AFTER UPDATE OF title ON papers WHEN old.title IS NOT new.title BEGIN
    INSERT INTO paper_title_words (paper_title_words, rowid, title) VALUES ('delete', old.rowid, old.title);
    INSERT INTO paper_title_words (rowid, title) VALUES (new.rowid, new.title);
  END;

  -- Autocomplete's "most upvoted, then newest" for an empty prefix.
  CREATE INDEX papers_upvotes ON papers (upvotes);
  `,
  `
  -- Answers already given, keyed by question, history, model and collection version.
  CREATE TABLE answer_cache (
    key TEXT PRIMARY KEY,
    result TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  -- Written (model) answers per day, for the optional per-user and per-server budgets.
  CREATE TABLE answer_usage (
    day TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('user', 'guild')),
    subject TEXT NOT NULL,
    answers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, scope, subject)
  ) WITHOUT ROWID;
  -- A counter bumped by every change to the papers: cheap to read, unlike count(*) at a million papers.
  INSERT OR IGNORE INTO meta (key, value) VALUES ('papers_version', '0');
  CREATE TRIGGER papers_version_insert AFTER INSERT ON papers BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'papers_version';
  END;
  CREATE TRIGGER papers_version_update AFTER UPDATE ON papers BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'papers_version';
  END;
  CREATE TRIGGER papers_version_delete AFTER DELETE ON papers BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'papers_version';
  END;
  `,
  `
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
  `,
  `
  -- Discord threads that continue an /ask answer: their turns are the next question's history.
  CREATE TABLE ask_turns (
    conversation TEXT NOT NULL,
    turn INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (conversation, turn)
  ) WITHOUT ROWID;
  `,
  `
  -- The papers a group made its own: its seed page (guild '*': every server of the installation),
  -- papers added with /add and papers saved with the Save button. They are the group's profile,
  -- which ranks its daily post. Saving twice is one row.
  CREATE TABLE group_papers (
    guild_id TEXT NOT NULL,
    paper_id TEXT NOT NULL,
    via TEXT NOT NULL CHECK (via IN ('seed', 'add', 'save')),
    user_id TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, via, paper_id)
  ) WITHOUT ROWID;
  CREATE INDEX group_papers_recent ON group_papers (guild_id, via, created_at);
  INSERT INTO group_papers (guild_id, paper_id, via, user_id, created_at)
    SELECT '*', id, 'seed', NULL, first_seen_at FROM papers WHERE source = 'seed';
  -- How a server's daily post is ranked, and its optional interest phrases (a JSON list).
  ALTER TABLE digest_settings ADD COLUMN rank_mode TEXT NOT NULL DEFAULT 'for-us' CHECK (rank_mode IN ('for-us', 'trending'));
  ALTER TABLE digest_settings ADD COLUMN interests TEXT NOT NULL DEFAULT '[]';
  `,
  `
  -- Bulk loads (src/store/bulkIndex.ts) leave the search and name indexes to one set-based catch-up:
  -- while meta 'indexed_through' is set, papers with a rowid above it are not in papers_fts,
  -- paper_title_words or paper_names yet, and these triggers leave them alone. Without the key
  -- (the usual case) every paper is indexed row by row as before. The key is written in the same
  -- transaction as the rows it covers, so a load that dies leaves it behind and the next open
  -- finishes the job.
  DROP TRIGGER papers_fts_insert;
  DROP TRIGGER papers_fts_delete;
  DROP TRIGGER papers_fts_update;
  DROP TRIGGER paper_names_insert;
  DROP TRIGGER paper_names_rename_old;
  DROP TRIGGER paper_names_rename_new;
  DROP TRIGGER paper_names_votes;
  DROP TRIGGER paper_names_delete;
  DROP TRIGGER paper_title_words_insert;
  DROP TRIGGER paper_title_words_delete;
  DROP TRIGGER paper_title_words_update;
  DROP TRIGGER papers_version_insert;

  CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers
  WHEN new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid) BEGIN
    INSERT INTO papers_fts (rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract);
    INSERT INTO paper_title_words (rowid, title) VALUES (new.rowid, new.title);
    INSERT OR IGNORE INTO paper_names (kind, key, paper_rowid, upvotes)
      SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys WHERE paper_rowid = new.rowid;
    UPDATE meta SET value = value + 1 WHERE key = 'papers_version';
  END;
  CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers
  WHEN old.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), old.rowid) BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', old.rowid, old.title, old.abstract);
    INSERT INTO paper_title_words (paper_title_words, rowid, title) VALUES ('delete', old.rowid, old.title);
  END;
  CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract ON papers
  WHEN old.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), old.rowid) BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', old.rowid, old.title, old.abstract);
    INSERT INTO papers_fts (rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract);
  END;
  CREATE TRIGGER paper_names_rename_old BEFORE UPDATE OF title, title_key ON papers
  WHEN (old.title IS NOT new.title OR old.title_key IS NOT new.title_key)
    AND old.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), old.rowid) BEGIN
    DELETE FROM paper_names WHERE (kind, key, paper_rowid) IN
      (SELECT kind, key, paper_rowid FROM paper_name_keys WHERE paper_rowid = old.rowid);
  END;
  CREATE TRIGGER paper_names_rename_new AFTER UPDATE OF title, title_key ON papers
  WHEN (old.title IS NOT new.title OR old.title_key IS NOT new.title_key)
    AND new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid) BEGIN
    INSERT OR IGNORE INTO paper_names (kind, key, paper_rowid, upvotes)
      SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys WHERE paper_rowid = new.rowid;
  END;
  CREATE TRIGGER paper_names_votes AFTER UPDATE OF upvotes ON papers
  WHEN old.upvotes IS NOT new.upvotes
    AND new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid) BEGIN
    UPDATE paper_names SET upvotes = new.upvotes WHERE (kind, key, paper_rowid) IN
      (SELECT kind, key, paper_rowid FROM paper_name_keys WHERE paper_rowid = new.rowid);
  END;
  CREATE TRIGGER paper_names_delete BEFORE DELETE ON papers
  WHEN old.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), old.rowid) BEGIN
    DELETE FROM paper_names WHERE (kind, key, paper_rowid) IN
      (SELECT kind, key, paper_rowid FROM paper_name_keys WHERE paper_rowid = old.rowid);
  END;
  CREATE TRIGGER paper_title_words_update AFTER UPDATE OF title ON papers
  WHEN old.title IS NOT new.title
    AND old.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), old.rowid) BEGIN
    INSERT INTO paper_title_words (paper_title_words, rowid, title) VALUES ('delete', old.rowid, old.title);
    INSERT INTO paper_title_words (rowid, title) VALUES (new.rowid, new.title);
  END;
  `,
  `
  -- Bulk loads, continued (measured per row: each trigger run and each index entry costs about as
  -- much as the row itself). papers_title_key duplicated paper_titles (which holds every title key a
  -- paper has had, the current one included) and goes. paper_titles waits for the catch-up like the
  -- search indexes, except for papers without an arXiv id: those are the only ones a later paper
  -- merges into by title alone, so they are findable at once. One insert trigger instead of two.
  -- Papers outside the daily feed (an arXiv dump: no feed date, no upvotes) get no entries in the
  -- feed-date and upvotes indexes, which only ever look for feed papers.
  DROP INDEX papers_title_key;
  DROP TRIGGER papers_title_insert;
  DROP TRIGGER papers_fts_insert;
  CREATE TRIGGER papers_index_insert AFTER INSERT ON papers
  WHEN new.arxiv_id IS NULL OR ${INDEXED} BEGIN
    INSERT OR IGNORE INTO paper_titles VALUES (new.title_key, new.rowid);
    INSERT INTO papers_fts (rowid, title, abstract) SELECT new.rowid, new.title, new.abstract WHERE ${INDEXED};
    INSERT INTO paper_title_words (rowid, title) SELECT new.rowid, new.title WHERE ${INDEXED};
    INSERT OR IGNORE INTO paper_names (kind, key, paper_rowid, upvotes)
      SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys WHERE paper_rowid = new.rowid AND ${INDEXED};
    UPDATE meta SET value = value + 1 WHERE key = 'papers_version' AND ${INDEXED};
  END;
  -- A paper the load itself added and then renamed keeps its first title too, as row by row.
  DROP TRIGGER papers_title_update;
  CREATE TRIGGER papers_title_update AFTER UPDATE OF title_key ON papers BEGIN
    INSERT OR IGNORE INTO paper_titles VALUES (old.title_key, old.rowid);
    INSERT OR IGNORE INTO paper_titles VALUES (new.title_key, new.rowid);
  END;
  DROP INDEX papers_feed_date;
  CREATE INDEX papers_feed_date ON papers (feed_date) WHERE feed_date IS NOT NULL;
  DROP INDEX papers_upvotes;
  CREATE INDEX papers_upvotes ON papers (upvotes) WHERE upvotes > 0;
  -- FTS5 keeps new entries in memory until this many bytes (default 1 MB), then writes a segment:
  -- a catch-up step in one segment instead of dozens, a fifth less work for the index build.
  INSERT INTO papers_fts (papers_fts, rank) VALUES ('hashsize', 33554432);
  `,
  `
  -- Names by upvotes hold only upvoted papers, as papers_upvotes does: the others (every paper of an
  -- arXiv dump) are read in key order from the primary key, so a bulk load writes one index of titles
  -- fewer (at a million papers, a tenth of its catch-up).
  DROP INDEX paper_names_votes;
  CREATE INDEX paper_names_votes ON paper_names (kind, upvotes, key) WHERE upvotes > 0;
  `,
  `
  -- paper_titles keeps the title keys of papers without an arXiv id (the only ones a feed paper
  -- merges into by title) and every key a paper had before a rename; a paper's current key is found
  -- through paper_names. An arXiv load writes one title-keyed index fewer. Rows already there stay:
  -- they still name their papers.
  DROP TRIGGER papers_index_insert;
  CREATE TRIGGER papers_index_insert AFTER INSERT ON papers
  WHEN new.arxiv_id IS NULL OR ${INDEXED} BEGIN
    INSERT OR IGNORE INTO paper_titles SELECT new.title_key, new.rowid WHERE new.arxiv_id IS NULL;
    INSERT INTO papers_fts (rowid, title, abstract) SELECT new.rowid, new.title, new.abstract WHERE ${INDEXED};
    INSERT INTO paper_title_words (rowid, title) SELECT new.rowid, new.title WHERE ${INDEXED};
    INSERT OR IGNORE INTO paper_names (kind, key, paper_rowid, upvotes)
      SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys WHERE paper_rowid = new.rowid AND ${INDEXED};
    UPDATE meta SET value = value + 1 WHERE key = 'papers_version' AND ${INDEXED};
  END;
  `,
  `
  -- Full text (issue 17): what was read of each paper's PDF (or why it could not be), and its body
  -- as passages with their pages, in a full-text index of their own. Papers are named by id, so a
  -- text survives its paper's row being rewritten by a merge.
  CREATE TABLE paper_texts (
    paper_id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('read', 'failed')),
    source TEXT NOT NULL,
    pages INTEGER,
    chars INTEGER NOT NULL DEFAULT 0,
    problem TEXT,
    detail TEXT,
    references_text TEXT,
    read_at TEXT NOT NULL,
    used_at TEXT NOT NULL
  );
  CREATE INDEX paper_texts_used ON paper_texts (used_at) WHERE status = 'read';
  CREATE TABLE paper_chunks (
    rowid INTEGER PRIMARY KEY,
    paper_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    page INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    section TEXT,
    text TEXT NOT NULL
  );
  CREATE INDEX paper_chunks_paper ON paper_chunks (paper_id, seq);
  CREATE VIRTUAL TABLE chunks_fts USING fts5 (
    section, text,
    content = 'paper_chunks', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER paper_chunks_insert AFTER INSERT ON paper_chunks BEGIN
    INSERT INTO chunks_fts (rowid, section, text) VALUES (new.rowid, new.section, new.text);
  END;
  CREATE TRIGGER paper_chunks_delete AFTER DELETE ON paper_chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, section, text) VALUES ('delete', old.rowid, old.section, old.text);
  END;
  `,
  `
  -- The paper a conversation stays on: a thread opened from a paper card's "Ask about this paper",
  -- or an /ask answer given from one paper (and the thread opened from it).
  CREATE TABLE conversation_papers (
    conversation TEXT PRIMARY KEY,
    paper_id TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- A member's 👍 (1) or 👎 (-1) on a paper, per server ('*' for the command line's installation-wide votes).
  CREATE TABLE paper_votes (
    guild_id TEXT NOT NULL,
    paper_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    created_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, paper_id, user_id)
  ) WITHOUT ROWID;
  `,
  `
  -- Feedback on /ask answers: each answer given (its question, the papers it cited, its mode) and
  -- each user's vote on it. AUTOINCREMENT so an id is never reused: an old message's buttons carry
  -- it and must not vote on a newer answer.
  CREATE TABLE given_answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id TEXT,
    channel_id TEXT NOT NULL,
    question TEXT NOT NULL,
    source_ids TEXT NOT NULL DEFAULT '[]',
    mode TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE answer_votes (
    answer_id INTEGER NOT NULL REFERENCES given_answers (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
    reason TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX answer_votes_created ON answer_votes (created_at);
  `,
  `
  -- Followed authors: a paper by one of them that is new in the day's feed is posted first. One row
  -- per server (or '*', the whole installation) and name key (lower-case, accent-free words).
  CREATE TABLE followed_authors (
    guild_id TEXT NOT NULL,
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    user_id TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, name_key)
  ) WITHOUT ROWID;
  `,
  `
  -- A digest claim is a lease: the process holding it (host:pid) and until when, renewed while it works.
  ALTER TABLE digest_posts ADD COLUMN lease_owner TEXT;
  ALTER TABLE digest_posts ADD COLUMN lease_until TEXT;
  `,
  `
  -- Per-user, per-command cooldowns (key "command:user"), until when in epoch milliseconds: shared by the
  -- processes (shards) on one file.
  CREATE TABLE cooldowns (
    key TEXT PRIMARY KEY,
    until INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
];
