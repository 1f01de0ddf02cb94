/**
 * Prime generation (random, Blum, safe): exact sizes, residues, that the sieve never skips a
 * prime, determinism, cancellation and progress; safe/Blum recognition on the Taurus and
 * cggmp21 fixtures with negative cases.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatePrime, isBlumPrime, isSafePrime } from '../src/primes.ts';
import type { PrimeKind, PrimeSearchProgress } from '../src/primes.ts';
import { isProbablePrime } from '../src/primality.ts';
import { primesBelow } from '../src/sieve.ts';
import { randomBits } from '../src/rng.ts';
import type { RandomSource } from '../src/rng.ts';
import { AbortError, FieldRangeError, FieldTypeError } from '../src/errors.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';

const vector = (path: string): string => readFileSync(new URL(`../../../vectors/${path}`, import.meta.url), 'utf8');

const hasTopTwoBits = (p: bigint, bits: number): boolean => p >> BigInt(bits - 2) === 3n;

/** Checks size and kind of a generated prime independently of the generator. */
function expectPrimeOfKind(p: bigint, bits: number, kind: PrimeKind): void {
  expect(p.toString(2)).toHaveLength(bits);
  expect(hasTopTwoBits(p, bits)).toBe(true);
  expect(isProbablePrime(p)).toBe(true);
  if (kind !== 'random') expect(p % 4n).toBe(3n);
  if (kind === 'safe') expect(isProbablePrime((p - 1n) / 2n)).toBe(true);
}

describe('generatePrime', () => {
  for (const kind of ['random', 'blum', 'safe'] as const) {
    for (const bits of [64, 128, 256, 512]) {
      it(`${kind} ${bits}-bit: exact length, top two bits, right residues`, async () => {
        const p = await generatePrime({ bits, kind, rng: createSeededRng(`primes ${kind} ${bits}`) });
        expectPrimeOfKind(p, bits, kind);
      });
    }
  }

  it('random and Blum 1024-bit primes (Paillier-2048 size)', async () => {
    const p = await generatePrime({ bits: 1024, rng: createSeededRng('primes random 1024') });
    expectPrimeOfKind(p, 1024, 'random');
    const q = await generatePrime({ bits: 1024, kind: 'blum', rng: createSeededRng('primes blum 1024') });
    expectPrimeOfKind(q, 1024, 'blum');
    expect((p * q).toString(2)).toHaveLength(2048);
  });

  it('stays in range at the smallest sizes, and random primes take both residues mod 4', async () => {
    for (const bits of [16, 17, 20]) {
      const lo = 3n << BigInt(bits - 2);
      const hi = 1n << BigInt(bits);
      const isPrime = new Set(Array.from(primesBelow(Number(hi))).map(BigInt));
      for (const kind of ['random', 'blum', 'safe'] as const) {
        const rng = createSeededRng(`small ${kind} ${bits}`);
        const seen = new Set<bigint>();
        for (let i = 0; i < 60; i++) {
          const p = await generatePrime({ bits, kind, rng });
          expect(p >= lo && p < hi).toBe(true);
          expect(isPrime.has(p)).toBe(true);
          if (kind === 'blum') expect(p % 4n).toBe(3n);
          if (kind === 'safe') expect(isPrime.has(p >> 1n)).toBe(true);
          seen.add(p);
        }
        expect(seen.size).toBeGreaterThan(kind === 'safe' ? 10 : 30);
        if (kind === 'random') expect(new Set([...seen].map((p) => p % 4n))).toEqual(new Set([1n, 3n]));
      }
    }
  });

  it('the sieve skips no prime: the result is the first one at or after the random start', async () => {
    // White-box: the first draw from the rng is the start (bits − 2 random bits above
    // 3·2^(bits−2), or bits − 3 bits above 3·2^(bits−3) for q of a safe prime).
    const cases: [PrimeKind, number][] = [
      ['random', 512],
      ['blum', 512],
      ['random', 64],
      ['safe', 128],
      ['safe', 64],
    ];
    for (const [kind, bits] of cases) {
      for (const seed of ['a', 'b', 'c']) {
        const p = await generatePrime({ bits, kind, rng: createSeededRng(`first ${kind} ${bits} ${seed}`) });
        const replay: RandomSource = createSeededRng(`first ${kind} ${bits} ${seed}`);
        let expected: bigint;
        if (kind === 'safe') {
          let q = (3n << BigInt(bits - 3)) + randomBits(bits - 3, replay);
          q += (5n - (q % 6n) + 6n) % 6n;
          while (!(isProbablePrime(q) && isProbablePrime(2n * q + 1n))) q += 6n;
          expected = 2n * q + 1n;
        } else {
          let x = (3n << BigInt(bits - 2)) + randomBits(bits - 2, replay);
          x |= kind === 'blum' ? 3n : 1n;
          const step = kind === 'blum' ? 4n : 2n;
          while (!isProbablePrime(x)) x += step;
          expected = x;
        }
        expect(p).toBe(expected);
      }
    }
  });

  it('is deterministic for a seeded rng and differs across seeds', async () => {
    const a = await generatePrime({ bits: 256, kind: 'safe', rng: createSeededRng('same seed') });
    const b = await generatePrime({ bits: 256, kind: 'safe', rng: createSeededRng('same seed') });
    const c = await generatePrime({ bits: 256, kind: 'safe', rng: createSeededRng('other seed') });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('reports progress: monotone counts, and a final report that counts the winner', async () => {
    const reports: PrimeSearchProgress[] = [];
    const p = await generatePrime({ bits: 512, kind: 'safe', rng: createSeededRng('progress'), onProgress: (r) => reports.push(r) });
    expectPrimeOfKind(p, 512, 'safe');
    expect(reports.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]!.candidates).toBeGreaterThanOrEqual(reports[i - 1]!.candidates);
      expect(reports[i]!.tested).toBeGreaterThanOrEqual(reports[i - 1]!.tested);
    }
    const last = reports.at(-1)!;
    expect(last.tested).toBeGreaterThanOrEqual(1);
    expect(last.candidates).toBeGreaterThanOrEqual(last.tested);
    // ≈ ln q · ln p / (12·C₂) for 512-bit safe primes
    expect(last.expected).toBeGreaterThan(10_000);
    expect(last.expected).toBeLessThan(20_000);
  });

  it('rejects with AbortError, without drawing randomness, when the signal is already aborted', async () => {
    let draws = 0;
    const rng: RandomSource = { fill: (out) => (draws++, out.fill(7)) };
    const reason = new Error('stop');
    const err = await generatePrime({ bits: 256, rng, signal: AbortSignal.abort(reason) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).cause).toBe(reason);
    expect(draws).toBe(0);
  });

  it('cancels a running search: abort from the progress callback', async () => {
    const controller = new AbortController();
    let reports = 0;
    const search = generatePrime({
      bits: 2048,
      kind: 'safe',
      rng: createSeededRng('abort mid-search'),
      signal: controller.signal,
      onProgress: () => {
        reports++;
        controller.abort();
      },
    });
    await expect(search).rejects.toBeInstanceOf(AbortError);
    expect(reports).toBe(1);
  });

  it('cancels a running search: abort from a timer (the search yields to the event loop)', async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 20);
    const search = generatePrime({ bits: 2048, kind: 'safe', rng: createSeededRng('abort timer'), signal: controller.signal });
    await expect(search).rejects.toBeInstanceOf(AbortError);
    clearTimeout(timer);
  });

  it('validates its options, naming the field', async () => {
    const cases: [unknown, new (...a: never[]) => Error, string][] = [
      [{ bits: 15 }, FieldRangeError, 'bits'],
      [{ bits: 8193 }, FieldRangeError, 'bits'],
      [{ bits: 64.5 }, FieldTypeError, 'bits'],
      [{ bits: '64' }, FieldTypeError, 'bits'],
      [{}, FieldTypeError, 'bits'],
      [{ bits: 64, kind: 'strong' }, FieldRangeError, 'kind'],
      [{ bits: 64, rng: {} }, FieldTypeError, 'rng'],
      [{ bits: 64, signal: 'stop' }, FieldTypeError, 'signal'],
      [{ bits: 64, onProgress: 5 }, FieldTypeError, 'onProgress'],
      [null, FieldTypeError, 'opts'],
    ];
    for (const [opts, type, field] of cases) {
      const err = await generatePrime(opts as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(type);
      expect((err as { field: string }).field).toBe(field);
    }
  });
});

describe('isSafePrime and isBlumPrime', () => {
  const taurus = JSON.parse(vector('paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json')) as {
    constants: { file: string; var: string; hex: string }[];
  };
  const taurusPrimes = taurus.constants.filter((c) => /^[pq]\d?$/.test(c.var)).map((c) => BigInt('0x' + c.hex));
  const secp256k1Order = BigInt('0x' + taurus.constants.find((c) => c.var === 'secp256k1OrderNat')!.hex);
  const cggmp = JSON.parse(vector('paillier/cggmp21/pregenerated_primes.json')) as {
    bitsize: number;
    primes: { radix: number; value: string }[];
  };
  const cggmpPrimes = cggmp.primes.map((p) => BigInt('0x' + p.value));

  it('recognizes the 10 Taurus 1024-bit safe primes (also Blum)', () => {
    // (The README counts 12; the file holds 10 p/q constants, 4 ring-Pedersen s/t and the curve order.)
    expect(taurusPrimes).toHaveLength(10);
    for (const p of taurusPrimes) {
      expect(p.toString(2)).toHaveLength(1024);
      expect(isSafePrime(p)).toBe(true);
      expect(isBlumPrime(p)).toBe(true);
    }
  });

  it('recognizes the 20 cggmp21 1536-bit Blum primes, which are not safe primes', () => {
    expect(cggmp.bitsize).toBe(1536);
    expect(cggmpPrimes).toHaveLength(20);
    for (const p of cggmpPrimes) {
      expect(p.toString(2)).toHaveLength(1536);
      expect(isBlumPrime(p)).toBe(true);
      expect(isSafePrime(p)).toBe(false);
    }
  });

  it('rejects tampered values: p + 2, products, a prime ≡ 1 (mod 4), a prime that is not safe', () => {
    const [p, q] = taurusPrimes;
    expect(isSafePrime(p! + 2n)).toBe(false);
    expect(isBlumPrime(p! + 4n)).toBe(false);
    expect(isBlumPrime(p! * q!)).toBe(false); // ≡ 1 (mod 4) and composite
    expect(isBlumPrime(p! * cggmpPrimes[0]! * q!)).toBe(false); // ≡ 3 (mod 4) but composite
    expect(isSafePrime(2n * p! + 1n)).toBe(isProbablePrime(2n * p! + 1n)); // q = p prime: safe iff 2p + 1 prime
    const p25519 = 2n ** 255n - 19n; // prime, ≡ 1 (mod 4)
    expect(isProbablePrime(p25519)).toBe(true);
    expect(isBlumPrime(p25519)).toBe(false);
    expect(isSafePrime(p25519)).toBe(false);
    expect(isProbablePrime(secp256k1Order)).toBe(true); // prime, but (n − 1)/2 is even
    expect(isSafePrime(secp256k1Order)).toBe(false);
    expect(isSafePrime(35n)).toBe(false); // q = 17 prime, p = 5·7
    expect(isSafePrime(71n)).toBe(false); // p prime, q = 35
  });

  it('agree with a sieve below 20000', () => {
    const limit = 20_000;
    const flags = new Uint8Array(limit);
    for (const r of primesBelow(limit)) flags[r] = 1;
    const rng = createSeededRng('safe blum small');
    for (let n = -3; n < limit; n++) {
      const b = BigInt(n);
      const prime = n >= 0 && flags[n] === 1;
      expect(isBlumPrime(b, { rng })).toBe(prime && n % 4 === 3);
      expect(isSafePrime(b, { rng })).toBe(prime && n >= 5 && flags[(n - 1) / 2] === 1);
    }
  });

  it('validate their arguments', () => {
    expect(() => isSafePrime(23 as never)).toThrow(FieldTypeError);
    expect(() => isBlumPrime('7' as never)).toThrowError(/^p:/);
    expect(() => isSafePrime(24n, { rounds: -1 })).toThrow(FieldRangeError);
    expect(() => isBlumPrime(8n, { rng: {} as never })).toThrowError(/^rng:/);
    expect(isSafePrime(23n, { rounds: 64 })).toBe(true);
  });
});
