/**
 * The stderr progress display: redrawn in place on a terminal, occasional plain lines
 * otherwise, and a final summary line. A fake clock drives it (no timing in the test).
 */
import { describe, expect, it } from 'vitest';
import { createProgressBar, formatMs, formatSeconds } from '../src/progress.ts';
import type { PoolProgress } from '@tessera/crypto/pool';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 200, write: (s: string) => writes.push(s) } };
}

const progress = (candidates: number, found = 0): PoolProgress => ({ candidates, tested: candidates / 2, expected: 1000, found, count: 2 });

describe('progress on a terminal', () => {
  it('redraws one line with \\r at most every 100 ms and ends with a summary line', () => {
    let t = 0;
    const { writes, stream } = fakeStream(true);
    const bar = createProgressBar({ label: 'test', stream, now: () => t });
    bar.update(progress(100));
    t = 50;
    bar.update(progress(150)); // too soon: skipped
    t = 150;
    bar.update(progress(500, 1));
    expect(writes).toHaveLength(2);
    for (const w of writes) {
      expect(w.startsWith('\rtest [')).toBe(true);
      expect(w.endsWith('\x1b[K')).toBe(true);
      expect(w).not.toContain('\n');
    }
    expect(writes[0]).toContain(' 10% 100/~1000 candidates, 0/2 primes, 0.0 s');
    expect(writes[1]).toContain(' 50% 500/~1000 candidates, 1/2 primes, 0.1 s');
    bar.done('found');
    expect(writes.slice(2)).toEqual(['\r\x1b[K', 'test: found\n']);
    bar.update(progress(900)); // ignored after done
    expect(writes).toHaveLength(4);
  });

  it('caps the bar below 100 % while the search runs over its expectation', () => {
    const { writes, stream } = fakeStream(true);
    createProgressBar({ label: 'x', stream, now: () => 0 }).update(progress(5000));
    expect(writes[0]).toContain('99%');
    expect(writes[0]).toContain('[########################]');
  });

  it('clear() removes the line without a summary', () => {
    const { writes, stream } = fakeStream(true);
    const bar = createProgressBar({ label: 'x', stream, now: () => 0 });
    bar.update(progress(1));
    bar.clear();
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });
});

describe('progress on a pipe or file', () => {
  it('writes a plain line per interval, none before the first interval, no \\r', () => {
    let t = 0;
    const { writes, stream } = fakeStream(false);
    const bar = createProgressBar({ label: 'job', stream, now: () => t, lineIntervalMs: 1000 });
    bar.update(progress(10));
    t = 999;
    bar.update(progress(20));
    expect(writes).toEqual([]);
    t = 1000;
    bar.update(progress(300));
    t = 1500;
    bar.update(progress(400));
    t = 2100;
    bar.update(progress(700, 1));
    expect(writes).toEqual(['job: ~30%, 300/~1000 candidates, 0/2 primes, 1.0 s\n', 'job: ~70%, 700/~1000 candidates, 1/2 primes, 2.1 s\n']);
    bar.done('done');
    expect(writes.at(-1)).toBe('job: done\n');
    expect(writes.join('')).not.toContain('\r');
  });
});

describe('formatting', () => {
  it('formats durations', () => {
    expect(formatSeconds(1234)).toBe('1.2 s');
    expect(formatMs(0.123)).toBe('0.12 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(1234.4)).toBe('1234 ms');
  });
});
