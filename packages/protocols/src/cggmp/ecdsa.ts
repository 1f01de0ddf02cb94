/**
 * ECDSA (secp256k1) helpers around the threshold protocol: message digests (SHA-256, or
 * Keccak-256 for Ethereum), the digest as a scalar m, low-S normalization with the recovery id,
 * single-key verification through @noble/curves, and DER / SPKI encodings so OpenSSL
 * (node:crypto) can check the result too.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToBigInt } from '@tessera/crypto/bytes';
import { FieldRangeError, assertBytes } from '@tessera/crypto/errors';
import { CURVE_ORDER, Fn, type CurvePoint } from './curve.ts';

/** Digest algorithms for the signed message. */
export type EcdsaHash = 'sha256' | 'keccak256';

/** An ECDSA signature: r, s ∈ [1, q) with s ≤ q/2 (low-S), and the recovery id v ∈ {0, 1, 2, 3}. */
export interface EcdsaSignature {
  readonly r: bigint;
  readonly s: bigint;
  /** Bit 0: R.y is odd; bit 1: R.x ≥ q (so r = R.x − q). */
  readonly v: number;
}

/**
 * The 32-byte digest of `message`.
 * @throws {FieldTypeError} if `message` is not bytes. @throws {FieldRangeError} for an unknown hash.
 */
export function messageDigest(message: Uint8Array, hash: EcdsaHash = 'sha256'): Uint8Array {
  assertBytes('message', message);
  if (hash === 'sha256') return sha256(message);
  if (hash === 'keccak256') return keccak_256(message);
  throw new FieldRangeError('hash', `unknown hash ${String(hash)}`);
}

/**
 * m: a 32-byte digest as a scalar (big-endian, reduced mod q), as ECDSA's bits2int for 256-bit digests.
 * @throws {FieldRangeError} unless the digest has 32 bytes.
 */
export function digestScalar(digest: Uint8Array): bigint {
  assertBytes('digest', digest, 32);
  return Fn.create(bytesToBigInt(digest));
}

/** r = R.x mod q and the recovery id of R (before any low-S flip). */
export function rOf(R: CurvePoint): { r: bigint; v: number } {
  const { x, y } = R.toAffine();
  return { r: Fn.create(x), v: (y & 1n ? 1 : 0) | (x >= CURVE_ORDER ? 2 : 0) };
}

/** (r, s, v) with s replaced by q − s when s > q/2, flipping the parity bit of v. */
export function normalizeLowS(r: bigint, s: bigint, v: number): EcdsaSignature {
  return s > CURVE_ORDER >> 1n ? { r, s: CURVE_ORDER - s, v: v ^ 1 } : { r, s, v };
}

/** True iff (r, s) is a valid low-S signature of `digest` under the compressed key. Never throws. */
export function verifyEcdsaDigest(publicKey: Uint8Array, digest: Uint8Array, sig: EcdsaSignature): boolean {
  try {
    const compact = new secp256k1.Signature(sig.r, sig.s).toBytes('compact');
    return secp256k1.verify(compact, digest, publicKey, { prehash: false, lowS: true });
  } catch {
    return false;
  }
}

/** The public key a (r, s, v) signature of `digest` recovers to (compressed), or null. Never throws. */
export function recoverPublicKey(digest: Uint8Array, sig: EcdsaSignature): Uint8Array | null {
  try {
    const recovered = new secp256k1.Signature(sig.r, sig.s, sig.v).recoverPublicKey(digest);
    return recovered.toBytes(true);
  } catch {
    return null;
  }
}

function derInteger(x: bigint): Uint8Array {
  let h = x.toString(16);
  if (h.length % 2) h = '0' + h;
  let bytes = Uint8Array.from(h.match(/../g)!, (b) => parseInt(b, 16));
  if (bytes[0]! & 0x80) bytes = Uint8Array.of(0, ...bytes);
  return Uint8Array.of(0x02, bytes.length, ...bytes);
}

/**
 * DER `SEQUENCE { INTEGER r, INTEGER s }` (what OpenSSL verifies).
 * @throws {FieldRangeError} unless 0 < r, s < q.
 */
export function ecdsaDer(r: bigint, s: bigint): Uint8Array {
  if (r <= 0n || r >= CURVE_ORDER) throw new FieldRangeError('r', 'expected 0 < r < q');
  if (s <= 0n || s >= CURVE_ORDER) throw new FieldRangeError('s', 'expected 0 < s < q');
  const body = [...derInteger(r), ...derInteger(s)];
  return Uint8Array.of(0x30, body.length, ...body);
}

/** DER prefix of an SPKI for id-ecPublicKey on secp256k1 (OID 1.3.132.0.10) with a 33-byte compressed point. */
const SPKI_PREFIX = Uint8Array.of(
  0x30, 0x36, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a, 0x03, 0x22, 0x00,
);

/**
 * SubjectPublicKeyInfo (DER) of a compressed secp256k1 public key.
 * @throws {FieldRangeError} unless the key has 33 bytes.
 */
export function secp256k1Spki(publicKey: Uint8Array): Uint8Array {
  assertBytes('publicKey', publicKey, 33);
  const out = new Uint8Array(SPKI_PREFIX.length + 33);
  out.set(SPKI_PREFIX);
  out.set(publicKey, SPKI_PREFIX.length);
  return out;
}
