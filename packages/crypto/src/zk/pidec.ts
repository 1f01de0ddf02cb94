/**
 * Π^dec: Paillier decryption modulo q (CGGMP21, eprint 2021/060 revised, Appendix C.6, Fig. 30),
 * made non-interactive with the Tessera transcript, against the VERIFIER's ring-Pedersen
 * parameters (N̂, s, t). It shows that the plaintext y of C under N0 satisfies y ≡ x (mod q) for
 * a public x, without revealing y (the presigning blame round: "my ciphertext of δ decrypts to
 * the δ I announced").
 *
 * Statement: N0, C ∈ Z*_{N0²}, x ∈ Z_q. Witness: y with |y| < N0, ρ ∈ Z*_{N0} such that
 *   C = (1 + N0)^y · ρ^N0 mod N0²  and  y ≡ x (mod q).
 *   1. Prover samples α ← ±2^(ℓ+ε)·N0, μ ← ±2^ℓ·N̂, ν ← ±2^(ℓ+ε)·N̂, r ← Z*_{N0} and sends
 *      S = s^y t^μ mod N̂,  T = s^α t^ν mod N̂,  A = (1 + N0)^α r^N0 mod N0²,  γ = α mod q.
 *   2. e ← ±q from the transcript (params, N0, C, x, N̂, s, t, S, T, A, γ).
 *   3. z1 = α + e·y,  z2 = ν + e·μ,  w = r·ρ^e mod N0.
 *   Verifier accepts iff (1 + N0)^z1 · w^N0 = A·C^e mod N0²,  z1 ≡ γ + e·x (mod q),
 *   s^z1 t^z2 = T·S^e mod N̂.
 * Deviation from the figure: there α ← ±2^(ℓ+ε), which does not hide e·y for a plaintext y of
 * the size of N0 (as the blame round's are); Tessera draws α ← ±2^(ℓ+ε)·N0 and the verifier refuses
 * |z1| > 2^(ℓ+ε)·N0 + q·N0 and |z2| > 2^(ℓ+ε)·N̂ + q·2^ℓ·N̂ (the honest bounds, which fix the encoding
 * lengths). It also refuses N0, N̂ below 2048 bits, C, A ∉ Z*_{N0²}, S, T ∉ Z*_N̂, w ∉ Z*_{N0},
 * x, γ ∉ [0, q).
 * Encoding (`kind: "pidec"`): S, T (⌈|N̂|/8⌉ bytes), A (⌈|N0²|/8⌉), w (⌈|N0|/8⌉), gamma (⌈|q|/8⌉) as
 * hex; z1, z2 as signed hex with lengths from their bounds.
 * @module
 */
import { modMul } from '../backend/index.ts';
import { bitLength } from '../bytes.ts';
import { CryptoError, FieldRangeError, assertBigInt } from '../errors.ts';
import { mod } from '../modular.ts';
import { systemRng, type RandomSource } from '../rng.ts';
import { Transcript, type TranscriptBinding } from '../transcript.ts';
import { envelope, hexSigned, hexUnsigned, lengthFor, openEnvelope, readSigned, readUnsigned, type EncodedProof } from './codec.ts';
import {
  boundBits,
  multiPowSignedVartime,
  nonceResponse,
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

/** Encoding kind of Π^dec. */
export const PIDEC_KIND = 'pidec';
const DOMAIN = 'tessera/zk/pidec/v1';

/** Statement of Π^dec. */
export interface PiDecStatement {
  /** The prover's Paillier modulus N0. */
  readonly N0: bigint;
  /** C = Enc_N0(y; ρ). */
  readonly C: bigint;
  /** x ∈ [0, q): the claimed plaintext modulo q. */
  readonly x: bigint;
  /** (N̂, s, t) of the verifier. */
  readonly rp: RingPedersenParams;
}

/** Witness of Π^dec. Security: never send. */
export interface PiDecWitness {
  /** y with |y| < N0 and y ≡ x (mod q). */
  readonly y: bigint;
  /** ρ ∈ Z*_{N0}, the nonce of C. */
  readonly rho: bigint;
  /** Optional factors of N0 (encryptions under the prover's own key then run through CRT). */
  readonly factors?: PaillierFactors;
}

/** Π^dec proof. */
export interface PiDecProof {
  /** S = s^y t^μ mod N̂. */
  readonly S: bigint;
  /** T = s^α t^ν mod N̂. */
  readonly T: bigint;
  /** A = (1 + N0)^α r^N0 mod N0². */
  readonly A: bigint;
  /** γ = α mod q. */
  readonly gamma: bigint;
  /** z1 = α + e·y. */
  readonly z1: bigint;
  /** z2 = ν + e·μ. */
  readonly z2: bigint;
  /** w = r·ρ^e mod N0. */
  readonly w: bigint;
}

function bytesOf(n: bigint): number {
  return Math.ceil(bitLength(n) / 8);
}

function bounds(N0: bigint, Nhat: bigint, params: PaillierProofParams) {
  const { ell, epsilon, q } = params;
  return { z1: pow2(ell + epsilon) * N0 + q * N0, z2: pow2(ell + epsilon) * Nhat + q * pow2(ell) * Nhat };
}

function challenge(binding: TranscriptBinding, st: PiDecStatement, S: bigint, T: bigint, A: bigint, gamma: bigint, params: PaillierProofParams): bigint {
  const len = ringPedersenElementBytes(st.rp);
  const n2len = bytesOf(st.N0 * st.N0);
  const qlen = bytesOf(params.q);
  const t = new Transcript(DOMAIN, binding);
  absorbParams(t, params);
  t.appendBigInt('N0', st.N0, bytesOf(st.N0));
  t.appendBigInt('C', st.C, n2len);
  t.appendBigInt('x', st.x, qlen);
  t.appendBigInt('Nhat', st.rp.N, len);
  t.appendBigInt('s', st.rp.s, len);
  t.appendBigInt('t', st.rp.t, len);
  t.appendBigInt('S', S, len);
  t.appendBigInt('T', T, len);
  t.appendBigInt('A', A, n2len);
  t.appendBigInt('gamma', gamma, qlen);
  return t.challengeSigned('e', params.q);
}

/**
 * Proves that C decrypts, modulo q, to the public x.
 * @throws {FieldRangeError} if |y| ≥ N0, x ∉ [0, q) or ρ ∉ Z*_{N0}. @throws {CryptoError} if C ≠ Enc(y; ρ)
 * or y ≢ x (mod q), or (field `witness.factors`) if given factors do not multiply to N0.
 * @throws {RngHealthError}
 */
export function provePiDec(
  binding: TranscriptBinding,
  statement: PiDecStatement,
  witness: PiDecWitness,
  rng: RandomSource = systemRng(),
  params: PaillierProofParams = CGGMP21_PARAMS,
): PiDecProof {
  validateProofParams(params);
  const { N0, C, x, rp } = statement;
  const { y, rho } = witness;
  const { ell, epsilon, q } = params;
  assertBigInt('y', y);
  assertBigInt('rho', rho);
  assertBigInt('x', x);
  if (y <= -N0 || y >= N0) throw new FieldRangeError('y', 'must satisfy |y| < N0');
  if (x < 0n || x >= q) throw new FieldRangeError('x', 'must lie in [0, q)');
  if (rho <= 0n || rho >= N0) throw new FieldRangeError('rho', 'must lie in Z*_N0');
  const enc = paillierEncryptor(N0, witness.factors, 'witness.factors');
  if (enc(y, rho) !== C) throw new CryptoError('C ≠ (1 + N0)^y·ρ^N0 mod N0²', 'witness');
  if (mod(y, q) !== x) throw new CryptoError('y ≢ x (mod q)', 'witness');
  const Nhat = rp.N;
  const alpha = sampleSigned(ell + epsilon, N0, rng);
  const mu = sampleSigned(ell, Nhat, rng);
  const nu = sampleSigned(ell + epsilon, Nhat, rng);
  const r = sampleUnit(N0, rng);
  const S = ringPedersenCommitSecret(rp, y, mu, bitLength(N0) + 1, boundBits(ell, Nhat) + 1);
  const T = ringPedersenCommitSecret(rp, alpha, nu, boundBits(ell + epsilon, N0) + 1, boundBits(ell + epsilon, Nhat) + 1);
  const A = enc(alpha, r);
  const gamma = mod(alpha, q);
  const e = challenge(binding, statement, S, T, A, gamma, params);
  return { S, T, A, gamma, z1: alpha + e * y, z2: nu + e * mu, w: nonceResponse(r, rho, e, N0, rng) };
}

/**
 * Verifies Π^dec; returns normally on success.
 * @throws {CryptoError} naming the failed check: `pidec.N0` (incl. below 2048 bits), `pidec.rp.*`,
 * `pidec.C|x`, `pidec.S|T|A|w|gamma` (membership), `pidec.z1|z2` (range), `pidec.equation-paillier`,
 * `pidec.equation-mod-q`, `pidec.equation-rp`.
 */
export function verifyPiDec(binding: TranscriptBinding, statement: PiDecStatement, proof: PiDecProof, params: PaillierProofParams = CGGMP21_PARAMS): void {
  validateProofParams(params);
  const { N0, C, x, rp } = statement;
  const q = params.q;
  requireModulus('pidec.N0', N0, params.minModulusBits);
  validateRingPedersenParams(rp, params.minModulusBits, 'pidec.rp');
  const N02 = N0 * N0;
  const Nhat = rp.N;
  requireUnit('pidec.C', C, N02);
  if (typeof x !== 'bigint' || x < 0n || x >= q) throw new CryptoError('must be an integer in [0, q)', 'pidec.x');
  requireUnit('pidec.S', proof.S, Nhat);
  requireUnit('pidec.T', proof.T, Nhat);
  requireUnit('pidec.A', proof.A, N02);
  requireUnit('pidec.w', proof.w, N0);
  if (typeof proof.gamma !== 'bigint' || proof.gamma < 0n || proof.gamma >= q) throw new CryptoError('must be an integer in [0, q)', 'pidec.gamma');
  const b = bounds(N0, Nhat, params);
  requireSymmetricRange('pidec.z1', proof.z1, b.z1);
  requireSymmetricRange('pidec.z2', proof.z2, b.z2);
  const e = challenge(binding, statement, proof.S, proof.T, proof.A, proof.gamma, params);
  // (1 + N0)^z1·w^N0 = A·C^e  ⇔  (1 + N0)^z1·w^N0·C^(−e) = A
  if (modMul(paillierG(N0, N02, proof.z1), multiPowSignedVartime([proof.w, C], [N0, -e], N02), N02) !== proof.A)
    throw new CryptoError('(1 + N0)^z1·w^N0 ≠ A·C^e mod N0²', 'pidec.equation-paillier');
  if (mod(proof.z1, q) !== mod(proof.gamma + e * x, q)) throw new CryptoError('z1 ≢ γ + e·x (mod q)', 'pidec.equation-mod-q');
  if (!ringPedersenCheckVartime(rp, proof.z1, proof.z2, proof.T, proof.S, e))
    throw new CryptoError('s^z1·t^z2 ≠ T·S^e mod N̂', 'pidec.equation-rp');
}

function lengths(st: PiDecStatement, params: PaillierProofParams) {
  return {
    b: bounds(st.N0, st.rp.N, params),
    rp: ringPedersenElementBytes(st.rp),
    n0: bytesOf(st.N0),
    n0sq: bytesOf(st.N0 * st.N0),
    q: bytesOf(params.q),
  };
}

/** Canonical wire form of Π^dec (lengths from N0, N̂ and the parameters). */
export function encodePiDecProof(statement: PiDecStatement, proof: PiDecProof, params: PaillierProofParams = CGGMP21_PARAMS): EncodedProof {
  const L = lengths(statement, params);
  return envelope(PIDEC_KIND, {
    S: hexUnsigned('S', proof.S, L.rp),
    T: hexUnsigned('T', proof.T, L.rp),
    A: hexUnsigned('A', proof.A, L.n0sq),
    gamma: hexUnsigned('gamma', proof.gamma, L.q),
    z1: hexSigned('z1', proof.z1, lengthFor(L.b.z1)),
    z2: hexSigned('z2', proof.z2, lengthFor(L.b.z2)),
    w: hexUnsigned('w', proof.w, L.n0),
  });
}

/**
 * Strictly parses Π^dec for the statement's moduli.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function decodePiDecProof(statement: PiDecStatement, input: unknown, params: PaillierProofParams = CGGMP21_PARAMS): PiDecProof {
  const o = openEnvelope(input, PIDEC_KIND, ['S', 'T', 'A', 'gamma', 'z1', 'z2', 'w']);
  const L = lengths(statement, params);
  const { N0, rp } = statement;
  return {
    S: readUnsigned('S', o['S'], L.rp, 1n, rp.N),
    T: readUnsigned('T', o['T'], L.rp, 1n, rp.N),
    A: readUnsigned('A', o['A'], L.n0sq, 1n, N0 * N0),
    gamma: readUnsigned('gamma', o['gamma'], L.q, 0n, params.q),
    z1: readSigned('z1', o['z1'], lengthFor(L.b.z1), L.b.z1),
    z2: readSigned('z2', o['z2'], lengthFor(L.b.z2), L.b.z2),
    w: readUnsigned('w', o['w'], L.n0, 1n, N0),
  };
}
