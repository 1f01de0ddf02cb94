/**
 * Threshold Paillier with a trusted dealer (Shoup 2000 §3 for RSA; Damgård–Jurik 2001 §4.1,
 * s = 1, for Paillier).
 *
 * From safe primes p = 2p′ + 1, q = 2q′ + 1: N = p·q, m = p′·q′, and the decryption exponent d
 * with d ≡ 0 (mod m) and d ≡ 1 (mod N) (d = m·(m⁻¹ mod N), which exists because gcd(m, N) = 1).
 * The dealer shares d with Shamir over Z_{N·m}: f(X) = d + a₁X + … + a_{T−1}X^{T−1}, aₖ uniform
 * in [0, N·m), sᵢ = f(i) mod N·m. It picks v = r² mod N² for a random r ∈ Z*_{N²} (a random square
 * generates the cyclic group of squares, of order N·m, except with negligible probability) and
 * publishes vᵢ = v^{Δ·sᵢ} mod N² with Δ = n!. θ = d mod N = 1.
 *
 * Security: the dealer sees everything; after dealing it must forget p, q, d and the shares.
 * JavaScript cannot erase bigints (docs/threat-model.md); this module keeps no references.
 * @module
 */
import { createCrtContext, crtModPow } from '@tessera/crypto/backend';
import { bitLength } from '@tessera/crypto/bytes';
import { AbortError, CryptoError, FieldRangeError, assertInteger, throwIfAborted } from '@tessera/crypto/errors';
import { gcd, invert } from '@tessera/crypto/modular';
import { generatePrime, isSafePrime, type PrimeSearchProgress } from '@tessera/crypto/primes';
import { randomBelow, randomZnStar, systemRng, type RandomSource } from '@tessera/crypto/rng';
import type { PartyIndex } from '../engine/ids.ts';
import {
  THRESHOLD_PAILLIER_INSECURE_MIN_BITS,
  THRESHOLD_PAILLIER_MAX_BITS,
  THRESHOLD_PAILLIER_MIN_BITS,
  validateThresholdKeyShare,
  validateThresholdPublicKey,
  type ThresholdPaillierKeyShare,
  type ThresholdPaillierPublicKey,
} from './key.ts';
import { MAX_COMMITTEE_SIZE, evaluatePolynomial, factorial } from './math.ts';

/** Options of {@link dealThresholdPaillier}. */
export interface DealOptions {
  /** Safe prime p = 2p′ + 1. Security: secret. */
  readonly p: bigint;
  /** Safe prime q = 2q′ + 1, q ≠ p. Security: secret. */
  readonly q: bigint;
  /** n: the committee is parties 1..n. */
  readonly parties: number;
  /** T: any T parties decrypt. */
  readonly threshold: number;
  readonly rng?: RandomSource;
  /** Accept N below 2048 bits (tests). */
  readonly allowInsecureSize?: boolean;
  /** Skip the (slow) safe-primality check of p and q, for primes this process just generated. */
  readonly primesAreChecked?: boolean;
}

/** A dealt key: the public key and every party's share (each checked against its verification key). */
export interface DealtKey {
  readonly publicKey: ThresholdPaillierPublicKey;
  /** Security: secret; each share goes to its party only. */
  readonly shares: ReadonlyMap<PartyIndex, ThresholdPaillierKeyShare>;
}

/**
 * Deals a T-of-n threshold Paillier key from two safe primes.
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed options.
 * @throws {CryptoError} if p or q is not a safe prime, p = q, or N has the wrong size.
 * @example
 * const { publicKey, shares } = dealThresholdPaillier({ p, q, parties: 3, threshold: 2 });
 */
export function dealThresholdPaillier(opts: DealOptions): DealtKey {
  const { p, q } = opts;
  assertInteger('parties', opts.parties, 1, MAX_COMMITTEE_SIZE);
  assertInteger('threshold', opts.threshold, 1, opts.parties);
  if (typeof p !== 'bigint' || typeof q !== 'bigint') throw new CryptoError('p and q must be bigints', 'p');
  if (p === q) throw new CryptoError('p and q must differ', 'q');
  if (!opts.primesAreChecked) {
    if (!isSafePrime(p)) throw new CryptoError('not a safe prime', 'p');
    if (!isSafePrime(q)) throw new CryptoError('not a safe prime', 'q');
  }
  const rng = opts.rng ?? systemRng();
  const N = p * q;
  const N2 = N * N;
  const m = ((p - 1n) / 2n) * ((q - 1n) / 2n);
  if (gcd(m, N) !== 1n) throw new CryptoError('gcd(m, N) ≠ 1', 'q');
  // d ≡ 0 (mod m), d ≡ 1 (mod N).
  const Nm = N * m;
  const d = m * invert(m, N);
  const coefficients = [d];
  for (let k = 1; k < opts.threshold; k++) coefficients.push(randomBelow(Nm, rng));
  const delta = factorial(opts.parties);
  const v = (() => {
    const r = randomZnStar(N2, rng);
    return (r * r) % N2;
  })();
  const crt = createCrtContext(p, q, 2);
  const s: bigint[] = [];
  const verificationKeys: bigint[] = [];
  for (let i = 1; i <= opts.parties; i++) {
    const si = evaluatePolynomial(coefficients, i) % Nm;
    s.push(si);
    verificationKeys.push(crtModPow(v, delta * si, crt));
  }
  const publicKey = validateThresholdPublicKey(
    { N, parties: opts.parties, threshold: opts.threshold, v, verificationKeys, theta: 1n, shareBits: bitLength(Nm - 1n) },
    opts.allowInsecureSize ? { allowInsecureSize: true } : {},
  );
  const shares = new Map<PartyIndex, ThresholdPaillierKeyShare>();
  s.forEach((si, k) => shares.set((k + 1) as PartyIndex, validateThresholdKeyShare(publicKey, k + 1, si)));
  return { publicKey, shares };
}

/** Progress of {@link generateDealerKey}: the safe-prime search. */
export interface DealerKeygenProgress {
  /** Which prime is being searched (1 or 2). */
  readonly prime: 1 | 2;
  readonly candidates: number;
  readonly expected: number;
}

/** Finds `count` distinct safe primes of `bits` bits (e.g. a worker pool's `findPrimes`). */
export type SafePrimeFinder = (count: number, opts: { bits: number; kind: 'safe'; signal?: AbortSignal }) => Promise<bigint[]>;

/** Options of {@link generateDealerKey}. */
export interface DealerKeygenOptions {
  /** Bit length of N (even; ≥ 2048 unless `allowInsecureSize`). */
  readonly bits: number;
  readonly parties: number;
  readonly threshold: number;
  readonly rng?: RandomSource;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: DealerKeygenProgress) => void;
  /** Parallel prime search (the CLI passes the worker pool's `findPrimes`); default: in-process search. */
  readonly findPrimes?: SafePrimeFinder;
  readonly allowInsecureSize?: boolean;
}

/**
 * Generates two safe primes of bits/2 bits (top two bits set, so N has exactly `bits` bits)
 * and deals the key.
 * @throws {FieldRangeError} if bits is odd or out of range.
 * @throws {AbortError} if `signal` aborts.
 */
export async function generateDealerKey(opts: DealerKeygenOptions): Promise<DealtKey> {
  const minBits = opts.allowInsecureSize ? THRESHOLD_PAILLIER_INSECURE_MIN_BITS : THRESHOLD_PAILLIER_MIN_BITS;
  assertInteger('bits', opts.bits, minBits, THRESHOLD_PAILLIER_MAX_BITS);
  if (opts.bits % 2 !== 0) throw new FieldRangeError('bits', 'expected an even bit length');
  assertInteger('parties', opts.parties, 1, MAX_COMMITTEE_SIZE);
  assertInteger('threshold', opts.threshold, 1, opts.parties);
  throwIfAborted(opts.signal);
  const half = opts.bits / 2;
  let p: bigint;
  let q: bigint;
  if (opts.findPrimes) {
    const found = await opts.findPrimes(2, { bits: half, kind: 'safe', ...(opts.signal ? { signal: opts.signal } : {}) });
    if (found.length !== 2 || found[0] === found[1]) throw new CryptoError('prime finder did not return two distinct primes', 'findPrimes');
    [p, q] = found as [bigint, bigint];
    if (bitLength(p) !== half || bitLength(q) !== half || !isSafePrime(p) || !isSafePrime(q))
      throw new CryptoError('prime finder returned a value that is not a safe prime of the requested size', 'findPrimes');
  } else {
    const search = (prime: 1 | 2) =>
      generatePrime({
        bits: half,
        kind: 'safe',
        ...(opts.rng ? { rng: opts.rng } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: (pr: PrimeSearchProgress) => opts.onProgress?.({ prime, candidates: pr.candidates, expected: pr.expected }),
      });
    p = await search(1);
    do q = await search(2);
    while (q === p);
  }
  if (opts.signal?.aborted) throw new AbortError();
  return dealThresholdPaillier({
    p,
    q,
    parties: opts.parties,
    threshold: opts.threshold,
    primesAreChecked: true,
    ...(opts.rng ? { rng: opts.rng } : {}),
    ...(opts.allowInsecureSize ? { allowInsecureSize: true } : {}),
  });
}
