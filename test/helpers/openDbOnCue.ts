// A child process that opens PAPERBOT_DB (creating or upgrading its schema) when a line arrives on
// stdin, so that a test can have several processes open one file at the same moment.
import { openDb } from "../../src/store/sqlite/db.js";

process.stdout.write("ready\n");
process.stdin.once("data", () => {
  try {
    openDb(process.env.PAPERBOT_DB!).close();
    process.stdout.write("opened\n");
  } catch (err) {
    process.stdout.write(`failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
});
