import { mergePaper } from "../mergePaper.js";
import type { PaperInput } from "../paper.js";
import { normalizeTitle } from "../paperId.js";
import { CONTENT_COLUMNS, type ContentColumns } from "../paperRow.js";
import type { UpsertOutcome } from "../paperRecords.js";
import { copyRows } from "./copyRows.js";
import { type PaperWords, paperWords } from "./lexicalIndex.js";
import { addCounts, bumpMeta, COUNTS } from "./paperIndex.js";
import type { PoolClient } from "./pool.js";

type Outcome = { outcome: UpsertOutcome; id: string };
type Stored = ContentColumns & { id: string; seq: string };
type Candidate = Stored & { ord: string; via: "arxiv" | "title" };

/** One upsert of the batch, row by row, in the batch's transaction (`PostgresPaperRecords.upsertIn`). */
export type UpsertOne = (input: PaperInput, key: string) => Promise<Outcome>;

/**
 * A batch of upserts with the outcome of upserting them one by one in order, the set-based way: the advisory locks of
 * all its arXiv ids and title keys in one statement, every paper any input could merge into in one query, the new
 * papers and their postings written with COPY, the updates in one statement, the counts in one per table.
 *
 * An input goes the set-based way when nothing else in the batch can change what it merges into or be changed by it:
 * it has an arXiv id (no fresh slug to pick), and no other input shares its arXiv id, its title key or any paper it
 * could merge into (any paper with its arXiv id or with its title key among the keys the paper has had). Such inputs
 * commute with every other input of the batch. The others (duplicates within the batch, papers without an arXiv id, a
 * seed entry and its feed twin in one batch) go through `one`, in their place in the batch: the independent inputs
 * before one are written first, so papers are added (their seq) in the batch's order.
 */
export async function bulkUpsert(c: PoolClient, inputs: readonly PaperInput[], now: Date, one: UpsertOne): Promise<Outcome[]> {
  const keys = inputs.map((i) => normalizeTitle(i.title));
  await lockAll(c, inputs, keys);
  const candidates = await findCandidates(c, inputs, keys);
  const alone = independent(inputs, keys, candidates);
  const out: Outcome[] = new Array(inputs.length);
  let pending: number[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const done = await writeIndependent(
      c,
      pending.map((i) => ({ input: inputs[i]!, key: keys[i]!, existing: match(inputs[i]!, keys[i]!, candidates[i]!) })),
      now,
    );
    pending.forEach((i, k) => (out[i] = done[k]!));
    pending = [];
  };
  for (let i = 0; i < inputs.length; i++) {
    if (alone[i]) {
      pending.push(i);
      continue;
    }
    await flush();
    out[i] = await one(inputs[i]!, keys[i]!);
  }
  await flush();
  return out;
}

/** The locks `upsertIn` takes, for the whole batch in one statement: every arXiv id's, then every title key's, each list sorted. */
async function lockAll(c: PoolClient, inputs: readonly PaperInput[], keys: readonly string[]): Promise<void> {
  const arxiv = [...new Set(inputs.flatMap((i) => (i.arxivId ? [`paper arxiv ${i.arxivId}`] : [])))].sort();
  const titles = [...new Set(keys.map((k) => `paper title ${k}`))].sort();
  await c.query("SELECT count(pg_advisory_xact_lock(hashtextextended(l.k, 0))) FROM unnest($1::text[]) WITH ORDINALITY AS l (k, i)", [
    [...arxiv, ...titles],
  ]);
}

const STORED = `p.seq::text AS seq, p.id, ${CONTENT_COLUMNS.map((col) => `p.${col}`).join(", ")}`;

/** Per input, every paper it could merge into: the one with its arXiv id, and every paper that has had its title key. */
async function findCandidates(c: PoolClient, inputs: readonly PaperInput[], keys: readonly string[]): Promise<Candidate[][]> {
  const { rows } = await c.query<Candidate>(
    `SELECT m.ord::text AS ord, m.via, ${STORED}
     FROM (
       SELECT s.ord, 'arxiv' AS via, p.id FROM unnest($1::text[]) WITH ORDINALITY AS s (arxiv_id, ord) JOIN papers p ON p.arxiv_id = s.arxiv_id
       UNION ALL
       SELECT s.ord, 'title', t.paper_id FROM unnest($2::text[]) WITH ORDINALITY AS s (key, ord) JOIN paper_titles t ON t.title_key = s.key
     ) m JOIN papers p ON p.id = m.id`,
    [inputs.map((i) => i.arxivId ?? null), keys],
  );
  const out = inputs.map((): Candidate[] => []);
  for (const r of rows) out[Number(r.ord) - 1]!.push(r);
  return out;
}

/** Which inputs share no arXiv id, title key or candidate paper with another input of the batch, and have an arXiv id. */
function independent(inputs: readonly PaperInput[], keys: readonly string[], candidates: readonly Candidate[][]): boolean[] {
  const owner = new Map<string, number>();
  const names = inputs.map((input, i) => [
    ...(input.arxivId ? [`a ${input.arxivId}`] : []),
    `t ${keys[i]}`,
    ...candidates[i]!.map((p) => `p ${p.id}`),
  ]);
  names.forEach((ns, i) => {
    for (const n of ns) {
      const o = owner.get(n);
      owner.set(n, o === undefined || o === i ? i : -1);
    }
  });
  return inputs.map((input, i) => !!input.arxivId && names[i]!.every((n) => owner.get(n) === i));
}

/** `findMatch` of papers.ts over the candidates: by arXiv id, else by title into a paper without one (its current key first, then the oldest). */
function match(input: PaperInput, key: string, candidates: readonly Candidate[]): Stored | undefined {
  const byArxiv = candidates.find((p) => p.via === "arxiv" && p.arxiv_id === input.arxivId);
  if (byArxiv) return byArxiv;
  return candidates
    .filter((p) => p.via === "title" && p.arxiv_id === null)
    .sort((a, b) => Number(b.title_key === key) - Number(a.title_key === key) || Number(BigInt(a.seq) - BigInt(b.seq)))[0];
}

interface Item {
  input: PaperInput;
  key: string;
  existing: Stored | undefined;
}

/** Upserts inputs that are independent of each other, set-based; returns their outcomes in order. */
async function writeIndependent(c: PoolClient, items: readonly Item[], now: Date): Promise<Outcome[]> {
  const out: Outcome[] = [];
  const added: { id: string; merged: ContentColumns; words: PaperWords }[] = [];
  const updated: { id: string; seq: string; oldKey: string; merged: ContentColumns; before?: PaperWords; words?: PaperWords }[] = [];
  for (const { input, key, existing } of items) {
    const merged = mergePaper(input, existing, key);
    if (!existing) {
      added.push({ id: input.arxivId!, merged, words: paperWords(merged.title, merged.abstract) });
      out.push({ outcome: "added", id: input.arxivId! });
    } else if (CONTENT_COLUMNS.every((col) => merged[col] === existing[col])) {
      out.push({ outcome: "unchanged", id: existing.id });
    } else {
      const textChanged = merged.title !== existing.title || merged.abstract !== existing.abstract;
      updated.push({
        id: existing.id,
        seq: existing.seq,
        oldKey: existing.title_key,
        merged,
        ...(textChanged ? { before: paperWords(existing.title, existing.abstract), words: paperWords(merged.title, merged.abstract) } : {}),
      });
      out.push({ outcome: "updated", id: existing.id });
    }
  }
  if (added.length === 0 && updated.length === 0) return out;

  const counts = { stems: new Map<string, number>(), titleWords: new Map<string, number>() };
  const count = (m: Map<string, number>, words: Iterable<string>, delta: number) => {
    for (const w of words) m.set(w, (m.get(w) ?? 0) + delta);
  };
  let titleWords = 0;
  let abstractWords = 0;
  const postings: [seq: string, words: PaperWords][] = [];

  if (added.length) {
    const { rows } = await c.query<{ seq: string }>(
      "SELECT nextval(pg_get_serial_sequence('papers', 'seq'))::text AS seq FROM generate_series(1, $1)",
      [added.length],
    );
    const seqs = rows.map((r) => BigInt(r.seq)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    await copyRows(
      c,
      "papers",
      ["seq", "id", ...CONTENT_COLUMNS, "first_seen_at", "updated_at", "lex"],
      added.map((a, k) => [seqs[k], a.id, ...CONTENT_COLUMNS.map((col) => a.merged[col]), now, now, a.words.vector]),
    );
    await copyRows(
      c,
      "paper_titles",
      ["title_key", "paper_id"],
      added.map((a) => [a.merged.title_key, a.id]),
    );
    added.forEach((a, k) => {
      postings.push([String(seqs[k]), a.words]);
      count(counts.stems, a.words.stems, 1);
      count(counts.titleWords, a.words.titleTerms, 1);
      titleWords += a.words.titleWords;
      abstractWords += a.words.abstractWords;
    });
  }

  if (updated.length) {
    await c.query(
      `UPDATE papers p SET (${CONTENT_COLUMNS.join(", ")}, updated_at, lex) = (${CONTENT_COLUMNS.map((col) => `u.${col}`).join(", ")}, $2, coalesce(u.lex, p.lex))
       FROM json_populate_recordset(NULL::papers, $1) u WHERE p.id = u.id`,
      [JSON.stringify(updated.map((u) => ({ id: u.id, ...u.merged, lex: u.words?.vector ?? null }))), now],
    );
    const renamed = updated.filter((u) => u.merged.title_key !== u.oldKey);
    if (renamed.length)
      await c.query("INSERT INTO paper_titles (title_key, paper_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING", [
        renamed.map((u) => u.merged.title_key),
        renamed.map((u) => u.id),
      ]);
    const rewritten = updated.filter((u) => u.words);
    const gone: [string[], string[]] = [[], []];
    for (const u of rewritten) {
      for (const s of u.before!.stems) {
        gone[0].push(s);
        gone[1].push(u.seq);
      }
      postings.push([u.seq, u.words!]);
      count(counts.stems, u.before!.stems, -1);
      count(counts.stems, u.words!.stems, 1);
      count(counts.titleWords, u.before!.titleTerms, -1);
      count(counts.titleWords, u.words!.titleTerms, 1);
      titleWords += u.words!.titleWords - u.before!.titleWords;
      abstractWords += u.words!.abstractWords - u.before!.abstractWords;
    }
    if (gone[0].length)
      await c.query(
        "DELETE FROM paper_terms t USING unnest($1::text[], $2::bigint[]) AS d (stem, seq) WHERE t.stem = d.stem AND t.paper_seq = d.seq",
        gone,
      );
  }

  // In stem order: each stem's index entries are written together, not one stem after another at random across the index.
  const rows: [string, string, number, number, number][] = [];
  for (const [seq, words] of postings) for (const [s, n] of words.counts) rows.push([s, seq, n.title, n.abstract, words.length]);
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (rows.length) await copyRows(c, "paper_terms", ["stem", "paper_seq", "tf_title", "tf_abstract", "words"], rows);
  for (const [which, m] of [
    [COUNTS.stems, counts.stems],
    [COUNTS.titleWords, counts.titleWords],
  ] as const) {
    const changed = [...m].filter(([, d]) => d !== 0);
    if (changed.length)
      await addCounts(
        c,
        which,
        changed.map(([k]) => k),
        changed.map(([, d]) => d),
      );
  }
  await bumpMeta(c, added.length, titleWords, abstractWords);
  return out;
}
