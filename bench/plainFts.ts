import fs from "node:fs";
import readline from "node:readline";
import Database from "better-sqlite3";

/**
 * The yardstick for bulk ingest: the same snapshot into a plain SQLite FTS5 setup, as one would
 * write it without paperbot. A table with the papers table's columns (no secondary indexes), an
 * external-content FTS5 index on title and abstract with the same tokenizer; each line JSON-parsed
 * and inserted with one prepared statement, 2,000 rows per transaction, with the same pragmas
 * paperbot opens its database with (WAL, synchronous NORMAL). The index is either kept in sync by an
 * AFTER INSERT trigger ("triggers") or built once after the last row ("one pass": FTS5 'rebuild').
 */
export async function plainFtsLoad(snapshot: string, dbFile: string, how: "triggers" | "one pass"): Promise<{ papers: number; seconds: number }> {
  for (const ext of ["", "-wal", "-shm"]) fs.rmSync(dbFile + ext, { force: true });
  const db = new Database(dbFile);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(`
    CREATE TABLE papers (
      rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, arxiv_id TEXT, title TEXT NOT NULL, title_key TEXT NOT NULL,
      abstract TEXT NOT NULL, authors TEXT NOT NULL, author_count INTEGER NOT NULL, organization TEXT,
      published_at TEXT, feed_date TEXT, upvotes INTEGER NOT NULL, hf_url TEXT, arxiv_url TEXT, pdf_url TEXT,
      github_url TEXT, project_url TEXT, github_stars INTEGER, thumbnail TEXT, ai_summary TEXT,
      ai_keywords TEXT NOT NULL, categories TEXT NOT NULL, source TEXT NOT NULL, first_seen_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE papers_fts USING fts5 (
      title, abstract, content = 'papers', content_rowid = 'rowid', tokenize = 'porter unicode61 remove_diacritics 2'
    );
  `);
  if (how === "triggers")
    db.exec(`CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
      INSERT INTO papers_fts (rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract);
    END;`);
  const insert = db.prepare(
    `INSERT INTO papers (id, arxiv_id, title, title_key, abstract, authors, author_count, published_at, upvotes,
       arxiv_url, ai_keywords, categories, source, first_seen_at, updated_at)
     VALUES (@id, @id, @title, lower(@title), @abstract, @authors, @n, @published, 0, @url, '[]', @categories, 'arxiv', @now, @now)`,
  );
  const commit = db.transaction((rows: Record<string, unknown>[]) => {
    for (const r of rows) insert.run(r);
  });
  const t0 = performance.now();
  const now = new Date().toISOString();
  let papers = 0;
  let batch: Record<string, unknown>[] = [];
  const input = fs.createReadStream(snapshot, { encoding: "utf8" });
  for await (const raw of readline.createInterface({ input, crlfDelay: Infinity })) {
    if (!raw) continue;
    const p = JSON.parse(raw) as { id: string; title: string; abstract: string; authors: string; categories: string; update_date: string };
    const authors = p.authors.split(", ");
    batch.push({
      id: p.id,
      title: p.title,
      abstract: p.abstract,
      authors: JSON.stringify(authors),
      n: authors.length,
      published: p.update_date,
      url: `https://arxiv.org/abs/${p.id}`,
      categories: JSON.stringify(p.categories.split(" ")),
      now,
    });
    papers++;
    if (batch.length >= 2000) {
      commit(batch);
      batch = [];
    }
  }
  commit(batch);
  if (how === "one pass") db.exec("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')");
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return { papers, seconds };
}
