/**
 * Π^sch: Schnorr proof of knowledge of a discrete logarithm (CGGMP21, eprint 2021/060,
 * Appendix C.1, Fig. 22), made non-interactive with the Tessera transcript.
 *
 * Statement: X ∈ G (X ≠ identity). Witness: x with X = g^x (g the group's generator).
 *   1. Prover samples τ ← F_q, sends A = g^τ.
 *   2. e = H(transcript: group, X, A) ∈ F_q (wide reduction).
 *   3. Prover sends z = τ + e·x mod q.
 *   Verifier accepts iff g^z = A·X^e.
 * The commitment and the response are separate steps because CGGMP21 key generation commits
 * to A in its first round and reveals z two rounds later; `proveSchnorr` does both at once.
 *
 * Encoding (`kind: "schnorr"`): A as the group's canonical element bytes, z as `scalarBytes`
 * big-endian hex in [0, q).
 * @module
 */
import { CryptoError, assertBigIntInRange } from '../errors.ts';
import { randomBelow, systemRng, type RandomSource } from '../rng.ts';
import { Transcript, type TranscriptBinding } from '../transcript.ts';
import { envelope, hexBytes, hexUnsigned, openEnvelope, readBytes, readUnsigned, type EncodedProof } from './codec.ts';
import type { PrimeOrderGroup } from './group.ts';

/** Encoding kind of a Schnorr proof. */
export const SCHNORR_KIND = 'schnorr';
const DOMAIN = 'tessera/zk/schnorr/v1';

/** Public statement: X = g^x. */
export interface SchnorrStatement {
  /** X, canonical element encoding. */
  readonly X: Uint8Array;
}

/** First message: A = g^τ. */
export interface SchnorrCommitment {
  /** A, canonical element encoding. */
  readonly A: Uint8Array;
}

/** The prover's secret nonce τ. Security: never send; use once, for one commitment. */
export interface SchnorrNonce {
  /** τ ∈ [1, q). */
  readonly tau: bigint;
}

/** The proof: commitment A and response z. */
export interface SchnorrProof {
  /** A = g^τ. */
  readonly A: Uint8Array;
  /** z = τ + e·x mod q. */
  readonly z: bigint;
}

function challenge(group: PrimeOrderGroup, binding: TranscriptBinding, X: Uint8Array, A: Uint8Array): bigint {
  const t = new Transcript(DOMAIN, binding);
  t.appendString('group', group.name);
  t.appendPoint('X', X);
  t.appendPoint('A', A);
  return t.challengeScalar('e', group.order);
}

/**
 * Samples τ and the commitment A = g^τ.
 * @throws {RngHealthError} if the RNG fails.
 */
export function schnorrCommit<P>(
  group: PrimeOrderGroup<P>,
  rng: RandomSource = systemRng(),
): { commitment: SchnorrCommitment; nonce: SchnorrNonce } {
  const tau = 1n + randomBelow(group.order - 1n, rng);
  return { commitment: { A: group.encode(group.multiply(group.generator(), tau)) }, nonce: { tau } };
}

/**
 * Computes the response z = τ + e·x mod q for a commitment made with {@link schnorrCommit}.
 * @throws {FieldRangeError} if x is not in [0, q). @throws {CryptoError} if g^x ≠ X.
 */
export function schnorrRespond<P>(
  group: PrimeOrderGroup<P>,
  binding: TranscriptBinding,
  statement: SchnorrStatement,
  commitment: SchnorrCommitment,
  nonce: SchnorrNonce,
  x: bigint,
): SchnorrProof {
  assertBigIntInRange('x', x, 0n, group.order);
  const X = group.decode('X', statement.X);
  if (!group.equals(group.multiply(group.generator(), x), X)) throw new CryptoError('witness does not match X = g^x', 'x');
  const e = challenge(group, binding, statement.X, commitment.A);
  return { A: commitment.A, z: (nonce.tau + e * x) % group.order };
}

/**
 * Proves knowledge of x with X = g^x.
 * @throws {FieldRangeError} if x is not in [0, q). @throws {CryptoError} if g^x ≠ X.
 */
export function proveSchnorr<P>(
  group: PrimeOrderGroup<P>,
  binding: TranscriptBinding,
  statement: SchnorrStatement,
  x: bigint,
  rng: RandomSource = systemRng(),
): SchnorrProof {
  const { commitment, nonce } = schnorrCommit(group, rng);
  return schnorrRespond(group, binding, statement, commitment, nonce, x);
}

/**
 * Verifies a Schnorr proof; returns normally on success.
 * @throws {CryptoError} naming the failed check (`schnorr.X`, `schnorr.A`, `schnorr.z`, `schnorr.equation`).
 */
export function verifySchnorr<P>(
  group: PrimeOrderGroup<P>,
  binding: TranscriptBinding,
  statement: SchnorrStatement,
  proof: SchnorrProof,
): void {
  const X = group.decode('schnorr.X', statement.X);
  const A = group.decode('schnorr.A', proof.A);
  if (typeof proof.z !== 'bigint' || proof.z < 0n || proof.z >= group.order)
    throw new CryptoError('response must be a scalar in [0, q)', 'schnorr.z');
  const e = challenge(group, binding, statement.X, proof.A);
  const lhs = group.multiplyVartime(group.generator(), proof.z);
  const rhs = group.add(A, group.multiplyVartime(X, e));
  if (!group.equals(lhs, rhs)) throw new CryptoError('g^z ≠ A·X^e', 'schnorr.equation');
}

/** Canonical wire form of a Schnorr proof. */
export function encodeSchnorrProof<P>(group: PrimeOrderGroup<P>, proof: SchnorrProof): EncodedProof {
  return envelope(SCHNORR_KIND, { A: hexBytes(proof.A), z: hexUnsigned('z', proof.z, group.scalarBytes) });
}

/**
 * Strictly parses a Schnorr proof (lengths and ranges; the curve checks run in verify).
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function decodeSchnorrProof<P>(group: PrimeOrderGroup<P>, input: unknown): SchnorrProof {
  const o = openEnvelope(input, SCHNORR_KIND, ['A', 'z']);
  return {
    A: readBytes('A', o['A'], group.elementBytes),
    z: readUnsigned('z', o['z'], group.scalarBytes, 0n, group.order),
  };
}
