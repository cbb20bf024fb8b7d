import { UserError } from "../config/errors.js";
import type { FollowedAuthor, FollowedAuthorStore } from "../store/followedAuthors.js";
import { userText } from "../text/userText.js";
import { nameKeyOf, nameWords, sameAuthor } from "./authorName.js";

export const MAX_FOLLOWED = 100;
export const MAX_AUTHOR_NAME = 100;
/** Author suggestions come from this many of the newest feed papers, plus every group's papers. */
const SUGGEST_FROM_RECENT = 3000;

export type { FollowedAuthor } from "../store/followedAuthors.js";

/** Followed authors, checked: one follow per server and loosely-equal name. */
export class FollowedAuthors {
  /** Each server's changes in this process, one after another, so a check still holds when its change is written. */
  private readonly changes = new Map<string, Promise<unknown>>();

  constructor(private readonly store: FollowedAuthorStore) {}

  /** Follows `name` for `guildId` (`*`: every server); `added` is false when an equal name was already followed. */
  follow(guildId: string, name: string, userId?: string, now = new Date()): Promise<{ author: FollowedAuthor; added: boolean }> {
    const clean = checkedName(name);
    return this.inTurn(guildId, async () => {
      const key = nameKeyOf(clean);
      const outcome = await this.store.addWithin(MAX_FOLLOWED, guildId, clean, key, userId, now);
      if (outcome === "full") throw new UserError(`This server already follows ${MAX_FOLLOWED} authors, the most it can; unfollow one first.`);
      return { author: (await this.store.list(guildId)).find((f) => f.key === key)!, added: outcome === "added" };
    });
  }

  /** Stops following: the name as followed, else the one followed name it loosely matches; undefined when none. */
  unfollow(guildId: string, name: string): Promise<FollowedAuthor | undefined> {
    const clean = checkedName(name);
    return this.inTurn(guildId, async () => {
      const own = await this.store.list(guildId);
      const key = nameKeyOf(clean);
      const loose = own.filter((f) => sameAuthor(f.name, clean));
      const hit = own.find((f) => f.key === key) ?? (loose.length === 1 ? loose[0] : undefined);
      if (!hit && loose.length > 1)
        throw new UserError(`"${clean}" could be ${loose.map((f) => `"${f.name}"`).join(" or ")}; give the name as followed.`);
      if (hit) await this.store.remove(guildId, hit.key);
      return hit;
    });
  }

  /** A server's own follows (`*`: the installation's). */
  list(guildId: string): Promise<FollowedAuthor[]> {
    return this.store.list(guildId);
  }

  /** Every follow of the installation, by server. */
  everyFollow(): Promise<FollowedAuthor[]> {
    return this.store.forGroup(undefined);
  }

  /** The names a server's digest follows (its own and the installation's); without a server, every one. */
  async namesFor(guildId?: string): Promise<string[]> {
    return (await this.store.forGroup(guildId)).map((f) => f.name);
  }

  /**
   * Author names from the collection for autocomplete: names with a word starting with each typed
   * word (case and accents aside), those on the most papers first.
   */
  async suggest(typed: string, limit = 25): Promise<string[]> {
    const words = nameWords(typed);
    const counts = new Map<string, { name: string; n: number }>();
    for (const authors of await this.store.authorLists(SUGGEST_FROM_RECENT)) {
      for (const name of authors) {
        if (!name || name.length > MAX_AUTHOR_NAME) continue;
        const have = nameWords(name);
        if (!words.every((w) => have.some((h) => h.startsWith(w)))) continue;
        const key = have.join(" ");
        const c = counts.get(key);
        if (c) c.n++;
        else counts.set(key, { name, n: 1 });
      }
    }
    return [...counts.values()]
      .sort((a, b) => b.n - a.n || a.name.localeCompare(b.name))
      .slice(0, limit)
      .map((c) => c.name);
  }

  private inTurn<T>(guildId: string, work: () => Promise<T>): Promise<T> {
    const next = (this.changes.get(guildId) ?? Promise.resolve()).then(work);
    const settled = next.catch(() => undefined);
    this.changes.set(guildId, settled);
    void settled.then(() => {
      if (this.changes.get(guildId) === settled) this.changes.delete(guildId);
    });
    return next;
  }
}

function checkedName(name: string): string {
  const clean = userText(name);
  if (!nameWords(clean).length) throw new UserError('Give an author\'s name, e.g. "Tri Dao" or "T. Dao".');
  if (clean.length > MAX_AUTHOR_NAME) throw new UserError(`An author's name can be at most ${MAX_AUTHOR_NAME} characters.`);
  return clean;
}
