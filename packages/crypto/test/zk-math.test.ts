/**
 * The secret-exponent helpers of the proof suite (zk/math.ts) under their public bounds:
 * powSignedSecret equals the public-exponent result for signed exponents of every length up
 * to its bound, runs the ladder over exactly bits + 2 bits whatever the exponent (counted
 * squarings, modulo a 4096-bit N² as in Π^aff-g's C^α), and refuses exponents beyond the
 * bound; legendreSecret agrees with the Jacobi symbol over |p| − 1 bits.
 */
import { describe, expect, it } from 'vitest';
import { backendReady, getBackend, ladderSquarings } from '../src/backend/index.ts';
import { fixedWindowBits } from '../src/backend/multiexp.ts';
import { CryptoError } from '../src/errors.ts';
import { jacobi } from '../src/modular.ts';
import { randomBelow, randomInRange } from '../src/rng.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { legendreSecret, powSignedSecret, powSignedVartime } from '../src/zk/math.ts';
import { CGGMP21_PARAMS } from '../src/zk/params.ts';
import { taurusModuli } from './zk-fixtures.ts';

const rng = createSeededRng('zk-math');
await backendReady();

function expectedSquarings(bits: number): number {
  if (getBackend().name === 'bigint') return Math.ceil(bits / 4) * 4;
  const w = fixedWindowBits(bits);
  return (Math.ceil(bits / w) - 1) * w;
}

function squaringsOf(f: () => unknown): number {
  const before = ladderSquarings()!;
  f();
  return (ladderSquarings()! - before) >>> 0;
}

const [k0] = taurusModuli();
const N = k0!.N;
const N2 = N * N;
const { ell, ellPrime, epsilon } = CGGMP21_PARAMS;

describe('powSignedSecret', () => {
  it('equals the public-exponent result for signed exponents of every length below the bound', () => {
    const base = randomBelow(N2, rng);
    for (const bits of [ell + 1, ell + epsilon + 1, ellPrime + epsilon + 1]) {
      const bound = 1n << BigInt(bits);
      for (const e of [0n, 1n, -1n, bound - 1n, -(bound - 1n), randomInRange(-bound + 1n, bound, rng), randomInRange(-1000n, 1000n, rng)]) {
        expect(powSignedSecret(base, e, N2, bits), `${bits} bits, e = ${e}`).toBe(powSignedVartime(base, e, N2));
      }
    }
  });

  it('runs the ladder over bits + 2 bits modulo N², for short and full-length exponents alike', () => {
    const base = randomBelow(N2, rng);
    const bits = ell + epsilon + 1; // Π^aff-g's mask α ∈ ±2^(ℓ+ε)
    const bound = 1n << BigInt(bits);
    const counts = [1n, -1n, bound - 1n, -(bound - 1n)].map((e) => squaringsOf(() => powSignedSecret(base, e, N2, bits)));
    expect(counts).toEqual(counts.map(() => expectedSquarings(bits + 2)));
    // far below the 4096 bits the unbounded ladder would walk
    expect(counts[0]!).toBeLessThan(expectedSquarings(4096) / 4);
  });

  it('refuses an exponent at or beyond its declared bound', () => {
    for (const e of [1n << 259n, -(1n << 259n), 1n << 400n]) {
      let err: unknown;
      try {
        powSignedSecret(3n, e, N2, 259);
      } catch (x) {
        err = x;
      }
      expect(err).toBeInstanceOf(CryptoError);
      expect((err as CryptoError).field).toBe('exponent');
    }
  });
});

describe('legendreSecret', () => {
  it('agrees with the Jacobi symbol modulo a prime and runs over |p| − 1 bits', () => {
    const p = k0!.p;
    for (let i = 0; i < 6; i++) {
      const a = randomBelow(p, rng);
      expect(legendreSecret(a, p)).toBe(jacobi(a, p));
    }
    expect(legendreSecret(p * 5n, p)).toBe(0);
    expect(squaringsOf(() => legendreSecret(7n, p))).toBe(expectedSquarings(1023));
  });
});
