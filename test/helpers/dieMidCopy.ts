// A copy to PostgreSQL that dies part way, as a real process: it copies PAPERBOT_DB to COPY_TO as
// `paperbot copy` does, in batches of 10, and is killed (SIGKILL) right after its first batch of papers commits.
import { noProgress } from "../../src/config/progress.js";
import { copyToPostgres, openSqliteToRead } from "../../src/store/copyToPostgres.js";
import { migratePostgres } from "../../src/store/postgres/migrate.js";
import { connectPostgres } from "../../src/store/postgres/pool.js";

const sqlite = openSqliteToRead(process.env.PAPERBOT_DB!);
const pool = await connectPostgres(process.env.COPY_TO!);
await migratePostgres(pool);
await copyToPostgres(sqlite, pool, {
  batchSize: 10,
  progress: () => noProgress,
  afterBatch: (kind) => {
    if (kind === "papers") process.kill(process.pid, "SIGKILL");
  },
});
