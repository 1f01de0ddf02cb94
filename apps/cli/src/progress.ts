/**
 * Progress display on stderr for long searches (`tessera prime`, `paillier keygen`, `demo`).
 *
 * On a terminal the line is redrawn in place with `\r` (at most ten times a second); when
 * stderr is a pipe or a file, a plain line is written every few seconds instead, so logs
 * stay readable. stdout is never touched: it carries the command's result.
 * @module
 */
import type { PoolProgress } from '@tessera/crypto/pool';

/** Where progress goes: a stream with `write` and, for terminals, `isTTY`/`columns`. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A progress line for one task. */
export interface ProgressBar {
  /** Reports the state of the prime search (summed over workers). */
  update(p: PoolProgress): void;
  /** Ends the display with a final line (the redrawn line is cleared first). */
  done(summary: string): void;
  /** Clears the redrawn line without a summary (on errors). */
  clear(): void;
}

/** Options of {@link createProgressBar}. */
export interface ProgressOptions {
  /** What is being done, e.g. "prime 1024 bits". */
  label: string;
  stream: ProgressStream;
  /** Clock in milliseconds (tests inject one). Default `performance.now`. */
  now?: () => number;
  /** Interval between plain lines when the stream is not a terminal. Default 2000 ms. */
  lineIntervalMs?: number;
}

const TTY_INTERVAL_MS = 100;
const BAR_WIDTH = 24;

/** Seconds with one decimal, e.g. "3.2 s". */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Milliseconds with a sensible precision: "0.12 ms", "12.3 ms", "1234 ms". */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/**
 * Fraction of the expected work done, capped below 1 until the task ends (a prime search
 * often needs more candidates than the expectation).
 */
function fraction(p: PoolProgress): number | undefined {
  if (!(p.expected > 0)) return undefined;
  return Math.min(0.99, Math.max(p.found / p.count, p.candidates / p.expected));
}

/** One status text, e.g. "1234/2740 candidates, 1/2 primes, 3.1 s". */
function describe(p: PoolProgress, elapsedMs: number): string {
  const expected = p.expected > 0 ? `/~${Math.round(p.expected)}` : '';
  const primes = p.count > 1 ? `, ${p.found}/${p.count} primes` : '';
  return `${p.candidates}${expected} candidates${primes}, ${formatSeconds(elapsedMs)}`;
}

/**
 * Creates a progress display for a prime search.
 * @example
 * const bar = createProgressBar({ label: 'prime 1024 bits', stream: process.stderr });
 * await pool.findPrimes(1, { bits: 1024, onProgress: (p) => bar.update(p) });
 * bar.done('found in 1.2 s');
 */
export function createProgressBar(opts: ProgressOptions): ProgressBar {
  const { label, stream } = opts;
  const now = opts.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const lineInterval = opts.lineIntervalMs ?? 2000;
  const start = now();
  let lastDraw = -Infinity;
  let drawn = false;
  let finished = false;

  const clearLine = (): void => {
    if (tty && drawn) stream.write('\r\x1b[K');
    drawn = false;
  };

  return {
    update(p: PoolProgress): void {
      if (finished) return;
      const t = now();
      if (tty) {
        if (t - lastDraw < TTY_INTERVAL_MS) return;
        lastDraw = t;
        const f = fraction(p);
        const bar =
          f === undefined ? '' : `[${'#'.repeat(Math.round(f * BAR_WIDTH)).padEnd(BAR_WIDTH, '.')}] ${String(Math.floor(f * 100)).padStart(2)}% `;
        let line = `${label} ${bar}${describe(p, t - start)}`;
        const cols = stream.columns ?? 0;
        if (cols > 10 && line.length > cols - 1) line = line.slice(0, cols - 1);
        stream.write(`\r${line}\x1b[K`);
        drawn = true;
      } else {
        if (lastDraw === -Infinity) lastDraw = start; // first line after one interval
        if (t - lastDraw < lineInterval) return;
        lastDraw = t;
        const f = fraction(p);
        stream.write(`${label}: ${f === undefined ? '' : `~${Math.floor(f * 100)}%, `}${describe(p, t - start)}\n`);
      }
    },
    done(summary: string): void {
      if (finished) return;
      finished = true;
      clearLine();
      stream.write(`${label}: ${summary}\n`);
    },
    clear(): void {
      if (finished) return;
      finished = true;
      clearLine();
    },
  };
}
