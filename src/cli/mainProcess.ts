import { createRequire } from "node:module";

/** Whether this process was started as the CLI (`bin/paperbot.js`, `tsx src/cli.ts`), not by something importing it. */
export const isMainProcess = Boolean(process.argv[1] && /(?:cli\.ts|paperbot(?:\.js)?)$/.test(process.argv[1]));

// src/cli.ts imports this module first, so `.env` is in process.env before any other module runs, as
// `import "dotenv/config"` did. Only the CLI process reads it: an in-process runCli (the tests) sees only
// the environment it is given, not a `.env` in the working directory.
if (isMainProcess) createRequire(import.meta.url)("dotenv/config");
