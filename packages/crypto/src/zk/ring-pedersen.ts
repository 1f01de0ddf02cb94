/**
 * Ring-Pedersen parameters (CGGMP21, eprint 2021/060: the ring-Pedersen commitment of its
 * preliminaries, generated in the auxiliary-info / key-refresh phase):
 * a modulus N̂ = p·q and s, t ∈ Z*_N̂ with s ∈ ⟨t⟩, used as a commitment
 * com(x; μ) = s^x · t^μ mod N̂ that is statistically hiding and, under strong RSA for whoever
 * does not know λ = log_t s, binding. Every party publishes its own (N̂, s, t) and proves
 * s ∈ ⟨t⟩ with Π^prm (./piprm.ts); the range proofs a party *receives* are then made against
 * its own parameters.
 *
 * Generation (the party's own parameters): τ ← Z*_N̂, t = τ² mod N̂, λ ← [1, φ(N̂)), s = t^λ mod N̂.
 * N̂ is the party's Paillier–Blum modulus (product of two safe primes in CGGMP21 aux-info).
 * @module
 */
import { bitLength } from '../bytes.ts';
import { CryptoError, FieldRangeError, assertBigInt } from '../errors.ts';
import { randomBelow, systemRng, type RandomSource } from '../rng.ts';
import { createCrtContext, crtModPow } from '../backend/index.ts';
import { requireModulus, requireUnit, sampleUnit } from './math.ts';
import { MIN_MODULUS_BITS } from './params.ts';

/** Public ring-Pedersen parameters (N̂, s, t). Plain data. */
export interface RingPedersenParams {
  /** The modulus N̂. */
  readonly N: bigint;
  /** s = t^λ mod N̂. */
  readonly s: bigint;
  /** t = τ² mod N̂. */
  readonly t: bigint;
}

/** The trapdoor of ring-Pedersen parameters. Security: never send; it breaks binding. */
export interface RingPedersenSecret {
  /** λ = log_t s. */
  readonly lambda: bigint;
  /** The factor p of N̂. */
  readonly p: bigint;
  /** The factor q of N̂. */
  readonly q: bigint;
}

/**
 * Generates ring-Pedersen parameters on N̂ = p·q.
 * @param p, q distinct odd primes (the caller's Paillier–Blum factors; not re-tested here).
 * @throws {FieldRangeError} if p = q, a factor is even or < 3. @throws {RngHealthError} if the RNG fails.
 */
export function generateRingPedersen(
  p: bigint,
  q: bigint,
  rng: RandomSource = systemRng(),
): { params: RingPedersenParams; secret: RingPedersenSecret } {
  assertBigInt('p', p);
  assertBigInt('q', q);
  if (p < 3n || (p & 1n) === 0n) throw new FieldRangeError('p', 'expected an odd prime');
  if (q < 3n || (q & 1n) === 0n) throw new FieldRangeError('q', 'expected an odd prime');
  if (p === q) throw new FieldRangeError('q', 'p and q must differ');
  const ctx = createCrtContext(p, q, 1);
  const N = ctx.m;
  const phi = (p - 1n) * (q - 1n);
  let t: bigint;
  do {
    const tau = sampleUnit(N, rng);
    t = crtModPow(tau, 2n, ctx, 2);
  } while (t === 1n);
  let lambda: bigint;
  let s: bigint;
  do {
    lambda = 1n + randomBelow(phi - 1n, rng);
    s = crtModPow(t, lambda, ctx, bitLength(N)); // λ < φ(N) < N
  } while (s === 1n);
  return { params: { N, s, t }, secret: { lambda, p, q } };
}

/**
 * Structural checks a receiver runs on someone's ring-Pedersen parameters before using them
 * (Π^prm must also verify): N̂ odd with at least `minBits` bits, s, t ∈ Z*_N̂, s ≠ 1, t ≠ 1.
 * @throws {CryptoError} naming `<prefix>.N`, `<prefix>.s` or `<prefix>.t`.
 */
export function validateRingPedersenParams(params: RingPedersenParams, minBits = MIN_MODULUS_BITS, prefix = 'rp'): void {
  if (params === null || typeof params !== 'object') throw new CryptoError('expected ring-Pedersen parameters', prefix);
  requireModulus(`${prefix}.N`, params.N, Math.max(minBits, MIN_MODULUS_BITS));
  requireUnit(`${prefix}.s`, params.s, params.N);
  requireUnit(`${prefix}.t`, params.t, params.N);
  if (params.s === 1n) throw new CryptoError('s = 1 is degenerate', `${prefix}.s`);
  if (params.t === 1n) throw new CryptoError('t = 1 is degenerate', `${prefix}.t`);
}

/** Byte length of elements of Z_N̂ in transcripts and encodings. */
export function ringPedersenElementBytes(params: RingPedersenParams): number {
  return Math.ceil(bitLength(params.N) / 8);
}
