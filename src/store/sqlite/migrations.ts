import fs from "node:fs";
import { fileURLToPath } from "node:url";

const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));

/**
 * SQLite's migrations, one file each (`sqlite/migrations/NNN_name.sql`, numbered from 001 without gaps): the
 * Nth moves a database from schema N-1 to N, and `PRAGMA user_version` records how far a file has come. An
 * applied migration is never edited; a change is a new file.
 */
export function loadSqliteMigrations(dir = MIGRATIONS_DIR): string[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  return files.map((file, i) => {
    const m = /^(\d{3})_[a-z0-9_]+\.sql$/.exec(file);
    if (!m || Number(m[1]) !== i + 1) throw new Error(`${dir}: expected ${String(i + 1).padStart(3, "0")}_name.sql, found ${file}`);
    return fs.readFileSync(`${dir}/${file}`, "utf8");
  });
}

export const migrations: readonly string[] = loadSqliteMigrations();
