import Database from "better-sqlite3";
import type { Command } from "commander";
import fs from "node:fs";
import { UsageError, UserError } from "../config/errors.js";
import { compareCounts, copyToPostgres, openSqliteToRead } from "../store/copyToPostgres.js";
import { migrations } from "../store/migrations.js";
import { openStore } from "../store/openStore.js";
import { migratePostgres } from "../store/postgres/migrate.js";
import { connectPostgres, whereIs, type Pool } from "../store/postgres/pool.js";
import type { CliContext } from "./context.js";
import { positiveInt } from "./parsers.js";

/** The URL's password, never shown: removed from any message that might carry it. */
function withoutPassword(text: string, url: string): string {
  let password = "";
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // An unparsable URL: the message below names it as such.
  }
  return password ? text.split(password).join("***") : text;
}

/** A pool on `url`, or one line saying which server could not be reached (exit 1), without the URL's user or password. */
async function connect(url: string, timeoutMs: number): Promise<Pool> {
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new UsageError(`expected a postgres:// URL, not ${JSON.stringify(whereIs(url))}`);
  try {
    return await connectPostgres(url, { max: 4, timeoutMs });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new UserError(
      withoutPassword(message.startsWith("Cannot reach") ? message : `Cannot reach PostgreSQL at ${whereIs(url)}: ${message}`, url),
    );
  }
}

/** Applies PostgreSQL's migrations and says what version the database is at. */
async function migrateAndSay(ctx: CliContext, pool: Pool, url: string): Promise<void> {
  const { to, applied } = await migratePostgres(pool);
  ctx.io.out(`PostgreSQL ${whereIs(url)}: schema ${to}${applied.length ? ` (applied ${applied.join(", ")})` : ", already up to date"}`);
}

export function addPostgresCommands(program: Command, ctx: CliContext): void {
  program
    .command("migrate")
    .description("bring a database's schema up to date: SQLite's (PAPERBOT_DB), or PostgreSQL's with --database-url or DATABASE_URL")
    .option("--database-url <url>", "a PostgreSQL database, postgres://user:password@host:port/db (default: DATABASE_URL)")
    .addHelpText(
      "after",
      `
Every command brings PAPERBOT_DB up to date when it opens it; this only does that and says at which version it is.
PostgreSQL is not used by the bot or the other commands yet.

Examples:
  paperbot migrate
  paperbot migrate --database-url postgres://paperbot@db.example:5432/paperbot`,
    )
    .action(async (opts: { databaseUrl?: string }) => {
      const url = opts.databaseUrl ?? ctx.config.databaseUrl;
      if (url) {
        const pool = await connect(url, ctx.config.databaseTimeoutMs);
        try {
          await migrateAndSay(ctx, pool, url);
        } finally {
          await pool.end();
        }
        return;
      }
      const file = ctx.config.dbPath;
      let before = 0;
      if (fs.existsSync(file)) {
        const peek = new Database(file, { readonly: true, fileMustExist: true });
        try {
          before = peek.pragma("user_version", { simple: true }) as number;
        } finally {
          peek.close();
        }
      }
      // Opening migrates (and finishes a bulk load a killed process left unindexed), as every command's open does.
      openStore(file).db.close();
      const to = migrations.length;
      ctx.io.out(`SQLite ${file}: schema ${to}${to > before ? ` (applied ${before + 1}–${to})` : ", already up to date"}`);
    });

  program
    .command("copy")
    .description("copy this installation from SQLite (PAPERBOT_DB, only read) to PostgreSQL; resumable, and checks the counts at the end")
    .requiredOption("--to <url>", "the PostgreSQL database, postgres://user:password@host:port/db")
    .option("--batch <n>", "papers (and rows of the other kinds) per transaction", positiveInt(10_000), 500)
    .addHelpText(
      "after",
      `
Copies papers with their search index, full texts, vectors, digest settings, the daily post's ledger, group
papers (seed, added, saved), paper votes, followed authors, answer feedback and usage, and conversations (not
the answer cache: answers are written again as they are asked). PostgreSQL's migrations are applied first.
Nothing in PostgreSQL is overwritten: rows it has already are skipped, so running the command again finishes a
copy that was interrupted, and copies nothing twice. Exit 1 if any count differs.
The bot and the other commands still run on SQLite.

Leave the password out of the URL (a command line is visible to other users of the machine in \`ps\`): the
client reads it from PGPASSWORD or ~/.pgpass.

Example:
  PGPASSWORD=… paperbot copy --to postgres://paperbot@db.example:5432/paperbot`,
    )
    .action(async (opts: { to: string; batch: number }) => {
      const sqlite = openSqliteToRead(ctx.config.dbPath);
      try {
        const pool = await connect(opts.to, ctx.config.databaseTimeoutMs);
        try {
          await migrateAndSay(ctx, pool, opts.to);
          let copied = 0;
          await copyToPostgres(sqlite, pool, {
            batchSize: opts.batch,
            progress: (label, total) => ctx.progress(label, total),
            onKind: (r) => {
              copied += r.copied;
              ctx.io.out(`${r.kind}: ${r.copied} copied, ${r.already} already there`);
            },
          });
          ctx.io.out(
            copied
              ? `copied ${copied} rows; counts (SQLite = PostgreSQL):`
              : "nothing to copy: PostgreSQL had every row already; counts (SQLite = PostgreSQL):",
          );
          const checks = await compareCounts(sqlite, pool);
          for (const c of checks) ctx.io.out(`${c.kind} ${c.sqlite} ${c.sqlite === c.postgres ? "=" : "≠"} ${c.postgres}`);
          const differ = checks.filter((c) => c.sqlite !== c.postgres);
          if (differ.length) {
            throw new UserError(
              `counts differ after the copy: ${differ.map((c) => `${c.kind} (${c.sqlite} in SQLite, ${c.postgres} in PostgreSQL)`).join(", ")}` +
                "; PostgreSQL may have had rows of its own, or SQLite changed during the copy",
            );
          }
        } finally {
          await pool.end();
        }
      } finally {
        sqlite.close();
      }
    });
}
