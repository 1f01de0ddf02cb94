/**
 * Identity keys as the transport uses them: one Ed25519 key pair per party signs envelopes,
 * server challenges and invitations; its birationally equivalent X25519 key (RFC 7748 §4.1
 * map, as libsodium's `crypto_sign_ed25519_pk_to_curve25519`) receives end-to-end encrypted
 * payloads, so a party publishes a single 32-byte public key.
 *
 * Security: using one key pair for Ed25519 signatures and X25519 key agreement is analysed
 * in Thormarker, "On using the same key pair for Ed25519 and an X25519 based KEM" (2021); the
 * signature and KEM inputs are domain-separated here (every signed message starts with a
 * `tessera/...` tag, KEM outputs only feed HKDF). The identity secret key never leaves its party.
 * @module
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { FieldRangeError, FieldTypeError, assertBytes } from '@tessera/crypto/errors';
import { bytesToHex } from '@tessera/crypto/bytes';
import { randomBytes, type RandomSource } from '@tessera/crypto/rng';
import { lengthPrefixed } from '@tessera/protocols/engine/hash';
import { canonicalJson, expectHex, expectObject, parseCanonicalJson } from '@tessera/protocols/engine/codec';
import type { IdentityKey } from '@tessera/protocols/engine/auth';

export type { IdentityKey };

/** File format tag of {@link encodeIdentity}. */
export const IDENTITY_FORMAT = 'tessera/identity-key';

/**
 * A fresh Ed25519 identity key pair.
 * @throws {RngHealthError} if the randomness source fails.
 */
export function generateIdentity(rng?: RandomSource): IdentityKey {
  const secretKey = randomBytes(32, rng);
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

/**
 * The key pair of a 32-byte Ed25519 secret key.
 * @throws {FieldTypeError} @throws {FieldRangeError} if `secretKey` is not 32 bytes.
 */
export function identityFromSecret(secretKey: Uint8Array): IdentityKey {
  assertBytes('secretKey', secretKey, 32);
  return { secretKey: secretKey.slice(), publicKey: ed25519.getPublicKey(secretKey) };
}

/**
 * Checks that `publicKey` is a valid Ed25519 public key (a point of the curve, not of small order).
 * @throws {FieldTypeError} @throws {FieldRangeError} naming `field` otherwise.
 */
export function checkIdentityPublicKey(publicKey: unknown, field = 'publicKey'): Uint8Array {
  assertBytes(field, publicKey, 32);
  let small: boolean;
  try {
    small = ed25519.Point.fromBytes(publicKey).isSmallOrder();
  } catch {
    throw new FieldRangeError(field, 'not an Ed25519 point');
  }
  if (small) throw new FieldRangeError(field, 'small-order Ed25519 point');
  return publicKey;
}

/** Short hex fingerprint of a public key for logs and file names (first 8 bytes of SHA-256). */
export function fingerprint(publicKey: Uint8Array): string {
  return bytesToHex(sha256(publicKey).subarray(0, 8));
}

/** The bytes an identity signs for `tag`: length-prefixed `tag ‖ parts…`. */
export function signedBytes(tag: string, ...parts: (Uint8Array | string)[]): Uint8Array {
  return lengthPrefixed([tag, ...parts]);
}

/**
 * Signs `tag ‖ parts…` (length-prefixed) with an identity secret key.
 * @throws {FieldRangeError} if the key is not 32 bytes.
 */
export function signTagged(secretKey: Uint8Array, tag: string, ...parts: (Uint8Array | string)[]): Uint8Array {
  assertBytes('secretKey', secretKey, 32);
  return ed25519.sign(signedBytes(tag, ...parts), secretKey);
}

/** True iff `signature` is `publicKey`'s signature on `tag ‖ parts…`. Never throws. */
export function verifyTagged(publicKey: Uint8Array, signature: Uint8Array, tag: string, ...parts: (Uint8Array | string)[]): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32 || !(signature instanceof Uint8Array) || signature.length !== 64) return false;
  try {
    return ed25519.verify(signature, signedBytes(tag, ...parts), publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** X25519 public key of an identity (Edwards → Montgomery u-coordinate). @throws {FieldRangeError} on a bad key. */
export function x25519PublicOf(publicKey: Uint8Array): Uint8Array {
  checkIdentityPublicKey(publicKey);
  return ed25519.utils.toMontgomery(publicKey);
}

/** X25519 secret scalar of an identity secret key. Security: secret. @throws {FieldRangeError} on a bad key. */
export function x25519SecretOf(secretKey: Uint8Array): Uint8Array {
  assertBytes('secretKey', secretKey, 32);
  return ed25519.utils.toMontgomerySecret(secretKey);
}

/** X25519 (RFC 7748) Diffie–Hellman; re-exported so callers need not import noble. */
export const x25519Dh = (secret: Uint8Array, publicKey: Uint8Array): Uint8Array => x25519.getSharedSecret(secret, publicKey);

/** X25519 public key of an X25519 secret. */
export const x25519Public = (secret: Uint8Array): Uint8Array => x25519.getPublicKey(secret);

/**
 * Serializes an identity for a key file (canonical JSON with a format tag).
 * Security: the output holds the secret key; write it with owner-only permissions.
 */
export function encodeIdentity(id: IdentityKey): string {
  return canonicalJson({ format: IDENTITY_FORMAT, version: 1, secretKey: bytesToHex(id.secretKey), publicKey: bytesToHex(id.publicKey) });
}

/**
 * Reads an identity written by {@link encodeIdentity}; checks that the public key matches.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed or inconsistent file.
 */
export function parseIdentity(text: string): IdentityKey {
  const o = expectObject(parseCanonicalJson(text.trim(), 'identity'), 'identity', ['format', 'version', 'secretKey', 'publicKey']);
  if (o.format !== IDENTITY_FORMAT) throw new FieldTypeError('identity.format', 'not a tessera identity key');
  if (o.version !== 1) throw new FieldRangeError('identity.version', `unsupported version ${String(o.version)}`);
  const id = identityFromSecret(expectHex(o.secretKey, 'identity.secretKey', 32));
  if (bytesToHex(id.publicKey) !== o.publicKey) throw new FieldRangeError('identity.publicKey', 'does not match the secret key');
  return id;
}
