import { UserError } from "../config/errors.js";
import { GroupPapers } from "../store/groupPapers.js";
import type { Paper } from "../store/paper.js";
import type { PaperStore } from "../store/paperStore.js";
import { toBibtex } from "./bibtex.js";

export const SAVED_PER_PAGE = 10;

/** One paper of a server's saved list: who saved it and when. */
export interface SavedPaper {
  paper: Paper;
  savedBy?: string;
  savedAt: string;
}

export type SaveOutcome = { saved: true; paper: Paper } | { saved: false; paper: Paper; savedBy?: string; savedAt: string };

export interface SavedPage {
  items: SavedPaper[];
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
  total: number;
}

function knownPaper(store: PaperStore, paperId: string): Paper {
  const paper = store.get(paperId);
  if (!paper) throw new UserError("That paper is no longer in the collection, so it cannot be saved.");
  return paper;
}

/** Saves a paper to a server's list; saving it again changes nothing and says who saved it first. */
export function savePaper(store: PaperStore, guildId: string, paperId: string, userId: string, now: Date): SaveOutcome {
  const paper = knownPaper(store, paperId);
  const groups = new GroupPapers(store.db);
  if (groups.add(guildId, paper.id, "save", userId, now)) return { saved: true, paper };
  const first = groups.list(guildId, "save", { limit: Math.max(1, groups.count(guildId, "save")) }).find((g) => g.paperId === paper.id);
  return { saved: false, paper, savedBy: first?.userId, savedAt: first?.createdAt ?? now.toISOString() };
}

function toSaved(store: PaperStore, rows: ReturnType<GroupPapers["list"]>): SavedPaper[] {
  return rows.flatMap((r) => {
    const paper = store.get(r.paperId);
    return paper ? [{ paper, savedBy: r.userId, savedAt: r.createdAt }] : [];
  });
}

function savedEntries(store: PaperStore, guildId: string): SavedPaper[] {
  const groups = new GroupPapers(store.db);
  return toSaved(store, groups.list(guildId, "save", { limit: Math.max(1, groups.count(guildId, "save")) }));
}

/** One page of a server's saved papers, newest first. */
export function savedPage(store: PaperStore, guildId: string, page: number, perPage = SAVED_PER_PAGE): SavedPage {
  const groups = new GroupPapers(store.db);
  const total = groups.count(guildId, "save");
  const pages = Math.max(1, Math.ceil(total / perPage));
  const shown = Math.min(Math.max(1, Math.floor(page)), pages);
  const items = toSaved(store, groups.list(guildId, "save", { limit: perPage, offset: (shown - 1) * perPage }));
  return { items, page: shown, pages, total };
}

/** Takes a paper off a server's saved list; the paper itself stays in the collection. */
export function removeSaved(store: PaperStore, guildId: string, paperId: string): Paper {
  const paper = store.get(paperId);
  const groups = new GroupPapers(store.db);
  if (!paper || !groups.remove(guildId, paper.id, "save")) throw new UserError("That paper is not on this server's saved list. See /saved list.");
  return paper;
}

/** Saved papers whose title contains what was typed (all of them, newest first, when nothing was). */
export function matchSaved(store: PaperStore, guildId: string, typed: string, limit: number): Paper[] {
  const needle = typed.trim().toLowerCase();
  return savedEntries(store, guildId)
    .map((s) => s.paper)
    .filter((p) => !needle || p.title.toLowerCase().includes(needle) || p.id.toLowerCase().startsWith(needle))
    .slice(0, limit);
}

/** The server's saved list as a BibTeX file (newest first), and how many entries it holds. */
export function savedBibtex(store: PaperStore, guildId: string): { bibtex: string; count: number } {
  const papers = savedEntries(store, guildId).map((s) => s.paper);
  return { bibtex: toBibtex(papers), count: papers.length };
}
