/**
 * Threshold decryption: decryption shares with their proofs, verification and combination
 * (Shoup 2000 §3 "the protocol", adapted by Damgård–Jurik 2001 §4.1 to Paillier with s = 1).
 *
 * - Share: cᵢ = c^{2Δ·sᵢ} mod N².
 * - Proof: log_{c⁴}(cᵢ²) = log_v(vᵢ) (= Δ·sᵢ), the Z*_{N²} Chaum–Pedersen proof of
 *   `@tessera/crypto/zk/dleq` with g = v, X = vᵢ, h = c⁴, Y = cᵢ², witness x = Δ·sᵢ and public
 *   bound 0 ≤ x < 2^(shareBits + |Δ|). Squaring cᵢ and raising c to 4 puts both sides in the
 *   group of squares, where Shoup's soundness argument holds: a party cannot shift its share by
 *   an element of order 2. The proof is bound (transcript session id) to the key id, a caller
 *   context (the engine session, or empty for local decryption) and c, and to the prover index.
 * - Combination from a set S of T valid shares: λ₀ᵢ = Δ·∏_{j∈S∖{i}} j/(j − i) (integers),
 *   c′ = ∏ cᵢ^{2λ₀ᵢ} = c^{4Δ²·D} = 1 + 4Δ²·θ·m·N (mod N²), m = L(c′)·(4Δ²θ)⁻¹ mod N.
 *
 * The proofs need N ≥ 2048 bits (the dleq module refuses smaller moduli); keys made with
 * `allowInsecureSize` can still compute and combine shares ({@link decryptionShareValue},
 * {@link combineDecryptionShares}), which is how the small dealer-less tests decrypt.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { modPow } from '@tessera/crypto/backend';
import { bigIntToBytes, bitLength } from '@tessera/crypto/bytes';
import { CryptoError, FieldRangeError, assertBigInt, assertBytes } from '@tessera/crypto/errors';
import { gcd, invert } from '@tessera/crypto/modular';
import { systemRng, type RandomSource } from '@tessera/crypto/rng';
import type { TranscriptBinding } from '@tessera/crypto/transcript';
import {
  decodeDleqZnProof,
  encodeDleqZnProof,
  proveDleqZn,
  verifyDleqZn,
  type DleqProof,
  type DleqZnStatement,
} from '@tessera/crypto/zk/dleq';
import type { EncodedProof } from '@tessera/crypto/zk/codec';
import { lengthPrefixed } from '../../engine/hash.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import { elementBytes, thresholdKeyId, type ThresholdPaillierKeyShare, type ThresholdPaillierPublicKey } from '../key.ts';
import { lagrangeIntegerCoefficients, multiPowSignedVartime, paillierL } from '../math.ts';

/** A decryption share with its proof. */
export interface DecryptionShare {
  /** The party i that made it. */
  readonly index: PartyIndex;
  /** cᵢ = c^{2Δsᵢ} mod N². */
  readonly ci: bigint;
  /** Proof that log_{c⁴}(cᵢ²) = log_v(vᵢ). */
  readonly proof: DleqProof;
}

/** A decryption share that failed verification, and why. */
export interface InvalidShare {
  readonly index: PartyIndex;
  /** The failed check (e.g. `dleq-zn.challenge`, `ci`, `proof.z`) and its message. */
  readonly reason: string;
}

/** Fewer than T valid decryption shares: decryption is impossible; `culprits` sent invalid ones. */
export class InsufficientSharesError extends CryptoError {
  /** Parties whose shares failed verification (sorted). */
  readonly culprits: readonly PartyIndex[];
  /** Every invalid share with its reason. */
  readonly invalid: readonly InvalidShare[];
  /** Valid shares available, and the threshold T. */
  readonly valid: number;
  readonly threshold: number;
  constructor(valid: number, threshold: number, invalid: readonly InvalidShare[]) {
    const culprits = [...new Set(invalid.map((x) => x.index))].sort((a, b) => a - b);
    super(
      `only ${valid} valid decryption share${valid === 1 ? '' : 's'}, ${threshold} needed` +
        (culprits.length ? `; invalid shares from part${culprits.length === 1 ? 'y' : 'ies'} ${culprits.join(', ')}` : ''),
      'shares',
    );
    this.name = 'InsufficientSharesError';
    this.culprits = Object.freeze(culprits);
    this.invalid = Object.freeze([...invalid]);
    this.valid = valid;
    this.threshold = threshold;
  }
}

/** Public bound (bits) on the proof witness Δ·sᵢ. */
export function witnessBits(pk: ThresholdPaillierPublicKey): number {
  return pk.shareBits + bitLength(pk.delta);
}

/**
 * Checks that c is a ciphertext under N: 0 < c < N² and gcd(c, N) = 1.
 * @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError} naming `field`.
 */
export function validateThresholdCiphertext(pk: ThresholdPaillierPublicKey, c: bigint, field = 'c'): void {
  assertBigInt(field, c);
  if (c <= 0n || c >= pk.N2) throw new FieldRangeError(field, 'expected 0 < c < N²');
  if (gcd(c, pk.N) !== 1n) throw new CryptoError('ciphertext is not coprime to N', field);
}

/**
 * The transcript binding of party i's proof: session id = SHA-256(tag ‖ key id ‖ context ‖ c).
 * @param context caller context, e.g. the engine session id bytes; empty for local decryption.
 */
export function decryptionBinding(pk: ThresholdPaillierPublicKey, c: bigint, context: Uint8Array, index: number): TranscriptBinding {
  assertBytes('context', context);
  const sessionId = sha256(
    lengthPrefixed(['tessera/threshold-paillier/decryption-share/v1', thresholdKeyId(pk), context, bigIntToBytes(c, elementBytes(pk), 'c')]),
  );
  return { sessionId, proverIndex: index };
}

function statementFor(pk: ThresholdPaillierPublicKey, c: bigint, index: number, ci: bigint): DleqZnStatement {
  return {
    N: pk.N,
    g: pk.v,
    X: pk.verificationKeys[index - 1]!,
    h: modPow(c, 4n, pk.N2),
    Y: (ci * ci) % pk.N2,
    secretBits: witnessBits(pk),
  };
}

/**
 * cᵢ = c^{2Δ·sᵢ} mod N² without a proof (for keys too small for the proof, and for tests).
 * @throws as {@link validateThresholdCiphertext}.
 */
export function decryptionShareValue(share: ThresholdPaillierKeyShare, c: bigint): bigint {
  const pk = share.publicKey;
  validateThresholdCiphertext(pk, c);
  return modPow(c, 2n * pk.delta * share.s, pk.N2);
}

/**
 * Party i's decryption share of c with its proof.
 * @param context the caller context the proof is bound to (see {@link decryptionBinding}).
 * @throws {FieldRangeError} @throws {CryptoError} if c is not a valid ciphertext or N is below 2048 bits.
 */
export function createDecryptionShare(
  share: ThresholdPaillierKeyShare,
  c: bigint,
  context: Uint8Array = new Uint8Array(0),
  rng: RandomSource = systemRng(),
): DecryptionShare {
  const pk = share.publicKey;
  const ci = decryptionShareValue(share, c);
  const proof = proveDleqZn(decryptionBinding(pk, c, context, share.index), statementFor(pk, c, share.index, ci), pk.delta * share.s, rng);
  return Object.freeze({ index: share.index, ci, proof });
}

/**
 * Verifies a decryption share of c; returns normally when valid.
 * @throws {CryptoError} naming the failed check: `index`, `ci` (not a unit of Z*_{N²}), or the
 *   proof's field (`dleq-zn.N`, `dleq-zn.e`, `dleq-zn.z`, `dleq-zn.challenge`, …).
 */
export function verifyDecryptionShare(pk: ThresholdPaillierPublicKey, c: bigint, ds: DecryptionShare, context: Uint8Array = new Uint8Array(0)): void {
  validateThresholdCiphertext(pk, c);
  if (!Number.isSafeInteger(ds.index) || ds.index < 1 || ds.index > pk.parties.length)
    throw new CryptoError(`party ${String(ds.index)} is not in the committee`, 'index');
  if (typeof ds.ci !== 'bigint' || ds.ci <= 0n || ds.ci >= pk.N2 || gcd(ds.ci, pk.N) !== 1n)
    throw new CryptoError('decryption share is not a unit of Z*_{N²}', 'ci');
  verifyDleqZn(decryptionBinding(pk, c, context, ds.index), statementFor(pk, c, ds.index, ds.ci), ds.proof);
}

/**
 * Combines decryption shares into the plaintext m ∈ [0, N). Uses the first T shares (by index);
 * every share passed in must already be verified.
 * @throws {FieldRangeError} if fewer than T shares are given or an index repeats.
 * @throws {CryptoError} if the combination is not ≡ 1 (mod N) (an unverified bad share).
 */
export function combineDecryptionShares(pk: ThresholdPaillierPublicKey, shares: readonly Pick<DecryptionShare, 'index' | 'ci'>[]): bigint {
  const sorted = [...shares].sort((a, b) => a.index - b.index);
  for (let k = 1; k < sorted.length; k++)
    if (sorted[k]!.index === sorted[k - 1]!.index) throw new FieldRangeError('shares', `two shares of party ${sorted[k]!.index}`);
  if (sorted.length < pk.threshold) throw new FieldRangeError('shares', `expected at least ${pk.threshold} shares, got ${sorted.length}`);
  const used = sorted.slice(0, pk.threshold);
  const S = used.map((x) => x.index);
  const lambdas = lagrangeIntegerCoefficients(pk.delta, S, 0);
  const cPrime = multiPowSignedVartime(
    used.map((x) => x.ci),
    lambdas.map((l) => 2n * l),
    pk.N2,
  );
  const fourDelta2Theta = (4n * pk.delta * pk.delta * pk.theta) % pk.N;
  return (paillierL(cPrime, pk.N) * invert(fourDelta2Theta, pk.N)) % pk.N;
}

/** Result of {@link verifyAndCombine}. */
export interface CombineResult {
  readonly plaintext: bigint;
  /** Parties whose shares verified (sorted). */
  readonly valid: readonly PartyIndex[];
  readonly invalid: readonly InvalidShare[];
}

/** Options of {@link verifyAndCombine}. */
export interface VerifyAndCombineOptions {
  /** The context the proofs are bound to (see {@link decryptionBinding}); default empty. */
  readonly context?: Uint8Array;
  /** Shares already found invalid (e.g. undecodable messages), reported with the others. */
  readonly alreadyInvalid?: readonly InvalidShare[];
  /** This party's own share, used without verifying it again. */
  readonly own?: DecryptionShare;
}

/**
 * Verifies every share, excludes and names the invalid ones, and combines T valid ones.
 * @throws {InsufficientSharesError} if fewer than T shares are valid (naming the culprits).
 */
export function verifyAndCombine(
  pk: ThresholdPaillierPublicKey,
  c: bigint,
  shares: readonly DecryptionShare[],
  opts: VerifyAndCombineOptions = {},
): CombineResult {
  const context = opts.context ?? new Uint8Array(0);
  const valid: DecryptionShare[] = opts.own ? [opts.own] : [];
  const invalid: InvalidShare[] = [...(opts.alreadyInvalid ?? [])];
  const seen = new Set<number>(opts.own ? [opts.own.index] : []);
  for (const ds of shares) {
    if (seen.has(ds.index)) {
      invalid.push({ index: ds.index, reason: 'duplicate: a second decryption share from this party' });
      continue;
    }
    seen.add(ds.index);
    try {
      verifyDecryptionShare(pk, c, ds, context);
      valid.push(ds);
    } catch (err) {
      invalid.push({ index: ds.index, reason: describe(err) });
    }
  }
  invalid.sort((a, b) => a.index - b.index);
  if (valid.length < pk.threshold) throw new InsufficientSharesError(valid.length, pk.threshold, invalid);
  const plaintext = combineDecryptionShares(pk, valid);
  return {
    plaintext,
    valid: Object.freeze(valid.map((x) => x.index).sort((a, b) => a - b)),
    invalid: Object.freeze(invalid),
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Encodes a proof for the wire (kind `dleq-zn`). */
export function encodeDecryptionProof(pk: ThresholdPaillierPublicKey, proof: DleqProof): EncodedProof {
  return encodeDleqZnProof(witnessBits(pk), proof);
}

/** Strictly decodes a proof. @throws {FieldTypeError} @throws {FieldRangeError} */
export function decodeDecryptionProof(pk: ThresholdPaillierPublicKey, input: unknown): DleqProof {
  return decodeDleqZnProof(witnessBits(pk), input);
}
