// A bulk load that dies half way, as a real process: it opens PAPERBOT_DB, commits one batch of a
// bulk load (the papers wait for the load's index catch-up) and is killed before that catch-up.
import { openStore } from "../../src/store/sqlite/openStore.js";

const store = openStore(process.env.PAPERBOT_DB!);
store.startBulkLoad();
store.bulkTransaction(() => {
  for (let i = 1; i <= 20; i++)
    store.upsert({
      arxivId: `2601.${String(90000 + i)}`,
      title: `Bulk Loaded Paper Number ${i} About Lattice Cryptography`,
      abstract: "A paper from an arXiv dump whose load was killed before it indexed anything.",
      authors: ["Dump Author"],
      source: "arxiv",
    });
});
process.kill(process.pid, "SIGKILL");
