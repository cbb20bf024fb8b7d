/**
 * Damerau-Levenshtein distance in its optimal-string-alignment form: insertions, deletions,
 * substitutions and swaps of two adjacent characters each cost one ("SVDQunat" is one edit from
 * "SVDQuant"). Past `max` it stops early and returns max + 1.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const row = lastRow(a, b, max);
  return row ? Math.min(row[b.length]!, max + 1) : max + 1;
}

/**
 * The fewest edits that turn `a` into a start of `b` one character shorter, as long or one longer
 * than `a` ("attention desins" against "attention designs an ..."); past `max`, max + 1.
 */
export function prefixDistance(a: string, b: string, max = Infinity): number {
  const start = b.slice(0, a.length + 1);
  if (a.length - start.length > max + 1) return max + 1;
  const row = lastRow(a, start, max);
  if (!row) return max + 1;
  const n = a.length;
  return Math.min(row[n - 1] ?? Infinity, row[n] ?? Infinity, row[n + 1] ?? Infinity, max + 1);
}

/** 1 for equal strings, falling towards 0 with each edit: 1 - distance / length of the longer string. Below `min`, 0. */
export function similarity(a: string, b: string, min = 0): number {
  const longer = Math.max(a.length, b.length);
  if (!longer) return 1;
  const max = Math.floor((1 - min) * longer + 1e-9);
  const d = editDistance(a, b, max);
  return d > max ? 0 : 1 - d / longer;
}

/** The last row of the edit-distance table of `a` against `b`, or undefined once every cell of a row exceeds `max`. */
function lastRow(a: string, b: string, max: number): number[] | undefined {
  // Three rolling rows: the swap rule looks two rows back.
  let back = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, back[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return undefined;
    [back, prev, cur] = [prev, cur, back];
  }
  return prev;
}
