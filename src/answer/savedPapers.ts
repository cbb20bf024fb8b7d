import { UserError } from "../config/errors.js";
import type { GroupPaper } from "../store/groupPapers.js";
import type { StoredPaper } from "../store/paperRecords.js";
import type { Stores } from "../store/stores.js";
import { toBibtex } from "./bibtex.js";

export const SAVED_PER_PAGE = 10;

/** What the saved list is kept in: the papers, and each server's list. */
export type SavedStores = Pick<Stores, "papers" | "groupPapers">;

/** One paper of a server's saved list: who saved it and when. */
export interface SavedPaper {
  paper: StoredPaper;
  savedBy?: string;
  savedAt: string;
}

export type SaveOutcome = { saved: true; paper: StoredPaper } | { saved: false; paper: StoredPaper; savedBy?: string; savedAt: string };

export interface SavedPage {
  items: SavedPaper[];
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
  total: number;
}

async function knownPaper(stores: SavedStores, paperId: string): Promise<StoredPaper> {
  const paper = await stores.papers.get(paperId);
  if (!paper) throw new UserError("That paper is no longer in the collection, so it cannot be saved.");
  return paper;
}

/** Saves a paper to a server's list; saving it again changes nothing and says who saved it first. */
export async function savePaper(stores: SavedStores, guildId: string, paperId: string, userId: string, now: Date): Promise<SaveOutcome> {
  const paper = await knownPaper(stores, paperId);
  const groups = stores.groupPapers;
  if (await groups.add(guildId, paper.id, "save", userId, now)) return { saved: true, paper };
  const first = (await groups.list(guildId, "save", { limit: Math.max(1, await groups.count(guildId, "save")) })).find((g) => g.paperId === paper.id);
  return { saved: false, paper, savedBy: first?.userId, savedAt: first?.createdAt ?? now.toISOString() };
}

/** The saved papers still in the collection, in the list's order (one query for the papers). */
async function toSaved(stores: SavedStores, rows: GroupPaper[]): Promise<SavedPaper[]> {
  const papers = await stores.papers.getMany(rows.map((r) => r.paperId));
  return rows.flatMap((r) => {
    const paper = papers.get(r.paperId);
    return paper ? [{ paper, savedBy: r.userId, savedAt: r.createdAt }] : [];
  });
}

async function savedEntries(stores: SavedStores, guildId: string): Promise<SavedPaper[]> {
  const groups = stores.groupPapers;
  return toSaved(stores, await groups.list(guildId, "save", { limit: Math.max(1, await groups.count(guildId, "save")) }));
}

/** One page of a server's saved papers, newest first. */
export async function savedPage(stores: SavedStores, guildId: string, page: number, perPage = SAVED_PER_PAGE): Promise<SavedPage> {
  const groups = stores.groupPapers;
  const total = await groups.count(guildId, "save");
  const pages = Math.max(1, Math.ceil(total / perPage));
  const shown = Math.min(Math.max(1, Math.floor(page)), pages);
  const items = await toSaved(stores, await groups.list(guildId, "save", { limit: perPage, offset: (shown - 1) * perPage }));
  return { items, page: shown, pages, total };
}

/** Takes a paper off a server's saved list; the paper itself stays in the collection. */
export async function removeSaved(stores: SavedStores, guildId: string, paperId: string): Promise<StoredPaper> {
  const paper = await stores.papers.get(paperId);
  if (!paper || !(await stores.groupPapers.remove(guildId, paper.id, "save")))
    throw new UserError("That paper is not on this server's saved list. See /saved list.");
  return paper;
}

/** Saved papers whose title contains what was typed (all of them, newest first, when nothing was). */
export async function matchSaved(stores: SavedStores, guildId: string, typed: string, limit: number): Promise<StoredPaper[]> {
  const needle = typed.trim().toLowerCase();
  return (await savedEntries(stores, guildId))
    .map((s) => s.paper)
    .filter((p) => !needle || p.title.toLowerCase().includes(needle) || p.id.toLowerCase().startsWith(needle))
    .slice(0, limit);
}

/** The server's saved list as a BibTeX file (newest first), and how many entries it holds. */
export async function savedBibtex(stores: SavedStores, guildId: string): Promise<{ bibtex: string; count: number }> {
  const papers = (await savedEntries(stores, guildId)).map((s) => s.paper);
  return { bibtex: toBibtex(papers), count: papers.length };
}
