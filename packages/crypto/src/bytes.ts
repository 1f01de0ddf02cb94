/**
 * Canonical conversions between bigints, big-endian byte strings and hex.
 *
 * Wire formats in Tessera are fixed-length big-endian byte strings (hex in JSON); these
 * helpers are the only place that converts, so lengths are checked in one spot.
 * @module
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { FieldRangeError, FieldTypeError, assertBigInt, assertBytes } from './errors.ts';

export { bytesToHex, hexToBytes };

/** Number of bits in the binary representation of a non-negative `n` (0 for 0). */
export function bitLength(n: bigint): number {
  if (n < 0n) throw new FieldRangeError('n', 'bitLength of a negative number');
  return n === 0n ? 0 : n.toString(2).length;
}

/** Minimal number of bytes that hold non-negative `n` (0 for 0). */
export function byteLength(n: bigint): number {
  return Math.ceil(bitLength(n) / 8);
}

/** Big-endian unsigned interpretation of `bytes`. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  assertBytes('bytes', bytes);
  return bytes.length === 0 ? 0n : BigInt('0x' + bytesToHex(bytes));
}

/**
 * Fixed-length big-endian encoding of non-negative `n`.
 * @throws {FieldRangeError} if `n` is negative or does not fit in `length` bytes.
 */
export function bigIntToBytes(n: bigint, length: number, field = 'n'): Uint8Array {
  assertBigInt(field, n);
  if (n < 0n) throw new FieldRangeError(field, 'negative value cannot be encoded');
  const hex = n.toString(16);
  if (hex.length > length * 2) throw new FieldRangeError(field, `does not fit in ${length} bytes`);
  return hexToBytes(hex.padStart(length * 2, '0'));
}

/**
 * Lower-case hex of non-negative `n`, left-padded to `length` bytes when given.
 * No `0x` prefix (the canonical JSON form).
 */
export function bigIntToHex(n: bigint, length?: number, field = 'n'): string {
  assertBigInt(field, n);
  if (n < 0n) throw new FieldRangeError(field, 'negative value cannot be encoded');
  const hex = n.toString(16);
  if (length === undefined) return hex.length % 2 ? '0' + hex : hex;
  if (hex.length > length * 2) throw new FieldRangeError(field, `does not fit in ${length} bytes`);
  return hex.padStart(length * 2, '0');
}

const HEX_RE = /^(0x)?[0-9a-fA-F]+$/;
const DEC_RE = /^[0-9]+$/;

/**
 * Parses a hex string (with or without `0x`) into a non-negative bigint.
 * @throws {FieldTypeError} if `hex` is not a string of hex digits.
 */
export function hexToBigInt(hex: string, field = 'hex'): bigint {
  if (typeof hex !== 'string' || !HEX_RE.test(hex)) throw new FieldTypeError(field, 'expected a hex string');
  return BigInt(hex.startsWith('0x') || hex.startsWith('0X') ? hex : '0x' + hex);
}

/**
 * Parses a non-negative integer written in decimal or as `0x`-prefixed hex.
 * @throws {FieldTypeError} naming `field` if the text is neither.
 */
export function parseBigInt(text: string, field = 'value'): bigint {
  if (typeof text !== 'string') throw new FieldTypeError(field, 'expected a string');
  const t = text.trim();
  if (/^0[xX]/.test(t)) {
    if (!HEX_RE.test(t) || t.length === 2) throw new FieldTypeError(field, `not a hex number: ${JSON.stringify(text)}`);
    return BigInt(t);
  }
  if (!DEC_RE.test(t)) throw new FieldTypeError(field, `not a decimal or 0x-hex number: ${JSON.stringify(text)}`);
  return BigInt(t);
}

/**
 * Overwrites `buffers` with zeros. JavaScript cannot promise that no copy survives
 * elsewhere (see docs/threat-model.md); this clears the copies we own.
 */
export function wipe(...buffers: (Uint8Array | Uint32Array | undefined)[]): void {
  for (const b of buffers) b?.fill(0);
}
