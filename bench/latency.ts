export interface Percentiles {
  calls: number;
  p50: number;
  p95: number;
  max: number;
}

export function percentiles(ms: number[]): Percentiles {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { calls: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
}

/** Runs `fn` on each input once, timing each call. */
export async function timeEach<T>(inputs: T[], fn: (input: T) => unknown): Promise<Percentiles> {
  const ms: number[] = [];
  for (const input of inputs) {
    const t = performance.now();
    await fn(input);
    ms.push(performance.now() - t);
  }
  return percentiles(ms);
}
