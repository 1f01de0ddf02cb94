/**
 * Probabilistic primality tests: trial division, Miller–Rabin (strong probable prime tests
 * to fixed and to random bases), the strong Lucas test with Selfridge's parameters, the
 * Baillie–PSW combination of the two, and {@link isProbablePrime}, which is BPSW followed
 * by random-base Miller–Rabin rounds sized per FIPS 186-5.
 *
 * References: FIPS 186-5 Appendix B.3 (Miller–Rabin) and Table B.1 (rounds); R. Baillie and
 * S. Wagstaff, "Lucas pseudoprimes", Math. Comp. 35 (1980) (strong Lucas test, Selfridge's
 * method A); C. Pomerance, J. Selfridge, S. Wagstaff, "The pseudoprimes to 25·10^9" (1980);
 * I. Damgård, P. Landrock, C. Pomerance, "Average case error estimates for the strong
 * probable prime test", Math. Comp. 61 (1993).
 *
 * Security: the numbers tested here are often candidates that become SECRET primes (key
 * generation), so exponentiations use the backend's regular {@link modPow}, not
 * `modPowVartime` (the difference is under 10 % on the BigInt backend), and the Lucas
 * ladder does the same sequence of operations for every bit of the exponent. Neither is
 * constant-time in full: on the BigInt backend V8's arithmetic takes value-dependent time;
 * the WebAssembly backend runs `modPow` itself in fixed windows, but the Lucas ladder, trial
 * division and the conversions stay on BigInt; and every test returns as soon as it finds
 * a witness of compositeness. docs/threat-model.md says what that means.
 * @module
 */
import { bitLength } from './bytes.ts';
import { FieldTypeError, assertBigInt, assertInteger } from './errors.ts';
import { modMul, modPow } from './backend/index.ts';
import { isPerfectSquare, jacobi } from './modular.ts';
import { randomBelow, systemRng } from './rng.ts';
import type { RandomSource } from './rng.ts';
import { oddPrimeTable } from './sieve.ts';

/** Trial division uses every odd prime below this bound. */
const SMALL_PRIME_LIMIT = 4096;
/** Below 4096², trial division by {@link SMALL_PRIMES} decides primality exactly. */
const TRIAL_DIVISION_EXACT_BELOW = BigInt(SMALL_PRIME_LIMIT) ** 2n;
const MAX_ROUNDS = 10_000;

const smallTable = oddPrimeTable(SMALL_PRIME_LIMIT);
const smallGroupProducts: readonly bigint[] = Array.from(smallTable.groupProducts, BigInt);

/** The odd primes below 4096 (3, 5, 7, …, 4093), used for trial division. */
export const SMALL_PRIMES: readonly number[] = Object.freeze(Array.from(smallTable.primes));

/** Asserts `rng` looks like a {@link RandomSource}. */
function assertRandomSource(field: string, rng: unknown): asserts rng is RandomSource {
  if (typeof rng !== 'object' || rng === null || typeof (rng as RandomSource).fill !== 'function')
    throw new FieldTypeError(field, 'expected a RandomSource (an object with a fill(Uint8Array) method)');
}

/**
 * The smallest prime of {@link SMALL_PRIMES} dividing the odd number n > 2 and different
 * from n, or 0 when there is none.
 */
function smallFactor(n: bigint): number {
  const { primes, groupStart } = smallTable;
  if (n < 2n ** 53n) {
    const v = Number(n);
    for (let i = 0; i < primes.length; i++) {
      const p = primes[i]!;
      if (p * p > v) return 0;
      if (v % p === 0) return v === p ? 0 : p;
    }
    return 0;
  }
  for (let k = 0; k < smallGroupProducts.length; k++) {
    const r = Number(n % smallGroupProducts[k]!);
    for (let i = groupStart[k]!; i < groupStart[k + 1]!; i++) if (r % primes[i]! === 0) return primes[i]!;
  }
  return 0;
}

/**
 * What trial division alone says about n: exact for n < 4096², otherwise only whether a
 * small prime factor was found.
 */
function classifySmall(n: bigint): 'prime' | 'composite' | 'unknown' {
  if (n < 2n) return 'composite';
  if (n < 4n) return 'prime';
  if ((n & 1n) === 0n) return 'composite';
  if (smallFactor(n) !== 0) return 'composite';
  return n < TRIAL_DIVISION_EXACT_BELOW ? 'prime' : 'unknown';
}

/**
 * Trial division by 2 and by every prime in {@link SMALL_PRIMES}.
 * @returns `false` if n < 2 or n has a prime factor below 4096 other than itself; `true`
 * otherwise. For n < 4096² = 2^24 a `true` result means n is prime; above that, n may still
 * be composite.
 * @throws {FieldTypeError} if `n` is not a bigint.
 * @example trialDivision(4093n); // true
 * @example trialDivision(3n * 4093n); // false
 */
export function trialDivision(n: bigint): boolean {
  assertBigInt('n', n);
  return classifySmall(n) !== 'composite';
}

/** n − 1 = d·2^s with d odd, for odd n ≥ 3. */
function splitPowerOfTwo(m: bigint): { d: bigint; s: number } {
  let d = m;
  let s = 0;
  while ((d & 0xffffffffn) === 0n) {
    d >>= 32n;
    s += 32;
  }
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  return { d, s };
}

/** One Miller–Rabin round: is n a strong probable prime to base a (1 < a < n − 1)? n odd ≥ 5. */
function strongProbablePrimeRound(n: bigint, nMinus1: bigint, d: bigint, s: number, a: bigint): boolean {
  let x = modPow(a, d, n);
  if (x === 1n || x === nMinus1) return true;
  for (let r = 1; r < s; r++) {
    x = modMul(x, x, n);
    if (x === nMinus1) return true;
    if (x === 1n) return false; // a nontrivial square root of 1: n is composite
  }
  return false;
}

/**
 * One Miller–Rabin round with a chosen base: whether n is a strong probable prime to base
 * `base` (FIPS 186-5 B.3.1 with a fixed base). Writing n − 1 = d·2^s with d odd, n passes
 * when base^d ≡ 1 or base^(d·2^r) ≡ −1 (mod n) for some 0 ≤ r < s.
 *
 * Fixed bases are for tests and known-answer checks (a composite built for chosen bases
 * passes them); use {@link isProbablePrime} to decide primality.
 * Small and even n are answered exactly: false for n < 2 and even n > 2, true for 2 and 3.
 * A base ≡ 0 (mod n) proves nothing and returns true.
 *
 * Security: uses the regular `modPow`, so a secret n may be tested (module header).
 * @param n the number to test.
 * @param base the Miller–Rabin base (reduced mod n).
 * @throws {FieldTypeError} if `n` or `base` is not a bigint.
 * @example isStrongProbablePrime(2047n, 2n); // true: 2047 = 23·89 is a strong pseudoprime to base 2
 */
export function isStrongProbablePrime(n: bigint, base: bigint): boolean {
  assertBigInt('n', n);
  assertBigInt('base', base);
  if (n < 2n) return false;
  if (n < 4n) return true;
  if ((n & 1n) === 0n) return false;
  let a = base % n;
  if (a < 0n) a += n;
  if (a === 0n) return true;
  const nMinus1 = n - 1n;
  if (a === 1n || a === nMinus1) return true;
  const { d, s } = splitPowerOfTwo(nMinus1);
  return strongProbablePrimeRound(n, nMinus1, d, s, a);
}

/** `rounds` Miller–Rabin rounds with uniform bases in [2, n − 2]; n odd ≥ 5. */
function millerRabinRounds(n: bigint, rounds: number, rng: RandomSource): boolean {
  const nMinus1 = n - 1n;
  const { d, s } = splitPowerOfTwo(nMinus1);
  const span = n - 3n; // bases 2 .. n − 2
  for (let i = 0; i < rounds; i++) {
    const a = 2n + randomBelow(span, rng);
    if (!strongProbablePrimeRound(n, nMinus1, d, s, a)) return false;
  }
  return true;
}

/**
 * The Miller–Rabin test with `rounds` independent, uniformly random bases in [2, n − 2]
 * (FIPS 186-5 B.3.1). A composite passes one round with probability at most 1/4, so at most
 * 4^−rounds for any input; far less for random candidates (see {@link mrRoundsFor}).
 * n < 5 and even n are answered exactly.
 * @param n the number to test.
 * @param rounds number of random bases, 1 ≤ rounds ≤ 10000.
 * @param rng source of the bases; defaults to {@link systemRng}.
 * @returns `false` if some base witnesses that n is composite, `true` otherwise.
 * @throws {FieldTypeError} on a non-bigint `n`, a non-integer `rounds` or a bad `rng`.
 * @throws {FieldRangeError} if `rounds` is out of range.
 * @throws {RngHealthError} if the system RNG fails its health tests.
 * @example millerRabin(2n ** 127n - 1n, 10); // true
 */
export function millerRabin(n: bigint, rounds: number, rng?: RandomSource): boolean {
  assertBigInt('n', n);
  assertInteger('rounds', rounds, 1, MAX_ROUNDS);
  if (rng !== undefined) assertRandomSource('rng', rng);
  if (n < 2n) return false;
  if (n < 4n) return true;
  if ((n & 1n) === 0n) return false;
  return millerRabinRounds(n, rounds, rng ?? systemRng());
}

/** Strong Lucas test on odd n > 2 that is not a perfect square. */
function strongLucasCore(n: bigint): boolean {
  // Selfridge's method A: the first D in 5, −7, 9, −11, 13, … with (D/n) = −1; P = 1, Q = (1 − D)/4.
  let D = 5n;
  for (;;) {
    const j = jacobi(D, n);
    if (j === -1) break;
    if (j === 0) {
      // 1 < gcd(D, n): a proper factor unless n divides D, which only happens for tiny n.
      const absD = D < 0n ? -D : D;
      return absD % n === 0n && classifySmall(n) === 'prime';
    }
    D = D > 0n ? -(D + 2n) : -D + 2n;
  }
  const Q = (1n - D) / 4n;
  // n + 1 = d·2^s with d odd.
  const { d, s } = splitPowerOfTwo(n + 1n);
  // Ladder on (V_k, V_{k+1}, Q^k), starting at k = 0, over the bits of d:
  //   V_{2k} = V_k² − 2Q^k,  V_{2k+1} = V_k·V_{k+1} − P·Q^k,  V_{2k+2} = V_{k+1}² − 2Q^{k+1}.
  let Vk = 2n;
  let Vk1 = 1n; // V_1 = P = 1
  let Qk = 1n;
  const bits = d.toString(2);
  for (let i = 0; i < bits.length; i++) {
    if (bits.charCodeAt(i) === 49 /* '1' */) {
      let Qk1 = (Qk * Q) % n; // Q^{k+1}
      if (Qk1 < 0n) Qk1 += n;
      Vk = (Vk * Vk1 - Qk) % n;
      Vk1 = (Vk1 * Vk1 - 2n * Qk1) % n;
      Qk = (Qk * Qk1) % n;
    } else {
      Vk1 = (Vk * Vk1 - Qk) % n;
      Vk = (Vk * Vk - 2n * Qk) % n;
      Qk = (Qk * Qk) % n;
    }
    if (Vk < 0n) Vk += n;
    if (Vk1 < 0n) Vk1 += n;
  }
  // Now Vk = V_d, Vk1 = V_{d+1}, Qk = Q^d. D·U_d = 2V_{d+1} − P·V_d, and gcd(D, n) = 1.
  if ((2n * Vk1 - Vk) % n === 0n || Vk === 0n) return true;
  for (let r = 1; r < s; r++) {
    Vk = (Vk * Vk - 2n * Qk) % n; // V_{2k}
    if (Vk < 0n) Vk += n;
    if (Vk === 0n) return true;
    Qk = (Qk * Qk) % n;
  }
  return false;
}

/**
 * The strong Lucas probable prime test with Selfridge's parameters (Baillie–Wagstaff,
 * method A): D is the first of 5, −7, 9, −11, 13, … with Jacobi symbol (D/n) = −1, P = 1,
 * Q = (1 − D)/4. Writing n + 1 = d·2^s with d odd, n passes when U_d ≡ 0 or
 * V_(d·2^r) ≡ 0 (mod n) for some 0 ≤ r < s.
 *
 * Perfect squares (for which no such D exists) are composite; n < 2 and even n > 2 are
 * answered exactly. The strong Lucas pseudoprimes of this exact test are OEIS A217255.
 *
 * Security: the ladder runs the same operations for 0 and 1 bits of d (up to one
 * multiplication by the small Q); BigInt timing is still value-dependent (module header).
 * @param n the number to test.
 * @throws {FieldTypeError} if `n` is not a bigint.
 * @example isStrongLucasProbablePrime(5459n); // true: 5459 = 53·103 is a strong Lucas pseudoprime
 */
export function isStrongLucasProbablePrime(n: bigint): boolean {
  assertBigInt('n', n);
  if (n < 2n) return false;
  if (n === 2n) return true;
  if ((n & 1n) === 0n) return false;
  if (isPerfectSquare(n)) return false;
  return strongLucasCore(n);
}

/** BPSW on n that passed trial division and is ≥ 4096² (odd, no small factor). */
function bpswCore(n: bigint): boolean {
  const nMinus1 = n - 1n;
  const { d, s } = splitPowerOfTwo(nMinus1);
  if (!strongProbablePrimeRound(n, nMinus1, d, s, 2n)) return false;
  if (isPerfectSquare(n)) return false;
  return strongLucasCore(n);
}

/**
 * The Baillie–PSW test: trial division by {@link SMALL_PRIMES}, a Miller–Rabin round to base
 * 2, then the strong Lucas test ({@link isStrongLucasProbablePrime}). No composite passing it
 * is known; it has been checked to have none below 2^64. Deterministic.
 * @param n the number to test.
 * @throws {FieldTypeError} if `n` is not a bigint.
 * @example isBpswProbablePrime(3215031751n); // false: a strong pseudoprime to bases 2, 3, 5 and 7
 */
export function isBpswProbablePrime(n: bigint): boolean {
  assertBigInt('n', n);
  const c = classifySmall(n);
  if (c !== 'unknown') return c === 'prime';
  return bpswCore(n);
}

/**
 * Miller–Rabin rounds for a random candidate of `bits` bits, on top of BPSW:
 *
 * | bits of n   | rounds | source                                                           |
 * |-------------|--------|------------------------------------------------------------------|
 * | ≥ 2048      | 4      | FIPS 186-5 Table B.1, p and q of 2048 bits, error ≤ 2^−144       |
 * | 1536 – 2047 | 4      | FIPS 186-5 Table B.1, p and q of 1536 bits, error ≤ 2^−128       |
 * | 1024 – 1535 | 5      | FIPS 186-5 Table B.1, p and q of 1024 bits, error ≤ 2^−112       |
 * | 512 – 1023  | 10     | Damgård–Landrock–Pomerance bound ≤ 2^−117 at 512 bits (FIPS 186-4 asks 7 for 2^−100) |
 * | 256 – 511   | 24     | Damgård–Landrock–Pomerance bound ≤ 2^−119 at 256 bits            |
 * | < 256       | 40     | conservative fixed choice                                       |
 *
 * These bounds hold for candidates drawn at random, as in prime generation. A number chosen
 * by an adversary needs the worst-case bound 4^−rounds: pass `rounds: 64` to
 * {@link isProbablePrime} (2^−128) when checking someone else's primes, e.g. for 4096-bit moduli.
 * @param bits bit length of the candidate, 0 ≤ bits ≤ 2^24.
 * @throws {FieldTypeError} if `bits` is not an integer. @throws {FieldRangeError} if it is out of range.
 * @example mrRoundsFor(1024); // 5
 */
export function mrRoundsFor(bits: number): number {
  assertInteger('bits', bits, 0, 1 << 24);
  if (bits >= 1536) return 4;
  if (bits >= 1024) return 5;
  if (bits >= 512) return 10;
  if (bits >= 256) return 24;
  return 40;
}

/** Options of {@link isProbablePrime}. */
export interface ProbablePrimeOptions {
  /** Random-base Miller–Rabin rounds after BPSW, 0 ≤ rounds ≤ 10000. Default {@link mrRoundsFor}(bit length). */
  rounds?: number;
  /** Source of the random bases. Default {@link systemRng}. */
  rng?: RandomSource;
}

/**
 * Whether n is (very probably) prime: exact trial division below 2^24, otherwise BPSW
 * ({@link isBpswProbablePrime}) followed by `rounds` Miller–Rabin rounds with random bases.
 * Negative numbers, 0 and 1 are not prime.
 * @param n the number to test.
 * @param opts `rounds` (default {@link mrRoundsFor} of n's bit length; 64 for adversarial
 * input) and `rng` for the bases.
 * @throws {FieldTypeError} if `n` is not a bigint, `rounds` not an integer or `rng` not a RandomSource.
 * @throws {FieldRangeError} if `rounds` is out of range.
 * @throws {RngHealthError} if the system RNG fails its health tests.
 * @example isProbablePrime(2n ** 521n - 1n); // true
 * @example isProbablePrime(561n); // false (Carmichael number 3·11·17)
 */
export function isProbablePrime(n: bigint, opts: ProbablePrimeOptions = {}): boolean {
  assertBigInt('n', n);
  if (opts.rounds !== undefined) assertInteger('rounds', opts.rounds, 0, MAX_ROUNDS);
  if (opts.rng !== undefined) assertRandomSource('rng', opts.rng);
  const c = classifySmall(n);
  if (c !== 'unknown') return c === 'prime';
  if (!bpswCore(n)) return false;
  const rounds = opts.rounds ?? mrRoundsFor(bitLength(n));
  return rounds === 0 || millerRabinRounds(n, rounds, opts.rng ?? systemRng());
}
