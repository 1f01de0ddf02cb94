/**
 * Threshold Paillier keys (Shoup 2000 §3 transposed to Paillier by Damgård–Jurik 2001 §4.1,
 * s = 1): the committee's validated public key and one party's validated key share.
 *
 * Public key: N; the committee 1..n and threshold T (any T parties decrypt); Δ = n!; a random
 * square v of Z*_{N²}; the verification keys vᵢ = v^{Δ·sᵢ} mod N²; θ = D mod N, where D is the
 * shared decryption exponent (D ≡ 0 mod λ(N), so c^D = 1 + (m·D mod N)·N for c = Enc(m)); and
 * `shareBits`, a public bound 0 ≤ sᵢ < 2^shareBits. The dealer uses d ≡ 0 (mod m), d ≡ 1 (mod N)
 * so θ = 1; the dealer-less key has D = Δ⁴·φ(N)·β for a jointly random β, θ revealed.
 *
 * Both types are branded: only {@link validateThresholdPublicKey} and
 * {@link validateThresholdKeyShare} make them, and they check
 * - public key: N odd and large enough, T ≤ n, v and every vᵢ units of Z*_{N²} with Jacobi
 *   symbol 1 modulo N (squares have it), θ a unit modulo N, and in the exponent of v: every
 *   vⱼ lies on the degree-(T−1) polynomial through v₁…v_T (vⱼ^Δ = ∏ vᵢ^{Δλ_{j,i}}), and the
 *   shared exponent is ≡ 0 modulo the order of v mod N (∏ vᵢ^{Δλ_{0,i}} ≡ 1 mod N);
 * - key share: 0 ≤ sᵢ < 2^shareBits and v^{Δ·sᵢ} = vᵢ (a party checks its share on receipt).
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { modPow } from '@tessera/crypto/backend';
import { bigIntToBytes, bitLength } from '@tessera/crypto/bytes';
import { CryptoError, FieldRangeError, FieldTypeError, assertBigInt, assertInteger } from '@tessera/crypto/errors';
import { gcd, jacobi } from '@tessera/crypto/modular';
import { lengthPrefixed } from '../engine/hash.ts';
import { partyIndex, partyRange, type PartyIndex } from '../engine/ids.ts';
import { MAX_COMMITTEE_SIZE, factorial, lagrangeIntegerCoefficients, multiPowSignedVartime } from './math.ts';

/** Smallest N accepted without `allowInsecureSize`. */
export const THRESHOLD_PAILLIER_MIN_BITS = 2048;
/** Smallest N accepted at all (tests with `allowInsecureSize`). */
export const THRESHOLD_PAILLIER_INSECURE_MIN_BITS = 64;
/** Largest N accepted. */
export const THRESHOLD_PAILLIER_MAX_BITS = 8192;
/** Largest share bound (bits) accepted. */
export const MAX_SHARE_BITS = 4 * THRESHOLD_PAILLIER_MAX_BITS;

declare const publicKeyBrand: unique symbol;
declare const keyShareBrand: unique symbol;

/** The committee's public key, validated. */
export interface ThresholdPaillierPublicKey {
  /** The Paillier modulus N (g = N + 1). */
  readonly N: bigint;
  /** N². */
  readonly N2: bigint;
  /** Bit length of N. */
  readonly bits: number;
  /** The committee: parties 1..n. */
  readonly parties: readonly PartyIndex[];
  /** T: any T parties decrypt (T − 1 corruptions tolerated). */
  readonly threshold: number;
  /** Δ = n!. */
  readonly delta: bigint;
  /** v: a random square of Z*_{N²}, the base of the verification keys. */
  readonly v: bigint;
  /** vᵢ = v^{Δ·sᵢ} mod N², for parties 1..n in order. */
  readonly verificationKeys: readonly bigint[];
  /** θ = D mod N (1 for a dealer key). */
  readonly theta: bigint;
  /** Public bound on the shares: 0 ≤ sᵢ < 2^shareBits. */
  readonly shareBits: number;
  readonly [publicKeyBrand]: true;
}

/**
 * One party's key share, validated against the public key.
 * Security: `s` is secret; never send, log or store it unencrypted.
 */
export interface ThresholdPaillierKeyShare {
  readonly publicKey: ThresholdPaillierPublicKey;
  /** The party's index i. */
  readonly index: PartyIndex;
  /** sᵢ = f(i), the party's share of the decryption exponent. */
  readonly s: bigint;
  readonly [keyShareBrand]: true;
}

/** The raw material of a public key (what the encodings carry). */
export interface ThresholdPublicKeyFields {
  readonly N: bigint;
  readonly parties: number;
  readonly threshold: number;
  readonly v: bigint;
  readonly verificationKeys: readonly bigint[];
  readonly theta: bigint;
  readonly shareBits: number;
}

/** Options of {@link validateThresholdPublicKey}. */
export interface ThresholdKeyOptions {
  /** Accept N below 2048 bits (tests only). Decryption proofs still need 2048 bits. */
  readonly allowInsecureSize?: boolean;
}

/** v^{Δ·sᵢ} for a SECRET share (regular ladder). */
export function verificationKeyFor(pk: Pick<ThresholdPaillierPublicKey, 'v' | 'delta' | 'N2'>, s: bigint): bigint {
  return modPow(pk.v, pk.delta * s, pk.N2);
}

/** Throws unless x is a unit of Z*_{N²} with Jacobi symbol 1 modulo N (a necessary condition for a square). */
function requireSquareCandidate(field: string, x: unknown, N: bigint, N2: bigint): asserts x is bigint {
  assertBigInt(field, x);
  if (x <= 0n || x >= N2) throw new FieldRangeError(field, 'expected 0 < x < N²');
  if (gcd(x, N) !== 1n) throw new CryptoError('not a unit of Z*_{N²}', field);
  if (jacobi(x % N, N) !== 1) throw new CryptoError('Jacobi symbol modulo N is not 1, so it is not a square', field);
}

/**
 * Checks and brands a public key (see the module header for every check).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed fields.
 * @throws {CryptoError} naming the field whose algebraic check fails
 *   (`verificationKeys[j]` for a key off the polynomial, `verificationKeys` for a secret ≢ 0).
 */
export function validateThresholdPublicKey(raw: ThresholdPublicKeyFields, opts: ThresholdKeyOptions = {}): ThresholdPaillierPublicKey {
  if (raw === null || typeof raw !== 'object') throw new FieldTypeError('publicKey', 'expected an object');
  const { N } = raw;
  assertBigInt('N', N);
  const minBits = opts.allowInsecureSize ? THRESHOLD_PAILLIER_INSECURE_MIN_BITS : THRESHOLD_PAILLIER_MIN_BITS;
  const bits = N > 0n ? bitLength(N) : 0;
  if ((N & 1n) === 0n || bits < minBits || bits > THRESHOLD_PAILLIER_MAX_BITS)
    throw new FieldRangeError('N', `expected an odd modulus of ${minBits}..${THRESHOLD_PAILLIER_MAX_BITS} bits`);
  assertInteger('parties', raw.parties, 1, MAX_COMMITTEE_SIZE);
  assertInteger('threshold', raw.threshold, 1, raw.parties);
  assertInteger('shareBits', raw.shareBits, 1, MAX_SHARE_BITS);
  const N2 = N * N;
  requireSquareCandidate('v', raw.v, N, N2);
  if (!Array.isArray(raw.verificationKeys) || raw.verificationKeys.length !== raw.parties)
    throw new FieldRangeError('verificationKeys', `expected ${raw.parties} verification keys`);
  raw.verificationKeys.forEach((vk, k) => requireSquareCandidate(`verificationKeys[${k}]`, vk, N, N2));
  assertBigInt('theta', raw.theta);
  if (raw.theta <= 0n || raw.theta >= N || gcd(raw.theta, N) !== 1n) throw new CryptoError('θ must be a unit modulo N', 'theta');
  const delta = factorial(raw.parties);
  const parties = partyRange(raw.parties);
  const vks = Object.freeze([...raw.verificationKeys]);
  checkVerificationKeyConsistency(N, N2, delta, raw.threshold, vks);
  return Object.freeze({
    N,
    N2,
    bits,
    parties,
    threshold: raw.threshold,
    delta,
    v: raw.v,
    verificationKeys: vks,
    theta: raw.theta,
    shareBits: raw.shareBits,
  }) as ThresholdPaillierPublicKey;
}

/**
 * The checks in the exponent of v: with S = {1..T}, vⱼ^Δ = ∏_{i∈S} vᵢ^{Δλ^S_{j,i}} for every
 * j > T, and ∏_{i∈S} vᵢ^{Δλ^S_{0,i}} ≡ 1 (mod N).
 */
function checkVerificationKeyConsistency(N: bigint, N2: bigint, delta: bigint, T: number, vks: readonly bigint[]): void {
  const S = Array.from({ length: T }, (_, k) => k + 1);
  const base = vks.slice(0, T);
  for (let j = T + 1; j <= vks.length; j++) {
    const lhs = multiPowSignedVartime([vks[j - 1]!], [delta], N2);
    const rhs = multiPowSignedVartime(base, lagrangeIntegerCoefficients(delta, S, j), N2);
    if (lhs !== rhs) throw new CryptoError(`verification key of party ${j} is not on the degree-${T - 1} polynomial of the others`, `verificationKeys[${j - 1}]`);
  }
  const atZero = multiPowSignedVartime(base, lagrangeIntegerCoefficients(delta, S, 0), N2);
  if (atZero % N !== 1n) throw new CryptoError('the shared exponent is not ≡ 0 modulo the order of v (key is not a decryption key)', 'verificationKeys');
}

/**
 * Checks a share against the public key (the check a party runs on receipt) and brands it.
 * @throws {FieldRangeError} if the index or share is out of range.
 * @throws {CryptoError} (field `share`) if v^{Δ·s} ≠ v_index.
 */
export function validateThresholdKeyShare(publicKey: ThresholdPaillierPublicKey, index: number, s: bigint): ThresholdPaillierKeyShare {
  const i = partyIndex(index, 'index');
  if (i > publicKey.parties.length) throw new FieldRangeError('index', `party ${i} is not in the committee of ${publicKey.parties.length}`);
  assertBigInt('share', s);
  if (s < 0n || bitLength(s) > publicKey.shareBits) throw new FieldRangeError('share', `expected 0 ≤ s < 2^${publicKey.shareBits}`);
  if (verificationKeyFor(publicKey, s) !== publicKey.verificationKeys[i - 1])
    throw new CryptoError(`share does not match the verification key of party ${i}`, 'share');
  return Object.freeze({ publicKey, index: i, s }) as ThresholdPaillierKeyShare;
}

/** Byte length of N. */
export function modulusBytes(pk: Pick<ThresholdPaillierPublicKey, 'N'>): number {
  return Math.ceil(bitLength(pk.N) / 8);
}

/** Byte length of elements of Z*_{N²}. */
export function elementBytes(pk: Pick<ThresholdPaillierPublicKey, 'N2'>): number {
  return Math.ceil(bitLength(pk.N2) / 8);
}

/**
 * A 32-byte identifier of the public key: SHA-256 over a length-prefixed encoding of every
 * field. Decryption proofs are bound to it.
 */
export function thresholdKeyId(pk: ThresholdPaillierPublicKey): Uint8Array {
  const eb = elementBytes(pk);
  const nb = modulusBytes(pk);
  return sha256(
    lengthPrefixed([
      'tessera/threshold-paillier/key-id/v1',
      bigIntToBytes(pk.N, nb),
      pk.parties.length,
      pk.threshold,
      pk.shareBits,
      bigIntToBytes(pk.theta, nb),
      bigIntToBytes(pk.v, eb),
      ...pk.verificationKeys.map((vk) => bigIntToBytes(vk, eb)),
    ]),
  );
}

/** The public fields of a validated key (for encoders). */
export function publicKeyFields(pk: ThresholdPaillierPublicKey): ThresholdPublicKeyFields {
  return {
    N: pk.N,
    parties: pk.parties.length,
    threshold: pk.threshold,
    v: pk.v,
    verificationKeys: pk.verificationKeys,
    theta: pk.theta,
    shareBits: pk.shareBits,
  };
}
