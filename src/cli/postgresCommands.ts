import type { Command } from "commander";
import { UserError } from "../config/errors.js";
import { copyInstallation, type Migrated, migratePostgresAt } from "../store/installation.js";
import { migrateSqliteFile } from "../store/sqlite/migrateFile.js";
import type { CliContext } from "./context.js";
import { positiveInt } from "./parsers.js";

function sayMigrated(ctx: CliContext, kind: string, m: Migrated): void {
  const applied = m.applied.length
    ? kind === "SQLite"
      ? ` (applied ${m.applied[0]}–${m.applied.at(-1)})`
      : ` (applied ${m.applied.join(", ")})`
    : ", already up to date";
  ctx.io.out(`${kind} ${m.where}: schema ${m.to}${applied}`);
}

export function addPostgresCommands(program: Command, ctx: CliContext): void {
  program
    .command("migrate")
    .description("bring a database's schema up to date: SQLite's (PAPERBOT_DB), or PostgreSQL's with --database-url or DATABASE_URL")
    .option("--database-url <url>", "a PostgreSQL database, postgres://user:password@host:port/db (default: DATABASE_URL)")
    .addHelpText(
      "after",
      `
Every command brings its database (PostgreSQL at DATABASE_URL, else PAPERBOT_DB) up to date when it opens it;
this only does that and says at which version it is.

Examples:
  paperbot migrate
  paperbot migrate --database-url postgres://paperbot@db.example:5432/paperbot`,
    )
    .action(async (opts: { databaseUrl?: string }) => {
      const url = opts.databaseUrl ?? ctx.config.databaseUrl;
      if (url) return sayMigrated(ctx, "PostgreSQL", await migratePostgresAt(url, ctx.config.databaseTimeoutMs));
      sayMigrated(ctx, "SQLite", migrateSqliteFile(ctx.config.dbPath));
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
Then set DATABASE_URL for the bot and the other commands to use it.

Leave the password out of the URL (a command line is visible to other users of the machine in \`ps\`): the
client reads it from PGPASSWORD or ~/.pgpass.

Example:
  PGPASSWORD=… paperbot copy --to postgres://paperbot@db.example:5432/paperbot`,
    )
    .action(async (opts: { to: string; batch: number }) => {
      let copied = 0;
      const checks = await copyInstallation({
        file: ctx.config.dbPath,
        url: opts.to,
        timeoutMs: ctx.config.databaseTimeoutMs,
        batchSize: opts.batch,
        progress: (label, total) => ctx.progress(label, total),
        onMigrated: (m) => sayMigrated(ctx, "PostgreSQL", m),
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
      for (const c of checks) ctx.io.out(`${c.kind} ${c.sqlite} ${c.sqlite === c.postgres ? "=" : "≠"} ${c.postgres}`);
      const differ = checks.filter((c) => c.sqlite !== c.postgres);
      if (differ.length) {
        throw new UserError(
          `counts differ after the copy: ${differ.map((c) => `${c.kind} (${c.sqlite} in SQLite, ${c.postgres} in PostgreSQL)`).join(", ")}` +
            "; PostgreSQL may have had rows of its own, or SQLite changed during the copy",
        );
      }
    });
}
