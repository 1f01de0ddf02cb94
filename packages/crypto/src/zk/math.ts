/**
 * Integer helpers shared by the Paillier proofs: signed exponents, sampling in ±2^k·M, Paillier
 * encryption with an explicit nonce over raw moduli, ring-Pedersen commitments, and the checks
 * verifiers run on received moduli and group elements of Z*_N.
 *
 * Proofs work on raw bigints (N, N², s, t) rather than key objects so statements stay plain,
 * structured-clone-able data for the worker pool.
 * @module
 */
import { createCrtContext, crtModPowVartime, modMul, modPow, modPowVartime, multiExpVartime } from '../backend/index.ts';
import { bitLength } from '../bytes.ts';
import { CryptoError, FieldRangeError, assertBigInt } from '../errors.ts';
import { gcd, invert, mod } from '../modular.ts';
import { randomInRange, randomZnStar, type RandomSource } from '../rng.ts';

/** 2^k as a bigint. */
export function pow2(k: number): bigint {
  return 1n << BigInt(k);
}

/** A uniform integer in ±(2^bits·factor) = [−2^bits·factor, 2^bits·factor]. */
export function sampleSigned(bits: number, factor: bigint, rng: RandomSource): bigint {
  const bound = pow2(bits) * factor;
  return randomInRange(-bound, bound + 1n, rng);
}

/** True when |x| ≤ bound. */
export function inSymmetricRange(x: bigint, bound: bigint): boolean {
  return x >= -bound && x <= bound;
}

/**
 * base^e mod m for a PUBLIC signed exponent (negative e inverts the base first).
 * @throws {CryptoError} if e < 0 and base is not invertible modulo m.
 */
export function powSignedVartime(base: bigint, e: bigint, m: bigint): bigint {
  if (e >= 0n) return modPowVartime(base, e, m);
  return modPowVartime(invert(base, m), -e, m);
}

/**
 * ∏ bases[i]^exps[i] mod m for PUBLIC signed exponents (verifier side): negative exponents
 * invert their base, then one shared multi-exponentiation runs. The verifiers move the
 * right-hand side of each check to the left (lhs·B^(−e) = A instead of lhs = A·B^e), which is
 * the same check for units and costs one squaring chain instead of several.
 * @throws {CryptoError} if a base with a negative exponent is not invertible modulo m.
 */
export function multiPowSignedVartime(bases: readonly bigint[], exps: readonly bigint[], m: bigint): bigint {
  const b = bases.map((x, i) => (exps[i]! < 0n ? invert(x, m) : x));
  const e = exps.map((x) => (x < 0n ? -x : x));
  return multiExpVartime(b, e, m);
}

/** (1 + N)^msg mod N² = 1 + (msg mod N)·N, for any integer msg. */
export function paillierG(N: bigint, N2: bigint, msg: bigint): bigint {
  return (1n + mod(msg, N) * N) % N2;
}

/**
 * base^e mod m for a SECRET signed exponent with |e| < 2^bits and a PUBLIC base.
 * The exponent is shifted to E = e + 2^(bits+1) ∈ (2^bits, 3·2^bits), raised with the regular
 * ladder over exactly bits + 2 bits (the public bound: `bits` comes from the proof parameters
 * ℓ, ℓ′, ε and |N̂|, never from e), and the public correction base^(−2^(bits+1)) is applied: no
 * branch on the sign of e, no exponent-length leak, and no squarings beyond the bound (a
 * 771-bit mask modulo a 4096-bit N² costs 771 squarings, not 4096).
 * @throws {CryptoError} if |e| ≥ 2^bits (internal misuse) or the base is not invertible.
 */
export function powSignedSecret(base: bigint, e: bigint, m: bigint, bits: number): bigint {
  const shift = pow2(bits + 1);
  if (e <= -pow2(bits) || e >= pow2(bits)) throw new CryptoError('secret exponent exceeds its declared bound', 'exponent');
  return modMul(modPow(base, e + shift, m, bits + 2), shiftCorrection(base, m, bits), m);
}

const CORRECTION_CACHE_SIZE = 64;
const correctionCache = new Map<string, bigint>();

/**
 * base^(−2^(bits+1)) mod m for a public base, cached (ring-Pedersen s, t recur across proofs):
 * bits + 1 squarings of base⁻¹ on the backend's public-exponent path.
 */
function shiftCorrection(base: bigint, m: bigint, bits: number): bigint {
  const key = `${bits}:${m.toString(36)}:${base.toString(36)}`;
  const hit = correctionCache.get(key);
  if (hit !== undefined) return hit;
  const c = modPowVartime(invert(base, m), pow2(bits + 1), m);
  if (correctionCache.size >= CORRECTION_CACHE_SIZE) correctionCache.delete(correctionCache.keys().next().value!);
  correctionCache.set(key, c);
  return c;
}

/**
 * The inverse of a secret unit x modulo m, blinded: (x·u)^(-1)·u for a random unit u, so the
 * variable-time extended Euclid never runs on x itself.
 * @throws {CryptoError} if x is not invertible.
 */
export function invertBlinded(x: bigint, m: bigint, rng: RandomSource): bigint {
  const u = randomZnStar(m, rng);
  return modMul(invert(modMul(x, u, m), m), u, m);
}

/**
 * Paillier encryption with g = N + 1 and an explicit nonce: (1 + N)^msg · r^N mod N², where
 * (1 + N)^msg = 1 + (msg mod N)·N (so signed plaintexts are fine). The exponent N is public.
 */
export function paillierEncrypt(N: bigint, N2: bigint, msg: bigint, r: bigint): bigint {
  return modMul(paillierG(N, N2, msg), modPowVartime(r, N, N2), N2);
}

/** The factors of a Paillier modulus N = p·q. Security: secret (a prover's own key). */
export interface PaillierFactors {
  readonly p: bigint;
  readonly q: bigint;
}

/**
 * Paillier encryption under N as a function of (msg, r): {@link paillierEncrypt}, or, when the
 * prover owns N and gives its factors, the same value with r^N computed modulo p² and q²
 * (CRT, about 1.7× faster; N is public, so both halves use the public-exponent path).
 * @throws {CryptoError} naming `field` if the factors do not multiply to N.
 */
export function paillierEncryptor(N: bigint, factors: PaillierFactors | undefined, field: string): (msg: bigint, r: bigint) => bigint {
  const N2 = N * N;
  if (factors === undefined) return (msg, r) => paillierEncrypt(N, N2, msg, r);
  if (typeof factors !== 'object' || factors === null || typeof factors.p !== 'bigint' || typeof factors.q !== 'bigint' || factors.p * factors.q !== N)
    throw new CryptoError('the factors do not multiply to the modulus', field);
  let ctx: ReturnType<typeof createCrtContext>;
  try {
    ctx = createCrtContext(factors.p, factors.q, 2);
  } catch (err) {
    throw new CryptoError(`unusable factors: ${(err as Error).message}`, field);
  }
  return (msg, r) => modMul(paillierG(N, N2, msg), crtModPowVartime(r, N, ctx), N2);
}

/** s^x · t^y mod N̂ for SECRET signed exponents with |x| < 2^xBits, |y| < 2^yBits. */
export function ringPedersenCommitSecret(
  rp: { readonly N: bigint; readonly s: bigint; readonly t: bigint },
  x: bigint,
  y: bigint,
  xBits: number,
  yBits: number,
): bigint {
  return modMul(powSignedSecret(rp.s, x, rp.N, xBits), powSignedSecret(rp.t, y, rp.N, yBits), rp.N);
}

/** s^x · t^y mod N̂ for PUBLIC signed exponents (verifier side). */
export function ringPedersenCommitVartime(
  rp: { readonly N: bigint; readonly s: bigint; readonly t: bigint },
  x: bigint,
  y: bigint,
): bigint {
  return multiPowSignedVartime([rp.s, rp.t], [x, y], rp.N);
}

/**
 * The ring-Pedersen check s^z · t^w = A · B^e (mod N̂), evaluated as s^z·t^w·B^(−e) = A with one
 * multi-exponentiation (B must be a unit, which verifiers check first).
 */
export function ringPedersenCheckVartime(
  rp: { readonly N: bigint; readonly s: bigint; readonly t: bigint },
  z: bigint,
  w: bigint,
  A: bigint,
  B: bigint,
  e: bigint,
): boolean {
  return multiPowSignedVartime([rp.s, rp.t, B], [z, w, -e], rp.N) === A;
}

/** Bit length needed for the symmetric bound 2^bits·factor (used for secret-exponent ladders). */
export function boundBits(bits: number, factor: bigint): number {
  return bits + bitLength(factor);
}

/** True when 0 < x < m and gcd(x, m) = 1. */
export function isUnit(x: bigint, m: bigint): boolean {
  return x > 0n && x < m && gcd(x, m) === 1n;
}

/**
 * Throws unless `x` is a bigint unit of Z*_m (0 < x < m, gcd(x, m) = 1).
 * @throws {CryptoError} naming `field`.
 */
export function requireUnit(field: string, x: unknown, m: bigint): asserts x is bigint {
  if (typeof x !== 'bigint') throw new CryptoError('expected an integer', field);
  if (!isUnit(x, m)) throw new CryptoError('not an element of Z*_N (must be 0 < x < N with gcd(x, N) = 1)', field);
}

/**
 * Verifier-side check of a received modulus: a bigint, odd, at least `minBits` bits.
 * @throws {CryptoError} naming `field` (moduli below the minimum are refused).
 */
export function requireModulus(field: string, N: unknown, minBits: number): asserts N is bigint {
  if (typeof N !== 'bigint') throw new CryptoError('expected an integer modulus', field);
  if (N <= 0n || (N & 1n) === 0n) throw new CryptoError('modulus must be odd and positive', field);
  const bits = bitLength(N);
  if (bits < minBits) throw new CryptoError(`modulus has ${bits} bits, below the required ${minBits}`, field);
}

/**
 * Throws unless `x` is a bigint with |x| ≤ bound.
 * @throws {CryptoError} naming `field`.
 */
export function requireSymmetricRange(field: string, x: unknown, bound: bigint): asserts x is bigint {
  if (typeof x !== 'bigint') throw new CryptoError('expected an integer', field);
  if (!inSymmetricRange(x, bound)) throw new CryptoError('response out of range', field);
}

/**
 * Fermat test to base 2 on a PUBLIC odd n > 3: false proves n composite. Every prime passes, so
 * rejecting when this returns true refuses all primes (and, harmlessly, base-2 pseudoprimes).
 */
export function isFermatProbablePrimeVartime(n: bigint): boolean {
  assertBigInt('n', n);
  if (n <= 3n) throw new FieldRangeError('n', 'expected n > 3');
  return modPowVartime(2n, n - 1n, n) === 1n;
}

/** Samples a unit of Z*_N (prover nonces). */
export function sampleUnit(N: bigint, rng: RandomSource): bigint {
  return randomZnStar(N, rng);
}

/**
 * The Legendre symbol (a / p) for an odd prime p by Euler's criterion (regular ladder over
 * |p| − 1 bits, the length of (p − 1)/2; |p| is public): 1, −1 or 0.
 */
export function legendreSecret(a: bigint, p: bigint): 1 | -1 | 0 {
  const r = modPow(mod(a, p), (p - 1n) >> 1n, p, bitLength(p) - 1);
  return r === 1n ? 1 : r === 0n ? 0 : -1;
}

/**
 * The Paillier-nonce response r·ρ^e mod N of Π^enc, Π^log* and Π^aff-g: secret ρ, public signed e
 * (a negative e uses the blinded inverse of ρ).
 */
export function nonceResponse(r: bigint, rho: bigint, e: bigint, N: bigint, rng: RandomSource): bigint {
  const rhoE = e >= 0n ? modPowVartime(rho, e, N) : modPowVartime(invertBlinded(rho, N, rng), -e, N);
  return modMul(r, rhoE, N);
}
