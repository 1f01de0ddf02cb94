/**
 * Branded identifiers of the protocol engine: {@link SessionId} (the execution id bound into
 * every hash) and {@link PartyIndex} (a party's 1-based index, which is also its FROST
 * identifier). Values of these types can only be made by the parsers below, so a plain
 * string or number cannot be passed where a checked id is expected.
 * @module
 */
import { FieldRangeError, FieldTypeError, assertInteger } from '@tessera/crypto/errors';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { randomBytes, type RandomSource } from '@tessera/crypto/rng';

declare const sessionIdBrand: unique symbol;
declare const partyIndexBrand: unique symbol;

/** A session (execution) id: 16 to 64 bytes, carried as lower-case hex. */
export type SessionId = string & { readonly [sessionIdBrand]: true };
/** A party's index in a committee, 1 ≤ i ≤ 65535; used as the FROST identifier. */
export type PartyIndex = number & { readonly [partyIndexBrand]: true };

/** Largest party index the engine accepts (identifiers are encoded in two bytes in hashes). */
export const MAX_PARTY_INDEX = 65535;

const SESSION_HEX = /^[0-9a-f]{32,128}$/;

/**
 * Checks and brands a session id given as lower-case hex (16–64 bytes, even length).
 * @throws {FieldTypeError} if `hex` is not a lower-case hex string.
 * @throws {FieldRangeError} if its length is outside 16–64 bytes or odd.
 */
export function parseSessionId(hex: unknown, field = 'session'): SessionId {
  if (typeof hex !== 'string') throw new FieldTypeError(field, 'expected a lower-case hex string');
  if (!/^[0-9a-f]*$/.test(hex)) throw new FieldTypeError(field, 'expected lower-case hex digits');
  if (!SESSION_HEX.test(hex) || hex.length % 2 !== 0)
    throw new FieldRangeError(field, 'expected 16 to 64 bytes of hex');
  return hex as SessionId;
}

/**
 * A fresh random 32-byte session id.
 * @throws {RngHealthError} if the randomness source fails its health tests.
 */
export function newSessionId(rng?: RandomSource): SessionId {
  return bytesToHex(randomBytes(32, rng)) as SessionId;
}

/** The bytes of a session id. */
export function sessionIdBytes(id: SessionId): Uint8Array {
  return hexToBytes(id);
}

/**
 * Checks and brands a party index.
 * @throws {FieldTypeError} if `i` is not an integer.
 * @throws {FieldRangeError} if `i` is outside 1..65535.
 */
export function partyIndex(i: unknown, field = 'party'): PartyIndex {
  assertInteger(field, i, 1, MAX_PARTY_INDEX);
  return i as PartyIndex;
}

/**
 * Checks a list of party indices: each valid, strictly increasing (so sorted and distinct).
 * @throws {FieldTypeError} if `list` is not an array of integers.
 * @throws {FieldRangeError} if an index is out of range, repeated or out of order, or the list
 *   has fewer than `minLength` entries.
 */
export function partyList(list: unknown, field = 'parties', minLength = 1): readonly PartyIndex[] {
  if (!Array.isArray(list)) throw new FieldTypeError(field, 'expected an array of party indices');
  if (list.length < minLength) throw new FieldRangeError(field, `expected at least ${minLength} parties`);
  const out: PartyIndex[] = [];
  for (let k = 0; k < list.length; k++) {
    const p = partyIndex(list[k], `${field}[${k}]`);
    if (k > 0 && p <= out[k - 1]!) throw new FieldRangeError(field, 'party indices must be distinct and increasing');
    out.push(p);
  }
  return Object.freeze(out);
}

/** `1..n` as party indices. @throws {FieldRangeError} if n is out of range. */
export function partyRange(n: number): readonly PartyIndex[] {
  assertInteger('n', n, 1, MAX_PARTY_INDEX);
  return Object.freeze(Array.from({ length: n }, (_, k) => (k + 1) as PartyIndex));
}
