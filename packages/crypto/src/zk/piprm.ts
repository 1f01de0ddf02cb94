/**
 * Π^prm: ring-Pedersen parameters are well formed, i.e. s ∈ ⟨t⟩ (CGGMP21, eprint 2021/060,
 * §6.4, Fig. 17), made non-interactive with the Tessera transcript.
 *
 * Statement: (N̂, s, t). Witness: λ with s = t^λ mod N̂ (and the factors of N̂, for speed).
 * For i = 1..m (m = `params.prmRounds`, at least 80, binary challenges):
 *   1. Prover samples a_i ← Z_φ(N̂), sends A_i = t^{a_i} mod N̂.
 *   2. e = (e_1..e_m) ← {0,1}^m from the transcript (params, N̂, s, t, A_1..A_m).
 *   3. Prover sends z_i = a_i + e_i·λ mod φ(N̂).
 *   Verifier accepts iff t^{z_i} = A_i · s^{e_i} mod N̂ for every i.
 * Each repetition catches a prover without λ with probability 1/2, so soundness error is 2^-m.
 *
 * Verifier also refuses N̂ below 2048 bits and s, t outside Z*_N̂ (see ./ring-pedersen.ts).
 * Encoding (`kind: "piprm"`): A and z as arrays of m fixed-length hex integers (⌈|N̂|/8⌉ bytes),
 * A_i ∈ [1, N̂), z_i ∈ [0, N̂).
 * @module
 */
import { createCrtContext, crtModPow, modMul, modPowVartime } from '../backend/index.ts';
import { bitLength } from '../bytes.ts';
import { CryptoError, assertBigInt } from '../errors.ts';
import { randomBelow, systemRng, type RandomSource } from '../rng.ts';
import { Transcript, type TranscriptBinding } from '../transcript.ts';
import { envelope, hexUnsigned, openEnvelope, readArray, readUnsigned, type EncodedProof } from './codec.ts';
import { requireUnit } from './math.ts';
import { CGGMP21_PARAMS, absorbParams, validateProofParams, type PaillierProofParams } from './params.ts';
import { ringPedersenElementBytes, validateRingPedersenParams, type RingPedersenParams, type RingPedersenSecret } from './ring-pedersen.ts';

/** Encoding kind of Π^prm. */
export const PIPRM_KIND = 'piprm';
const DOMAIN = 'tessera/zk/piprm/v1';

/** Statement of Π^prm: the ring-Pedersen parameters themselves. */
export type PiPrmStatement = RingPedersenParams;

/** Π^prm proof: m commitments and m responses. */
export interface PiPrmProof {
  /** A_i = t^{a_i} mod N̂. */
  readonly A: readonly bigint[];
  /** z_i = a_i + e_i·λ mod φ(N̂). */
  readonly z: readonly bigint[];
}

function challenges(binding: TranscriptBinding, st: PiPrmStatement, A: readonly bigint[], params: PaillierProofParams): boolean[] {
  const len = ringPedersenElementBytes(st);
  const t = new Transcript(DOMAIN, binding);
  absorbParams(t, params);
  t.appendBigInt('N', st.N, len);
  t.appendBigInt('s', st.s, len);
  t.appendBigInt('t', st.t, len);
  for (const Ai of A) t.appendBigInt('A', Ai, len);
  return t.challengeBits('e', params.prmRounds);
}

/**
 * Proves s ∈ ⟨t⟩ for the prover's own ring-Pedersen parameters.
 * @throws {CryptoError} if the witness does not match (t^λ ≠ s or p·q ≠ N̂). @throws {RngHealthError}
 */
export function provePiPrm(
  binding: TranscriptBinding,
  statement: PiPrmStatement,
  witness: RingPedersenSecret,
  rng: RandomSource = systemRng(),
  params: PaillierProofParams = CGGMP21_PARAMS,
): PiPrmProof {
  validateProofParams(params);
  assertBigInt('lambda', witness.lambda);
  if (witness.p * witness.q !== statement.N) throw new CryptoError('p·q ≠ N̂', 'witness');
  const ctx = createCrtContext(witness.p, witness.q, 1);
  const phi = (witness.p - 1n) * (witness.q - 1n);
  if (crtModPow(statement.t, witness.lambda, ctx) !== statement.s) throw new CryptoError('t^λ ≠ s', 'lambda');
  const a: bigint[] = [];
  const A: bigint[] = [];
  for (let i = 0; i < params.prmRounds; i++) {
    const ai = randomBelow(phi, rng);
    a.push(ai);
    A.push(crtModPow(statement.t, ai, ctx, bitLength(statement.N))); // aᵢ < φ(N̂) < N̂
  }
  const e = challenges(binding, statement, A, params);
  const z = a.map((ai, i) => (e[i] ? (ai + witness.lambda) % phi : ai));
  return { A, z };
}

/**
 * Verifies Π^prm; returns normally on success.
 * @throws {CryptoError} naming the failed check: `piprm.N` (incl. below 2048 bits), `piprm.s`, `piprm.t`,
 * `piprm.A`/`piprm.z` (count), `piprm.A[i]`, `piprm.z[i]` (range), `piprm.equation[i]`.
 */
export function verifyPiPrm(
  binding: TranscriptBinding,
  statement: PiPrmStatement,
  proof: PiPrmProof,
  params: PaillierProofParams = CGGMP21_PARAMS,
): void {
  validateProofParams(params);
  validateRingPedersenParams(statement, params.minModulusBits, 'piprm');
  const { N, s, t } = statement;
  const m = params.prmRounds;
  if (!Array.isArray(proof.A) || proof.A.length !== m) throw new CryptoError(`expected ${m} commitments`, 'piprm.A');
  if (!Array.isArray(proof.z) || proof.z.length !== m) throw new CryptoError(`expected ${m} responses`, 'piprm.z');
  proof.A.forEach((Ai, i) => requireUnit(`piprm.A[${i}]`, Ai, N));
  proof.z.forEach((zi, i) => {
    if (typeof zi !== 'bigint' || zi < 0n || zi >= N) throw new CryptoError('response out of range', `piprm.z[${i}]`);
  });
  const e = challenges(binding, statement, proof.A, params);
  for (let i = 0; i < m; i++) {
    const rhs = e[i] ? modMul(proof.A[i]!, s, N) : proof.A[i]!;
    if (modPowVartime(t, proof.z[i]!, N) !== rhs) throw new CryptoError('t^z ≠ A·s^e mod N̂', `piprm.equation[${i}]`);
  }
}

/** Canonical wire form of Π^prm (lengths from the statement's N̂). */
export function encodePiPrmProof(statement: PiPrmStatement, proof: PiPrmProof): EncodedProof {
  const len = ringPedersenElementBytes(statement);
  return envelope(PIPRM_KIND, {
    A: proof.A.map((v, i) => hexUnsigned(`A[${i}]`, v, len)),
    z: proof.z.map((v, i) => hexUnsigned(`z[${i}]`, v, len)),
  });
}

/**
 * Strictly parses Π^prm for the statement's N̂ and the configured number of rounds.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function decodePiPrmProof(
  statement: PiPrmStatement,
  input: unknown,
  params: PaillierProofParams = CGGMP21_PARAMS,
): PiPrmProof {
  const o = openEnvelope(input, PIPRM_KIND, ['A', 'z']);
  const len = ringPedersenElementBytes(statement);
  return {
    A: readArray('A', o['A'], params.prmRounds, (f, v) => readUnsigned(f, v, len, 1n, statement.N)),
    z: readArray('z', o['z'], params.prmRounds, (f, v) => readUnsigned(f, v, len, 0n, statement.N)),
  };
}
