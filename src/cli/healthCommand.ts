import type { Command } from "commander";
import { UserError } from "../config/errors.js";
import { HEARTBEAT_MS } from "../discord/bot.js";
import { checkHealth } from "../store/sqlite/health.js";
import { checkPostgresHealth } from "../store/postgres/health.js";
import type { CliContext } from "./context.js";

export function addHealthCommand(program: Command, ctx: CliContext): void {
  program
    .command("health")
    .description(
      "one line on whether the database (DATABASE_URL, else PAPERBOT_DB) is usable and the bots are connected (exit 0 healthy, 1 not); changes nothing",
    )
    .option("--no-bot", "check the database only (no bot runs on it)")
    .option("--json", "print the checks as JSON")
    .action(async (opts: { bot: boolean; json?: boolean }) => {
      const options = { bot: opts.bot, staleAfterMs: 3 * HEARTBEAT_MS };
      // With DATABASE_URL, the PostgreSQL that the bots of every machine share.
      const { databaseUrl } = ctx.config;
      const checks = databaseUrl ? await checkPostgresHealth(databaseUrl, options) : checkHealth(ctx.config.dbPath, options);
      const healthy = checks.every((c) => c.ok);
      if (opts.json) ctx.io.out(JSON.stringify({ healthy, checks }));
      const line = `${healthy ? "healthy" : "unhealthy"}: ${checks.map((c) => `${c.ok ? "" : "✗ "}${c.name} ${c.detail}`).join("; ")}`;
      if (!healthy) throw new UserError(line);
      if (!opts.json) ctx.io.out(line);
    });
}
