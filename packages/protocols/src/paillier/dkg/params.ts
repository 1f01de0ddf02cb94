/**
 * Parameters of the dealer-less key generation (after Veugen–Attema–Spini, eprint 2019/1136,
 * and its TNO implementation; in Tessera's terms: any T of the n parties decrypt, so the
 * corruption threshold is t = T − 1 and n ≥ 2T − 1 = 2t + 1) and everything derived from them
 * that all parties must compute identically:
 *
 * | paper / TNO name        | here                  | default |
 * |-------------------------|-----------------------|---------|
 * | key_length              | `bits` (of N)         | 2048    |
 * | prime_threshold         | `sieveBound`          | 2000    |
 * | correct_param_biprime   | `biprimeRounds`       | 40      |
 * | stat_sec_shamir         | `statisticalSecurity` | 40      |
 * | corruption_threshold t  | `threshold − 1`       |         |
 *
 * Derived here: the prime field F_P (P the smallest prime above 2^bits, so N = p·q < P is
 * recovered exactly from its Shamir shares), the range of the additive prime shares, the
 * candidate batch sizes, the sieve primes, and the bounds of the integer sharings (coefficient
 * ranges A, the positivity shift K and the public share bound `shareBits`, see key-sharing.ts).
 * @module
 */
import { bitLength } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError, assertInteger } from '@tessera/crypto/errors';
import { invert } from '@tessera/crypto/modular';
import { isProbablePrime } from '@tessera/crypto/primality';
import { THRESHOLD_PAILLIER_INSECURE_MIN_BITS, THRESHOLD_PAILLIER_MAX_BITS, THRESHOLD_PAILLIER_MIN_BITS } from '../key.ts';
import { MAX_COMMITTEE_SIZE, factorial, lagrangeIntegerCoefficients } from '../math.ts';

/** Default sieve bound (TNO `prime_threshold`). */
export const DEFAULT_SIEVE_BOUND = 2000;
/** Default number of Boneh–Franklin test values (TNO `correct_param_biprime`). */
export const DEFAULT_BIPRIME_ROUNDS = 40;
/** Default statistical security of the integer sharings (TNO `stat_sec_shamir`). */
export const DEFAULT_STATISTICAL_SECURITY = 40;
/** Largest candidate batch per round. */
export const MAX_BATCH_SIZE = 4096;
/** Rounds after which the batch size doubles (so a long unlucky search speeds up). */
export const BATCH_DOUBLING_PERIOD = 16;

/** The public configuration every party of one key generation must share. */
export interface DkgConfig {
  /** Bit length of N (even). */
  readonly bits: number;
  /** T: any T parties decrypt; 2 ≤ T and 2T − 1 ≤ n. */
  readonly threshold: number;
  /** Trial division of N by every odd prime below this bound (≥ n). */
  readonly sieveBound?: number;
  /** Boneh–Franklin test values; a non-biprime passes each with probability ≤ 1/2. */
  readonly biprimeRounds?: number;
  /** σ: statistical distance 2^−σ of the integer sharings. */
  readonly statisticalSecurity?: number;
  /** Candidate pairs per round of the first batches (default from `bits`). */
  readonly batchSize?: number;
  /** Accept N below 2048 bits (tests). */
  readonly allowInsecureSize?: boolean;
}

/** Everything derived from the configuration and n. */
export interface DkgParameters {
  readonly bits: number;
  readonly n: number;
  readonly threshold: number;
  /** t = T − 1: degree of the Shamir sharings. */
  readonly t: number;
  readonly sieveBound: number;
  readonly biprimeRounds: number;
  readonly statisticalSecurity: number;
  readonly allowInsecureSize: boolean;
  /** ℓ = bits/2: bit length of p and q. */
  readonly primeBits: number;
  /** Each rᵢ of a prime share pᵢ = 4·rᵢ (+ offset for party 1) is drawn below this. */
  readonly shareRange: bigint;
  /** P: the smallest prime above 2^bits (the BGW field). */
  readonly P: bigint;
  readonly fieldBytes: number;
  /** Batch size of the first batches. */
  readonly batchSize: number;
  /** Odd primes below the sieve bound, grouped so each group's product fits a double. */
  readonly sieveGroups: readonly { readonly product: bigint; readonly primes: readonly number[] }[];
  /** Δ = n!. */
  readonly delta: bigint;
  /** Integer sharing of a value |x| ≤ X: f(0) = Δx, coefficients uniform in [0, A). */
  readonly phiBound: bigint;
  readonly phiCoefficientRange: bigint;
  readonly betaBound: bigint;
  readonly betaCoefficientRange: bigint;
  /** Bounds on one dealer's share fᵢ(j), gᵢ(j), uᵢ(j) (what a received share may be). */
  readonly phiShareBound: bigint;
  readonly betaShareBound: bigint;
  readonly uShareBound: bigint;
  /** Bound on |wᵢ| = |Δλ₀ᵢ·Φ(i)·B(i)| and the coefficient range of its sharing. */
  readonly wBound: bigint;
  readonly wCoefficientRange: bigint;
  /** K: the public shift sᵢ = S(i) + K·i that makes every share positive. */
  readonly shift: bigint;
  /** Public bound 0 ≤ sᵢ < 2^shareBits. */
  readonly shareBits: number;
  /** Δ·λ₀ᵢ for the set of all n parties (degree reduction). */
  readonly lambdaAll: readonly bigint[];
  /** λ₀ᵢ mod P for the set of all n parties (reconstruction of N). */
  readonly lambdaAllModP: readonly bigint[];
  /** Byte lengths used by the messages. */
  readonly modulusBytes: number;
}

const fieldPrimeCache = new Map<number, bigint>();

/** The smallest prime above 2^bits (cached; every party derives the same). */
export function fieldPrimeAbove(bits: number): bigint {
  let P = fieldPrimeCache.get(bits);
  if (P === undefined) {
    P = (1n << BigInt(bits)) + 1n;
    while (!isProbablePrime(P, { rounds: 8 })) P += 2n;
    fieldPrimeCache.set(bits, P);
  }
  return P;
}

function oddPrimesBelow(limit: number): number[] {
  const composite = new Uint8Array(limit);
  const out: number[] = [];
  for (let i = 3; i < limit; i += 2) {
    if (composite[i]) continue;
    out.push(i);
    for (let j = i * i; j < limit; j += 2 * i) composite[j] = 1;
  }
  return out;
}

function groupPrimes(primes: readonly number[]): { product: bigint; primes: number[] }[] {
  const groups: { product: bigint; primes: number[] }[] = [];
  let cur: number[] = [];
  let prod = 1;
  for (const p of primes) {
    if (prod * p > 2 ** 52) {
      groups.push({ product: BigInt(prod), primes: cur });
      cur = [];
      prod = 1;
    }
    cur.push(p);
    prod *= p;
  }
  if (cur.length) groups.push({ product: BigInt(prod), primes: cur });
  return groups;
}

/** Σ_{k=1}^{t} n^k: bounds the non-constant part of a degree-t polynomial at points ≤ n. */
function powerSum(n: number, t: number): bigint {
  let s = 0n;
  let x = 1n;
  for (let k = 1; k <= t; k++) {
    x *= BigInt(n);
    s += x;
  }
  return s;
}

/** 2^bits as a bigint. */
function pow2(bits: number): bigint {
  return 1n << BigInt(bits);
}

/**
 * Coefficient range A for an integer sharing of |x| ≤ X with f(0) = Δ·x and degree t: any t
 * shares of two secrets differ by a polynomial with coefficients at most 2·X·Δ·2^t, so with
 * coefficients uniform in [0, A), A = 2^(σ + t + 1 + ⌈log₂ t⌉ + 1)·X·Δ, each coefficient's
 * distribution moves by at most 2^−σ/t, and all t of them by at most 2^−σ.
 */
function coefficientRange(X: bigint, delta: bigint, t: number, sigma: number): bigint {
  return X * delta * pow2(sigma + t + 2 + bitLength(BigInt(Math.max(t, 1))));
}

/** Bound on |Σ fⱼ(i)| over `dealers` sharings, 1 ≤ i ≤ n, each with f(0) = Δ·x, |x| ≤ X, coefficients in [0, A). */
function sharingSumBound(dealers: number, t: number, delta: bigint, X: bigint, A: bigint, n = dealers): bigint {
  return BigInt(dealers) * (delta * X + A * powerSum(n, t));
}

const paramCache = new Map<string, DkgParameters>();

/**
 * Checks a configuration for n parties and derives every parameter.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function dkgParameters(config: DkgConfig, n: number): DkgParameters {
  if (config === null || typeof config !== 'object') throw new FieldTypeError('config', 'expected an object');
  assertInteger('parties', n, 3, MAX_COMMITTEE_SIZE);
  const minBits = config.allowInsecureSize ? THRESHOLD_PAILLIER_INSECURE_MIN_BITS : THRESHOLD_PAILLIER_MIN_BITS;
  assertInteger('config.bits', config.bits, minBits, THRESHOLD_PAILLIER_MAX_BITS);
  if (config.bits % 2 !== 0) throw new FieldRangeError('config.bits', 'expected an even bit length');
  assertInteger('config.threshold', config.threshold, 2, n);
  if (2 * config.threshold - 1 > n)
    throw new FieldRangeError('config.threshold', `n ≥ 2T − 1 is needed for the multiplications (n = ${n}, T = ${config.threshold})`);
  const sieveBound = config.sieveBound ?? DEFAULT_SIEVE_BOUND;
  assertInteger('config.sieveBound', sieveBound, Math.max(n + 1, 3), 1 << 20);
  const biprimeRounds = config.biprimeRounds ?? DEFAULT_BIPRIME_ROUNDS;
  assertInteger('config.biprimeRounds', biprimeRounds, 1, 256);
  const sigma = config.statisticalSecurity ?? DEFAULT_STATISTICAL_SECURITY;
  assertInteger('config.statisticalSecurity', sigma, 20, 256);
  const primeBits = config.bits / 2;
  const logN = bitLength(BigInt(n - 1));
  const expected = Math.ceil((primeBits * Math.LN2) ** 2 / 4);
  const batchSize = config.batchSize ?? Math.min(MAX_BATCH_SIZE, Math.max(8, Math.ceil(expected / 24)));
  assertInteger('config.batchSize', batchSize, 1, MAX_BATCH_SIZE);
  const key = [config.bits, n, config.threshold, sieveBound, biprimeRounds, sigma, batchSize, config.allowInsecureSize ? 1 : 0].join(':');
  const cached = paramCache.get(key);
  if (cached) return cached;

  const t = config.threshold - 1;
  const delta = factorial(n);
  const P = fieldPrimeAbove(config.bits);
  const all = Array.from({ length: n }, (_, k) => k + 1);
  const lambdaAll = lagrangeIntegerCoefficients(delta, all, 0);
  const lambdaAllModP = lambdaAll.map((l) => {
    const x = ((l % P) + P) % P;
    return (x * invert(delta, P)) % P;
  });
  // |φᵢ| ≤ N + 1 < 2^(bits+1); 0 ≤ βᵢ < N < 2^bits.
  const phiBound = pow2(config.bits + 1);
  const betaBound = pow2(config.bits);
  const phiCoefficientRange = coefficientRange(phiBound, delta, t, sigma);
  const betaCoefficientRange = coefficientRange(betaBound, delta, t, sigma);
  const phiAt = sharingSumBound(n, t, delta, phiBound, phiCoefficientRange);
  const betaAt = sharingSumBound(n, t, delta, betaBound, betaCoefficientRange);
  const lambdaMax = lambdaAll.reduce((m, l) => {
    const a = l < 0n ? -l : l;
    return a > m ? a : m;
  }, 0n);
  const wBound = lambdaMax * phiAt * betaAt;
  const wCoefficientRange = coefficientRange(wBound, delta, t, sigma);
  const sBound = sharingSumBound(n, t, delta, wBound, wCoefficientRange);
  const shift = sBound + 1n;
  const shareBits = bitLength(sBound + shift * BigInt(n));
  const params: DkgParameters = Object.freeze({
    bits: config.bits,
    n,
    threshold: config.threshold,
    t,
    sieveBound,
    biprimeRounds,
    statisticalSecurity: sigma,
    allowInsecureSize: !!config.allowInsecureSize,
    primeBits,
    shareRange: pow2(primeBits - 4 - logN),
    P,
    fieldBytes: Math.ceil(bitLength(P) / 8),
    batchSize,
    sieveGroups: Object.freeze(groupPrimes(oddPrimesBelow(sieveBound))),
    delta,
    phiBound,
    phiCoefficientRange,
    betaBound,
    betaCoefficientRange,
    phiShareBound: sharingSumBound(1, t, delta, phiBound, phiCoefficientRange, n),
    betaShareBound: sharingSumBound(1, t, delta, betaBound, betaCoefficientRange, n),
    uShareBound: sharingSumBound(1, t, delta, wBound, wCoefficientRange, n),
    wBound,
    wCoefficientRange,
    shift,
    shareBits,
    lambdaAll: Object.freeze(lambdaAll),
    lambdaAllModP: Object.freeze(lambdaAllModP),
    modulusBytes: Math.ceil(config.bits / 8),
  });
  paramCache.set(key, params);
  return params;
}

/** Candidates in batch b: the first batch size, doubled every {@link BATCH_DOUBLING_PERIOD} batches, capped. */
export function batchSizeOf(params: DkgParameters, batch: number): number {
  const doublings = Math.min(8, Math.floor(batch / BATCH_DOUBLING_PERIOD));
  return Math.min(MAX_BATCH_SIZE, params.batchSize * 2 ** doublings);
}

/**
 * True when N has no odd prime factor below the sieve bound (N is odd by construction).
 * Groups of primes are reduced together: N mod ∏group, then each prime on doubles.
 */
export function passesTrialDivisionVartime(N: bigint, params: DkgParameters): boolean {
  for (const g of params.sieveGroups) {
    const r = Number(N % g.product);
    for (const p of g.primes) if (r % p === 0) return false;
  }
  return true;
}
