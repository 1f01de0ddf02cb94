/**
 * Security parameters of the zero-knowledge proofs (CGGMP21, eprint 2021/060, revised version).
 *
 * The paper fixes, for a curve of order q with |q| = κ bits (secp256k1: κ = 256):
 * - ℓ = κ: bound on the secrets the range proofs speak about (x ∈ ±2^ℓ);
 * - ℓ′ = 5κ: bound on the additive masks of the affine-operation proof (y ∈ ±2^ℓ′);
 * - ε = 2κ: slack of the range proofs (responses are checked in ±2^(ℓ+ε), ±2^(ℓ′+ε));
 * - Paillier and ring-Pedersen moduli of 8κ = 2048 bits or more;
 * - challenges e ← ±q for the Σ-protocols with a group (Π^enc, Π^aff-g, Π^log*, Π^fac);
 * - m = 80 repetitions for the proofs with small challenge spaces: Π^mod (each repetition
 *   halves a cheater's chance, Fig. 16) and Π^prm (binary challenges, Fig. 17).
 * These are the values the Taurus (multi-party-sig) implementation uses for the same paper
 * (L = 256, L′ = 1280, ε = 512, 2048-bit moduli, statistical parameter 80).
 *
 * Fiat–Shamir and repetitions: with m binary-challenge repetitions, a cheating prover that
 * grinds the hash succeeds after about 2^m tries, so m = 80 means 80-bit work for an offline
 * attacker per proof, and that proof is bound to one session id and one prover index.
 * `modRounds` and `prmRounds` may be raised (e.g. to 128); they cannot be set below 80.
 *
 * Both sides must use the same parameters: every transcript absorbs them, so a proof made under
 * other parameters does not verify. A verifier always takes them from its own configuration,
 * never from the prover.
 * @module
 */
import { FieldRangeError, FieldTypeError, assertBigInt, assertInteger } from '../errors.ts';
import type { Transcript } from '../transcript.ts';

/** Parameters shared by the CGGMP21 Paillier proof suite. */
export interface PaillierProofParams {
  /** ℓ: secrets proven in range lie in ±2^ℓ. */
  readonly ell: number;
  /** ℓ′: the affine-operation mask y lies in ±2^ℓ′. */
  readonly ellPrime: number;
  /** ε: slackness of the range checks. */
  readonly epsilon: number;
  /** Challenges of the group-based Σ-protocols are drawn from ±q (q: the curve order). */
  readonly q: bigint;
  /** Moduli (Paillier N, ring-Pedersen N̂) below this many bits are refused by verifiers. */
  readonly minModulusBits: number;
  /** m of Π^mod: number of repetitions (each with a fresh y_i ∈ Z_N). */
  readonly modRounds: number;
  /** m of Π^prm: number of binary-challenge repetitions. */
  readonly prmRounds: number;
}

/** Order of secp256k1 (the curve CGGMP21 is instantiated with). */
export const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The paper's parameters for κ = 256 (secp256k1): ℓ = 256, ℓ′ = 1280, ε = 512, N ≥ 2048 bits, m = 80. */
export const CGGMP21_PARAMS: PaillierProofParams = Object.freeze({
  ell: 256,
  ellPrime: 1280,
  epsilon: 512,
  q: SECP256K1_ORDER,
  minModulusBits: 2048,
  modRounds: 80,
  prmRounds: 80,
});

/** Smallest modulus any verifier accepts, whatever the parameters say. */
export const MIN_MODULUS_BITS = 2048;
/** Smallest number of repetitions accepted for Π^mod and Π^prm. */
export const MIN_REPETITIONS = 80;

/**
 * Checks a parameter set: ℓ ≥ 128, ℓ′ ≥ ℓ, ε ≥ ℓ, q ≥ 2^128, moduli ≥ 2048 bits, repetitions ≥ 80.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the parameter.
 */
export function validateProofParams(params: PaillierProofParams): PaillierProofParams {
  if (params === null || typeof params !== 'object') throw new FieldTypeError('params', 'expected an object');
  assertInteger('params.ell', params.ell, 128, 4096);
  assertInteger('params.ellPrime', params.ellPrime, params.ell, 16384);
  assertInteger('params.epsilon', params.epsilon, params.ell, 8192);
  assertBigInt('params.q', params.q);
  if (params.q < 1n << 128n) throw new FieldRangeError('params.q', 'challenge range must be at least 2^128');
  assertInteger('params.minModulusBits', params.minModulusBits, MIN_MODULUS_BITS, 16384);
  assertInteger('params.modRounds', params.modRounds, MIN_REPETITIONS, 1024);
  assertInteger('params.prmRounds', params.prmRounds, MIN_REPETITIONS, 1024);
  return params;
}

/** Absorbs the parameters into a transcript (so both sides must agree on them). */
export function absorbParams(t: Transcript, params: PaillierProofParams): void {
  t.appendInteger('ell', params.ell);
  t.appendInteger('ell-prime', params.ellPrime);
  t.appendInteger('epsilon', params.epsilon);
  t.appendBigInt('q', params.q, Math.ceil(params.q.toString(16).length / 2));
  t.appendInteger('min-modulus-bits', params.minModulusBits);
  t.appendInteger('mod-rounds', params.modRounds);
  t.appendInteger('prm-rounds', params.prmRounds);
}
