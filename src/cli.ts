import { isMainProcess } from "./cli/mainProcess.js";
import { Command, CommanderError } from "commander";
import { ConfigError, loadConfig } from "./config/config.js";
import { UsageError, UserError } from "./config/errors.js";
import { createLogger } from "./config/logger.js";
import { pino } from "pino";
import { CliContext, type CliIo } from "./cli/context.js";
import { addAddCommand } from "./cli/addCommand.js";
import { addFullTextCommand } from "./cli/fullTextCommand.js";
import { addVoteCommand } from "./cli/voteCommand.js";
import { addAnswerCommands } from "./cli/answerCommands.js";
import { addBotCommands } from "./cli/botCommands.js";
import { addDigestCommand } from "./cli/digestCommand.js";
import { addEmbedCommand } from "./cli/embedCommand.js";
import { addFeedbackCommand } from "./cli/feedbackCommand.js";
import { addFollowCommands } from "./cli/followCommands.js";
import { addHealthCommand } from "./cli/healthCommand.js";
import { addIngestCommands } from "./cli/ingestCommands.js";
import { addSearchCommands } from "./cli/searchCommands.js";
import { addPostgresCommands } from "./cli/postgresCommands.js";

/** The process's own stdio; log records go straight to fd 2, synchronously. */
function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(line + "\n"),
    err: (line) => process.stderr.write(line + "\n"),
    stdin: process.stdin,
    log: pino.destination({ fd: 2, sync: true }),
    progress: process.stderr,
  };
}

/**
 * Runs the CLI and returns its exit code: 0 success, 1 failure, 2 bad usage or configuration.
 * It reads and writes only through `env` and `io` (besides the database, files and the network), and relative
 * paths resolve against process.cwd(). `start` alone is process-wide: it handles SIGINT/SIGTERM and may
 * call process.exit.
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = processIo()): Promise<number> {
  const verbose = argv.includes("--verbose");
  let ctx: CliContext | undefined;
  try {
    const config = loadConfig(env);
    const serving = argv.includes("start");
    ctx = new CliContext(config, createLogger(config.logLevel ?? (serving ? "info" : "warn"), io.log), io);
    const program = new Command("paperbot")
      .description("A research-paper assistant: search, cited answers, comparisons and a daily digest.")
      .option("--verbose", "show stack traces on errors")
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
      .showSuggestionAfterError();
    addAnswerCommands(program, ctx);
    addSearchCommands(program, ctx);
    addIngestCommands(program, ctx);
    addAddCommand(program, ctx);
    addFullTextCommand(program, ctx);
    addVoteCommand(program, ctx);
    addEmbedCommand(program, ctx);
    addDigestCommand(program, ctx);
    addFollowCommands(program, ctx);
    addBotCommands(program, ctx);
    addHealthCommand(program, ctx);
    addFeedbackCommand(program, ctx);
    addPostgresCommands(program, ctx);
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0) return 0;
      return 2;
    }
    const usage = err instanceof UsageError || err instanceof ConfigError;
    const message = err instanceof Error ? err.message : String(err);
    io.err(`paperbot: ${usage || err instanceof UserError ? "" : "error: "}${message}`);
    if (verbose && err instanceof Error && err.stack) io.err(err.stack);
    return usage ? 2 : 1;
  } finally {
    await ctx?.close();
  }
}

if (isMainProcess) {
  // `paperbot search ... | head` closes the pipe early; that is not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  process.exitCode = await runCli(process.argv.slice(2));
}
