/**
 * Π^aff-g: Paillier affine operation with group commitment in range (CGGMP21, eprint 2021/060,
 * §6.2, Fig. 15), made non-interactive with the Tessera transcript, against the VERIFIER's
 * ring-Pedersen parameters (N̂, s, t).
 *
 * Statement: N0 (the verifier's Paillier key), N1 (the prover's), C ∈ Z*_{N0²}, D ∈ Z*_{N0²},
 * Y ∈ Z*_{N1²}, X ∈ G. Witness: x ∈ ±2^ℓ, y ∈ ±2^ℓ′, ρ ∈ Z*_{N0}, ρ_y ∈ Z*_{N1} with
 *   D = C^x · (1 + N0)^y · ρ^N0 mod N0²,   Y = (1 + N1)^y · ρ_y^N1 mod N1²,   X = g^x.
 *   1. Prover samples α ← ±2^(ℓ+ε), β ← ±2^(ℓ′+ε), r ← Z*_{N0}, r_y ← Z*_{N1},
 *      γ, δ ← ±2^(ℓ+ε)·N̂, m, μ ← ±2^ℓ·N̂ and sends
 *      A = C^α (1 + N0)^β r^N0 mod N0²,  B_x = g^α,  B_y = (1 + N1)^β r_y^N1 mod N1²,
 *      E = s^α t^γ,  S = s^x t^m,  F = s^β t^δ,  T = s^y t^μ  (mod N̂).
 *   2. e ← ±q from the transcript (params, group, N0, N1, C, D, Y, X, N̂, s, t, A, B_x, B_y, E, S, F, T).
 *   3. z1 = α + e·x, z2 = β + e·y, z3 = γ + e·m, z4 = δ + e·μ, w = r·ρ^e mod N0, w_y = r_y·ρ_y^e mod N1.
 *   Verifier accepts iff z1 ∈ ±2^(ℓ+ε), z2 ∈ ±2^(ℓ′+ε) and
 *      C^z1 (1 + N0)^z2 w^N0 = A·D^e mod N0²,   g^z1 = B_x·X^e,   (1 + N1)^z2 w_y^N1 = B_y·Y^e mod N1²,
 *      s^z1 t^z3 = E·S^e,   s^z2 t^z4 = F·T^e  (mod N̂).
 * Use in CGGMP21 presigning: there D_{j,i} = γ_i ⊙ K_j ⊕ Enc_j(−β_{i,j}) and F_{j,i} = Enc_i(β_{i,j}), so the
 * caller proves with y = −β_{i,j} and Y = F_{j,i}^(−1) mod N1² (an encryption of −β with nonce r^(−1)).
 * Tessera's verifier also refuses moduli below 2048 bits, elements outside their groups, and z3, z4
 * beyond their honest bounds.
 * Encoding (`kind: "piaffg"`): A (⌈|N0²|/8⌉ bytes), B_y (⌈|N1²|/8⌉), E, S, F, T (⌈|N̂|/8⌉), w (⌈|N0|/8⌉),
 * w_y (⌈|N1|/8⌉) as hex; B_x as the group's canonical bytes; z1..z4 as signed hex.
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
  paillierEncrypt,
  paillierEncryptor,
  paillierG,
  pow2,
  powSignedSecret,
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

/** Encoding kind of Π^aff-g. */
export const PIAFFG_KIND = 'piaffg';
const DOMAIN = 'tessera/zk/piaffg/v1';
const MAX_ATTEMPTS = 16;

/** Statement of Π^aff-g. */
export interface PiAffGStatement {
  /** N0: the Paillier key C and D are under (the verifier's). */
  readonly N0: bigint;
  /** N1: the Paillier key Y is under (the prover's). */
  readonly N1: bigint;
  /** C ∈ Z*_{N0²}. */
  readonly C: bigint;
  /** D = C^x (1 + N0)^y ρ^N0 mod N0². */
  readonly D: bigint;
  /** Y = (1 + N1)^y ρ_y^N1 mod N1². */
  readonly Y: bigint;
  /** X = g^x (canonical bytes; g is the group generator). */
  readonly X: Uint8Array;
  /** (N̂, s, t) of the verifier. */
  readonly rp: RingPedersenParams;
}

/** Witness of Π^aff-g. Security: never send. */
export interface PiAffGWitness {
  /** x ∈ ±2^ℓ. */
  readonly x: bigint;
  /** y ∈ ±2^ℓ′. */
  readonly y: bigint;
  /** ρ ∈ Z*_{N0}. */
  readonly rho: bigint;
  /** ρ_y ∈ Z*_{N1}. */
  readonly rhoY: bigint;
  /**
   * Optional factors of N1 (the prover's own key, as in CGGMP21 presigning): the encryptions
   * under N1 then run through CRT. The proof is the same with or without them.
   */
  readonly factorsN1?: PaillierFactors;
}

/** Π^aff-g proof. */
export interface PiAffGProof {
  /** A = C^α (1 + N0)^β r^N0 mod N0². */
  readonly A: bigint;
  /** B_x = g^α (canonical bytes). */
  readonly Bx: Uint8Array;
  /** B_y = (1 + N1)^β r_y^N1 mod N1². */
  readonly By: bigint;
  /** E = s^α t^γ mod N̂. */
  readonly E: bigint;
  /** S = s^x t^m mod N̂. */
  readonly S: bigint;
  /** F = s^β t^δ mod N̂. */
  readonly F: bigint;
  /** T = s^y t^μ mod N̂. */
  readonly T: bigint;
  /** z1 = α + e·x. */
  readonly z1: bigint;
  /** z2 = β + e·y. */
  readonly z2: bigint;
  /** z3 = γ + e·m. */
  readonly z3: bigint;
  /** z4 = δ + e·μ. */
  readonly z4: bigint;
  /** w = r·ρ^e mod N0. */
  readonly w: bigint;
  /** w_y = r_y·ρ_y^e mod N1. */
  readonly wY: bigint;
}

type Commitments = Pick<PiAffGProof, 'A' | 'Bx' | 'By' | 'E' | 'S' | 'F' | 'T'>;

function bytesOf(n: bigint): number {
  return Math.ceil(bitLength(n) / 8);
}

function bounds(Nhat: bigint, params: PaillierProofParams) {
  const { ell, ellPrime, epsilon, q } = params;
  const z34 = pow2(ell + epsilon) * Nhat + q * pow2(ell) * Nhat;
  return { z1: pow2(ell + epsilon), z2: pow2(ellPrime + epsilon), z3: z34, z4: z34 };
}

function challenge<P>(
  group: PrimeOrderGroup<P>,
  binding: TranscriptBinding,
  st: PiAffGStatement,
  c: Commitments,
  params: PaillierProofParams,
): bigint {
  const len = ringPedersenElementBytes(st.rp);
  const n0sq = bytesOf(st.N0 * st.N0);
  const n1sq = bytesOf(st.N1 * st.N1);
  const t = new Transcript(DOMAIN, binding);
  absorbParams(t, params);
  t.appendString('group', group.name);
  t.appendBigInt('N0', st.N0, bytesOf(st.N0));
  t.appendBigInt('N1', st.N1, bytesOf(st.N1));
  t.appendBigInt('C', st.C, n0sq);
  t.appendBigInt('D', st.D, n0sq);
  t.appendBigInt('Y', st.Y, n1sq);
  t.appendPoint('X', st.X);
  t.appendBigInt('Nhat', st.rp.N, len);
  t.appendBigInt('s', st.rp.s, len);
  t.appendBigInt('t', st.rp.t, len);
  t.appendBigInt('A', c.A, n0sq);
  t.appendPoint('Bx', c.Bx);
  t.appendBigInt('By', c.By, n1sq);
  t.appendBigInt('E', c.E, len);
  t.appendBigInt('S', c.S, len);
  t.appendBigInt('F', c.F, len);
  t.appendBigInt('T', c.T, len);
  return t.challengeSigned('e', params.q);
}

/**
 * Proves the affine relation D = C^x·Enc_N0(y; ρ), Y = Enc_N1(y; ρ_y), X = g^x with x, y in range.
 * @throws {FieldRangeError} if x ∉ ±2^ℓ, y ∉ ±2^ℓ′ or a nonce is out of range.
 * @throws {CryptoError} if the witness does not satisfy the statement, or (field `witness.factorsN1`)
 * if given factors do not multiply to N1. @throws {RngHealthError}
 */
export function provePiAffG<P>(
  group: PrimeOrderGroup<P>,
  binding: TranscriptBinding,
  statement: PiAffGStatement,
  witness: PiAffGWitness,
  rng: RandomSource = systemRng(),
  params: PaillierProofParams = CGGMP21_PARAMS,
): PiAffGProof {
  validateProofParams(params);
  const { N0, N1, C, D, Y, rp } = statement;
  const { x, y, rho, rhoY } = witness;
  const { ell, ellPrime, epsilon } = params;
  for (const [f, v] of [['x', x], ['y', y], ['rho', rho], ['rhoY', rhoY]] as const) assertBigInt(f, v);
  if (!inSymmetricRange(x, pow2(ell))) throw new FieldRangeError('x', `must lie in ±2^${ell}`);
  if (!inSymmetricRange(y, pow2(ellPrime))) throw new FieldRangeError('y', `must lie in ±2^${ellPrime}`);
  if (rho <= 0n || rho >= N0) throw new FieldRangeError('rho', 'must lie in Z*_N0');
  if (rhoY <= 0n || rhoY >= N1) throw new FieldRangeError('rhoY', 'must lie in Z*_N1');
  const N02 = N0 * N0;
  const N12 = N1 * N1;
  const g = group.generator();
  if (!group.equals(group.multiply(g, x), group.decode('X', statement.X))) throw new CryptoError('X ≠ g^x', 'witness');
  const enc1 = paillierEncryptor(N1, witness.factorsN1, 'witness.factorsN1');
  if (enc1(y, rhoY) !== Y) throw new CryptoError('Y ≠ (1 + N1)^y·ρ_y^N1 mod N1²', 'witness');
  const xBits = ell + 1;
  if (modMul(powSignedSecret(C, x, N02, xBits), paillierEncrypt(N0, N02, y, rho), N02) !== D)
    throw new CryptoError('D ≠ C^x·(1 + N0)^y·ρ^N0 mod N0²', 'witness');
  const Nhat = rp.N;
  const maskBits = boundBits(ell + epsilon, Nhat) + 1;
  const mBits = boundBits(ell, Nhat) + 1;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const alpha = sampleSigned(ell + epsilon, 1n, rng);
    const BxPoint = group.multiply(g, alpha);
    if (group.isIdentity(BxPoint)) continue;
    const beta = sampleSigned(ellPrime + epsilon, 1n, rng);
    const r = sampleUnit(N0, rng);
    const rY = sampleUnit(N1, rng);
    const gamma = sampleSigned(ell + epsilon, Nhat, rng);
    const m = sampleSigned(ell, Nhat, rng);
    const delta = sampleSigned(ell + epsilon, Nhat, rng);
    const mu = sampleSigned(ell, Nhat, rng);
    const c: Commitments = {
      A: modMul(powSignedSecret(C, alpha, N02, ell + epsilon + 1), paillierEncrypt(N0, N02, beta, r), N02),
      Bx: group.encode(BxPoint),
      By: enc1(beta, rY),
      E: ringPedersenCommitSecret(rp, alpha, gamma, ell + epsilon + 1, maskBits),
      S: ringPedersenCommitSecret(rp, x, m, xBits, mBits),
      F: ringPedersenCommitSecret(rp, beta, delta, ellPrime + epsilon + 1, maskBits),
      T: ringPedersenCommitSecret(rp, y, mu, ellPrime + 1, mBits),
    };
    const e = challenge(group, binding, statement, c, params);
    return {
      ...c,
      z1: alpha + e * x,
      z2: beta + e * y,
      z3: gamma + e * m,
      z4: delta + e * mu,
      w: nonceResponse(r, rho, e, N0, rng),
      wY: nonceResponse(rY, rhoY, e, N1, rng),
    };
  }
  throw new CryptoError(`commitment B_x was the identity ${MAX_ATTEMPTS} times`, 'piaffg');
}

/**
 * Verifies Π^aff-g; returns normally on success.
 * @throws {CryptoError} naming the failed check: `piaffg.N0|N1` (incl. below 2048 bits), `piaffg.rp.*`,
 * `piaffg.C|D|Y|X`, `piaffg.A|Bx|By|E|S|F|T|w|wY` (membership), `piaffg.z1..z4` (range),
 * `piaffg.equation-affine`, `piaffg.equation-group`, `piaffg.equation-paillier`, `piaffg.equation-rp-x`,
 * `piaffg.equation-rp-y`.
 */
export function verifyPiAffG<P>(
  group: PrimeOrderGroup<P>,
  binding: TranscriptBinding,
  statement: PiAffGStatement,
  proof: PiAffGProof,
  params: PaillierProofParams = CGGMP21_PARAMS,
): void {
  validateProofParams(params);
  const { N0, N1, C, D, Y, rp } = statement;
  requireModulus('piaffg.N0', N0, params.minModulusBits);
  requireModulus('piaffg.N1', N1, params.minModulusBits);
  validateRingPedersenParams(rp, params.minModulusBits, 'piaffg.rp');
  const N02 = N0 * N0;
  const N12 = N1 * N1;
  const Nhat = rp.N;
  requireUnit('piaffg.C', C, N02);
  requireUnit('piaffg.D', D, N02);
  requireUnit('piaffg.Y', Y, N12);
  const X = group.decode('piaffg.X', statement.X);
  requireUnit('piaffg.A', proof.A, N02);
  const Bx = group.decode('piaffg.Bx', proof.Bx);
  requireUnit('piaffg.By', proof.By, N12);
  for (const f of ['E', 'S', 'F', 'T'] as const) requireUnit(`piaffg.${f}`, proof[f], Nhat);
  requireUnit('piaffg.w', proof.w, N0);
  requireUnit('piaffg.wY', proof.wY, N1);
  const b = bounds(Nhat, params);
  requireSymmetricRange('piaffg.z1', proof.z1, b.z1);
  requireSymmetricRange('piaffg.z2', proof.z2, b.z2);
  requireSymmetricRange('piaffg.z3', proof.z3, b.z3);
  requireSymmetricRange('piaffg.z4', proof.z4, b.z4);
  const e = challenge(group, binding, statement, proof, params);
  // C^z1·(1 + N0)^z2·w^N0 = A·D^e  ⇔  C^z1·w^N0·D^(−e)·(1 + N0)^z2 = A
  const affine = modMul(multiPowSignedVartime([C, proof.w, D], [proof.z1, N0, -e], N02), paillierG(N0, N02, proof.z2), N02);
  if (affine !== proof.A)
    throw new CryptoError('C^z1·(1 + N0)^z2·w^N0 ≠ A·D^e mod N0²', 'piaffg.equation-affine');
  if (!group.equals(group.multiplyVartime(group.generator(), proof.z1), group.add(Bx, group.multiplyVartime(X, e))))
    throw new CryptoError('g^z1 ≠ B_x·X^e', 'piaffg.equation-group');
  if (modMul(paillierG(N1, N12, proof.z2), multiPowSignedVartime([proof.wY, Y], [N1, -e], N12), N12) !== proof.By)
    throw new CryptoError('(1 + N1)^z2·w_y^N1 ≠ B_y·Y^e mod N1²', 'piaffg.equation-paillier');
  if (!ringPedersenCheckVartime(rp, proof.z1, proof.z3, proof.E, proof.S, e))
    throw new CryptoError('s^z1·t^z3 ≠ E·S^e mod N̂', 'piaffg.equation-rp-x');
  if (!ringPedersenCheckVartime(rp, proof.z2, proof.z4, proof.F, proof.T, e))
    throw new CryptoError('s^z2·t^z4 ≠ F·T^e mod N̂', 'piaffg.equation-rp-y');
}

function lengths(st: PiAffGStatement, params: PaillierProofParams) {
  const b = bounds(st.rp.N, params);
  return {
    b,
    rp: ringPedersenElementBytes(st.rp),
    n0: bytesOf(st.N0),
    n1: bytesOf(st.N1),
    n0sq: bytesOf(st.N0 * st.N0),
    n1sq: bytesOf(st.N1 * st.N1),
  };
}

/** Canonical wire form of Π^aff-g. */
export function encodePiAffGProof<P>(
  group: PrimeOrderGroup<P>,
  statement: PiAffGStatement,
  proof: PiAffGProof,
  params: PaillierProofParams = CGGMP21_PARAMS,
): EncodedProof {
  const L = lengths(statement, params);
  if (proof.Bx.length !== group.elementBytes) throw new FieldRangeError('Bx', `expected ${group.elementBytes} bytes`);
  return envelope(PIAFFG_KIND, {
    A: hexUnsigned('A', proof.A, L.n0sq),
    Bx: hexBytes(proof.Bx),
    By: hexUnsigned('By', proof.By, L.n1sq),
    E: hexUnsigned('E', proof.E, L.rp),
    S: hexUnsigned('S', proof.S, L.rp),
    F: hexUnsigned('F', proof.F, L.rp),
    T: hexUnsigned('T', proof.T, L.rp),
    z1: hexSigned('z1', proof.z1, lengthFor(L.b.z1)),
    z2: hexSigned('z2', proof.z2, lengthFor(L.b.z2)),
    z3: hexSigned('z3', proof.z3, lengthFor(L.b.z3)),
    z4: hexSigned('z4', proof.z4, lengthFor(L.b.z4)),
    w: hexUnsigned('w', proof.w, L.n0),
    wY: hexUnsigned('wY', proof.wY, L.n1),
  });
}

/**
 * Strictly parses Π^aff-g for the statement's moduli and group.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function decodePiAffGProof<P>(
  group: PrimeOrderGroup<P>,
  statement: PiAffGStatement,
  input: unknown,
  params: PaillierProofParams = CGGMP21_PARAMS,
): PiAffGProof {
  const o = openEnvelope(input, PIAFFG_KIND, ['A', 'Bx', 'By', 'E', 'S', 'F', 'T', 'z1', 'z2', 'z3', 'z4', 'w', 'wY']);
  const L = lengths(statement, params);
  const { N0, N1, rp } = statement;
  const rpElem = (f: string) => readUnsigned(f, o[f], L.rp, 1n, rp.N);
  const signed = (f: 'z1' | 'z2' | 'z3' | 'z4') => readSigned(f, o[f], lengthFor(L.b[f]), L.b[f]);
  return {
    A: readUnsigned('A', o['A'], L.n0sq, 1n, N0 * N0),
    Bx: readBytes('Bx', o['Bx'], group.elementBytes),
    By: readUnsigned('By', o['By'], L.n1sq, 1n, N1 * N1),
    E: rpElem('E'),
    S: rpElem('S'),
    F: rpElem('F'),
    T: rpElem('T'),
    z1: signed('z1'),
    z2: signed('z2'),
    z3: signed('z3'),
    z4: signed('z4'),
    w: readUnsigned('w', o['w'], L.n0, 1n, N0),
    wY: readUnsigned('wY', o['wY'], L.n1, 1n, N1),
  };
}
