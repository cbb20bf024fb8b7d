import type { Db } from "../db.js";
import { DigestSettingsTable, type DigestSettings, type DigestSettingsStore } from "../digestSettings.js";

/** The async `DigestSettingsStore` over the synchronous SQLite `DigestSettingsTable`. */
export class SqliteDigestSettingsStore implements DigestSettingsStore {
  private readonly table: DigestSettingsTable;

  constructor(db: Db) {
    this.table = new DigestSettingsTable(db);
  }

  async get(guildId: string): Promise<DigestSettings | undefined> {
    return this.table.get(guildId);
  }

  async change(guildId: string, change: (stored: DigestSettings | undefined) => DigestSettings): Promise<DigestSettings> {
    return this.table.change(guildId, change);
  }

  async remove(guildId: string): Promise<boolean> {
    return this.table.remove(guildId);
  }

  async all(): Promise<DigestSettings[]> {
    return this.table.all();
  }
}
