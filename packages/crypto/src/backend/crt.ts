/**
 * Exponentiation modulo p^k·q^k through the Chinese remainder theorem, for holders of the
 * factorization (Paillier decryption and encryption by the key owner, prover-side proof
 * work): two exponentiations with half-size moduli and shorter exponents instead of one
 * full-size one, recombined with Garner's formula.
 *
 * Secret exponents ({@link crtPowSecret}) longer than a half's ladder are reduced modulo
 * λ(p^k) = p^(k−1)(p − 1) as e ↦ λ + (e mod λ) when e ≥ λ. For every base (units or not) and
 * every e ≥ k this leaves x^e mod p^k unchanged, since x^(e+λ) ≡ x^e once e ≥ k
 * (Carmichael); smaller exponents are used as they are. A reduced exponent is below
 * 2λ < 2^(k·|p| + 1), so each half's ladder runs over k·|p| + 1 bits — or over the caller's
 * public bound `expBits` when that is shorter (then the exponent is not reduced at all).
 * Public exponents ({@link crtPowPublic}) are never reduced: a reduction modulo λ would make
 * the variable-time ladder depend on the secret factors.
 *
 * Security: the prime lengths |p|, |q| are treated as public (parameters of key generation).
 * The reductions and the recombination use V8 BigInt (variable-time), as
 * docs/threat-model.md describes.
 * @module
 */
import { FieldRangeError, assertBigInt } from '../errors.ts';
import { invert } from '../modular.ts';
import { checkExpBound } from './bound.ts';

/** Precomputed values for arithmetic modulo m = p^k·q^k (build with {@link createCrtContext}). */
export interface CrtContext {
  /** The distinct odd primes p and q. */
  readonly p: bigint;
  readonly q: bigint;
  /** The power k (1: modulo N = pq, 2: modulo N² as in Paillier). */
  readonly k: number;
  /** mp = p^k, mq = q^k, m = mp·mq. */
  readonly mp: bigint;
  readonly mq: bigint;
  readonly m: bigint;
  /** λp = p^(k−1)(p − 1), λq = q^(k−1)(q − 1): exponents of the two unit groups. */
  readonly lambdaP: bigint;
  readonly lambdaQ: bigint;
  /** mp⁻¹ mod mq (Garner's coefficient). */
  readonly mpInvMq: bigint;
}

/**
 * Precomputes a CRT context for modulus p^k·q^k.
 * @param p - an odd prime (not tested here).
 * @param q - an odd prime different from p (not tested here).
 * @param k - the power, 1 or 2 (default 2: modulo N²).
 * @throws {FieldTypeError} if p or q is not a bigint.
 * @throws {FieldRangeError} if p or q is even or < 3, if p = q, or if k is not 1 or 2.
 */
export function createCrtContext(p: bigint, q: bigint, k: 1 | 2 = 2): CrtContext {
  assertBigInt('p', p);
  assertBigInt('q', q);
  if (p < 3n || (p & 1n) === 0n) throw new FieldRangeError('p', 'expected an odd prime');
  if (q < 3n || (q & 1n) === 0n) throw new FieldRangeError('q', 'expected an odd prime');
  if (p === q) throw new FieldRangeError('q', 'p and q must be distinct');
  if (k !== 1 && k !== 2) throw new FieldRangeError('k', 'expected 1 or 2');
  const mp = k === 2 ? p * p : p;
  const mq = k === 2 ? q * q : q;
  return {
    p,
    q,
    k,
    mp,
    mq,
    m: mp * mq,
    lambdaP: (k === 2 ? p : 1n) * (p - 1n),
    lambdaQ: (k === 2 ? q : 1n) * (q - 1n),
    mpInvMq: invert(mp, mq),
  };
}

/** e reduced for exponentiation modulo a group of exponent λ (see the module header). */
function reduceExponent(e: bigint, lambda: bigint): bigint {
  return e < lambda ? e : lambda + (e % lambda);
}

/** x with x ≡ xp (mod mp) and x ≡ xq (mod mq), in [0, m). */
export function crtCombine(xp: bigint, xq: bigint, ctx: CrtContext): bigint {
  let t = ((xq - xp) % ctx.mq) * ctx.mpInvMq % ctx.mq;
  if (t < 0n) t += ctx.mq;
  return xp + ctx.mp * t;
}

/** A secret-exponent exponentiation with an optional public bound (the backend's `modPow`). */
export type SecretPowFunction = (base: bigint, exp: bigint, m: bigint, expBits?: number) => bigint;
/** A public-exponent exponentiation (the backend's `modPowVartime`). */
export type PublicPowFunction = (base: bigint, exp: bigint, m: bigint) => bigint;

function checkArgs(base: bigint, exp: bigint): void {
  assertBigInt('base', base);
  assertBigInt('exp', exp);
  if (base < 0n) throw new FieldRangeError('base', 'negative base');
  if (exp < 0n) throw new FieldRangeError('exp', 'negative exponent (use invert first)');
}

function bitLen(x: bigint): number {
  return x.toString(2).length;
}

/** One half x^e mod r^k (r = p or q) with the ladder length chosen as in the module header. */
function secretHalf(base: bigint, exp: bigint, r: bigint, mr: bigint, lambda: bigint, k: number, pow: SecretPowFunction, expBits: number | undefined): bigint {
  const cap = k * bitLen(r) + 1;
  if (expBits !== undefined && expBits <= cap) return pow(base % mr, exp, mr, expBits);
  return pow(base % mr, reduceExponent(exp, lambda), mr, cap);
}

/**
 * base^exp mod ctx.m for a SECRET exponent, as two exponentiations modulo p^k and q^k with
 * `pow`, each over a ladder whose length depends only on |p|, |q| and `expBits`.
 * @param expBits - optional PUBLIC bound: exp < 2^expBits (a scheme parameter, never derived from exp).
 * @throws {FieldTypeError} if base or exp is not a bigint, or expBits not an integer.
 * @throws {FieldRangeError} if base or exp is negative, or (naming `exp`) exp ≥ 2^expBits.
 */
export function crtPowSecret(base: bigint, exp: bigint, ctx: CrtContext, pow: SecretPowFunction, expBits?: number): bigint {
  checkArgs(base, exp);
  if (expBits !== undefined) checkExpBound(exp, expBits);
  const xp = secretHalf(base, exp, ctx.p, ctx.mp, ctx.lambdaP, ctx.k, pow, expBits);
  const xq = secretHalf(base, exp, ctx.q, ctx.mq, ctx.lambdaQ, ctx.k, pow, expBits);
  return crtCombine(xp, xq, ctx);
}

/**
 * base^exp mod ctx.m for a PUBLIC exponent, as two exponentiations modulo p^k and q^k with
 * `pow`; the exponent is not reduced (see the module header).
 * @throws {FieldTypeError} if base or exp is not a bigint.
 * @throws {FieldRangeError} if base or exp is negative.
 */
export function crtPowPublic(base: bigint, exp: bigint, ctx: CrtContext, pow: PublicPowFunction): bigint {
  checkArgs(base, exp);
  return crtCombine(pow(base % ctx.mp, exp, ctx.mp), pow(base % ctx.mq, exp, ctx.mq), ctx);
}
