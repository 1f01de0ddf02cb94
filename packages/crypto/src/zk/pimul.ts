/**
 * Π^mul: Paillier multiplication (CGGMP21, eprint 2021/060 revised, Appendix C.6, Fig. 29), made
 * non-interactive with the Tessera transcript. It shows that C encrypts the product of the
 * plaintext of Y with the plaintext x of X, all under one Paillier key N (the prover's own key
 * in the presigning blame round, so no ring-Pedersen parameters are involved).
 *
 * Statement: N, X, Y, C ∈ Z*_{N²}. Witness: x ∈ Z_N, ρ, ρ_x ∈ Z*_N with
 *   X = (1 + N)^x · ρ_x^N mod N²,   C = Y^x · ρ^N mod N².
 *   1. Prover samples α ← ±2^(ℓ+ε)·N, r, s ← Z*_N and sends
 *      A = Y^α · r^N mod N²,   B = (1 + N)^α · s^N mod N².
 *   2. e ← ±q from the transcript (params, N, X, Y, C, A, B).
 *   3. z = α + e·x,  u = r·ρ^e mod N,  v = s·ρ_x^e mod N.
 *   Verifier accepts iff Y^z · u^N = A · C^e and (1 + N)^z · v^N = B · X^e (mod N²).
 * Deviation from the figure: the paper draws α from Z_N, which does not hide e·x in z = α + e·x
 * (x ∈ Z_N, |e| ≤ q); Tessera draws α ← ±2^(ℓ+ε)·N so z is statistically hiding, and the
 * verifier refuses |z| > 2^(ℓ+ε)·N + q·N (the honest bound; soundness does not depend on it, the
 * bound only fixes the encoding length). It also refuses N below 2048 bits, X, Y, C, A, B ∉ Z*_{N²}
 * and u, v ∉ Z*_N.
 * Encoding (`kind: "pimul"`): A, B (⌈|N²|/8⌉ bytes), u, v (⌈|N|/8⌉) as hex; z as signed hex with
 * its length from the bound.
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
  multiPowSignedVartime,
  nonceResponse,
  paillierEncryptor,
  paillierG,
  pow2,
  powSignedSecret,
  requireModulus,
  requireSymmetricRange,
  requireUnit,
  sampleSigned,
  sampleUnit,
  type PaillierFactors,
} from './math.ts';
import { CGGMP21_PARAMS, absorbParams, validateProofParams, type PaillierProofParams } from './params.ts';

/** Encoding kind of Π^mul. */
export const PIMUL_KIND = 'pimul';
const DOMAIN = 'tessera/zk/pimul/v1';

/** Statement of Π^mul. */
export interface PiMulStatement {
  /** The prover's Paillier modulus N. */
  readonly N: bigint;
  /** X = Enc_N(x; ρ_x). */
  readonly X: bigint;
  /** Y ∈ Z*_{N²}, any ciphertext under N. */
  readonly Y: bigint;
  /** C = Y^x · ρ^N mod N². */
  readonly C: bigint;
}

/** Witness of Π^mul. Security: never send. */
export interface PiMulWitness {
  /** x ∈ [0, N). */
  readonly x: bigint;
  /** ρ ∈ Z*_N, the nonce of C. */
  readonly rho: bigint;
  /** ρ_x ∈ Z*_N, the nonce of X. */
  readonly rhoX: bigint;
  /** Optional factors of N (encryptions under the prover's own key then run through CRT). */
  readonly factors?: PaillierFactors;
}

/** Π^mul proof. */
export interface PiMulProof {
  /** A = Y^α · r^N mod N². */
  readonly A: bigint;
  /** B = (1 + N)^α · s^N mod N². */
  readonly B: bigint;
  /** z = α + e·x. */
  readonly z: bigint;
  /** u = r·ρ^e mod N. */
  readonly u: bigint;
  /** v = s·ρ_x^e mod N. */
  readonly v: bigint;
}

function bytesOf(n: bigint): number {
  return Math.ceil(bitLength(n) / 8);
}

function zBound(N: bigint, params: PaillierProofParams): bigint {
  return pow2(params.ell + params.epsilon) * N + params.q * N;
}

function challenge(binding: TranscriptBinding, st: PiMulStatement, A: bigint, B: bigint, params: PaillierProofParams): bigint {
  const n2len = bytesOf(st.N * st.N);
  const t = new Transcript(DOMAIN, binding);
  absorbParams(t, params);
  t.appendBigInt('N', st.N, bytesOf(st.N));
  t.appendBigInt('X', st.X, n2len);
  t.appendBigInt('Y', st.Y, n2len);
  t.appendBigInt('C', st.C, n2len);
  t.appendBigInt('A', A, n2len);
  t.appendBigInt('B', B, n2len);
  return t.challengeSigned('e', params.q);
}

/**
 * Proves that C encrypts (plaintext of Y)·x where X encrypts x, all under N.
 * @throws {FieldRangeError} if x ∉ [0, N) or a nonce ∉ Z*_N. @throws {CryptoError} if the witness
 * does not satisfy the statement, or (field `witness.factors`) if given factors do not multiply to N.
 * @throws {RngHealthError}
 */
export function provePiMul(
  binding: TranscriptBinding,
  statement: PiMulStatement,
  witness: PiMulWitness,
  rng: RandomSource = systemRng(),
  params: PaillierProofParams = CGGMP21_PARAMS,
): PiMulProof {
  validateProofParams(params);
  const { N, X, Y, C } = statement;
  const { x, rho, rhoX } = witness;
  for (const [f, v] of [['x', x], ['rho', rho], ['rhoX', rhoX]] as const) assertBigInt(f, v);
  if (x < 0n || x >= N) throw new FieldRangeError('x', 'must lie in [0, N)');
  if (rho <= 0n || rho >= N) throw new FieldRangeError('rho', 'must lie in Z*_N');
  if (rhoX <= 0n || rhoX >= N) throw new FieldRangeError('rhoX', 'must lie in Z*_N');
  const N2 = N * N;
  const enc = paillierEncryptor(N, witness.factors, 'witness.factors');
  const nBits = bitLength(N);
  if (enc(x, rhoX) !== X) throw new CryptoError('X ≠ (1 + N)^x·ρ_x^N mod N²', 'witness');
  if (modMul(powSignedSecret(Y, x, N2, nBits), enc(0n, rho), N2) !== C) throw new CryptoError('C ≠ Y^x·ρ^N mod N²', 'witness');
  const alphaBits = boundBits(params.ell + params.epsilon, N) + 1;
  const alpha = sampleSigned(params.ell + params.epsilon, N, rng);
  const r = sampleUnit(N, rng);
  const s = sampleUnit(N, rng);
  const A = modMul(powSignedSecret(Y, alpha, N2, alphaBits), enc(0n, r), N2);
  const B = enc(alpha, s);
  const e = challenge(binding, statement, A, B, params);
  return { A, B, z: alpha + e * x, u: nonceResponse(r, rho, e, N, rng), v: nonceResponse(s, rhoX, e, N, rng) };
}

/**
 * Verifies Π^mul; returns normally on success.
 * @throws {CryptoError} naming the failed check: `pimul.N` (incl. below 2048 bits), `pimul.X|Y|C`,
 * `pimul.A|B|u|v` (group membership), `pimul.z` (range), `pimul.equation-product`, `pimul.equation-x`.
 */
export function verifyPiMul(binding: TranscriptBinding, statement: PiMulStatement, proof: PiMulProof, params: PaillierProofParams = CGGMP21_PARAMS): void {
  validateProofParams(params);
  const { N, X, Y, C } = statement;
  requireModulus('pimul.N', N, params.minModulusBits);
  const N2 = N * N;
  requireUnit('pimul.X', X, N2);
  requireUnit('pimul.Y', Y, N2);
  requireUnit('pimul.C', C, N2);
  requireUnit('pimul.A', proof.A, N2);
  requireUnit('pimul.B', proof.B, N2);
  requireUnit('pimul.u', proof.u, N);
  requireUnit('pimul.v', proof.v, N);
  requireSymmetricRange('pimul.z', proof.z, zBound(N, params));
  const e = challenge(binding, statement, proof.A, proof.B, params);
  // Y^z·u^N = A·C^e  ⇔  Y^z·u^N·C^(−e) = A
  if (multiPowSignedVartime([Y, proof.u, C], [proof.z, N, -e], N2) !== proof.A)
    throw new CryptoError('Y^z·u^N ≠ A·C^e mod N²', 'pimul.equation-product');
  // (1 + N)^z·v^N = B·X^e  ⇔  (1 + N)^z·v^N·X^(−e) = B
  if (modMul(paillierG(N, N2, proof.z), multiPowSignedVartime([proof.v, X], [N, -e], N2), N2) !== proof.B)
    throw new CryptoError('(1 + N)^z·v^N ≠ B·X^e mod N²', 'pimul.equation-x');
}

/** Canonical wire form of Π^mul (lengths from N and the parameters). */
export function encodePiMulProof(statement: PiMulStatement, proof: PiMulProof, params: PaillierProofParams = CGGMP21_PARAMS): EncodedProof {
  const { N } = statement;
  const n2len = bytesOf(N * N);
  return envelope(PIMUL_KIND, {
    A: hexUnsigned('A', proof.A, n2len),
    B: hexUnsigned('B', proof.B, n2len),
    z: hexSigned('z', proof.z, lengthFor(zBound(N, params))),
    u: hexUnsigned('u', proof.u, bytesOf(N)),
    v: hexUnsigned('v', proof.v, bytesOf(N)),
  });
}

/**
 * Strictly parses Π^mul for the statement's modulus.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function decodePiMulProof(statement: PiMulStatement, input: unknown, params: PaillierProofParams = CGGMP21_PARAMS): PiMulProof {
  const o = openEnvelope(input, PIMUL_KIND, ['A', 'B', 'z', 'u', 'v']);
  const { N } = statement;
  const N2 = N * N;
  const zb = zBound(N, params);
  return {
    A: readUnsigned('A', o['A'], bytesOf(N2), 1n, N2),
    B: readUnsigned('B', o['B'], bytesOf(N2), 1n, N2),
    z: readSigned('z', o['z'], lengthFor(zb), zb),
    u: readUnsigned('u', o['u'], bytesOf(N), 1n, N),
    v: readUnsigned('v', o['v'], bytesOf(N), 1n, N),
  };
}
