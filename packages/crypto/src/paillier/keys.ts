/**
 * Paillier keys (Paillier, EUROCRYPT '99) with g = N + 1: validated public and secret key
 * types, construction from a modulus or from its prime factors, and key generation.
 *
 * Both key types are branded: the only way to obtain one is through {@link paillierPublicKey},
 * {@link paillierSecretKeyFromPrimes}, {@link generatePaillierKeyPair} or the parser in
 * `./encoding.ts`, all of which validate. The secret key carries the CRT precomputations
 * used by decryption (after Paillier §7): hp = L_p(g^(p−1) mod p²)⁻¹ mod p, which for
 * g = N + 1 is ((p − 1)·q)⁻¹ mod p, and the same for q; and the backend's CRT contexts
 * modulo N² and N for exponentiations by the key owner.
 *
 * Security: JavaScript bigints are immutable and cannot be overwritten, so secret values
 * stay in memory until the garbage collector reclaims them (see docs/threat-model.md).
 * {@link disposePaillierSecretKey} drops this object's references so that can happen sooner
 * and makes later use fail loudly.
 * @module
 */
import { CryptoError, FieldRangeError, assertBigInt, assertInteger, throwIfAborted } from '../errors.ts';
import { bitLength } from '../bytes.ts';
import { gcd, invert, lcm } from '../modular.ts';
import { createCrtContext } from '../backend/index.ts';
import type { CrtContext } from '../backend/index.ts';
import { isProbablePrime } from '../primality.ts';
import { generatePrime } from '../primes.ts';
import type { GeneratePrimeOptions, PrimeKind } from '../primes.ts';
import type { RandomSource } from '../rng.ts';

/** Smallest modulus size (bits) accepted without `allowInsecureSize`. */
export const PAILLIER_MIN_BITS = 2048;
/** Default modulus size (bits) for key generation. */
export const PAILLIER_DEFAULT_BITS = 2048;
/** Largest modulus size (bits) accepted anywhere (bounds the work an input can cause). */
export const PAILLIER_MAX_BITS = 16384;
/** Smallest modulus size (bits) key generation produces even with `allowInsecureSize`. */
export const PAILLIER_KEYGEN_MIN_BITS = 64;

declare const publicKeyBrand: unique symbol;
declare const secretKeyBrand: unique symbol;

/** A validated Paillier public key. Build with {@link paillierPublicKey}. */
export interface PaillierPublicKey {
  /** The modulus N = p·q. */
  readonly n: bigint;
  /** N², the ciphertext modulus. */
  readonly n2: bigint;
  /** The generator g = N + 1, so g^m = 1 + m·N (mod N²). */
  readonly g: bigint;
  /** Bit length of N. */
  readonly bits: number;
  readonly [publicKeyBrand]: true;
}

/**
 * A validated Paillier secret key with its CRT precomputations.
 * Build with {@link paillierSecretKeyFromPrimes} or {@link generatePaillierKeyPair}.
 *
 * Security: never send or log this object; every field except `publicKey` is secret.
 */
export interface PaillierSecretKey {
  /** The matching public key. */
  readonly publicKey: PaillierPublicKey;
  /** First prime factor of N. */
  readonly p: bigint;
  /** Second prime factor of N. */
  readonly q: bigint;
  /** φ(N) = (p − 1)(q − 1). */
  readonly phi: bigint;
  /** λ = lcm(p − 1, q − 1), Carmichael's function of N. */
  readonly lambda: bigint;
  /** μ = λ⁻¹ mod N, so m = L(c^λ mod N²)·μ mod N with L(x) = (x − 1)/N (valid for g = N + 1). */
  readonly mu: bigint;
  /** p². */
  readonly p2: bigint;
  /** q². */
  readonly q2: bigint;
  /** hp = ((p − 1)·q)⁻¹ mod p = L_p(g^(p−1) mod p²)⁻¹ mod p. */
  readonly hp: bigint;
  /** hq = ((q − 1)·p)⁻¹ mod q. */
  readonly hq: bigint;
  /** q⁻¹ mod p, for recombining the plaintext from its residues mod p and q. */
  readonly qInvP: bigint;
  /** CRT context modulo N² = p²·q² (the backend's `createCrtContext(p, q, 2)`), for r^N by the owner. */
  readonly crt: CrtContext;
  /** CRT context modulo N = p·q (`createCrtContext(p, q, 1)`), for provers working mod N. */
  readonly crtN: CrtContext;
  readonly [secretKeyBrand]: true;
}

/** Options of {@link paillierPublicKey}. */
export interface PaillierPublicKeyOptions {
  /** Accept N below {@link PAILLIER_MIN_BITS} bits (tests, CLI experiments). Default false. */
  allowInsecureSize?: boolean;
  /** Required bit length of N, when the caller knows it (e.g. from a key file). */
  bits?: number;
  /** Field name used in error messages. Default `"n"`. */
  field?: string;
}

/**
 * Validates a Paillier modulus and returns the public key (g = N + 1).
 * @param n the modulus N.
 * @throws {FieldTypeError} if `n` is not a bigint.
 * @throws {FieldRangeError} if N is even, ≤ 1, not of `opts.bits` bits, below 2048 bits
 *   without `allowInsecureSize`, or above {@link PAILLIER_MAX_BITS} bits.
 * @example
 * const pk = paillierPublicKey(0xc5a1...n);
 */
export function paillierPublicKey(n: bigint, opts: PaillierPublicKeyOptions = {}): PaillierPublicKey {
  const field = opts.field ?? 'n';
  assertBigInt(field, n);
  if (n <= 1n) throw new FieldRangeError(field, 'modulus must be greater than 1');
  if ((n & 1n) === 0n) throw new FieldRangeError(field, 'modulus must be odd');
  const bits = bitLength(n);
  if (opts.bits !== undefined) {
    assertInteger('bits', opts.bits, 1, PAILLIER_MAX_BITS);
    if (bits !== opts.bits) throw new FieldRangeError(field, `modulus has ${bits} bits, expected ${opts.bits}`);
  }
  if (bits > PAILLIER_MAX_BITS) throw new FieldRangeError(field, `modulus has ${bits} bits, more than ${PAILLIER_MAX_BITS}`);
  if (bits < PAILLIER_MIN_BITS && !opts.allowInsecureSize)
    throw new FieldRangeError(field, `modulus has ${bits} bits; at least ${PAILLIER_MIN_BITS} are required`);
  return Object.freeze({ n, n2: n * n, g: n + 1n, bits }) as PaillierPublicKey;
}

/** Node's custom-inspect hook, used to redact secret keys in logs. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

function redactedInspect(this: PaillierSecretKey): string {
  return `PaillierSecretKey { bits: ${this.publicKey.bits}, n: 0x${this.publicKey.n.toString(16).slice(0, 16)}…, <secret fields hidden> }`;
}

/** Options of {@link paillierSecretKeyFromPrimes}. */
export interface PaillierSecretKeyOptions {
  /** Accept N below {@link PAILLIER_MIN_BITS} bits. Default false. */
  allowInsecureSize?: boolean;
  /** Run the probabilistic primality test on p and q. Default true; turn off only for primes just generated. */
  checkPrimality?: boolean;
  /** Prefix of field names in error messages, e.g. `"key"` gives `"key.p"`. Default none. */
  field?: string;
}

/**
 * Builds a secret key from the prime factors of N, with its CRT precomputations.
 * Checks p ≠ q, both odd and > 2, both prime (unless `checkPrimality: false`),
 * gcd(N, φ(N)) = 1 and the size of N.
 * @throws {FieldTypeError} if p or q is not a bigint.
 * @throws {FieldRangeError} if a factor is ≤ 2 or even, or N has the wrong size.
 * @throws {CryptoError} if p = q, a factor is composite, or gcd(N, φ(N)) ≠ 1.
 */
export function paillierSecretKeyFromPrimes(p: bigint, q: bigint, opts: PaillierSecretKeyOptions = {}): PaillierSecretKey {
  const fp = opts.field === undefined ? 'p' : `${opts.field}.p`;
  const fq = opts.field === undefined ? 'q' : `${opts.field}.q`;
  const fn = opts.field === undefined ? 'n' : `${opts.field}.n`;
  assertBigInt(fp, p);
  assertBigInt(fq, q);
  for (const [f, x] of [[fp, p], [fq, q]] as const) {
    if (x <= 2n) throw new FieldRangeError(f, 'prime factor must be greater than 2');
    if ((x & 1n) === 0n) throw new FieldRangeError(f, 'prime factor must be odd');
  }
  if (p === q) throw new CryptoError('p and q must be distinct primes', fq);
  const publicKey = paillierPublicKey(p * q, { allowInsecureSize: opts.allowInsecureSize ?? false, field: fn });
  if (opts.checkPrimality ?? true) {
    if (!isProbablePrime(p)) throw new CryptoError('not a prime', fp);
    if (!isProbablePrime(q)) throw new CryptoError('not a prime', fq);
  }
  const n = publicKey.n;
  const pm1 = p - 1n;
  const qm1 = q - 1n;
  const phi = pm1 * qm1;
  if (gcd(n, phi) !== 1n) throw new CryptoError('gcd(N, φ(N)) ≠ 1: p divides q − 1 or q divides p − 1', fn);
  const lambda = lcm(pm1, qm1);
  const p2 = p * p;
  const q2 = q * q;
  const sk = {
    publicKey,
    p,
    q,
    phi,
    lambda,
    mu: invert(lambda, n),
    p2,
    q2,
    hp: invert(pm1 * q, p),
    hq: invert(qm1 * p, q),
    qInvP: invert(q, p),
    crt: createCrtContext(p, q, 2),
    crtN: createCrtContext(p, q, 1),
  };
  // Security: keep the factors out of console.log / util.inspect output (JSON.stringify
  // already refuses bigints). Non-enumerable, so structured clone and equality ignore it.
  Object.defineProperty(sk, INSPECT, { value: redactedInspect, enumerable: false });
  return sk as unknown as PaillierSecretKey;
}

/**
 * Drops the secret values held by `sk` (overwrites its fields with 0n) so the garbage
 * collector can reclaim them, and makes every later use of `sk` throw.
 *
 * Security: bigints cannot be wiped in place; copies made earlier (by callers, by
 * serialization, by the engine) are out of reach. This is best effort.
 */
export function disposePaillierSecretKey(sk: PaillierSecretKey): void {
  const w = sk as unknown as Record<string, unknown>;
  for (const k of ['p', 'q', 'phi', 'lambda', 'mu', 'p2', 'q2', 'hp', 'hq', 'qInvP']) w[k] = 0n;
  for (const k of ['crt', 'crtN']) w[k] = DISPOSED_CRT;
}

/** Stand-in for the CRT contexts of a disposed key (every use is refused before it is read). */
const DISPOSED_CRT: CrtContext = Object.freeze({ p: 0n, q: 0n, k: 2, mp: 0n, mq: 0n, m: 0n, lambdaP: 0n, lambdaQ: 0n, mpInvMq: 0n });

/**
 * Throws if `sk` was disposed with {@link disposePaillierSecretKey}.
 * @throws {CryptoError}
 */
export function assertLiveSecretKey(sk: PaillierSecretKey, field = 'sk'): void {
  if (sk.p === 0n) throw new CryptoError('secret key was disposed', field);
}

/** Progress of key generation: that of the prime search (see `GeneratePrimeOptions`). */
export type PaillierKeygenProgress = Parameters<NonNullable<GeneratePrimeOptions['onProgress']>>[0];

/** Options of {@link generatePaillierKeyPair}. */
export interface PaillierKeygenOptions {
  /** Bit length of N (even). Default {@link PAILLIER_DEFAULT_BITS}. */
  bits?: number;
  /** Kind of primes: `'random'` (default), `'blum'` (3 mod 4, for Π^mod) or `'safe'`. */
  primes?: PrimeKind;
  /** Randomness source. Default: the system RNG. */
  rng?: RandomSource;
  /** Cancels the prime search. */
  signal?: AbortSignal;
  /** Called during the prime search (passed through to `findPrimes`). */
  onProgress?: (p: PaillierKeygenProgress) => void;
  /** Permit bits < 2048 (tests and CLI experiments only). */
  allowInsecureSize?: boolean;
  /**
   * Finds `count` distinct primes of `opts.bits` bits, e.g. the worker pool's parallel
   * search. Default: `count` sequential calls of `generatePrime(opts)`.
   */
  findPrimes?: (count: number, opts: GeneratePrimeOptions) => Promise<bigint[]>;
}

async function findPrimesSequential(count: number, opts: GeneratePrimeOptions): Promise<bigint[]> {
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) out.push(await generatePrime(opts));
  return out;
}

/**
 * Generates a Paillier key pair: two primes of bits/2 bits each (with their top two bits set
 * by `generatePrime`, so N has exactly `bits` bits; pairs from a custom `findPrimes` whose
 * product is shorter are discarded), distinct and at least 2^(bits/2 − 100) apart (which
 * rules out Fermat factoring), with gcd(N, φ(N)) = 1. Primes from `findPrimes` are trusted
 * to be prime (the worker pool tests them in its workers); they are not tested again.
 * @returns the secret key; its public key is `sk.publicKey`.
 * @throws {FieldRangeError} if `bits` is odd, below 2048 without `allowInsecureSize`, below
 *   {@link PAILLIER_KEYGEN_MIN_BITS} or above {@link PAILLIER_MAX_BITS}.
 * @throws {AbortError} if `signal` is aborted.
 * @throws {RngHealthError} if the randomness source fails its health tests.
 * @throws {CryptoError} if `findPrimes` returns something other than the primes asked for.
 * @example
 * const sk = await generatePaillierKeyPair({ bits: 2048, onProgress: (p) => bar.update(p.tested) });
 */
export async function generatePaillierKeyPair(opts: PaillierKeygenOptions = {}): Promise<PaillierSecretKey> {
  const bits = opts.bits ?? PAILLIER_DEFAULT_BITS;
  assertInteger('bits', bits, PAILLIER_KEYGEN_MIN_BITS, PAILLIER_MAX_BITS);
  if (bits % 2 !== 0) throw new FieldRangeError('bits', 'modulus size must be even (two primes of bits/2 bits)');
  if (bits < PAILLIER_MIN_BITS && !opts.allowInsecureSize)
    throw new FieldRangeError('bits', `at least ${PAILLIER_MIN_BITS} bits are required (allowInsecureSize permits less)`);
  const kind = opts.primes ?? 'random';
  if (kind !== 'random' && kind !== 'blum' && kind !== 'safe')
    throw new FieldRangeError('primes', `unknown prime kind ${JSON.stringify(kind)}`);
  const half = bits / 2;
  const primeOpts: GeneratePrimeOptions = { bits: half, kind };
  if (opts.rng) primeOpts.rng = opts.rng;
  if (opts.signal) primeOpts.signal = opts.signal;
  if (opts.onProgress) primeOpts.onProgress = opts.onProgress;
  const find = opts.findPrimes ?? findPrimesSequential;
  const minDistance = 1n << BigInt(Math.max(half - 100, 1));
  for (;;) {
    throwIfAborted(opts.signal);
    const found = await find(2, primeOpts);
    if (!Array.isArray(found) || found.length !== 2) throw new CryptoError('findPrimes must return two primes', 'findPrimes');
    const [p, q] = found as [bigint, bigint];
    for (const x of [p, q])
      if (typeof x !== 'bigint' || bitLength(x) !== half)
        throw new CryptoError(`findPrimes returned a value that is not a ${half}-bit prime`, 'findPrimes');
    // generatePrime sets the top two bits, so N has `bits` bits; a custom search may not.
    if (bitLength(p * q) !== bits) continue;
    const d = p > q ? p - q : q - p;
    if (d < minDistance) continue; // includes p = q; retry rather than fail (probability ≈ 2^-99)
    if (gcd(p * q, (p - 1n) * (q - 1n)) !== 1n) continue;
    // The primes come from a primality-tested search; re-testing would double the cost.
    return paillierSecretKeyFromPrimes(p, q, { allowInsecureSize: opts.allowInsecureSize ?? false, checkPrimality: false });
  }
}
