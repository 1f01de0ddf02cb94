/**
 * Small-prime tables for trial division and for the candidate sieves of prime generation:
 * a sieve of Eratosthenes, cached tables of odd primes, and residues of a big integer
 * modulo many small primes at once.
 *
 * Residues are computed a group at a time: consecutive primes are multiplied together
 * while the product stays below 2^53, so one BigInt remainder `x mod M` (a single-digit
 * division in V8) gives a Number from which every prime of the group is reduced with
 * ordinary double arithmetic. For primes below 2^17 that is three primes per BigInt
 * operation instead of one.
 *
 * Security: the residues of a secret candidate are computed with variable-time BigInt
 * division, like everything else on the BigInt backend (docs/threat-model.md).
 * @module
 */
import { FieldRangeError, assertBigInt, assertInteger } from './errors.ts';

/** Largest sieve bound accepted by {@link primesBelow} and {@link oddPrimeTable} (2^26). */
export const MAX_SIEVE_LIMIT = 1 << 26;

/**
 * All primes p < `limit` in ascending order (2 included), by an odd-only sieve of
 * Eratosthenes.
 * @param limit exclusive upper bound, 0 ≤ limit ≤ {@link MAX_SIEVE_LIMIT}.
 * @throws {FieldTypeError} if `limit` is not an integer. @throws {FieldRangeError} if out of range.
 * @example primesBelow(20); // Uint32Array [2, 3, 5, 7, 11, 13, 17, 19]
 */
export function primesBelow(limit: number): Uint32Array {
  assertInteger('limit', limit, 0, MAX_SIEVE_LIMIT);
  if (limit <= 2) return new Uint32Array(0);
  // composite[i] describes the odd number 2i + 1.
  const half = limit >> 1;
  const composite = new Uint8Array(half);
  composite[0] = 1; // 1 is not prime
  for (let i = 1; ; i++) {
    const p = 2 * i + 1;
    if (p * p >= limit) break;
    if (composite[i]) continue;
    for (let j = (p * p) >> 1; j < half; j += p) composite[j] = 1;
  }
  let count = 1;
  for (let i = 1; i < half; i++) if (!composite[i]) count++;
  const out = new Uint32Array(count);
  out[0] = 2;
  let k = 1;
  for (let i = 1; i < half; i++) if (!composite[i]) out[k++] = 2 * i + 1;
  return out;
}

/** The odd primes below a bound, with the grouping used by {@link residuesModPrimes}. */
export interface OddPrimeTable {
  /** Exclusive bound the table was built for. */
  readonly limit: number;
  /** The odd primes 3 ≤ p < limit, ascending. */
  readonly primes: Uint32Array;
  /** Products Mₖ of consecutive primes, each Mₖ < 2^53 (exact doubles; a Float64Array keeps big tables compact). */
  readonly groupProducts: Float64Array;
  /** `primes[groupStart[k] .. groupStart[k + 1])` is the k-th group (one extra final entry). */
  readonly groupStart: Uint32Array;
}

const tableCache = new Map<number, OddPrimeTable>();

/**
 * The (cached) table of odd primes below `limit`. Tables are immutable and shared.
 * @throws {FieldTypeError} if `limit` is not an integer. @throws {FieldRangeError} if out of range.
 */
export function oddPrimeTable(limit: number): OddPrimeTable {
  assertInteger('limit', limit, 3, MAX_SIEVE_LIMIT);
  const cached = tableCache.get(limit);
  if (cached) return cached;
  const primes = primesBelow(limit).subarray(1);
  const products: number[] = [];
  const starts: number[] = [];
  let i = 0;
  while (i < primes.length) {
    starts.push(i);
    let m = primes[i++]!;
    while (i < primes.length && m * primes[i]! < 2 ** 53) m *= primes[i++]!;
    products.push(m);
  }
  starts.push(primes.length);
  const table: OddPrimeTable = {
    limit,
    primes,
    groupProducts: Float64Array.from(products),
    groupStart: Uint32Array.from(starts),
  };
  tableCache.set(limit, table);
  return table;
}

/**
 * Writes x mod pᵢ into `out[i]` for the first `count` primes pᵢ of `table`.
 * @param x a non-negative bigint.
 * @param out receives the residues; needs at least `count` entries.
 * @throws {FieldTypeError} if `x` is not a bigint. @throws {FieldRangeError} if `x` is negative or `count`/`out` do not fit.
 */
export function residuesModPrimes(x: bigint, table: OddPrimeTable, count: number, out: Uint32Array): void {
  assertBigInt('x', x);
  if (x < 0n) throw new FieldRangeError('x', 'expected a non-negative integer');
  assertInteger('count', count, 0, table.primes.length);
  if (out.length < count) throw new FieldRangeError('out', `needs at least ${count} entries`);
  const { primes, groupProducts, groupStart } = table;
  if (x < 2n ** 53n) {
    const v = Number(x);
    for (let i = 0; i < count; i++) out[i] = v % primes[i]!;
    return;
  }
  for (let k = 0; groupStart[k]! < count; k++) {
    const r = Number(x % BigInt(groupProducts[k]!));
    const end = Math.min(groupStart[k + 1]!, count);
    for (let i = groupStart[k]!; i < end; i++) out[i] = r % primes[i]!;
  }
}
