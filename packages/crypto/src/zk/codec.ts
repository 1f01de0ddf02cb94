/**
 * The canonical JSON encoding shared by every proof: a versioned envelope
 * `{ "version": 1, "kind": "<proof kind>", ...fields }` whose fields are
 * - unsigned integers: lower-case hex, exactly 2·len digits (fixed length from the statement);
 * - signed integers: an optional "-" then lower-case hex of |x|, exactly 2·len digits ("-0…0" is refused);
 * - group elements: lower-case hex of their canonical encoding, fixed length;
 * - booleans: JSON true/false; lists: JSON arrays of fixed length.
 * Parsing is strict: wrong version or kind, a missing or unknown field, a wrong length or an
 * out-of-range value is refused with a `FieldTypeError`/`FieldRangeError` naming the field.
 * @module
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { bitLength } from '../bytes.ts';
import { FieldRangeError, FieldTypeError } from '../errors.ts';

/** Encoding version written into every proof envelope. */
export const ZK_ENCODING_VERSION = 1;

/** A proof in its wire form (JSON-compatible). */
export interface EncodedProof {
  readonly version: number;
  readonly kind: string;
  readonly [field: string]: unknown;
}

const HEX = /^[0-9a-f]*$/;

/** Byte length that holds every integer of absolute value ≤ bound. */
export function lengthFor(bound: bigint): number {
  return Math.max(1, Math.ceil(bitLength(bound) / 8));
}

/** Starts an envelope for `kind`. */
export function envelope(kind: string, fields: Record<string, unknown>): EncodedProof {
  return { version: ZK_ENCODING_VERSION, kind, ...fields };
}

/**
 * Opens an envelope: checks it is a plain object with exactly `version`, `kind` and `fields`.
 * @throws {FieldTypeError} if not an object or a field is missing.
 * @throws {FieldRangeError} on a wrong version or kind, or an unknown field.
 */
export function openEnvelope(input: unknown, kind: string, fields: readonly string[]): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new FieldTypeError('proof', 'expected a proof object');
  const obj = input as Record<string, unknown>;
  if (Object.getPrototypeOf(obj) !== Object.prototype && Object.getPrototypeOf(obj) !== null)
    throw new FieldTypeError('proof', 'expected a plain object');
  if (typeof obj['version'] !== 'number') throw new FieldTypeError('version', 'missing or not a number');
  if (obj['version'] !== ZK_ENCODING_VERSION)
    throw new FieldRangeError('version', `unsupported proof encoding version ${String(obj['version'])}`);
  if (obj['kind'] !== kind) throw new FieldRangeError('kind', `expected "${kind}", got ${JSON.stringify(obj['kind'])}`);
  const allowed = new Set(['version', 'kind', ...fields]);
  for (const key of Object.keys(obj)) if (!allowed.has(key)) throw new FieldRangeError(key, 'unknown field');
  for (const f of fields) if (!(f in obj)) throw new FieldTypeError(f, 'missing field');
  return obj;
}

/** Fixed-length lower-case hex of a non-negative integer. @throws {FieldRangeError} if it does not fit. */
export function hexUnsigned(field: string, n: bigint, len: number): string {
  if (n < 0n) throw new FieldRangeError(field, 'negative value where an unsigned one is expected');
  const h = n.toString(16);
  if (h.length > 2 * len) throw new FieldRangeError(field, `does not fit in ${len} bytes`);
  return h.padStart(2 * len, '0');
}

/** "-"-prefixed (if negative) fixed-length hex of |n|. @throws {FieldRangeError} if it does not fit. */
export function hexSigned(field: string, n: bigint, len: number): string {
  return (n < 0n ? '-' : '') + hexUnsigned(field, n < 0n ? -n : n, len);
}

function readHexDigits(field: string, v: unknown, len: number): string {
  if (typeof v !== 'string') throw new FieldTypeError(field, 'expected a hex string');
  if (!HEX.test(v)) throw new FieldTypeError(field, 'expected lower-case hex digits');
  if (v.length !== 2 * len) throw new FieldRangeError(field, `expected ${len} bytes (${2 * len} hex digits), got ${v.length} digits`);
  return v;
}

/**
 * Parses a fixed-length unsigned integer and checks lo ≤ n < hi.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming `field`.
 */
export function readUnsigned(field: string, v: unknown, len: number, lo: bigint, hi: bigint): bigint {
  const n = BigInt('0x' + readHexDigits(field, v, len));
  if (n < lo || n >= hi) throw new FieldRangeError(field, 'value out of range');
  return n;
}

/**
 * Parses a fixed-length signed integer and checks |n| ≤ bound.
 * @throws {FieldTypeError} @throws {FieldRangeError} naming `field`.
 */
export function readSigned(field: string, v: unknown, len: number, bound: bigint): bigint {
  if (typeof v !== 'string') throw new FieldTypeError(field, 'expected a hex string');
  const negative = v.startsWith('-');
  const mag = BigInt('0x' + readHexDigits(field, negative ? v.slice(1) : v, len));
  if (negative && mag === 0n) throw new FieldRangeError(field, 'negative zero is not canonical');
  if (mag > bound) throw new FieldRangeError(field, 'value out of range');
  return negative ? -mag : mag;
}

/** Lower-case hex of bytes. */
export function hexBytes(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/** Parses exactly `len` bytes of lower-case hex. @throws {FieldTypeError} @throws {FieldRangeError} */
export function readBytes(field: string, v: unknown, len: number): Uint8Array {
  return hexToBytes(readHexDigits(field, v, len));
}

/** Parses a JSON boolean. @throws {FieldTypeError} */
export function readBoolean(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new FieldTypeError(field, 'expected true or false');
  return v;
}

/** Parses a JSON array of exactly `count` items with `item`. @throws {FieldTypeError} @throws {FieldRangeError} */
export function readArray<T>(field: string, v: unknown, count: number, item: (f: string, x: unknown) => T): T[] {
  if (!Array.isArray(v)) throw new FieldTypeError(field, 'expected an array');
  if (v.length !== count) throw new FieldRangeError(field, `expected ${count} entries, got ${v.length}`);
  return v.map((x, i) => item(`${field}[${i}]`, x));
}
