/**
 * Domain-separated hashing bound to a session: every digest the engine computes is
 * SHA-256 over length-prefixed fields `tag ‖ session id ‖ part₁ ‖ … ‖ partₖ`, each prefixed by
 * its 4-byte big-endian length, so the encoding is injective and a digest from one session,
 * protocol or purpose can never be replayed as another's.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { sessionIdBytes, type SessionId } from './ids.ts';

/** A part of a hash input: bytes, a UTF-8 string, or a small non-negative integer (4-byte BE). */
export type HashPart = Uint8Array | string | number;

function encodePart(p: HashPart, k: number): Uint8Array {
  if (p instanceof Uint8Array) return p;
  if (typeof p === 'string') return utf8ToBytes(p);
  if (typeof p === 'number') {
    if (!Number.isSafeInteger(p) || p < 0 || p > 0xffffffff) throw new FieldRangeError(`parts[${k}]`, 'expected a 32-bit unsigned integer');
    return Uint8Array.of(p >>> 24, (p >>> 16) & 0xff, (p >>> 8) & 0xff, p & 0xff);
  }
  throw new FieldTypeError(`parts[${k}]`, 'expected bytes, string or integer');
}

/** Length-prefixed concatenation of `parts` (4-byte big-endian length before each). */
export function lengthPrefixed(parts: readonly HashPart[]): Uint8Array {
  const enc = parts.map(encodePart);
  const total = enc.reduce((s, b) => s + 4 + b.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const b of enc) {
    const n = b.length;
    out[off] = n >>> 24;
    out[off + 1] = (n >>> 16) & 0xff;
    out[off + 2] = (n >>> 8) & 0xff;
    out[off + 3] = n & 0xff;
    out.set(b, off + 4);
    off += 4 + n;
  }
  return out;
}

/**
 * SHA-256 of `tag ‖ session ‖ parts…`, length-prefixed.
 * @param tag domain-separation tag, e.g. `"tessera/engine/message-id"`.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed part.
 * @example
 * sessionHash('tessera/frost/sign/nonce-id', session, 3, commitmentBytes);
 */
export function sessionHash(tag: string, session: SessionId, ...parts: HashPart[]): Uint8Array {
  if (typeof tag !== 'string' || tag.length === 0) throw new FieldTypeError('tag', 'expected a non-empty tag');
  return sha256(lengthPrefixed([tag, sessionIdBytes(session), ...parts]));
}
