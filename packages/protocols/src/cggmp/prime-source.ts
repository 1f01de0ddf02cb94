/**
 * Where aux-info gets its Paillier–Blum factors: a {@link PrimeSource} is injected into the
 * aux-info session so the protocol stays free of workers and tests can use pregenerated
 * primes. {@link poolPrimeSource} searches two 1024-bit safe primes with the crypto package's
 * worker pool (`createWorkerPool().findPrimes(2, { bits: 1024, kind: 'safe' })`);
 * {@link fixedPrimeSource} hands out given pairs (fixtures). Every pair is checked by
 * {@link checkPrimes} before use.
 * @module
 */
import { bitLength } from '@tessera/crypto/bytes';
import { CryptoError, FieldRangeError, assertBigInt, assertInteger } from '@tessera/crypto/errors';
import { gcd } from '@tessera/crypto/modular';
import { isSafePrime } from '@tessera/crypto/primes';
import type { WorkerPool } from '@tessera/crypto/pool';
import { MIN_MODULUS_BITS } from '@tessera/crypto/zk/params';

/** Two primes for one party's modulus N = p·q. Security: secret. */
export interface PaillierPrimes {
  readonly p: bigint;
  readonly q: bigint;
}

/** Produces a fresh pair of safe primes for this party's Paillier–Blum modulus. */
export type PrimeSource = () => Promise<PaillierPrimes>;

/**
 * Checks a pair for aux-info: distinct safe primes (p = 2p′ + 1 with p′ prime, hence
 * p ≡ 3 mod 4), N = p·q of at least 2048 bits, gcd(N, φ(N)) = 1.
 * @throws {FieldTypeError} if not bigints. @throws {FieldRangeError} if N is too small.
 * @throws {CryptoError} if a factor is not a safe prime or p = q.
 */
export function checkPrimes(pair: PaillierPrimes, opts: { checkSafety?: boolean } = {}): PaillierPrimes {
  assertBigInt('primes.p', pair.p);
  assertBigInt('primes.q', pair.q);
  const { p, q } = pair;
  if (p === q) throw new CryptoError('p and q must differ', 'primes.q');
  if (bitLength(p * q) < MIN_MODULUS_BITS) throw new FieldRangeError('primes', `N = p·q must have at least ${MIN_MODULUS_BITS} bits`);
  if ((p & 3n) !== 3n || (q & 3n) !== 3n) throw new CryptoError('p and q must be ≡ 3 (mod 4)', 'primes');
  if (opts.checkSafety ?? true) {
    if (!isSafePrime(p)) throw new CryptoError('not a safe prime', 'primes.p');
    if (!isSafePrime(q)) throw new CryptoError('not a safe prime', 'primes.q');
  }
  if (gcd(p * q, (p - 1n) * (q - 1n)) !== 1n) throw new CryptoError('gcd(N, φ(N)) ≠ 1', 'primes');
  return { p, q };
}

/**
 * {@link checkPrimes} with the event loop let run between the checks (each safe-prime test of a
 * 1024-bit factor is tens of milliseconds), so a UI thread never blocks for the whole check.
 * @throws as {@link checkPrimes}.
 */
export async function checkPrimesYielding(pair: PaillierPrimes, yieldNow: () => Promise<void>): Promise<PaillierPrimes> {
  const { p, q } = checkPrimes(pair, { checkSafety: false });
  await yieldNow();
  if (!isSafePrime(p)) throw new CryptoError('not a safe prime', 'primes.p');
  await yieldNow();
  if (!isSafePrime(q)) throw new CryptoError('not a safe prime', 'primes.q');
  return { p, q };
}

/**
 * A source that searches two safe primes of `bits` bits with a worker pool.
 * @throws {FieldRangeError} if bits < 1024.
 * @example
 * const pool = createWorkerPool({ size: 2 });
 * const source = poolPrimeSource(pool);
 */
export function poolPrimeSource(pool: Pick<WorkerPool, 'findPrimes'>, bits = 1024): PrimeSource {
  assertInteger('bits', bits, 1024, 8192);
  return async () => {
    const [p, q] = await pool.findPrimes(2, { bits, kind: 'safe' });
    return { p: p!, q: q! };
  };
}

/**
 * A source that returns the given pairs in order, each once (fixtures, tests, benchmarks).
 * @throws {FieldRangeError} when called more often than there are pairs.
 */
export function fixedPrimeSource(pairs: readonly PaillierPrimes[]): PrimeSource {
  const left = [...pairs];
  return async () => {
    const next = left.shift();
    if (!next) throw new FieldRangeError('primes', 'fixed prime source exhausted');
    return next;
  };
}
