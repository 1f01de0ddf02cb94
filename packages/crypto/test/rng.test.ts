import { describe, expect, it } from 'vitest';
import {
  adaptiveProportionCutoff,
  createHealthCheckedRng,
  randomBelow,
  randomBits,
  randomBytes,
  randomInRange,
  randomZnStar,
  repetitionCountCutoff,
  systemRng,
} from '../src/rng.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { RngHealthError } from '../src/errors.ts';
import { gcd } from '../src/modular.ts';

describe('SP 800-90B health tests', () => {
  it('cut-offs follow the formulas for H = 8, α = 2^-40', () => {
    expect(repetitionCountCutoff(40, 8)).toBe(6);
    const c = adaptiveProportionCutoff(40, 8);
    // Independent check by direct summation: with X ~ Binomial(511, 1/256) counting the
    // repeats after the window's first sample, P[X ≥ c − 1] ≤ 2^-40 < P[X ≥ c − 2].
    const n = 511;
    const p = 1 / 256;
    const pmf = (k: number) => {
      let logC = 0;
      for (let i = 0; i < k; i++) logC += Math.log(n - i) - Math.log(i + 1);
      return Math.exp(logC + k * Math.log(p) + (n - k) * Math.log(1 - p));
    };
    const tail = (k: number) => {
      let s = 0;
      for (let i = k; i <= n; i++) s += pmf(i);
      return s;
    };
    expect(tail(c - 1)).toBeLessThanOrEqual(2 ** -40);
    expect(tail(c - 2)).toBeGreaterThan(2 ** -40);
    // Lower assumed entropy means more repetitions are plausible, hence larger cut-offs.
    expect(repetitionCountCutoff(40, 1)).toBe(41);
    expect(adaptiveProportionCutoff(20, 1)).toBeGreaterThan(adaptiveProportionCutoff(20, 8));
  });

  it('the system RNG passes start-up and produces output', () => {
    const rng = systemRng();
    const a = randomBytes(64, rng);
    const b = randomBytes(64, rng);
    expect(a).not.toEqual(b);
    expect(rng.status().state).toBe('ok');
    expect(rng.status().bytesTested).toBeGreaterThanOrEqual(4096 + 128);
  });

  it('a stuck source fails start-up and stays failed (no fallback)', () => {
    const rng = createHealthCheckedRng((out) => out.fill(7));
    expect(() => rng.fill(new Uint8Array(8))).toThrow(RngHealthError);
    expect(rng.status().state).toBe('failed');
    expect(() => rng.fill(new Uint8Array(8))).toThrow(RngHealthError);
  });

  it('a source that goes stuck after start-up fails the repetition count test', () => {
    let stuck = false;
    const rng = createHealthCheckedRng((out) => (stuck ? out.fill(0xaa) : crypto.getRandomValues(out)));
    rng.fill(new Uint8Array(32));
    stuck = true;
    expect(() => rng.fill(new Uint8Array(32))).toThrowError(/repetition-count/);
  });

  it('a biased source fails the adaptive proportion test', () => {
    // Alternates a fixed value with random bytes: never 2 in a row, but ~50% of the window.
    let started = false;
    const rng = createHealthCheckedRng((out) => {
      crypto.getRandomValues(out);
      if (started) for (let i = 0; i < out.length; i += 2) out[i] = 0x42;
    });
    rng.fill(new Uint8Array(16));
    started = true;
    let err: unknown;
    try {
      for (let i = 0; i < 64; i++) rng.fill(new Uint8Array(64));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RngHealthError);
    expect((err as RngHealthError).test).toBe('adaptive-proportion');
  });

  it('a source repeating its last block fails the repeated-block test', () => {
    const block = crypto.getRandomValues(new Uint8Array(32));
    let repeat = false;
    const rng = createHealthCheckedRng((out) => (repeat ? out.set(block) : crypto.getRandomValues(out)));
    rng.fill(new Uint8Array(16));
    repeat = true;
    rng.fill(new Uint8Array(32));
    expect(() => rng.fill(new Uint8Array(32))).toThrowError(/repeated-block/);
  });
});

describe('samplers', () => {
  it('randomBits stays within the bit length and uses the top bit', () => {
    let sawTop = false;
    for (let i = 0; i < 200; i++) {
      const x = randomBits(13);
      expect(x).toBeGreaterThanOrEqual(0n);
      expect(x).toBeLessThan(1n << 13n);
      if (x >= 1n << 12n) sawTop = true;
    }
    expect(sawTop).toBe(true);
  });

  it('randomBelow is unbiased on a small range (chi-square)', () => {
    const rng = createSeededRng('randomBelow chi-square');
    const n = 6;
    const counts = new Array(n).fill(0);
    const draws = 60000;
    for (let i = 0; i < draws; i++) counts[Number(randomBelow(BigInt(n), rng))]++;
    const e = draws / n;
    const chi2 = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(20.5); // p ≈ 0.001 for 5 degrees of freedom
  });

  it('randomBelow rejects non-positive bounds by name', () => {
    expect(() => randomBelow(0n)).toThrowError(/^n:/);
    expect(() => randomBelow(-5n)).toThrow(RangeError);
    expect(() => randomBelow(5 as unknown as bigint)).toThrow(TypeError);
    expect(randomBelow(1n)).toBe(0n);
  });

  it('randomInRange and randomZnStar respect their sets', () => {
    for (let i = 0; i < 100; i++) {
      const x = randomInRange(10n, 20n);
      expect(x >= 10n && x < 20n).toBe(true);
      const r = randomZnStar(30n);
      expect(r > 0n && r < 30n && gcd(r, 30n) === 1n).toBe(true);
    }
    expect(() => randomInRange(5n, 5n)).toThrowError(/^hi:/);
    expect(() => randomZnStar(1n)).toThrowError(/^n:/);
  });
});

describe('seeded generator (tests only)', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = createSeededRng('seed A').fill(new Uint8Array(100));
    const a2 = createSeededRng('seed A').fill(new Uint8Array(100));
    const b = createSeededRng('seed B').fill(new Uint8Array(100));
    expect(a).toEqual(a2);
    expect(a).not.toEqual(b);
  });
  it('refuses an empty seed', () => {
    expect(() => createSeededRng('')).toThrowError(/^seed:/);
  });
});
