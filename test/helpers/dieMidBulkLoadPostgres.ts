// A bulk load into PostgreSQL that is killed half way, as a real process: it loads batch after batch of an arXiv dump
// (test/helpers/dumpBatches.ts) into the database at PAPERBOT_TEST_LOAD_URL, printing "committed N" after each, until
// the test kills it (kill -9), most likely in the middle of a batch's transaction.
import { PostgresPaperRecords } from "../../src/store/postgres/papers.js";
import { connectPostgres } from "../../src/store/postgres/pool.js";
import { dumpBatch } from "./dumpBatches.js";

const pool = await connectPostgres(process.env.PAPERBOT_TEST_LOAD_URL!, { max: 1 });
const records = new PostgresPaperRecords(pool);
await records.startBulkLoad();
for (let i = 0; i < 1000; i++) {
  await records.upsertMany(dumpBatch(i), { bulk: true });
  process.stdout.write(`committed ${i + 1}\n`);
}
