/**
 * Π^mod: N is a Paillier–Blum modulus, i.e. N = p·q with p ≡ q ≡ 3 (mod 4) and
 * gcd(N, φ(N)) = 1 (CGGMP21, eprint 2021/060, §6.3, Fig. 16), made non-interactive with the
 * Tessera transcript.
 *
 *   1. Prover samples w ← Z_N with Jacobi symbol (w / N) = −1 and sends it.
 *   2. y_1..y_m ← Z_N from the transcript (params, N, w), m = `params.modRounds` (≥ 80).
 *   3. For each i the prover sends
 *      - z_i = y_i^(N^(−1) mod φ(N)) mod N (an N-th root: exists for all y iff gcd(N, φ(N)) = 1),
 *      - a_i, b_i ∈ {0, 1} such that y′_i = (−1)^{a_i} · w^{b_i} · y_i is a quadratic residue
 *        modulo both p and q (for a Blum integer exactly one of the four choices works),
 *      - x_i = y′_i^{1/4} mod N, the fourth root that is itself a square (the "principal" root:
 *        the square root of the square root, each taken as the residue root).
 *   Verifier accepts iff N is odd and composite, and for every i: z_i^N = y_i and
 *   x_i^4 = (−1)^{a_i} · w^{b_i} · y_i (mod N).
 * Soundness error 2^-m. Tessera's verifier also refuses N below 2048 bits, w with (w / N) ≠ −1,
 * and x_i, z_i outside Z*_N; "composite" is checked with a base-2 Fermat test, which every prime
 * passes, so every prime N is refused.
 *
 * Fourth roots: for p ≡ 3 (mod 4) and a residue a, a^((p+1)/4) is the square root that is a
 * residue, so x_i mod p = y′^(((p+1)/4)² mod (p−1)); the same mod q, then CRT.
 * Encoding (`kind: "pimod"`): w, x[m], z[m] as ⌈|N|/8⌉-byte hex, a[m], b[m] as booleans.
 * @module
 */
import { createCrtContext, crtCombine, crtModPow, modMul, modPow, modPowVartime } from '../backend/index.ts';
import { bitLength } from '../bytes.ts';
import { CryptoError, FieldRangeError, assertBigInt } from '../errors.ts';
import { gcd, jacobi } from '../modular.ts';
import { randomBelow, systemRng, type RandomSource } from '../rng.ts';
import { Transcript, type TranscriptBinding } from '../transcript.ts';
import { envelope, hexUnsigned, openEnvelope, readArray, readBoolean, readUnsigned, type EncodedProof } from './codec.ts';
import {
  invertBlinded,
  isFermatProbablePrimeVartime,
  legendreSecret,
  requireModulus,
  requireUnit,
} from './math.ts';
import { CGGMP21_PARAMS, absorbParams, validateProofParams, type PaillierProofParams } from './params.ts';

/** Encoding kind of Π^mod. */
export const PIMOD_KIND = 'pimod';
const DOMAIN = 'tessera/zk/pimod/v1';

/** Statement of Π^mod: the modulus. */
export interface PiModStatement {
  /** N = p·q. */
  readonly N: bigint;
}

/** Witness: the Blum primes. Security: never send. */
export interface PiModWitness {
  readonly p: bigint;
  readonly q: bigint;
}

/** Π^mod proof. */
export interface PiModProof {
  /** w with Jacobi symbol (w / N) = −1. */
  readonly w: bigint;
  /** x_i = ((−1)^{a_i} w^{b_i} y_i)^{1/4} mod N. */
  readonly x: readonly bigint[];
  /** a_i: multiply y_i by −1. */
  readonly a: readonly boolean[];
  /** b_i: multiply y_i by w. */
  readonly b: readonly boolean[];
  /** z_i = y_i^{N^(−1) mod φ(N)} mod N. */
  readonly z: readonly bigint[];
}

function elementBytes(N: bigint): number {
  return Math.ceil(bitLength(N) / 8);
}

function challenges(binding: TranscriptBinding, N: bigint, w: bigint, params: PaillierProofParams): bigint[] {
  const len = elementBytes(N);
  const t = new Transcript(DOMAIN, binding);
  absorbParams(t, params);
  t.appendBigInt('N', N, len);
  t.appendBigInt('w', w, len);
  const ys: bigint[] = [];
  for (let i = 0; i < params.modRounds; i++) ys.push(t.challengeBelow('y', N));
  return ys;
}

/**
 * Proves that N is a Paillier–Blum modulus.
 * @throws {FieldRangeError} if p, q are not distinct primes ≡ 3 mod 4 with p·q = N (checked: residues, product).
 * @throws {CryptoError} if a challenge shares a factor with N (probability ≈ 2^-1000). @throws {RngHealthError}
 */
export function provePiMod(
  binding: TranscriptBinding,
  statement: PiModStatement,
  witness: PiModWitness,
  rng: RandomSource = systemRng(),
  params: PaillierProofParams = CGGMP21_PARAMS,
): PiModProof {
  validateProofParams(params);
  const { N } = statement;
  const { p, q } = witness;
  assertBigInt('p', p);
  assertBigInt('q', q);
  if (p * q !== N) throw new FieldRangeError('witness', 'p·q ≠ N');
  if ((p & 3n) !== 3n || (q & 3n) !== 3n || p === q) throw new FieldRangeError('witness', 'p and q must be distinct primes ≡ 3 (mod 4)');
  const ctx = createCrtContext(p, q, 1);
  const phi = (p - 1n) * (q - 1n);
  if (gcd(N, phi) !== 1n) throw new FieldRangeError('witness', 'gcd(N, φ(N)) ≠ 1');
  // N⁻¹ mod φ(N): one blinded inversion per proof (Euclid never runs on N mod φ itself).
  const nInv = invertBlinded(N % phi, phi, rng);
  let w: bigint;
  do w = randomBelow(N, rng);
  while (w === 0n || jacobi(w, N) !== -1);
  const wp = legendreSecret(w, p);
  const ys = challenges(binding, N, w, params);
  const rootExpP = (((p + 1n) >> 2n) * ((p + 1n) >> 2n)) % (p - 1n);
  const rootExpQ = (((q + 1n) >> 2n) * ((q + 1n) >> 2n)) % (q - 1n);
  const x: bigint[] = [];
  const a: boolean[] = [];
  const b: boolean[] = [];
  const z: bigint[] = [];
  for (const y of ys) {
    if (gcd(y, N) !== 1n) throw new CryptoError('challenge not in Z*_N', 'y');
    const lp = legendreSecret(y, p);
    const lq = legendreSecret(y, q);
    // Mod p: (−1)^a·wp^b·lp = 1 and mod q: (−1)^a·(−wp)^b·lq = 1 (since (w/p)(w/q) = −1).
    const bi = lp !== lq;
    const ai = (bi ? wp * lp : lp) !== 1;
    let yPrime = y;
    if (bi) yPrime = modMul(yPrime, w, N);
    if (ai) yPrime = N - yPrime;
    const xp = modPow(yPrime % p, rootExpP, p, bitLength(p));
    const xq = modPow(yPrime % q, rootExpQ, q, bitLength(q));
    x.push(crtCombine(xp, xq, ctx));
    a.push(ai);
    b.push(bi);
    z.push(crtModPow(y, nInv, ctx, bitLength(N)));
  }
  return { w, x, a, b, z };
}

/**
 * Verifies Π^mod; returns normally on success.
 * @throws {CryptoError} naming the failed check: `pimod.N` (even, below 2048 bits, or prime), `pimod.w`,
 * `pimod.x`/`pimod.z`/`pimod.a`/`pimod.b` (count), `pimod.x[i]`, `pimod.z[i]`, `pimod.a[i]`, `pimod.b[i]` (type/range),
 * `pimod.nth-root[i]` (z_i^N ≠ y_i), `pimod.fourth-root[i]`.
 */
export function verifyPiMod(
  binding: TranscriptBinding,
  statement: PiModStatement,
  proof: PiModProof,
  params: PaillierProofParams = CGGMP21_PARAMS,
): void {
  validateProofParams(params);
  const { N } = statement;
  requireModulus('pimod.N', N, params.minModulusBits);
  if (isFermatProbablePrimeVartime(N)) throw new CryptoError('modulus is prime (or a base-2 pseudoprime)', 'pimod.N');
  requireUnit('pimod.w', proof.w, N);
  if (jacobi(proof.w, N) !== -1) throw new CryptoError('Jacobi symbol (w / N) must be −1', 'pimod.w');
  const m = params.modRounds;
  for (const f of ['x', 'a', 'b', 'z'] as const) {
    const arr = proof[f];
    if (!Array.isArray(arr) || arr.length !== m) throw new CryptoError(`expected ${m} entries`, `pimod.${f}`);
  }
  for (let i = 0; i < m; i++) {
    requireUnit(`pimod.x[${i}]`, proof.x[i], N);
    requireUnit(`pimod.z[${i}]`, proof.z[i], N);
    if (typeof proof.a[i] !== 'boolean') throw new CryptoError('expected a boolean', `pimod.a[${i}]`);
    if (typeof proof.b[i] !== 'boolean') throw new CryptoError('expected a boolean', `pimod.b[${i}]`);
  }
  const ys = challenges(binding, N, proof.w, params);
  for (let i = 0; i < m; i++) {
    const y = ys[i]!;
    if (modPowVartime(proof.z[i]!, N, N) !== y) throw new CryptoError('z^N ≠ y mod N', `pimod.nth-root[${i}]`);
    let yPrime = y;
    if (proof.b[i]) yPrime = modMul(yPrime, proof.w, N);
    if (proof.a[i]) yPrime = (N - yPrime) % N;
    const x2 = modMul(proof.x[i]!, proof.x[i]!, N);
    if (modMul(x2, x2, N) !== yPrime) throw new CryptoError('x^4 ≠ (−1)^a·w^b·y mod N', `pimod.fourth-root[${i}]`);
  }
}

/** Canonical wire form of Π^mod (lengths from N). */
export function encodePiModProof(statement: PiModStatement, proof: PiModProof): EncodedProof {
  const len = elementBytes(statement.N);
  return envelope(PIMOD_KIND, {
    w: hexUnsigned('w', proof.w, len),
    x: proof.x.map((v, i) => hexUnsigned(`x[${i}]`, v, len)),
    a: [...proof.a],
    b: [...proof.b],
    z: proof.z.map((v, i) => hexUnsigned(`z[${i}]`, v, len)),
  });
}

/**
 * Strictly parses Π^mod for the statement's N and the configured number of rounds.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming the field.
 */
export function decodePiModProof(
  statement: PiModStatement,
  input: unknown,
  params: PaillierProofParams = CGGMP21_PARAMS,
): PiModProof {
  const o = openEnvelope(input, PIMOD_KIND, ['w', 'x', 'a', 'b', 'z']);
  const N = statement.N;
  const len = elementBytes(N);
  const m = params.modRounds;
  const elem = (f: string, v: unknown) => readUnsigned(f, v, len, 1n, N);
  return {
    w: elem('w', o['w']),
    x: readArray('x', o['x'], m, elem),
    a: readArray('a', o['a'], m, readBoolean),
    b: readArray('b', o['b'], m, readBoolean),
    z: readArray('z', o['z'], m, elem),
  };
}
