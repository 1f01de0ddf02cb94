/**
 * Equality of discrete logarithms (Chaum–Pedersen), in two groups:
 *
 * 1. On a prime-order curve group G of order q (`dleq`): statement (g, h, X, Y) with X = g^x,
 *    Y = h^x; prover samples α ← [1, q), computes A = g^α, B = h^α, e = H(group, g, h, X, Y, A, B)
 *    mod q, z = α + e·x mod q, and sends (e, z). The verifier recomputes A = g^z·X^(−e),
 *    B = h^z·Y^(−e) and accepts iff the hash gives back e.
 *
 * 2. In Z*_{N²} (`dleq-zn`), the group of unknown order used by threshold Paillier decryption
 *    (Shoup, "Practical Threshold Signatures", Eurocrypt 2000, §2; Damgård–Jurik 2001, §4):
 *    statement (N, g, h, X, Y) with X = g^x, Y = h^x mod N², and a public bound 0 ≤ x < 2^b.
 *    Since the order is unknown the response is computed over the integers:
 *    r ← [0, 2^(b + c + s)), a = g^r, b′ = h^r, e = H(...) ∈ [0, 2^c), z = r + e·x (no reduction),
 *    with c = 128 challenge bits and s = 128 bits of statistical hiding. The verifier checks
 *    0 ≤ z < 2^(b + c + s + 1), recomputes a = g^z·X^(−e), b′ = h^z·Y^(−e) mod N² and the hash.
 *    Soundness needs the bases in the subgroup of squares (the threshold-decryption caller uses
 *    v = r², c^(4Δ), as Shoup does); this module checks that every element is a unit of Z*_{N²}
 *    and that N has at least 2048 bits.
 *
 * Both use the compact (e, z) form: for `dleq-zn` it saves two 4096-bit elements per proof.
 * Encodings: `kind: "dleq"` with e, z as `scalarBytes` hex in [0, q); `kind: "dleq-zn"` with e as
 * 16 bytes and z as ⌈(b + c + s + 1)/8⌉ bytes.
 * @module
 */
import { modPow } from '../backend/index.ts';
import { bitLength } from '../bytes.ts';
import { CryptoError, assertBigIntInRange, assertInteger } from '../errors.ts';
import { randomBelow, randomBits, systemRng, type RandomSource } from '../rng.ts';
import { Transcript, type TranscriptBinding } from '../transcript.ts';
import { envelope, hexUnsigned, lengthFor, openEnvelope, readUnsigned, type EncodedProof } from './codec.ts';
import type { PrimeOrderGroup } from './group.ts';
import { multiPowSignedVartime, pow2, requireModulus, requireUnit } from './math.ts';
import { MIN_MODULUS_BITS } from './params.ts';

/** Encoding kind of the curve Chaum–Pedersen proof. */
export const DLEQ_KIND = 'dleq';
/** Encoding kind of the Z*_{N²} Chaum–Pedersen proof. */
export const DLEQ_ZN_KIND = 'dleq-zn';
/** Challenge bits of `dleq-zn` (c). */
export const DLEQ_ZN_CHALLENGE_BITS = 128;
/** Statistical hiding bits of `dleq-zn` (s). */
export const DLEQ_ZN_STATISTICAL_BITS = 128;
/** Largest accepted bound on the secret exponent of `dleq-zn`, in bits. */
export const DLEQ_ZN_MAX_SECRET_BITS = 16384;

const DOMAIN = 'tessera/zk/dleq/v1';
const DOMAIN_ZN = 'tessera/zk/dleq-zn/v1';

/** Curve statement: X = g^x and Y = h^x (g defaults to the group generator). */
export interface DleqStatement {
  /** g (canonical bytes); the standard generator when omitted. */
  readonly g?: Uint8Array;
  /** h (canonical bytes). */
  readonly h: Uint8Array;
  /** X = g^x. */
  readonly X: Uint8Array;
  /** Y = h^x. */
  readonly Y: Uint8Array;
}

/** A compact Chaum–Pedersen proof (both variants). */
export interface DleqProof {
  /** Challenge e. */
  readonly e: bigint;
  /** Response z. */
  readonly z: bigint;
}

/** Z*_{N²} statement: X = g^x and Y = h^x mod N², with 0 ≤ x < 2^secretBits. */
export interface DleqZnStatement {
  /** The Paillier modulus N (the group is Z*_{N²}). */
  readonly N: bigint;
  /** First base g ∈ Z*_{N²}. */
  readonly g: bigint;
  /** Second base h ∈ Z*_{N²}. */
  readonly h: bigint;
  /** X = g^x mod N². */
  readonly X: bigint;
  /** Y = h^x mod N². */
  readonly Y: bigint;
  /** Public bound b on the witness: 0 ≤ x < 2^b. */
  readonly secretBits: number;
}

function curveChallenge<P>(
  group: PrimeOrderGroup<P>,
  binding: TranscriptBinding,
  g: Uint8Array,
  st: DleqStatement,
  A: P,
  B: P,
  field: string,
): bigint {
  if (group.isIdentity(A) || group.isIdentity(B)) throw new CryptoError('commitment is the identity', field);
  const t = new Transcript(DOMAIN, binding);
  t.appendString('group', group.name);
  t.appendPoint('g', g);
  t.appendPoint('h', st.h);
  t.appendPoint('X', st.X);
  t.appendPoint('Y', st.Y);
  t.appendPoint('A', group.encode(A));
  t.appendPoint('B', group.encode(B));
  return t.challengeScalar('e', group.order);
}

/**
 * Proves log_g X = log_h Y on a curve.
 * @throws {FieldRangeError} if x is not in [0, q). @throws {CryptoError} if the witness does not match.
 */
export function proveDleq<P>(
  group: PrimeOrderGroup<P>,
  binding: TranscriptBinding,
  statement: DleqStatement,
  x: bigint,
  rng: RandomSource = systemRng(),
): DleqProof {
  assertBigIntInRange('x', x, 0n, group.order);
  const gBytes = statement.g ?? group.encode(group.generator());
  const g = group.decode('g', gBytes);
  const h = group.decode('h', statement.h);
  if (!group.equals(group.multiply(g, x), group.decode('X', statement.X)) || !group.equals(group.multiply(h, x), group.decode('Y', statement.Y)))
    throw new CryptoError('witness does not match X = g^x, Y = h^x', 'x');
  const alpha = 1n + randomBelow(group.order - 1n, rng);
  const e = curveChallenge(group, binding, gBytes, statement, group.multiply(g, alpha), group.multiply(h, alpha), 'dleq.commitment');
  return { e, z: (alpha + e * x) % group.order };
}

/**
 * Verifies a curve Chaum–Pedersen proof; returns normally on success.
 * @throws {CryptoError} naming the failed check (`dleq.g`, `dleq.h`, `dleq.X`, `dleq.Y`, `dleq.e`, `dleq.z`, `dleq.challenge`).
 */
export function verifyDleq<P>(group: PrimeOrderGroup<P>, binding: TranscriptBinding, statement: DleqStatement, proof: DleqProof): void {
  const gBytes = statement.g ?? group.encode(group.generator());
  const g = group.decode('dleq.g', gBytes);
  const h = group.decode('dleq.h', statement.h);
  const X = group.decode('dleq.X', statement.X);
  const Y = group.decode('dleq.Y', statement.Y);
  for (const [f, v] of [['dleq.e', proof.e], ['dleq.z', proof.z]] as const)
    if (typeof v !== 'bigint' || v < 0n || v >= group.order) throw new CryptoError('must be a scalar in [0, q)', f);
  const negE = group.order - proof.e;
  const A = group.add(group.multiplyVartime(g, proof.z), group.multiplyVartime(X, negE));
  const B = group.add(group.multiplyVartime(h, proof.z), group.multiplyVartime(Y, negE));
  const e = curveChallenge(group, binding, gBytes, statement, A, B, 'dleq.challenge');
  if (e !== proof.e) throw new CryptoError('challenge mismatch: g^z·X^(−e), h^z·Y^(−e) do not hash to e', 'dleq.challenge');
}

/** Canonical wire form of a curve Chaum–Pedersen proof. */
export function encodeDleqProof<P>(group: PrimeOrderGroup<P>, proof: DleqProof): EncodedProof {
  return envelope(DLEQ_KIND, { e: hexUnsigned('e', proof.e, group.scalarBytes), z: hexUnsigned('z', proof.z, group.scalarBytes) });
}

/** Strictly parses a curve Chaum–Pedersen proof. @throws {FieldTypeError} @throws {FieldRangeError} */
export function decodeDleqProof<P>(group: PrimeOrderGroup<P>, input: unknown): DleqProof {
  const o = openEnvelope(input, DLEQ_KIND, ['e', 'z']);
  return {
    e: readUnsigned('e', o['e'], group.scalarBytes, 0n, group.order),
    z: readUnsigned('z', o['z'], group.scalarBytes, 0n, group.order),
  };
}

/** Exclusive upper bound on a `dleq-zn` response z for a witness bound of `secretBits`. */
export function dleqZnResponseBound(secretBits: number): bigint {
  return pow2(secretBits + DLEQ_ZN_CHALLENGE_BITS + DLEQ_ZN_STATISTICAL_BITS + 1);
}

function znChallenge(binding: TranscriptBinding, st: DleqZnStatement, a: bigint, b: bigint): bigint {
  const N2 = st.N * st.N;
  const len = Math.ceil(bitLength(N2) / 8);
  const t = new Transcript(DOMAIN_ZN, binding);
  t.appendBigInt('N', st.N, Math.ceil(bitLength(st.N) / 8));
  t.appendInteger('secret-bits', st.secretBits);
  t.appendInteger('challenge-bits', DLEQ_ZN_CHALLENGE_BITS);
  t.appendInteger('statistical-bits', DLEQ_ZN_STATISTICAL_BITS);
  t.appendBigInt('g', st.g, len);
  t.appendBigInt('h', st.h, len);
  t.appendBigInt('X', st.X, len);
  t.appendBigInt('Y', st.Y, len);
  t.appendBigInt('a', a, len);
  t.appendBigInt('b', b, len);
  return t.challengeBelow('e', pow2(DLEQ_ZN_CHALLENGE_BITS));
}

function checkZnStatement(st: DleqZnStatement, prefix: string): bigint {
  requireModulus(`${prefix}.N`, st.N, MIN_MODULUS_BITS);
  assertInteger(`${prefix}.secretBits`, st.secretBits, 1, DLEQ_ZN_MAX_SECRET_BITS);
  const N2 = st.N * st.N;
  requireUnit(`${prefix}.g`, st.g, N2);
  requireUnit(`${prefix}.h`, st.h, N2);
  requireUnit(`${prefix}.X`, st.X, N2);
  requireUnit(`${prefix}.Y`, st.Y, N2);
  return N2;
}

/**
 * Proves log_g X = log_h Y in Z*_{N²} for a witness 0 ≤ x < 2^secretBits.
 * @throws {FieldRangeError} if x is out of its declared range. @throws {CryptoError} if the statement is malformed or the witness does not match.
 */
export function proveDleqZn(
  binding: TranscriptBinding,
  statement: DleqZnStatement,
  x: bigint,
  rng: RandomSource = systemRng(),
): DleqProof {
  const N2 = checkZnStatement(statement, 'statement');
  assertBigIntInRange('x', x, 0n, pow2(statement.secretBits));
  // ladders over the statement's public bounds: x < 2^secretBits, r < 2^rBits
  const xBits = statement.secretBits;
  if (modPow(statement.g, x, N2, xBits) !== statement.X || modPow(statement.h, x, N2, xBits) !== statement.Y)
    throw new CryptoError('witness does not match X = g^x, Y = h^x mod N²', 'x');
  const rBits = statement.secretBits + DLEQ_ZN_CHALLENGE_BITS + DLEQ_ZN_STATISTICAL_BITS;
  const r = randomBits(rBits, rng);
  const e = znChallenge(binding, statement, modPow(statement.g, r, N2, rBits), modPow(statement.h, r, N2, rBits));
  return { e, z: r + e * x };
}

/**
 * Verifies a Z*_{N²} Chaum–Pedersen proof; returns normally on success.
 * @throws {CryptoError} naming the failed check (`dleq-zn.N` for a modulus below 2048 bits, `dleq-zn.g` …, `dleq-zn.e`, `dleq-zn.z`, `dleq-zn.challenge`).
 */
export function verifyDleqZn(binding: TranscriptBinding, statement: DleqZnStatement, proof: DleqProof): void {
  let N2: bigint;
  try {
    N2 = checkZnStatement(statement, 'dleq-zn');
  } catch (err) {
    if (err instanceof CryptoError) throw err;
    throw new CryptoError((err as Error).message, 'dleq-zn.secretBits');
  }
  if (typeof proof.e !== 'bigint' || proof.e < 0n || proof.e >= pow2(DLEQ_ZN_CHALLENGE_BITS))
    throw new CryptoError('challenge out of range', 'dleq-zn.e');
  if (typeof proof.z !== 'bigint' || proof.z < 0n || proof.z >= dleqZnResponseBound(statement.secretBits))
    throw new CryptoError('response out of range', 'dleq-zn.z');
  const a = multiPowSignedVartime([statement.g, statement.X], [proof.z, -proof.e], N2);
  const b = multiPowSignedVartime([statement.h, statement.Y], [proof.z, -proof.e], N2);
  if (znChallenge(binding, statement, a, b) !== proof.e)
    throw new CryptoError('challenge mismatch: g^z·X^(−e), h^z·Y^(−e) do not hash to e', 'dleq-zn.challenge');
}

/** Canonical wire form of a Z*_{N²} Chaum–Pedersen proof (needs the public bound on x). */
export function encodeDleqZnProof(secretBits: number, proof: DleqProof): EncodedProof {
  assertInteger('secretBits', secretBits, 1, DLEQ_ZN_MAX_SECRET_BITS);
  return envelope(DLEQ_ZN_KIND, {
    e: hexUnsigned('e', proof.e, DLEQ_ZN_CHALLENGE_BITS / 8),
    z: hexUnsigned('z', proof.z, lengthFor(dleqZnResponseBound(secretBits))),
  });
}

/** Strictly parses a Z*_{N²} Chaum–Pedersen proof. @throws {FieldTypeError} @throws {FieldRangeError} */
export function decodeDleqZnProof(secretBits: number, input: unknown): DleqProof {
  assertInteger('secretBits', secretBits, 1, DLEQ_ZN_MAX_SECRET_BITS);
  const o = openEnvelope(input, DLEQ_ZN_KIND, ['e', 'z']);
  const zBound = dleqZnResponseBound(secretBits);
  return {
    e: readUnsigned('e', o['e'], DLEQ_ZN_CHALLENGE_BITS / 8, 0n, pow2(DLEQ_ZN_CHALLENGE_BITS)),
    z: readUnsigned('z', o['z'], lengthFor(zBound), 0n, zBound),
  };
}
