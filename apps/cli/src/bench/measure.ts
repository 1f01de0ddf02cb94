/**
 * Timing for the benchmark: runs our code and its anchor alternately (so slow drifts of a
 * shared, noisy machine hit both alike) and summarizes the runs.
 *
 * Fast operations (modexp, encryption) are repeated within a time budget and summarized by
 * the median; prime and key generation, whose running time spreads widely, are repeated a
 * fixed number of times and summarized by the mean, as the issue asks.
 * @module
 */

/** How a figure was summarized. */
export type Stat = 'median' | 'mean';

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Mean of a non-empty list. */
export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Summarizes runs with `stat`. */
export function summarize(xs: readonly number[], stat: Stat): number {
  return stat === 'median' ? median(xs) : mean(xs);
}

/** Budget for repeated fast operations. */
export interface Budget {
  /** Runs per side at least. */
  minRuns: number;
  /** Runs per side at most. */
  maxRuns: number;
  /** Stop once both sides together have used this long (after minRuns). */
  budgetMs: number;
}

/**
 * Runs `fns` in rotation (ours, anchor, …), each at least `minRuns` times, until the budget
 * is spent or `maxRuns` rounds are done. Each function is called once first, untimed
 * (warm-up). Returns the run times of each function, in order.
 */
export async function interleavedByBudget(fns: readonly (() => unknown)[], b: Budget): Promise<number[][]> {
  for (const fn of fns) await time(fn);
  const runs = fns.map((): number[] => []);
  const start = performance.now();
  for (let i = 0; i < b.maxRuns; i++) {
    if (i >= b.minRuns && performance.now() - start >= b.budgetMs) break;
    for (let j = 0; j < fns.length; j++) runs[j]!.push(await time(fns[j]!));
  }
  return runs;
}

/**
 * Runs `fns` in rotation `count` rounds (no warm-up: callers warm up with something cheaper
 * when the operation itself is expensive). Returns the run times of each function, in order.
 * @param onRound called after each round, e.g. for progress.
 */
export async function interleavedCount(
  fns: readonly (() => unknown)[],
  count: number,
  onRound?: (done: number, total: number) => void,
): Promise<number[][]> {
  const runs = fns.map((): number[] => []);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < fns.length; j++) runs[j]!.push(await time(fns[j]!));
    onRound?.(i + 1, count);
  }
  return runs;
}

/** Milliseconds taken by one call of `fn` (awaited if it returns a promise). */
export async function time(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  const r = fn();
  if (r instanceof Promise) await r;
  return performance.now() - t0;
}
