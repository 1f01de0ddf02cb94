/**
 * Primality tests against the published pseudoprime lists (vectors/primality), Wycheproof's
 * primality vectors, exhaustive small ranges and argument validation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  SMALL_PRIMES,
  isBpswProbablePrime,
  isProbablePrime,
  isStrongLucasProbablePrime,
  isStrongProbablePrime,
  millerRabin,
  mrRoundsFor,
  trialDivision,
} from '../src/primality.ts';
import { oddPrimeTable, primesBelow, residuesModPrimes } from '../src/sieve.ts';
import { modPowVartime } from '../src/backend/index.ts';
import { FieldRangeError, FieldTypeError } from '../src/errors.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';

const vector = (path: string): string => readFileSync(new URL(`../../../vectors/${path}`, import.meta.url), 'utf8');

/** One decimal integer per line (blank lines skipped). */
function decimalLines(path: string): bigint[] {
  return vector(path)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => BigInt(l));
}

/** A sieve of Eratosthenes to compare against. */
function primeFlags(limit: number): Uint8Array {
  const flags = new Uint8Array(limit);
  for (const p of primesBelow(limit)) flags[p] = 1;
  return flags;
}

/** Fermat test to base 2, written directly on modPowVartime (public test data). */
const isFermat2 = (n: bigint): boolean => modPowVartime(2n, n - 1n, n) === 1n;

/** Asserts BPSW and the full test both reject every value. */
function expectAllComposite(values: readonly bigint[]): void {
  const wronglyPrime = values.filter((n) => isBpswProbablePrime(n) || isProbablePrime(n));
  expect(wronglyPrime).toEqual([]);
}

interface CryptoPrimesList {
  encoding: string;
  values: (number | string)[];
}
const cryptoPrimes = JSON.parse(vector('primality/crypto-primes-extracted/pseudoprimes.json')) as {
  exhaustive_test_limit: number;
  lists: Record<string, CryptoPrimesList>;
};
const cpList = (name: string): bigint[] => {
  const l = cryptoPrimes.lists[name]!;
  return l.values.map((v) => (typeof v === 'number' ? BigInt(v) : BigInt('0x' + v)));
};

describe('sieve helpers', () => {
  it('primesBelow: known values and counts π(10^6) = 78498', () => {
    expect(Array.from(primesBelow(30))).toEqual([2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
    expect(Array.from(primesBelow(3))).toEqual([2]);
    expect(primesBelow(2)).toHaveLength(0);
    expect(Array.from(primesBelow(12))).toEqual([2, 3, 5, 7, 11]);
    expect(primesBelow(1_000_000)).toHaveLength(78498);
    expect(() => primesBelow(-1)).toThrow(FieldRangeError);
  });
  it('residuesModPrimes agrees with direct reduction, above and below 2^53', () => {
    const table = oddPrimeTable(1 << 18);
    expect(table.primes[0]).toBe(3);
    expect(table.groupStart.at(-1)).toBe(table.primes.length);
    const rng = createSeededRng('residues');
    const out = new Uint32Array(table.primes.length);
    for (const x of [0n, 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 1024n - 1n, 2n ** 2047n + 12345n, (2n ** 89n - 1n) * 262139n]) {
      residuesModPrimes(x, table, table.primes.length, out);
      const wrong = Array.from(table.primes).filter((p, i) => BigInt(out[i]!) !== x % BigInt(p));
      expect(wrong).toEqual([]);
    }
    const x = BigInt('0x' + Array.from(rng.fill(new Uint8Array(128)), (b) => b.toString(16).padStart(2, '0')).join(''));
    residuesModPrimes(x, table, 1000, out);
    expect(Array.from(out.subarray(0, 1000))).toEqual(Array.from(table.primes.subarray(0, 1000), (p) => Number(x % BigInt(p))));
    expect(() => residuesModPrimes(-1n, table, 10, out)).toThrow(FieldRangeError);
    expect(() => residuesModPrimes(5n, table, 10, new Uint32Array(5))).toThrowError(/^out:/);
  });
});

describe('small numbers', () => {
  it('SMALL_PRIMES are exactly the odd primes below 4096', () => {
    const ref = Array.from(primesBelow(4096)).slice(1);
    expect(SMALL_PRIMES).toEqual(ref);
    expect(SMALL_PRIMES[0]).toBe(3);
    expect(SMALL_PRIMES.at(-1)).toBe(4093);
  });

  it('isProbablePrime, isBpswProbablePrime and millerRabin agree with a sieve below 100000', () => {
    const limit = 100_000;
    const flags = primeFlags(limit);
    const rng = createSeededRng('primality small exhaustive');
    const mismatches: number[] = [];
    for (let n = 0; n < limit; n++) {
      const b = BigInt(n);
      const want = flags[n] === 1;
      if (isProbablePrime(b) !== want || isBpswProbablePrime(b) !== want) mismatches.push(n);
      // Random-base MR never rejects a prime; a composite may pass only by chance.
      if (want && !millerRabin(b, 2, rng)) mismatches.push(n);
    }
    expect(mismatches).toEqual([]);
  });

  it('answers n < 2, 2, 3, even numbers and negatives exactly', () => {
    for (const f of [isProbablePrime, isBpswProbablePrime, isStrongLucasProbablePrime, trialDivision]) {
      expect([-7n, -2n, -1n, 0n, 1n, 4n, 2n ** 200n].map((n) => f(n))).toEqual([false, false, false, false, false, false, false]);
      expect(f(2n)).toBe(true);
      expect(f(3n)).toBe(true);
    }
    expect([0n, 1n, 4n, 2n ** 130n].map((n) => isStrongProbablePrime(n, 2n))).toEqual([false, false, false, false]);
    expect([2n, 3n].map((n) => isStrongProbablePrime(n, 2n))).toEqual([true, true]);
    expect(millerRabin(1n, 5)).toBe(false);
    expect(millerRabin(2n, 5)).toBe(true);
    expect(millerRabin(3n, 5)).toBe(true);
    expect(millerRabin(10n, 5)).toBe(false);
  });

  it('trialDivision is exact below 2^24 and only finds small factors above', () => {
    expect(trialDivision(4093n)).toBe(true);
    expect(trialDivision(4093n * 4091n)).toBe(false);
    expect(trialDivision(4099n * 4099n)).toBe(true); // 4099 > 4096: not found, and ≥ 2^24
    expect(trialDivision(4099n * 4099n * 4099n * 4099n * 4099n)).toBe(true);
    expect(trialDivision((2n ** 127n - 1n) * 3n)).toBe(false);
    expect(trialDivision((2n ** 127n - 1n) * 4093n)).toBe(false);
    expect(trialDivision(2n ** 127n - 1n)).toBe(true);
  });

  it('isStrongProbablePrime: bases ≡ 0, ±1 (mod n) prove nothing; negative bases reduce mod n', () => {
    expect(isStrongProbablePrime(91n, 91n)).toBe(true);
    expect(isStrongProbablePrime(91n, 1n)).toBe(true);
    expect(isStrongProbablePrime(91n, 90n)).toBe(true);
    expect(isStrongProbablePrime(91n, 2n)).toBe(false);
    expect(isStrongProbablePrime(91n, -89n)).toBe(false); // −89 ≡ 2
    expect(isStrongProbablePrime(2047n, 2n - 2047n * 5n)).toBe(true);
  });
});

describe('exhaustive below 500000 (crypto-primes lists are complete there)', () => {
  const limit = cryptoPrimes.exhaustive_test_limit;
  const flags = primeFlags(limit);
  it('the composites passing the strong Lucas test are exactly STRONG_LUCAS (OEIS A217255)', () => {
    const found: bigint[] = [];
    for (let n = 3; n < limit; n += 2) {
      const passes = isStrongLucasProbablePrime(BigInt(n));
      if (flags[n] === 1) expect(passes).toBe(true);
      else if (passes) found.push(BigInt(n));
    }
    expect(found).toEqual(cpList('STRONG_LUCAS'));
  });
  it('the composites passing Miller–Rabin to base 2 are exactly STRONG_BASE_2 (OEIS A001262)', () => {
    const found: bigint[] = [];
    for (let n = 3; n < limit; n += 2) {
      const passes = isStrongProbablePrime(BigInt(n), 2n);
      if (flags[n] === 1) expect(passes).toBe(true);
      else if (passes) found.push(BigInt(n));
    }
    expect(found).toEqual(cpList('STRONG_BASE_2'));
  });
});

describe('sprps (czurnieden): strong pseudoprimes to small bases', () => {
  for (const base of [2n, 3n, 5n, 7n]) {
    it(`raw_mr_base_${base}: all pass MR to base ${base}, all rejected`, () => {
      const values = decimalLines(`primality/sprps/raw_mr_base_${base}.txt`);
      expect(values.length).toBeGreaterThan(2000);
      expect(values.filter((n) => !isStrongProbablePrime(n, base))).toEqual([]);
      expectAllComposite(values);
    });
  }
  for (const [file, bases] of [
    ['misc_mr_base_2_3_5_7_2_to_64', [2n, 3n, 5n, 7n]],
    ['misc_mr_base_2_3_5_7_61_2_to_64', [2n, 3n, 5n, 7n, 61n]],
    ['misc_mr_base_2_3_5_7_11_2_to_64', [2n, 3n, 5n, 7n, 11n]],
    ['misc_mr_base_2_3_5_7_11_13_2_to_64', [2n, 3n, 5n, 7n, 11n, 13n]],
    ['misc_mr_base_2_3_5_7_11_13_17_2_to_64', [2n, 3n, 5n, 7n, 11n, 13n, 17n]],
    ['misc_mr_base_2_3_5_7_11_13_17_19_2_to_64', [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n]],
  ] as const) {
    it(`${file}: all pass MR to bases ${bases.join(', ')}, all rejected`, () => {
      const values = decimalLines(`primality/sprps/${file}.txt`);
      expect(values.length).toBeGreaterThan(10);
      expect(values.filter((n) => bases.some((b) => !isStrongProbablePrime(n, b)))).toEqual([]);
      expectAllComposite(values);
    });
  }
  it('factored_mr_base_2_factored: factors are prime and multiply back; numbers rejected', () => {
    const rows = vector('primality/sprps/factored_mr_base_2_factored.txt')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const [n, rest] = l.split(':');
        return { n: BigInt(n!.trim()), factors: rest!.trim().split(/\s+/).map(BigInt) };
      });
    expect(rows).toHaveLength(2314);
    for (const { n, factors } of rows) {
      expect(factors.reduce((a, b) => a * b, 1n)).toBe(n);
      expect(factors.every((p) => isProbablePrime(p))).toBe(true);
    }
    expectAllComposite(rows.map((r) => r.n));
  });
});

describe('JASory SPRP-2: base-2 strong pseudoprimes above 2^64', () => {
  it('all 490 pass MR to base 2 and are rejected', () => {
    const values = (vector('primality/jasory/SPRP-2.txt').match(/\d{20,}/g) ?? []).map(BigInt);
    expect(values).toHaveLength(490);
    expect(values.every((n) => n > 2n ** 64n)).toBe(true);
    expect(values.filter((n) => !isStrongProbablePrime(n, 2n))).toEqual([]);
    expectAllComposite(values);
  });
});

describe('OEIS lists via trizen', () => {
  it('b001262 strong pseudoprimes to base 2: pass base 2, rejected', () => {
    const values = decimalLines('primality/oeis-via-trizen/b001262.txt');
    expect(values).toHaveLength(10000);
    expect(values.filter((n) => !isStrongProbablePrime(n, 2n))).toEqual([]);
    expectAllComposite(values);
  });
  it('b001567 Fermat pseudoprimes to base 2: pass Fermat, none strong below the end of b001262, rejected', () => {
    const values = decimalLines('primality/oeis-via-trizen/b001567.txt');
    expect(values.length).toBe(91629);
    expect(values.filter((n) => !isFermat2(n))).toEqual([]);
    // b001262 holds every base-2 strong pseudoprime up to its last term and the two files are
    // disjoint, so no value below that term may pass. (Above it, 12407 values do pass: the
    // README's "contains no base-2 strong psp" is not right.)
    const strongLimit = decimalLines('primality/oeis-via-trizen/b001262.txt').at(-1)!;
    const below = values.filter((n) => n <= strongLimit);
    expect(below.length).toBeGreaterThan(30_000);
    expect(below.filter((n) => isStrongProbablePrime(n, 2n))).toEqual([]);
    expectAllComposite(values);
  });
  it('b002997 Carmichael numbers: pass Fermat to base 2, rejected', () => {
    const values = decimalLines('primality/oeis-via-trizen/b002997.txt');
    expect(values).toHaveLength(1759);
    expect(values.filter((n) => !isFermat2(n))).toEqual([]);
    expectAllComposite(values);
  });
  it('b074773 strong pseudoprimes to bases 2, 3, 5, 7: pass those bases, rejected', () => {
    const values = decimalLines('primality/oeis-via-trizen/b074773.txt');
    expect(values).toHaveLength(8552);
    expect(values.filter((n) => [2n, 3n, 5n, 7n].some((b) => !isStrongProbablePrime(n, b)))).toEqual([]);
    expectAllComposite(values);
  });
  it('b217120 Lucas pseudoprimes (Selfridge): rejected', () => {
    const values = decimalLines('primality/oeis-via-trizen/b217120.txt');
    expect(values).toHaveLength(6991);
    expectAllComposite(values);
  });
  it('b217255 strong Lucas pseudoprimes (Selfridge): pass the strong Lucas test, rejected', () => {
    const values = decimalLines('primality/oeis-via-trizen/b217255.txt');
    expect(values).toHaveLength(5899);
    expect(values.filter((n) => !isStrongLucasProbablePrime(n))).toEqual([]);
    expectAllComposite(values);
  });
  it('b217719 extra strong Lucas pseudoprimes: rejected', () => {
    const values = decimalLines('primality/oeis-via-trizen/b217719.txt');
    expect(values).toHaveLength(6032);
    expectAllComposite(values);
  });
});

describe('crypto-primes pseudoprime lists', () => {
  it('every list is rejected', () => {
    const names = Object.keys(cryptoPrimes.lists);
    expect(names).toHaveLength(11);
    for (const name of names) expectAllComposite(cpList(name));
  });
  it('STRONG_LUCAS pass the strong Lucas test and STRONG_BASE_2 pass MR to base 2', () => {
    expect(cpList('STRONG_LUCAS').filter((n) => !isStrongLucasProbablePrime(n))).toEqual([]);
    expect(cpList('STRONG_BASE_2').filter((n) => !isStrongProbablePrime(n, 2n))).toEqual([]);
  });
  it('the 1318-bit Arnault Carmichael number passes MR to every prime base < 307 and is rejected', () => {
    const [N] = cpList('LARGE_CARMICHAEL_NUMBER');
    expect(N!.toString(2)).toHaveLength(1318);
    const bases = primesBelow(307);
    expect(bases.at(-1)).toBe(293);
    expect(Array.from(bases).filter((b) => !isStrongProbablePrime(N!, BigInt(b)))).toEqual([]);
    expect(trialDivision(N!)).toBe(true);
    expect(isStrongLucasProbablePrime(N!)).toBe(false);
    expect(isBpswProbablePrime(N!)).toBe(false);
    expect(isProbablePrime(N!)).toBe(false);
    expect(isProbablePrime(N!, { rounds: 0 })).toBe(false);
    expect(millerRabin(N!, 40, createSeededRng('arnault'))).toBe(false);
  });
});

describe('Wycheproof primality_test.json', () => {
  interface Case {
    tcId: number;
    comment: string;
    flags: string[];
    value: string;
    result: 'valid' | 'invalid' | 'acceptable';
  }
  const file = JSON.parse(vector('wycheproof/primality_test.json')) as {
    numberOfTests: number;
    testGroups: { type: string; tests: Case[] }[];
  };
  const cases = file.testGroups.flatMap((g) => g.tests);
  /** Big-endian two's-complement hex ("ff" = −1). */
  const signedHex = (h: string): bigint => {
    const v = BigInt('0x' + h);
    return h.length > 0 && parseInt(h[0]!, 16) >= 8 ? v - (1n << BigInt(4 * h.length)) : v;
  };

  it('has every test case in a PrimalityTest group', () => {
    expect(cases).toHaveLength(file.numberOfTests);
    expect(file.testGroups.every((g) => g.type === 'PrimalityTest')).toBe(true);
  });
  it('"valid" values are prime, "invalid" composite', () => {
    const wrong = cases
      .filter((c) => c.result !== 'acceptable')
      .filter((c) => isProbablePrime(signedHex(c.value)) !== (c.result === 'valid'))
      .map((c) => c.tcId);
    expect(wrong).toEqual([]);
    expect(cases.filter((c) => c.result === 'valid')).toHaveLength(66);
  });
  it('"acceptable" cases (negatives of primes) are reported not prime', () => {
    // Our choice: primes are positive, so −p is not prime. Check the vector really is −p.
    const acceptable = cases.filter((c) => c.result === 'acceptable');
    expect(acceptable).toHaveLength(8);
    for (const c of acceptable) {
      expect(c.flags).toEqual(['NegativeOfPrime']);
      const v = signedHex(c.value);
      expect(v < 0n).toBe(true);
      expect(isProbablePrime(v)).toBe(false);
      expect(isProbablePrime(-v)).toBe(true);
    }
  });
});

describe('known primes and tampered values', () => {
  const mersenneExponents = [61, 89, 107, 127, 521, 607, 1279];
  it('Mersenne primes are prime; 2^p − 1 for nearby composite exponents and 2^p + 1 are not', () => {
    for (const p of mersenneExponents) {
      const M = 2n ** BigInt(p) - 1n;
      expect(isProbablePrime(M)).toBe(true);
      expect(isBpswProbablePrime(M)).toBe(true);
      expect(isStrongLucasProbablePrime(M)).toBe(true);
      expect(isProbablePrime(M + 2n)).toBe(false); // 2^p + 1 is divisible by 3
      expect(isProbablePrime(M * (2n ** 61n - 1n))).toBe(false);
    }
    for (const p of [67, 101, 257, 523]) expect(isProbablePrime(2n ** BigInt(p) - 1n)).toBe(false);
  });
  it('perfect squares of primes are rejected by strong Lucas (no D with (D/n) = −1)', () => {
    const p = 2n ** 127n - 1n;
    expect(isStrongLucasProbablePrime(p * p)).toBe(false);
    expect(isStrongLucasProbablePrime(4093n * 4093n)).toBe(false);
    expect(isProbablePrime(p * p)).toBe(false);
  });
  it('rounds: 64 and rounds: 0 both work', () => {
    const p = 2n ** 521n - 1n;
    expect(isProbablePrime(p, { rounds: 64, rng: createSeededRng('64 rounds') })).toBe(true);
    expect(isProbablePrime(p, { rounds: 0 })).toBe(true);
    expect(isProbablePrime(p * 3n, { rounds: 64 })).toBe(false);
  });
  it('millerRabin only draws bases in [2, n − 2]: 9 has no other strong liars than 1 and 8', () => {
    expect(millerRabin(9n, 1000, createSeededRng('bases of 9'))).toBe(false);
    expect(millerRabin(5n, 1000, createSeededRng('bases of 5'))).toBe(true);
  });
  it('millerRabin is deterministic for a seeded rng and rejects a strong pseudoprime', () => {
    const n = 3825123056546413051n; // spsp to bases 2..23
    expect(isStrongProbablePrime(n, 2n) && isStrongProbablePrime(n, 23n)).toBe(true);
    expect(millerRabin(n, 20, createSeededRng('s'))).toBe(false);
    expect(millerRabin(2n ** 89n - 1n, 20, createSeededRng('s'))).toBe(true);
  });
});

describe('mrRoundsFor', () => {
  it('follows FIPS 186-5 Table B.1 and the documented smaller sizes', () => {
    expect([2048, 4096, 1536, 1024, 1535, 512, 1023, 256, 511, 255, 64, 0].map(mrRoundsFor)).toEqual([
      4, 4, 4, 5, 5, 10, 10, 24, 24, 40, 40, 40,
    ]);
  });
  it('rejects bad sizes', () => {
    expect(() => mrRoundsFor(-1)).toThrow(FieldRangeError);
    expect(() => mrRoundsFor(1.5)).toThrow(FieldTypeError);
  });
});

describe('argument validation', () => {
  it('non-bigint inputs throw FieldTypeError naming the field', () => {
    const bad = [7, '7', null, undefined, 7.5] as unknown as bigint[];
    for (const v of bad) {
      expect(() => isProbablePrime(v)).toThrowError(/^n:/);
      expect(() => isProbablePrime(v)).toThrow(FieldTypeError);
      expect(() => isBpswProbablePrime(v)).toThrow(FieldTypeError);
      expect(() => isStrongLucasProbablePrime(v)).toThrow(FieldTypeError);
      expect(() => trialDivision(v)).toThrow(FieldTypeError);
      expect(() => millerRabin(v, 3)).toThrow(FieldTypeError);
      expect(() => isStrongProbablePrime(v, 2n)).toThrow(FieldTypeError);
      expect(() => isStrongProbablePrime(7n, v)).toThrowError(/^base:/);
    }
  });
  it('rounds and rng are checked', () => {
    expect(() => isProbablePrime(7n, { rounds: -1 })).toThrow(FieldRangeError);
    expect(() => isProbablePrime(7n, { rounds: 10_001 })).toThrowError(/^rounds:/);
    expect(() => isProbablePrime(7n, { rounds: 2.5 })).toThrow(FieldTypeError);
    expect(() => millerRabin(7n, 0)).toThrow(FieldRangeError);
    expect(() => isProbablePrime(7n, { rng: {} as never })).toThrowError(/^rng:/);
    expect(() => millerRabin(7n, 2, { fill: 1 } as never)).toThrowError(/^rng:/);
  });
});
