// Store tests that run the same checks on both backends: a fresh SQLite file, or the file's PostgreSQL schema
// emptied of papers (and the tables a test names) before each test.
import { postgresStores, sqliteStores, type Stores } from "../../src/store/stores.js";
import { emptyPapers, havePostgres, migratedSchemaForFile } from "./postgres.js";
import { tempStore } from "./tmp.js";

export interface StoresBackend {
  name: string;
  open: () => Promise<Stores>;
}

/** SQLite always; PostgreSQL where the tests have a server (see `havePostgres`). Call at a test file's top level. */
export function bothBackends(...tables: string[]): StoresBackend[] {
  const backends: StoresBackend[] = [{ name: "SQLite", open: async () => sqliteStores(tempStore().store) }];
  if (!havePostgres()) return backends;
  const schema = migratedSchemaForFile();
  backends.push({
    name: "PostgreSQL",
    open: async () => {
      await emptyPapers(schema.pool(), ...tables);
      return postgresStores(schema.pool(), "test");
    },
  });
  return backends;
}
