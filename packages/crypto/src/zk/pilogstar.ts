/**
 * Π^log*: knowledge of exponent vs Paillier encryption — C encrypts x ∈ ±2^ℓ under N0 and
 * X = g^x in a prime-order group (CGGMP21, eprint 2021/060, Appendix C.2, Fig. 25), made
 * non-interactive with the Tessera transcript, against the VERIFIER's ring-Pedersen parameters.
 * The base g is part of the statement (CGGMP21 presigning proves Δ_i = Γ^{k_i} with base Γ).
 *
 * Witness: x ∈ ±2^ℓ, ρ ∈ Z*_{N0} with C = (1 + N0)^x ρ^N0 mod N0² and X = g^x.
 *   1. Prover samples α ← ±2^(ℓ+ε), μ ← ±2^ℓ·N̂, r ← Z*_{N0}, γ ← ±2^(ℓ+ε)·N̂ and sends
 *      S = s^x t^μ mod N̂,  A = (1 + N0)^α r^N0 mod N0²,  Y = g^α,  D = s^α t^γ mod N̂.
 *   2. e ← ±q from the transcript (params, group, g, N0, C, X, N̂, s, t, S, A, Y, D).
 *   3. z1 = α + e·x,  z2 = r·ρ^e mod N0,  z3 = γ + e·μ.
 *   Verifier accepts iff z1 ∈ ±2^(ℓ+ε),  (1 + N0)^z1 · z2^N0 = A·C^e mod N0²,  g^z1 = Y·X^e,
 *   s^z1 t^z3 = D·S^e mod N̂.
 * Tessera's verifier also refuses moduli below 2048 bits, elements outside their groups (the
 * identity and non-canonical points included) and z3 beyond 2^(ℓ+ε)·N̂ + q·2^ℓ·N̂.
 * Encoding (`kind: "pilogstar"`): S, D (⌈|N̂|/8⌉ bytes), A (⌈|N0²|/8⌉), z2 (⌈|N0|/8⌉) as hex,
 * Y as the group's canonical bytes in hex, z1, z3 as signed hex with lengths from their bounds.
 * @module
 */
import { modMul } from '../backend/index.ts';
import { bitLength } from '../bytes.ts';
import { CryptoError, FieldRangeError, assertBigInt } from '../errors.ts';
import { systemRng, type RandomSource } from '../rng.ts';
import { Transcript, type TranscriptBinding } from '../transcript.ts';
import { envelope, hexBytes, hexSigned, hexUnsigned, lengthFor, openEnvelope, readBytes, readSigned, readUnsigned, type EncodedProof } from './codec.ts';
import type { PrimeOrderGroup } from './group.ts';
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

/** Encoding kind of Π^log*. */
export const PILOGSTAR_KIND = 'pilogstar';
const DOMAIN = 'tessera/zk/pilogstar/v1';
const MAX_ATTEMPTS = 16;

/** Statement of Π^log*. */
export interface PiLogStarStatement {
  /** The prover's Paillier modulus N0. */
  readonly N0: bigint;
  /** C = Enc_N0(x; ρ). */
  readonly C: bigint;
  /** X = g^x (canonical bytes). */
  readonly X: Uint8Array;
  /** The base g (canonical bytes); the group generator when omitted. */
  readonly g?: Uint8Array;
  /** (N̂, s, t) of the verifier. */
  readonly rp: RingPedersenParams;
}

/** Witness of Π^log*. Security: never send. */
export interface PiLogStarWitness {
  /** x ∈ ±2^ℓ. */
  readonly x: bigint;
  /** ρ ∈ Z*_{N0}, the encryption nonce of C. */
  readonly rho: bigint;
  /**
   * Optional factors of N0 (the prover's own key, as in CGGMP21 presigning): the prover's
   * encryptions then run through CRT. The proof is the same with or without them.
   */
  readonly factors?: PaillierFactors;
}

/** Π^log* proof. */
export interface PiLogStarProof {
  /** S = s^x t^μ mod N̂. */
  readonly S: bigint;
  /** A = (1 + N0)^α r^N0 mod N0². */
  readonly A: bigint;
  /** Y = g^α (canonical bytes). */
  readonly Y: Uint8Array;
  /** D = s^α t^γ mod N̂. */
  readonly D: bigint;
  /** z1 = α + e·x. */
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

function challenge<P>(
  group: PrimeOrderGroup<P>,
  binding: TranscriptBinding,
  st: PiLogStarStatement,
  gBytes: Uint8Array,
  c: Pick<PiLogStarProof, 'S' | 'A' | 'Y' | 'D'>,
  params: PaillierProofParams,
): bigint {
  const len = ringPedersenElementBytes(st.rp);
  const n2len = bytesOf(st.N0 * st.N0);
  const t = new Transcript(DOMAIN, binding);
  absorbParams(t, params);
  t.appendString('group', group.name);
  t.appendPoint('g', gBytes);
  t.appendBigInt('N0', st.N0, bytesOf(st.N0));
  t.appendBigInt('C', st.C, n2len);
  t.appendPoint('X', st.X);
  t.appendBigInt('Nhat', st.rp.N, len);
  t.appendBigInt('s', st.rp.s, len);
  t.appendBigInt('t', st.rp.t, len);
  t.appendBigInt('S', c.S, len);
  t.appendBigInt('A', c.A, n2len);
  t.appendPoint('Y', c.Y);
  t.appendBigInt('D', c.D, len);
  return t.challengeSigned('e', params.q);
}

/**
 * Proves that C encrypts log_g X (a value in ±2^ℓ).
 * @throws {FieldRangeError} if x ∉ ±2^ℓ or ρ ∉ Z*_{N0}. @throws {CryptoError} if C ≠ Enc(x; ρ) or X ≠ g^x,
 * or (field `witness.factors`) if given factors do not multiply to N0. @throws {RngHealthError}
 */
export function provePiLogStar<P>(
  group: PrimeOrderGroup<P>,
  binding: TranscriptBinding,
  statement: PiLogStarStatement,
  witness: PiLogStarWitness,
  rng: RandomSource = systemRng(),
  params: PaillierProofParams = CGGMP21_PARAMS,
): PiLogStarProof {
  validateProofParams(params);
  const { N0, C, rp } = statement;
  const { x, rho } = witness;
  const { ell, epsilon } = params;
  assertBigInt('x', x);
  assertBigInt('rho', rho);
  if (!inSymmetricRange(x, pow2(ell))) throw new FieldRangeError('x', `must lie in ±2^${ell}`);
  if (rho <= 0n || rho >= N0) throw new FieldRangeError('rho', 'must lie in Z*_N0');
  const gBytes = statement.g ?? group.encode(group.generator());
  const g = group.decode('g', gBytes);
  if (!group.equals(group.multiply(g, x), group.decode('X', statement.X))) throw new CryptoError('X ≠ g^x', 'witness');
  const enc = paillierEncryptor(N0, witness.factors, 'witness.factors');
  if (enc(x, rho) !== C) throw new CryptoError('C ≠ (1 + N0)^x·ρ^N0 mod N0²', 'witness');
  const Nhat = rp.N;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const alpha = sampleSigned(ell + epsilon, 1n, rng);
    const Ypoint = group.multiply(g, alpha);
    if (group.isIdentity(Ypoint)) continue;
    const mu = sampleSigned(ell, Nhat, rng);
    const r = sampleUnit(N0, rng);
    const gamma = sampleSigned(ell + epsilon, Nhat, rng);
    const S = ringPedersenCommitSecret(rp, x, mu, ell + 1, boundBits(ell, Nhat) + 1);
    const A = enc(alpha, r);
    const Y = group.encode(Ypoint);
    const D = ringPedersenCommitSecret(rp, alpha, gamma, ell + epsilon + 1, boundBits(ell + epsilon, Nhat) + 1);
    const e = challenge(group, binding, statement, gBytes, { S, A, Y, D }, params);
    return { S, A, Y, D, z1: alpha + e * x, z2: nonceResponse(r, rho, e, N0, rng), z3: gamma + e * mu };
  }
  throw new CryptoError(`commitment Y was the identity ${MAX_ATTEMPTS} times`, 'pilogstar');
}

/**
 * Verifies Π^log*; returns normally on success.
 * @throws {CryptoError} naming the failed check: `pilogstar.N0` (incl. below 2048 bits), `pilogstar.rp.*`,
 * `pilogstar.C|X|g`, `pilogstar.S|A|Y|D|z2` (membership), `pilogstar.z1|z3` (range),
 * `pilogstar.equation-paillier`, `pilogstar.equation-group`, `pilogstar.equation-rp`.
 */
export function verifyPiLogStar<P>(
  group: PrimeOrderGroup<P>,
  binding: TranscriptBinding,
  statement: PiLogStarStatement,
  proof: PiLogStarProof,
  params: PaillierProofParams = CGGMP21_PARAMS,
): void {
  validateProofParams(params);
  const { N0, C, rp } = statement;
  requireModulus('pilogstar.N0', N0, params.minModulusBits);
  validateRingPedersenParams(rp, params.minModulusBits, 'pilogstar.rp');
  const N02 = N0 * N0;
  const Nhat = rp.N;
  const gBytes = statement.g ?? group.encode(group.generator());
  const g = group.decode('pilogstar.g', gBytes);
  const X = group.decode('pilogstar.X', statement.X);
  requireUnit('pilogstar.C', C, N02);
  requireUnit('pilogstar.S', proof.S, Nhat);
  requireUnit('pilogstar.A', proof.A, N02);
  const Y = group.decode('pilogstar.Y', proof.Y);
  requireUnit('pilogstar.D', proof.D, Nhat);
  requireUnit('pilogstar.z2', proof.z2, N0);
  const b = bounds(Nhat, params);
  requireSymmetricRange('pilogstar.z1', proof.z1, b.z1);
  requireSymmetricRange('pilogstar.z3', proof.z3, b.z3);
  const e = challenge(group, binding, statement, gBytes, proof, params);
  if (modMul(paillierG(N0, N02, proof.z1), multiPowSignedVartime([proof.z2, C], [N0, -e], N02), N02) !== proof.A)
    throw new CryptoError('(1 + N0)^z1·z2^N0 ≠ A·C^e mod N0²', 'pilogstar.equation-paillier');
  if (!group.equals(group.multiplyVartime(g, proof.z1), group.add(Y, group.multiplyVartime(X, e))))
    throw new CryptoError('g^z1 ≠ Y·X^e', 'pilogstar.equation-group');
  if (!ringPedersenCheckVartime(rp, proof.z1, proof.z3, proof.D, proof.S, e))
    throw new CryptoError('s^z1·t^z3 ≠ D·S^e mod N̂', 'pilogstar.equation-rp');
}

/** Canonical wire form of Π^log*. */
export function encodePiLogStarProof<P>(
  group: PrimeOrderGroup<P>,
  statement: PiLogStarStatement,
  proof: PiLogStarProof,
  params: PaillierProofParams = CGGMP21_PARAMS,
): EncodedProof {
  const len = ringPedersenElementBytes(statement.rp);
  const b = bounds(statement.rp.N, params);
  if (proof.Y.length !== group.elementBytes) throw new FieldRangeError('Y', `expected ${group.elementBytes} bytes`);
  return envelope(PILOGSTAR_KIND, {
    S: hexUnsigned('S', proof.S, len),
    A: hexUnsigned('A', proof.A, bytesOf(statement.N0 * statement.N0)),
    Y: hexBytes(proof.Y),
    D: hexUnsigned('D', proof.D, len),
    z1: hexSigned('z1', proof.z1, lengthFor(b.z1)),
    z2: hexUnsigned('z2', proof.z2, bytesOf(statement.N0)),
    z3: hexSigned('z3', proof.z3, lengthFor(b.z3)),
  });
}

/**
 * Strictly parses Π^log* for the statement's moduli and group.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function decodePiLogStarProof<P>(
  group: PrimeOrderGroup<P>,
  statement: PiLogStarStatement,
  input: unknown,
  params: PaillierProofParams = CGGMP21_PARAMS,
): PiLogStarProof {
  const o = openEnvelope(input, PILOGSTAR_KIND, ['S', 'A', 'Y', 'D', 'z1', 'z2', 'z3']);
  const { N0, rp } = statement;
  const len = ringPedersenElementBytes(rp);
  const b = bounds(rp.N, params);
  const N02 = N0 * N0;
  return {
    S: readUnsigned('S', o['S'], len, 1n, rp.N),
    A: readUnsigned('A', o['A'], bytesOf(N02), 1n, N02),
    Y: readBytes('Y', o['Y'], group.elementBytes),
    D: readUnsigned('D', o['D'], len, 1n, rp.N),
    z1: readSigned('z1', o['z1'], lengthFor(b.z1), b.z1),
    z2: readUnsigned('z2', o['z2'], bytesOf(N0), 1n, N0),
    z3: readSigned('z3', o['z3'], lengthFor(b.z3), b.z3),
  };
}
