import type { DigestSettings, DigestSettingsStore } from "./digestSettings.js";

/**
 * Digest settings kept in memory only, for a run whose settings must not touch the real ones
 * (`paperbot digest` without the bot). Each change runs alone, as in the stored kinds.
 */
export class MemoryDigestSettingsStore implements DigestSettingsStore {
  private readonly rows = new Map<string, DigestSettings>();

  async get(guildId: string): Promise<DigestSettings | undefined> {
    const s = this.rows.get(guildId);
    return s && structuredClone(s);
  }

  async change(guildId: string, change: (stored: DigestSettings | undefined) => DigestSettings): Promise<DigestSettings> {
    const stored = this.rows.get(guildId);
    // No wait between the read and the write: a change runs alone.
    const next = change(stored && structuredClone(stored));
    this.rows.set(guildId, structuredClone(next));
    return structuredClone(next);
  }

  async remove(guildId: string): Promise<boolean> {
    return this.rows.delete(guildId);
  }

  async all(): Promise<DigestSettings[]> {
    return [...this.rows.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((g) => structuredClone(this.rows.get(g)!));
  }
}
