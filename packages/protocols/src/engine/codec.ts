/**
 * Canonical JSON for everything the engine sends or stores: object keys sorted, no
 * whitespace, only safe integers as numbers, byte strings as lower-case hex. The same value
 * always encodes to the same bytes, so message ids and snapshot digests are well defined.
 * Also strict readers for the hex fields of wire objects.
 * @module
 */
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { hexToBytes, bytesToHex } from '@tessera/crypto/bytes';
import { utf8ToBytes } from '@noble/hashes/utils.js';

/** A JSON value as the engine carries it. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
/** A JSON object. */
export type JsonObject = { readonly [key: string]: Json };

/**
 * Canonical JSON text of `value`.
 * @throws {FieldTypeError} on values JSON cannot carry canonically (non-integers, undefined,
 *   functions, bigints, class instances).
 */
export function canonicalJson(value: Json, field = 'value'): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new FieldTypeError(field, 'only safe integers are canonical numbers');
      return String(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map((v, k) => canonicalJson(v, `${field}[${k}]`)).join(',') + ']';
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new FieldTypeError(field, 'expected a plain object');
      const obj = value as JsonObject;
      const keys = Object.keys(obj).sort();
      return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(obj[k]!, `${field}.${k}`)).join(',') + '}';
    }
    default:
      throw new FieldTypeError(field, `${typeof value} is not JSON`);
  }
}

/** UTF-8 bytes of the canonical JSON of `value`. @throws {FieldTypeError} as {@link canonicalJson}. */
export function canonicalBytes(value: Json): Uint8Array {
  return utf8ToBytes(canonicalJson(value));
}

/**
 * Parses JSON text and checks that it is already canonical (so one value has one encoding).
 * @throws {FieldTypeError} if the text is not JSON or not in canonical form.
 */
export function parseCanonicalJson(text: string, field = 'json'): Json {
  if (typeof text !== 'string') throw new FieldTypeError(field, 'expected a string');
  let v: Json;
  try {
    v = JSON.parse(text) as Json;
  } catch {
    throw new FieldTypeError(field, 'not valid JSON');
  }
  if (canonicalJson(v, field) !== text) throw new FieldTypeError(field, 'not in canonical form');
  return v;
}

/** Asserts `v` is a plain JSON object with exactly the keys in `required` (plus any in `optional`). */
export function expectObject<K extends string>(
  v: unknown,
  field: string,
  required: readonly K[],
  optional: readonly string[] = [],
): { readonly [P in K]: Json } & JsonObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new FieldTypeError(field, 'expected an object');
  const o = v as JsonObject;
  for (const k of required) if (!(k in o)) throw new FieldTypeError(`${field}.${k}`, 'missing');
  for (const k of Object.keys(o))
    if (!(required as readonly string[]).includes(k) && !optional.includes(k)) throw new FieldTypeError(`${field}.${k}`, 'unknown field');
  return o as { readonly [P in K]: Json } & JsonObject;
}

/** Asserts `v` is an array (of at most `max` entries). */
export function expectArray(v: unknown, field: string, min = 0, max = 1 << 20): readonly Json[] {
  if (!Array.isArray(v)) throw new FieldTypeError(field, 'expected an array');
  if (v.length < min || v.length > max) throw new FieldRangeError(field, `expected ${min}..${max} entries, got ${v.length}`);
  return v as readonly Json[];
}

/** Asserts `v` is a string. */
export function expectString(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new FieldTypeError(field, 'expected a string');
  return v;
}

/**
 * Reads a lower-case hex string of exactly `length` bytes (any even length if omitted).
 * @throws {FieldTypeError} if not lower-case hex. @throws {FieldRangeError} on a wrong length.
 */
export function expectHex(v: unknown, field: string, length?: number): Uint8Array {
  if (typeof v !== 'string' || !/^([0-9a-f]{2})*$/.test(v)) throw new FieldTypeError(field, 'expected lower-case hex');
  if (length !== undefined && v.length !== 2 * length)
    throw new FieldRangeError(field, `expected ${length} bytes, got ${v.length / 2}`);
  return hexToBytes(v);
}

/** Lower-case hex of `bytes` (the canonical JSON form of a byte string). */
export function hex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}
