/**
 * Π^fac: no small factor — N0 = p·q with p, q > 2^ℓ (CGGMP21, eprint 2021/060, Appendix C.5,
 * Fig. 28), made non-interactive with the Tessera transcript. The proof is made against the
 * VERIFIER's ring-Pedersen parameters (N̂, s, t). The honest prover needs balanced factors
 * (p, q ≤ 2^ℓ·√N0); the verifier learns p, q ≥ √N0 / 2^(ℓ+ε), which is 2^ℓ when |N0| = 8ℓ and
 * ε = 2ℓ (2048 bits, ℓ = 256, ε = 512).
 *
 * With √N0 = ⌊√N0⌋ (the same integer on both sides):
 *   1. Prover samples α, β ← ±2^(ℓ+ε)·√N0;  μ, ν ← ±2^ℓ·N̂;  σ ← ±2^ℓ·N0·N̂;
 *      r ← ±2^(ℓ+ε)·N0·N̂;  x, y ← ±2^(ℓ+ε)·N̂, and sends
 *      P = s^p t^μ, Q = s^q t^ν, A = s^α t^x, B = s^β t^y, T = Q^α t^r (mod N̂), and σ.
 *   2. e ← ±q from the transcript (params, N0, N̂, s, t, P, Q, A, B, T, σ).
 *   3. σ̂ = σ − ν·p;  z1 = α + e·p,  z2 = β + e·q,  w1 = x + e·μ,  w2 = y + e·ν,  v = r + e·σ̂.
 *   Verifier, with R = s^N0 · t^σ mod N̂, accepts iff (evaluated as multi-exponentiations)
 *      s^z1 t^w1 = A·P^e,   s^z2 t^w2 = B·Q^e,   Q^z1 t^v = T·R^e   (mod N̂),
 *      and z1, z2 ∈ ±√N0·2^(ℓ+ε).
 * Factors above 2^256 rule out the small-factor moduli behind the Alpha-Rays / BitForge /
 * TSSHOCK key-extraction attacks (they need factors small enough to search for).
 * The transcript absorbs, after the header records: params, N0 (⌈|N0|/8⌉ bytes), N̂, s, t, P, Q,
 * A, B, T (⌈|N̂|/8⌉ bytes each), σ (signed, length of its bound), then squeezes e ∈ ±q.
 *
 * Tessera's verifier also refuses N0 or N̂ below 2048 bits, commitments outside Z*_N̂ and
 * σ, w1, w2, v beyond the largest values an honest prover produces (canonical lengths).
 * Encoding (`kind: "pifac"`): P, Q, A, B, T as ⌈|N̂|/8⌉-byte hex; σ, z1, z2, w1, w2, v as signed
 * hex with lengths from their bounds.
 * @module
 */
import { modMul } from '../backend/index.ts';
import { bitLength } from '../bytes.ts';
import { CryptoError, FieldRangeError, assertBigInt } from '../errors.ts';
import { isqrt } from '../modular.ts';
import { systemRng, type RandomSource } from '../rng.ts';
import { Transcript, type TranscriptBinding } from '../transcript.ts';
import { envelope, hexSigned, hexUnsigned, lengthFor, openEnvelope, readSigned, readUnsigned, type EncodedProof } from './codec.ts';
import {
  boundBits,
  inSymmetricRange,
  multiPowSignedVartime,
  pow2,
  powSignedSecret,
  requireModulus,
  requireSymmetricRange,
  requireUnit,
  ringPedersenCheckVartime,
  ringPedersenCommitSecret,
  sampleSigned,
} from './math.ts';
import { CGGMP21_PARAMS, absorbParams, validateProofParams, type PaillierProofParams } from './params.ts';
import { ringPedersenElementBytes, validateRingPedersenParams, type RingPedersenParams } from './ring-pedersen.ts';

/** Encoding kind of Π^fac. */
export const PIFAC_KIND = 'pifac';
const DOMAIN = 'tessera/zk/pifac/v1';
/** Fresh-randomness retries when a response falls outside its range (negligible for honest provers). */
const MAX_ATTEMPTS = 16;

/** Statement of Π^fac: the prover's modulus N0 and the verifier's ring-Pedersen parameters. */
export interface PiFacStatement {
  /** N0 = p·q, the prover's Paillier modulus. */
  readonly N0: bigint;
  /** (N̂, s, t) of the verifier. */
  readonly rp: RingPedersenParams;
}

/** Witness: the factors. Security: never send. */
export interface PiFacWitness {
  readonly p: bigint;
  readonly q: bigint;
}

/** Π^fac proof. */
export interface PiFacProof {
  /** P = s^p t^μ mod N̂. */
  readonly P: bigint;
  /** Q = s^q t^ν mod N̂. */
  readonly Q: bigint;
  /** A = s^α t^x mod N̂. */
  readonly A: bigint;
  /** B = s^β t^y mod N̂. */
  readonly B: bigint;
  /** T = Q^α t^r mod N̂. */
  readonly T: bigint;
  /** σ ∈ ±2^ℓ·N0·N̂. */
  readonly sigma: bigint;
  /** z1 = α + e·p. */
  readonly z1: bigint;
  /** z2 = β + e·q. */
  readonly z2: bigint;
  /** w1 = x + e·μ. */
  readonly w1: bigint;
  /** w2 = y + e·ν. */
  readonly w2: bigint;
  /** v = r + e·σ̂. */
  readonly v: bigint;
}

/** The ranges the verifier enforces (all symmetric: |value| ≤ bound). */
function bounds(N0: bigint, Nhat: bigint, params: PaillierProofParams) {
  const { ell, epsilon, q } = params;
  const sqrtN0 = isqrt(N0);
  const mask = pow2(ell + epsilon);
  return {
    sqrtN0,
    sigma: pow2(ell) * N0 * Nhat,
    z: mask * sqrtN0,
    w: mask * Nhat + q * pow2(ell) * Nhat,
    v: mask * N0 * Nhat + q * pow2(ell + 1) * N0 * Nhat,
  };
}

function challenge(binding: TranscriptBinding, st: PiFacStatement, c: Omit<PiFacProof, 'z1' | 'z2' | 'w1' | 'w2' | 'v'>, params: PaillierProofParams): bigint {
  const len = ringPedersenElementBytes(st.rp);
  const b = bounds(st.N0, st.rp.N, params);
  const t = new Transcript(DOMAIN, binding);
  absorbParams(t, params);
  t.appendBigInt('N0', st.N0, Math.ceil(bitLength(st.N0) / 8));
  t.appendBigInt('Nhat', st.rp.N, len);
  t.appendBigInt('s', st.rp.s, len);
  t.appendBigInt('t', st.rp.t, len);
  t.appendBigInt('P', c.P, len);
  t.appendBigInt('Q', c.Q, len);
  t.appendBigInt('A', c.A, len);
  t.appendBigInt('B', c.B, len);
  t.appendBigInt('T', c.T, len);
  t.appendSignedBigInt('sigma', c.sigma, lengthFor(b.sigma));
  return t.challengeSigned('e', params.q);
}

/**
 * Proves that N0 has no small factor, against the verifier's ring-Pedersen parameters.
 * @throws {FieldRangeError} if p·q ≠ N0 or a factor exceeds 2^ℓ·√N0 (unbalanced factors).
 * @throws {CryptoError} if no in-range response was found (negligible for an honest prover). @throws {RngHealthError}
 */
export function provePiFac(
  binding: TranscriptBinding,
  statement: PiFacStatement,
  witness: PiFacWitness,
  rng: RandomSource = systemRng(),
  params: PaillierProofParams = CGGMP21_PARAMS,
): PiFacProof {
  validateProofParams(params);
  const { N0, rp } = statement;
  const { p, q } = witness;
  assertBigInt('p', p);
  assertBigInt('q', q);
  if (p <= 1n || q <= 1n || p * q !== N0) throw new FieldRangeError('witness', 'p·q ≠ N0');
  const Nhat = rp.N;
  const { ell, epsilon } = params;
  const b = bounds(N0, Nhat, params);
  // The relation: p, q ≤ 2^ℓ·√N0 (equivalently both factors ≥ √N0 / 2^ℓ).
  if (p > pow2(ell) * (b.sqrtN0 + 1n) || q > pow2(ell) * (b.sqrtN0 + 1n))
    throw new FieldRangeError('witness', 'unbalanced factors: one exceeds 2^ℓ·√N0');
  const n0Bits = bitLength(N0);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const alpha = sampleSigned(ell + epsilon, b.sqrtN0, rng);
    const beta = sampleSigned(ell + epsilon, b.sqrtN0, rng);
    const mu = sampleSigned(ell, Nhat, rng);
    const nu = sampleSigned(ell, Nhat, rng);
    const sigma = sampleSigned(ell, N0 * Nhat, rng);
    const r = sampleSigned(ell + epsilon, N0 * Nhat, rng);
    const x = sampleSigned(ell + epsilon, Nhat, rng);
    const y = sampleSigned(ell + epsilon, Nhat, rng);
    const muBits = boundBits(ell, Nhat) + 1;
    const maskBits = boundBits(ell + epsilon, Nhat) + 1;
    const alphaBits = boundBits(ell + epsilon, b.sqrtN0) + 1;
    const P = ringPedersenCommitSecret(rp, p, mu, n0Bits, muBits);
    const Q = ringPedersenCommitSecret(rp, q, nu, n0Bits, muBits);
    const A = ringPedersenCommitSecret(rp, alpha, x, alphaBits, maskBits);
    const B = ringPedersenCommitSecret(rp, beta, y, alphaBits, maskBits);
    const T = modMul(powSignedSecret(Q, alpha, Nhat, alphaBits), powSignedSecret(rp.t, r, Nhat, boundBits(ell + epsilon, N0 * Nhat) + 1), Nhat);
    const e = challenge(binding, statement, { P, Q, A, B, T, sigma }, params);
    const sigmaHat = sigma - nu * p;
    const proof: PiFacProof = {
      P,
      Q,
      A,
      B,
      T,
      sigma,
      z1: alpha + e * p,
      z2: beta + e * q,
      w1: x + e * mu,
      w2: y + e * nu,
      v: r + e * sigmaHat,
    };
    // An honest response leaves its range with probability ≤ 2^-(ε−ℓ); start over with fresh randomness then.
    if (inSymmetricRange(proof.z1, b.z) && inSymmetricRange(proof.z2, b.z)) return proof;
  }
  throw new CryptoError(`no in-range response after ${MAX_ATTEMPTS} attempts`, 'pifac');
}

/**
 * Verifies Π^fac; returns normally on success.
 * @throws {CryptoError} naming the failed check: `pifac.N0` (incl. below 2048 bits), `pifac.rp.N|s|t`,
 * `pifac.P|Q|A|B|T` (not in Z*_N̂), `pifac.sigma|z1|z2|w1|w2|v` (range), `pifac.equation-p`,
 * `pifac.equation-q`, `pifac.equation-t`.
 */
export function verifyPiFac(
  binding: TranscriptBinding,
  statement: PiFacStatement,
  proof: PiFacProof,
  params: PaillierProofParams = CGGMP21_PARAMS,
): void {
  validateProofParams(params);
  const { N0, rp } = statement;
  requireModulus('pifac.N0', N0, params.minModulusBits);
  validateRingPedersenParams(rp, params.minModulusBits, 'pifac.rp');
  const Nhat = rp.N;
  for (const f of ['P', 'Q', 'A', 'B', 'T'] as const) requireUnit(`pifac.${f}`, proof[f], Nhat);
  const b = bounds(N0, Nhat, params);
  requireSymmetricRange('pifac.sigma', proof.sigma, b.sigma);
  requireSymmetricRange('pifac.z1', proof.z1, b.z);
  requireSymmetricRange('pifac.z2', proof.z2, b.z);
  requireSymmetricRange('pifac.w1', proof.w1, b.w);
  requireSymmetricRange('pifac.w2', proof.w2, b.w);
  requireSymmetricRange('pifac.v', proof.v, b.v);
  const e = challenge(binding, statement, proof, params);
  if (!ringPedersenCheckVartime(rp, proof.z1, proof.w1, proof.A, proof.P, e))
    throw new CryptoError('s^z1·t^w1 ≠ A·P^e mod N̂', 'pifac.equation-p');
  if (!ringPedersenCheckVartime(rp, proof.z2, proof.w2, proof.B, proof.Q, e))
    throw new CryptoError('s^z2·t^w2 ≠ B·Q^e mod N̂', 'pifac.equation-q');
  // Q^z1·t^v = T·R^e with R = s^N0·t^σ  ⇔  Q^z1·t^(v − e·σ)·s^(−e·N0) = T
  if (multiPowSignedVartime([proof.Q, rp.t, rp.s], [proof.z1, proof.v - e * proof.sigma, -e * N0], Nhat) !== proof.T)
    throw new CryptoError('Q^z1·t^v ≠ T·R^e mod N̂ (R = s^N0·t^σ)', 'pifac.equation-t');
}

/** Canonical wire form of Π^fac (lengths from N0, N̂ and the parameters). */
export function encodePiFacProof(statement: PiFacStatement, proof: PiFacProof, params: PaillierProofParams = CGGMP21_PARAMS): EncodedProof {
  const len = ringPedersenElementBytes(statement.rp);
  const b = bounds(statement.N0, statement.rp.N, params);
  return envelope(PIFAC_KIND, {
    P: hexUnsigned('P', proof.P, len),
    Q: hexUnsigned('Q', proof.Q, len),
    A: hexUnsigned('A', proof.A, len),
    B: hexUnsigned('B', proof.B, len),
    T: hexUnsigned('T', proof.T, len),
    sigma: hexSigned('sigma', proof.sigma, lengthFor(b.sigma)),
    z1: hexSigned('z1', proof.z1, lengthFor(b.z)),
    z2: hexSigned('z2', proof.z2, lengthFor(b.z)),
    w1: hexSigned('w1', proof.w1, lengthFor(b.w)),
    w2: hexSigned('w2', proof.w2, lengthFor(b.w)),
    v: hexSigned('v', proof.v, lengthFor(b.v)),
  });
}

/**
 * Strictly parses Π^fac for the statement's moduli.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function decodePiFacProof(statement: PiFacStatement, input: unknown, params: PaillierProofParams = CGGMP21_PARAMS): PiFacProof {
  const o = openEnvelope(input, PIFAC_KIND, ['P', 'Q', 'A', 'B', 'T', 'sigma', 'z1', 'z2', 'w1', 'w2', 'v']);
  const Nhat = statement.rp.N;
  const len = ringPedersenElementBytes(statement.rp);
  const b = bounds(statement.N0, Nhat, params);
  const elem = (f: string) => readUnsigned(f, o[f], len, 1n, Nhat);
  const signed = (f: string, bound: bigint) => readSigned(f, o[f], lengthFor(bound), bound);
  return {
    P: elem('P'),
    Q: elem('Q'),
    A: elem('A'),
    B: elem('B'),
    T: elem('T'),
    sigma: signed('sigma', b.sigma),
    z1: signed('z1', b.z),
    z2: signed('z2', b.z),
    w1: signed('w1', b.w),
    w2: signed('w2', b.w),
    v: signed('v', b.v),
  };
}
