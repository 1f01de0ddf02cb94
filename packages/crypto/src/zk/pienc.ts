/**
 * Π^enc: a Paillier ciphertext K encrypts a value k ∈ ±2^ℓ (CGGMP21, eprint 2021/060, §6.1,
 * Fig. 14), made non-interactive with the Tessera transcript, against the VERIFIER's
 * ring-Pedersen parameters (N̂, s, t).
 *
 * Statement: N0, K ∈ Z*_{N0²}. Witness: k ∈ ±2^ℓ, ρ ∈ Z*_{N0} with K = (1 + N0)^k · ρ^N0 mod N0².
 *   1. Prover samples α ← ±2^(ℓ+ε), μ ← ±2^ℓ·N̂, r ← Z*_{N0}, γ ← ±2^(ℓ+ε)·N̂ and sends
 *      S = s^k t^μ mod N̂,  A = (1 + N0)^α r^N0 mod N0²,  C = s^α t^γ mod N̂.
 *   2. e ← ±q from the transcript (params, N0, K, N̂, s, t, S, A, C).
 *   3. z1 = α + e·k,  z2 = r·ρ^e mod N0,  z3 = γ + e·μ.
 *   Verifier accepts iff z1 ∈ ±2^(ℓ+ε),  (1 + N0)^z1 · z2^N0 = A·K^e mod N0²,
 *   s^z1 t^z3 = C·S^e mod N̂.
 * Tessera's verifier also refuses N0, N̂ below 2048 bits, K, A ∉ Z*_{N0²}, S, C ∉ Z*_N̂,
 * z2 ∉ Z*_{N0} and z3 beyond the honest bound 2^(ℓ+ε)·N̂ + q·2^ℓ·N̂.
 * Encoding (`kind: "pienc"`): S, C (⌈|N̂|/8⌉ bytes), A (⌈|N0²|/8⌉), z2 (⌈|N0|/8⌉) as hex;
 * z1, z3 as signed hex with lengths from their bounds.
 * @module
 */
import { modMul } from '../backend/index.ts';
import { bitLength } from '../bytes.ts';
import { CryptoError, FieldRangeError, assertBigInt } from '../errors.ts';
import { systemRng, type RandomSource } from '../rng.ts';
import { Transcript, type TranscriptBinding } from '../transcript.ts';
import { envelope, hexSigned, hexUnsigned, lengthFor, openEnvelope, readSigned, readUnsigned, type EncodedProof } from './codec.ts';
import {
  boundBits,
  inSymmetricRange,
  nonceResponse,
  multiPowSignedVartime,
  paillierEncryptor,
  paillierG,
  pow2,
  requireModulus,
  requireSymmetricRange,
  requireUnit,
  ringPedersenCheckVartime,
  ringPedersenCommitSecret,
  sampleSigned,
  sampleUnit,
  type PaillierFactors,
} from './math.ts';
import { CGGMP21_PARAMS, absorbParams, validateProofParams, type PaillierProofParams } from './params.ts';
import { ringPedersenElementBytes, validateRingPedersenParams, type RingPedersenParams } from './ring-pedersen.ts';

/** Encoding kind of Π^enc. */
export const PIENC_KIND = 'pienc';
const DOMAIN = 'tessera/zk/pienc/v1';

/** Statement of Π^enc. */
export interface PiEncStatement {
  /** The prover's Paillier modulus N0. */
  readonly N0: bigint;
  /** K = Enc_N0(k; ρ). */
  readonly K: bigint;
  /** (N̂, s, t) of the verifier. */
  readonly rp: RingPedersenParams;
}

/** Witness of Π^enc. Security: never send. */
export interface PiEncWitness {
  /** k ∈ ±2^ℓ. */
  readonly k: bigint;
  /** ρ ∈ Z*_{N0}, the encryption nonce of K. */
  readonly rho: bigint;
  /**
   * Optional factors of N0 (the prover's own key, as in CGGMP21 presigning): the prover's
   * encryptions then run through CRT. The proof is the same with or without them.
   */
  readonly factors?: PaillierFactors;
}

/** Π^enc proof. */
export interface PiEncProof {
  /** S = s^k t^μ mod N̂. */
  readonly S: bigint;
  /** A = (1 + N0)^α r^N0 mod N0². */
  readonly A: bigint;
  /** C = s^α t^γ mod N̂. */
  readonly C: bigint;
  /** z1 = α + e·k. */
  readonly z1: bigint;
  /** z2 = r·ρ^e mod N0. */
  readonly z2: bigint;
  /** z3 = γ + e·μ. */
  readonly z3: bigint;
}

function bytesOf(n: bigint): number {
  return Math.ceil(bitLength(n) / 8);
}

function bounds(Nhat: bigint, params: PaillierProofParams) {
  const { ell, epsilon, q } = params;
  return { z1: pow2(ell + epsilon), z3: pow2(ell + epsilon) * Nhat + q * pow2(ell) * Nhat };
}

function challenge(binding: TranscriptBinding, st: PiEncStatement, S: bigint, A: bigint, C: bigint, params: PaillierProofParams): bigint {
  const len = ringPedersenElementBytes(st.rp);
  const n2len = bytesOf(st.N0 * st.N0);
  const t = new Transcript(DOMAIN, binding);
  absorbParams(t, params);
  t.appendBigInt('N0', st.N0, bytesOf(st.N0));
  t.appendBigInt('K', st.K, n2len);
  t.appendBigInt('Nhat', st.rp.N, len);
  t.appendBigInt('s', st.rp.s, len);
  t.appendBigInt('t', st.rp.t, len);
  t.appendBigInt('S', S, len);
  t.appendBigInt('A', A, n2len);
  t.appendBigInt('C', C, len);
  return t.challengeSigned('e', params.q);
}

/**
 * Proves that K encrypts some k ∈ ±2^ℓ under N0.
 * @throws {FieldRangeError} if k ∉ ±2^ℓ or ρ ∉ Z*_{N0}. @throws {CryptoError} if K ≠ Enc(k; ρ), or
 * (field `witness.factors`) if given factors do not multiply to N0. @throws {RngHealthError}
 */
export function provePiEnc(
  binding: TranscriptBinding,
  statement: PiEncStatement,
  witness: PiEncWitness,
  rng: RandomSource = systemRng(),
  params: PaillierProofParams = CGGMP21_PARAMS,
): PiEncProof {
  validateProofParams(params);
  const { N0, K, rp } = statement;
  const { k, rho } = witness;
  const { ell, epsilon } = params;
  assertBigInt('k', k);
  assertBigInt('rho', rho);
  if (!inSymmetricRange(k, pow2(ell))) throw new FieldRangeError('k', `must lie in ±2^${ell}`);
  if (rho <= 0n || rho >= N0) throw new FieldRangeError('rho', 'must lie in Z*_N0');
  const enc = paillierEncryptor(N0, witness.factors, 'witness.factors');
  if (enc(k, rho) !== K) throw new CryptoError('K ≠ (1 + N0)^k·ρ^N0 mod N0²', 'witness');
  const Nhat = rp.N;
  const alpha = sampleSigned(ell + epsilon, 1n, rng);
  const mu = sampleSigned(ell, Nhat, rng);
  const r = sampleUnit(N0, rng);
  const gamma = sampleSigned(ell + epsilon, Nhat, rng);
  const S = ringPedersenCommitSecret(rp, k, mu, ell + 1, boundBits(ell, Nhat) + 1);
  const A = enc(alpha, r);
  const C = ringPedersenCommitSecret(rp, alpha, gamma, ell + epsilon + 1, boundBits(ell + epsilon, Nhat) + 1);
  const e = challenge(binding, statement, S, A, C, params);
  return { S, A, C, z1: alpha + e * k, z2: nonceResponse(r, rho, e, N0, rng), z3: gamma + e * mu };
}

/**
 * Verifies Π^enc; returns normally on success.
 * @throws {CryptoError} naming the failed check: `pienc.N0` (incl. below 2048 bits), `pienc.rp.*`, `pienc.K`,
 * `pienc.S|A|C|z2` (group membership), `pienc.z1|z3` (range), `pienc.equation-paillier`, `pienc.equation-rp`.
 */
export function verifyPiEnc(
  binding: TranscriptBinding,
  statement: PiEncStatement,
  proof: PiEncProof,
  params: PaillierProofParams = CGGMP21_PARAMS,
): void {
  validateProofParams(params);
  const { N0, K, rp } = statement;
  requireModulus('pienc.N0', N0, params.minModulusBits);
  validateRingPedersenParams(rp, params.minModulusBits, 'pienc.rp');
  const N02 = N0 * N0;
  const Nhat = rp.N;
  requireUnit('pienc.K', K, N02);
  requireUnit('pienc.S', proof.S, Nhat);
  requireUnit('pienc.A', proof.A, N02);
  requireUnit('pienc.C', proof.C, Nhat);
  requireUnit('pienc.z2', proof.z2, N0);
  const b = bounds(Nhat, params);
  requireSymmetricRange('pienc.z1', proof.z1, b.z1);
  requireSymmetricRange('pienc.z3', proof.z3, b.z3);
  const e = challenge(binding, statement, proof.S, proof.A, proof.C, params);
  // (1 + N0)^z1 · z2^N0 = A·K^e  ⇔  (1 + N0)^z1 · z2^N0 · K^(−e) = A
  if (modMul(paillierG(N0, N02, proof.z1), multiPowSignedVartime([proof.z2, K], [N0, -e], N02), N02) !== proof.A)
    throw new CryptoError('(1 + N0)^z1·z2^N0 ≠ A·K^e mod N0²', 'pienc.equation-paillier');
  if (!ringPedersenCheckVartime(rp, proof.z1, proof.z3, proof.C, proof.S, e))
    throw new CryptoError('s^z1·t^z3 ≠ C·S^e mod N̂', 'pienc.equation-rp');
}

/** Canonical wire form of Π^enc (lengths from N0, N̂ and the parameters). */
export function encodePiEncProof(statement: PiEncStatement, proof: PiEncProof, params: PaillierProofParams = CGGMP21_PARAMS): EncodedProof {
  const len = ringPedersenElementBytes(statement.rp);
  const b = bounds(statement.rp.N, params);
  return envelope(PIENC_KIND, {
    S: hexUnsigned('S', proof.S, len),
    A: hexUnsigned('A', proof.A, bytesOf(statement.N0 * statement.N0)),
    C: hexUnsigned('C', proof.C, len),
    z1: hexSigned('z1', proof.z1, lengthFor(b.z1)),
    z2: hexUnsigned('z2', proof.z2, bytesOf(statement.N0)),
    z3: hexSigned('z3', proof.z3, lengthFor(b.z3)),
  });
}

/**
 * Strictly parses Π^enc for the statement's moduli.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function decodePiEncProof(statement: PiEncStatement, input: unknown, params: PaillierProofParams = CGGMP21_PARAMS): PiEncProof {
  const o = openEnvelope(input, PIENC_KIND, ['S', 'A', 'C', 'z1', 'z2', 'z3']);
  const { N0, rp } = statement;
  const len = ringPedersenElementBytes(rp);
  const b = bounds(rp.N, params);
  const N02 = N0 * N0;
  return {
    S: readUnsigned('S', o['S'], len, 1n, rp.N),
    A: readUnsigned('A', o['A'], bytesOf(N02), 1n, N02),
    C: readUnsigned('C', o['C'], len, 1n, rp.N),
    z1: readSigned('z1', o['z1'], lengthFor(b.z1), b.z1),
    z2: readUnsigned('z2', o['z2'], bytesOf(N0), 1n, N0),
    z3: readSigned('z3', o['z3'], lengthFor(b.z3), b.z3),
  };
}
