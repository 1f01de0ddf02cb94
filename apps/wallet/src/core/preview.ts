/**
 * What a signing request would sign, shown exactly: the bytes in hex, a UTF-8 rendering when
 * the bytes are printable text, SHA-256 for out-of-band comparison, and how the suite signs
 * (for ECDSA accounts: which digest, SHA-256 or Keccak-256, and its value).
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@tessera/crypto/bytes';
import { messageDigest } from '@tessera/protocols/cggmp/ecdsa';
import type { MessagePreview, SigningHash } from './api.ts';

const SIGNED_AS: Readonly<Record<string, string>> = {
  taproot: 'BIP340 Schnorr (FROST, Taproot-tweaked key) over the message bytes as given',
  secp256k1: 'FROST(secp256k1, SHA-256) Schnorr over the message bytes (RFC 9591)',
  ed25519: 'FROST(Ed25519, SHA-512) over the message bytes (RFC 9591; verifies as Ed25519)',
};

/** True iff `s` has no control characters other than tab, newline and carriage return. */
function printable(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || (c >= 0x7f && c < 0xa0) || c === 0xfffd) return false;
  }
  return true;
}

/** How a CGGMP21 account signs, by digest. */
const ECDSA_SIGNED_AS: Readonly<Record<SigningHash, string>> = {
  sha256: 'threshold ECDSA (CGGMP21, secp256k1) over the SHA-256 digest of the message bytes',
  keccak256: 'threshold ECDSA (CGGMP21, secp256k1) over the Keccak-256 digest of the message bytes (Ethereum)',
};

/**
 * The preview of `message` signed under `suite` by `scheme`; for `cggmp`, over the digest
 * `hash` (default `sha256`), which the preview names and shows.
 * @throws {FieldRangeError} if `hash` is not `sha256` or `keccak256` (cggmp only).
 */
export function previewMessage(message: Uint8Array, suite: string, scheme = 'frost', hash: SigningHash = 'sha256'): MessagePreview {
  let utf8: string | undefined;
  try {
    const s = new TextDecoder('utf-8', { fatal: true }).decode(message);
    if (printable(s)) utf8 = s;
  } catch {
    utf8 = undefined;
  }
  return {
    hex: bytesToHex(message),
    ...(utf8 !== undefined ? { utf8 } : {}),
    length: message.length,
    sha256: bytesToHex(sha256(message)),
    ...(scheme === 'cggmp'
      ? { hash, digest: bytesToHex(messageDigest(message, hash)), signedAs: ECDSA_SIGNED_AS[hash] }
      : { signedAs: SIGNED_AS[suite] ?? `${suite} threshold signature over the message bytes` }),
  };
}
