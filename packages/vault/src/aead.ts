/**
 * The vault's symmetric primitives over WebCrypto (`crypto.subtle`): AES-256-GCM with
 * associated data under non-extractable keys, HMAC-SHA256 record tags, and the HKDF-SHA256
 * split of a secret into sub-keys. Raw key bytes only exist briefly in the callers and are
 * wiped after import.
 * @module
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes, type RandomSource } from '@tessera/crypto/rng';
import { assertBytes } from '@tessera/crypto/errors';

/** GCM IV length in bytes (96-bit random IVs; each key encrypts far fewer than 2^32 records). */
export const IV_LENGTH = 12;

/** A copy of `u` backed by a plain ArrayBuffer (what the WebCrypto typings ask for). */
export function ab(u: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(u);
}

/** The WebCrypto implementation (globalThis.crypto.subtle). @throws {Error} if there is none. */
export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (crypto.subtle) is not available');
  return s;
}

/**
 * Imports 32 raw bytes as a NON-extractable AES-256-GCM key.
 * @throws {FieldRangeError} if `raw` is not 32 bytes.
 */
export async function importAesKey(raw: Uint8Array): Promise<CryptoKey> {
  assertBytes('raw', raw, 32);
  return subtle().importKey('raw', ab(raw), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/**
 * Imports 32 raw bytes as a NON-extractable HMAC-SHA256 key.
 * @throws {FieldRangeError} if `raw` is not 32 bytes.
 */
export async function importHmacKey(raw: Uint8Array): Promise<CryptoKey> {
  assertBytes('raw', raw, 32);
  return subtle().importKey('raw', ab(raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** A sealed value: random IV and GCM ciphertext (with its 16-byte tag). */
export interface Sealed {
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** AES-GCM encryption of `plaintext` with associated data `aad` under a fresh random IV. @throws {RngHealthError} */
export async function seal(key: CryptoKey, plaintext: Uint8Array, aad: Uint8Array, rng?: RandomSource): Promise<Sealed> {
  const iv = randomBytes(IV_LENGTH, rng);
  const ct = await subtle().encrypt({ name: 'AES-GCM', iv: ab(iv), additionalData: ab(aad), tagLength: 128 }, key, ab(plaintext));
  return { iv, ciphertext: new Uint8Array(ct) };
}

/** AES-GCM decryption; `undefined` when the tag does not verify (wrong key, altered data or AAD). */
export async function open(key: CryptoKey, sealed: Sealed, aad: Uint8Array): Promise<Uint8Array | undefined> {
  if (!(sealed.iv instanceof Uint8Array) || sealed.iv.length !== IV_LENGTH || !(sealed.ciphertext instanceof Uint8Array) || sealed.ciphertext.length < 16) return undefined;
  try {
    const pt = await subtle().decrypt({ name: 'AES-GCM', iv: ab(sealed.iv), additionalData: ab(aad), tagLength: 128 }, key, ab(sealed.ciphertext));
    return new Uint8Array(pt);
  } catch {
    return undefined;
  }
}

/** HMAC-SHA256 tag of `data`. */
export async function mac(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign('HMAC', key, ab(data)));
}

/** Checks an HMAC-SHA256 tag (WebCrypto's verify compares in constant time). */
export async function macVerify(key: CryptoKey, data: Uint8Array, tag: unknown): Promise<boolean> {
  if (!(tag instanceof Uint8Array) || tag.length !== 32) return false;
  return subtle().verify('HMAC', key, ab(tag), ab(data));
}

/**
 * Splits secret `ikm` into named 32-byte sub-keys with HKDF-SHA256 (RFC 5869): one HKDF
 * expansion per label, info = `label ‖ context`. Security: the outputs are secret; wipe them.
 */
export function hkdfSplit(ikm: Uint8Array, salt: Uint8Array, context: Uint8Array, labels: readonly string[]): Uint8Array[] {
  return labels.map((label) => {
    const tag = new TextEncoder().encode(label);
    const info = new Uint8Array(tag.length + 1 + context.length);
    info.set(tag, 0);
    info[tag.length] = 0;
    info.set(context, tag.length + 1);
    return hkdf(sha256, ikm, salt, info, 32);
  });
}

/** Constant-time equality of two byte strings of equal public length. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
