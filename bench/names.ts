import { autocomplete } from "../src/retrieval/autocomplete.js";
import { shortName } from "../src/retrieval/nameKey.js";
import { resolvePaper } from "../src/retrieval/resolvePaper.js";
import { openStore } from "../src/store/sqlite/openStore.js";
import type { PaperStore } from "../src/store/sqlite/paperStore.js";
import { sqliteStores } from "../src/store/stores.js";
import { percentiles, type Percentiles } from "./latency.js";
import { rng } from "./synthetic.js";

export type LatencyFigures = Percentiles;

export interface NamesFigures {
  papers: number;
  /** Opening the file, including the paper_names migration the first time. */
  openSeconds: number;
  autocomplete: LatencyFigures;
  resolve: LatencyFigures & { found: number; ambiguous: number };
}

const SAMPLES = 200;

/**
 * Latency of autocomplete (prefixes of 1-6 characters from titles: their start or a word inside)
 * and of resolvePaper (short names and partial or misspelt titles) on an existing database, after
 * one warm-up pass. Opening the file applies pending migrations to it.
 */
export async function benchNames(dbFile: string, samples = SAMPLES): Promise<NamesFigures> {
  const t0 = performance.now();
  const store = openStore(dbFile);
  const openSeconds = (performance.now() - t0) / 1000;
  try {
    const rand = rng(7);
    const titles = sampleTitles(store, samples, rand);
    const prefixes = titles.map((t, i) => prefixOf(t.title, i % 2 === 0, rand));
    const queries = titles.map((t) => ({ id: t.id, text: nameOf(t.title, rand) }));
    const stores = sqliteStores(store);

    for (const p of prefixes) await autocomplete(stores.names, p);
    for (const q of queries) await resolvePaper(stores, q.text);

    const auto = await time(prefixes, (p) => autocomplete(stores.names, p));
    let found = 0;
    let ambiguous = 0;
    const resolve = await time(queries, async (q) => {
      const r = await resolvePaper(stores, q.text);
      if (r.best?.paper.id === q.id) found++;
      if (r.ambiguous) ambiguous++;
    });
    const figures: NamesFigures = {
      papers: store.count(),
      openSeconds,
      autocomplete: auto,
      resolve: { ...resolve, found, ambiguous },
    };
    print(dbFile, figures);
    return figures;
  } finally {
    store.db.close();
  }
}

function sampleTitles(store: PaperStore, n: number, rand: () => number): { id: string; title: string }[] {
  const { lo, hi } = store.db.prepare("SELECT min(rowid) AS lo, max(rowid) AS hi FROM papers").get() as { lo: number; hi: number };
  const next = store.db.prepare("SELECT id, title FROM papers WHERE rowid >= ? ORDER BY rowid LIMIT 1");
  const out: { id: string; title: string }[] = [];
  for (let i = 0; i < n * 3 && out.length < n && hi >= lo; i++) {
    const row = next.get(lo + Math.floor(rand() * (hi - lo + 1))) as { id: string; title: string } | undefined;
    if (row?.title.trim()) out.push(row);
  }
  return out;
}

const pick = <T>(xs: T[], rand: () => number): T => xs[Math.floor(rand() * xs.length)]!;

/** 1-6 characters from the start of the title, or of one of its words. */
function prefixOf(title: string, fromStart: boolean, rand: () => number): string {
  const words = title.split(/\s+/).filter((w) => /^[\p{L}\p{N}]/u.test(w));
  const from = fromStart || words.length < 2 ? title : pick(words.slice(1), rand);
  return from.slice(0, 1 + Math.floor(rand() * 6));
}

/** What a user might type for the paper: its short name, its first few words or the title, often with a typo. */
function nameOf(title: string, rand: () => number): string {
  const short = shortName(title);
  const words = title.split(/\s+/);
  const r = rand();
  const text = short && r < 0.5 ? short : r < 0.75 ? words.slice(0, 3 + Math.floor(rand() * 3)).join(" ") : title.toLowerCase();
  return rand() < 0.5 ? typo(text, rand) : text;
}

/** One random edit (drop, double, swap or replace a letter) away from the first character. */
function typo(text: string, rand: () => number): string {
  if (text.length < 5) return text;
  const i = 1 + Math.floor(rand() * (text.length - 2));
  const c = "etaoinsr"[Math.floor(rand() * 8)]!;
  switch (Math.floor(rand() * 4)) {
    case 0:
      return text.slice(0, i) + text.slice(i + 1);
    case 1:
      return text.slice(0, i) + text[i] + text.slice(i);
    case 2:
      return text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
    default:
      return text.slice(0, i) + c + text.slice(i + 1);
  }
}

async function time<T>(inputs: T[], fn: (input: T) => Promise<unknown>): Promise<LatencyFigures> {
  const ms: number[] = [];
  for (const input of inputs) {
    const t = performance.now();
    await fn(input);
    ms.push(performance.now() - t);
  }
  return percentiles(ms);
}

function print(dbFile: string, f: NamesFigures): void {
  const ms = (x: number) => x.toFixed(2);
  console.log(`paper names on ${dbFile}: ${f.papers} papers, opened in ${f.openSeconds.toFixed(1)} s (migrations included)`);
  console.log(`| call | calls | p50 ms | p95 ms | max ms | notes |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | --- |`);
  const a = f.autocomplete;
  console.log(`| autocomplete | ${a.calls} | ${ms(a.p50)} | ${ms(a.p95)} | ${ms(a.max)} | prefixes of 1-6 characters |`);
  const r = f.resolve;
  console.log(
    `| resolvePaper | ${r.calls} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.max)} | right paper as best ${r.found}/${r.calls}, ambiguous ${r.ambiguous} |`,
  );
}
