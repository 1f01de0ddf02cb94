/**
 * Serialized forms of Paillier keys and ciphertexts (docs/formats.md, "Paillier").
 *
 * Keys are versioned JSON objects with canonical lower-case hex (no `0x`, minimal even
 * number of digits). The parser also reads the CLI's documented minimal key file —
 * `{"n": "<hex>"}` for a public key, `{"n", "p", "q"}` for a secret key, hex with or
 * without `0x` — that outside tools write; `version`, `kind` and `bits` are optional but
 * checked when present. Unknown fields, wrong types, bad hex and n ≠ p·q are rejected with
 * an error naming the field (`key.p: ...`).
 *
 * Security: the secret-key JSON holds p and q as strings, which cannot be wiped; keep it
 * out of logs and write it only to protected storage.
 * @module
 */
import { CryptoError, FieldRangeError, FieldTypeError } from '../errors.ts';
import { bigIntToHex, byteLength } from '../bytes.ts';
import { PAILLIER_MAX_BITS, paillierPublicKey, paillierSecretKeyFromPrimes, assertLiveSecretKey } from './keys.ts';
import type { PaillierPublicKey, PaillierSecretKey } from './keys.ts';
import { validateCiphertext } from './scheme.ts';

/** Current key format version. */
export const PAILLIER_KEY_FORMAT_VERSION = 1;
/** `kind` tag of a public key. */
export const PAILLIER_PUBLIC_KEY_KIND = 'tessera/paillier-public-key';
/** `kind` tag of a secret key. */
export const PAILLIER_SECRET_KEY_KIND = 'tessera/paillier-secret-key';

/** JSON form of a public key. `n` is lower-case hex of exactly ⌈bits/8⌉ bytes. */
export interface PaillierPublicKeyJson {
  version: 1;
  kind: typeof PAILLIER_PUBLIC_KEY_KIND;
  bits: number;
  n: string;
}

/** JSON form of a secret key: the public fields plus the factors p and q (lower-case hex). */
export interface PaillierSecretKeyJson {
  version: 1;
  kind: typeof PAILLIER_SECRET_KEY_KIND;
  bits: number;
  n: string;
  p: string;
  q: string;
}

/** Result of {@link parsePaillierKey}. */
export type ParsedPaillierKey = { kind: 'public'; key: PaillierPublicKey } | { kind: 'secret'; key: PaillierSecretKey };

/** Options of {@link parsePaillierKey}. */
export interface ParsePaillierKeyOptions {
  /** Accept N below 2048 bits. Default false. */
  allowInsecureSize?: boolean;
  /** Test p and q for primality when reading a secret key. Default true. */
  checkPrimality?: boolean;
  /** Name of the whole object in error messages. Default `"key"`. */
  field?: string;
}

const ALLOWED_FIELDS = new Set(['version', 'kind', 'bits', 'n', 'p', 'q']);
/** Leading zeros tolerated beyond a value's canonical length (outside tools may pad). */
const HEX_SLACK = 64;
/** Longest hex string read for a key field: a 16384-bit value plus `0x` and {@link HEX_SLACK}. */
const MAX_KEY_HEX_CHARS = PAILLIER_MAX_BITS / 4 + 2 + HEX_SLACK;
const HEX_RE = /^(0x|0X)?[0-9a-fA-F]+$/;

/**
 * Encodes a public key as versioned JSON.
 * @example
 * JSON.stringify(encodePaillierPublicKey(pk)); // {"version":1,"kind":"tessera/paillier-public-key","bits":2048,"n":"c3…"}
 */
export function encodePaillierPublicKey(pk: PaillierPublicKey): PaillierPublicKeyJson {
  return { version: 1, kind: PAILLIER_PUBLIC_KEY_KIND, bits: pk.bits, n: bigIntToHex(pk.n, byteLength(pk.n)) };
}

/**
 * Encodes a secret key as versioned JSON (n, p, q; the rest is recomputed on parsing).
 * Security: the result contains the factorization of N.
 * @throws {CryptoError} if `sk` was disposed.
 */
export function encodePaillierSecretKey(sk: PaillierSecretKey): PaillierSecretKeyJson {
  assertLiveSecretKey(sk);
  const pk = sk.publicKey;
  return {
    version: 1,
    kind: PAILLIER_SECRET_KEY_KIND,
    bits: pk.bits,
    n: bigIntToHex(pk.n, byteLength(pk.n)),
    p: bigIntToHex(sk.p),
    q: bigIntToHex(sk.q),
  };
}

function parseHexField(value: unknown, field: string, maxChars: number): bigint {
  if (typeof value !== 'string') throw new FieldTypeError(field, `expected a hex string, got ${value === null ? 'null' : typeof value}`);
  if (value.length > maxChars) throw new FieldRangeError(field, `hex string longer than ${maxChars} characters`);
  if (!HEX_RE.test(value)) throw new FieldTypeError(field, 'not a hex string (digits 0-9, a-f, optional 0x prefix)');
  return BigInt(/^0[xX]/.test(value) ? '0x' + value.slice(2) : '0x' + value);
}

/**
 * Parses a Paillier key from JSON (an object, or a string holding one): the versioned
 * format written by {@link encodePaillierPublicKey} / {@link encodePaillierSecretKey}, or
 * the minimal `{"n"}` / `{"n", "p", "q"}` key file.
 * @returns `{ kind: 'public', key }` or `{ kind: 'secret', key }`.
 * @throws {FieldTypeError} naming the field: not an object, invalid JSON text, unknown or
 *   missing field, wrong type, bad hex, p without q (or the reverse), p/q in a public key.
 * @throws {FieldRangeError} naming the field: unsupported `version`, unknown `kind`, N even,
 *   too small or not of `bits` bits.
 * @throws {CryptoError} naming the field: n ≠ p·q, p = q, a composite factor, gcd(N, φ(N)) ≠ 1.
 * @example
 * const { kind, key } = parsePaillierKey(JSON.parse(readFileSync('key.json', 'utf8')));
 */
export function parsePaillierKey(json: unknown, opts: ParsePaillierKeyOptions = {}): ParsedPaillierKey {
  const root = opts.field ?? 'key';
  let obj = json;
  if (typeof obj === 'string') {
    try {
      obj = JSON.parse(obj) as unknown;
    } catch {
      throw new FieldTypeError(root, 'not valid JSON');
    }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    throw new FieldTypeError(root, `expected a JSON object, got ${obj === null ? 'null' : Array.isArray(obj) ? 'an array' : typeof obj}`);
  const rec = obj as Record<string, unknown>;
  for (const k of Object.keys(rec)) if (!ALLOWED_FIELDS.has(k)) throw new FieldTypeError(`${root}.${k}`, 'unknown field');

  if (rec.version !== undefined) {
    if (typeof rec.version !== 'number' || !Number.isSafeInteger(rec.version))
      throw new FieldTypeError(`${root}.version`, 'expected an integer');
    if (rec.version !== PAILLIER_KEY_FORMAT_VERSION)
      throw new FieldRangeError(`${root}.version`, `unsupported version ${rec.version} (this build reads version ${PAILLIER_KEY_FORMAT_VERSION})`);
  }
  let declared: 'public' | 'secret' | undefined;
  if (rec.kind !== undefined) {
    if (typeof rec.kind !== 'string') throw new FieldTypeError(`${root}.kind`, 'expected a string');
    if (rec.kind === PAILLIER_PUBLIC_KEY_KIND) declared = 'public';
    else if (rec.kind === PAILLIER_SECRET_KEY_KIND) declared = 'secret';
    else
      throw new FieldRangeError(`${root}.kind`, `unknown kind ${JSON.stringify(rec.kind)} (expected ${PAILLIER_PUBLIC_KEY_KIND} or ${PAILLIER_SECRET_KEY_KIND})`);
  }
  let bits: number | undefined;
  if (rec.bits !== undefined) {
    if (typeof rec.bits !== 'number' || !Number.isSafeInteger(rec.bits)) throw new FieldTypeError(`${root}.bits`, 'expected an integer');
    if (rec.bits < 2 || rec.bits > PAILLIER_MAX_BITS) throw new FieldRangeError(`${root}.bits`, `expected 2 ≤ bits ≤ ${PAILLIER_MAX_BITS}`);
    bits = rec.bits;
  }
  if (rec.n === undefined) throw new FieldTypeError(`${root}.n`, 'missing (the modulus is required)');
  const n = parseHexField(rec.n, `${root}.n`, MAX_KEY_HEX_CHARS);
  const pkOpts = { allowInsecureSize: opts.allowInsecureSize ?? false, field: `${root}.n` };
  const publicKey = paillierPublicKey(n, bits === undefined ? pkOpts : { ...pkOpts, bits });

  const hasP = rec.p !== undefined;
  const hasQ = rec.q !== undefined;
  if (declared === 'public') {
    if (hasP) throw new FieldTypeError(`${root}.p`, 'not allowed in a public key');
    if (hasQ) throw new FieldTypeError(`${root}.q`, 'not allowed in a public key');
  }
  if (!hasP && !hasQ) {
    if (declared === 'secret') throw new FieldTypeError(`${root}.p`, 'missing (required for a secret key)');
    return { kind: 'public', key: publicKey };
  }
  if (!hasP) throw new FieldTypeError(`${root}.p`, 'missing (q is given, a secret key needs both)');
  if (!hasQ) throw new FieldTypeError(`${root}.q`, 'missing (p is given, a secret key needs both)');
  const p = parseHexField(rec.p, `${root}.p`, MAX_KEY_HEX_CHARS);
  const q = parseHexField(rec.q, `${root}.q`, MAX_KEY_HEX_CHARS);
  if (p * q !== n) throw new CryptoError('n ≠ p·q', `${root}.n`);
  const key = paillierSecretKeyFromPrimes(p, q, {
    allowInsecureSize: opts.allowInsecureSize ?? false,
    checkPrimality: opts.checkPrimality ?? true,
    field: root,
  });
  return { kind: 'secret', key };
}

/**
 * Canonical hex of a ciphertext: lower-case, no prefix, exactly 2·⌈bits/8⌉ bytes
 * (the byte length of N², zero-padded).
 * @throws {FieldTypeError} @throws {FieldRangeError} if `c` is not in (0, N²).
 */
export function encodePaillierCiphertext(pk: PaillierPublicKey, c: bigint, field = 'c'): string {
  if (typeof c !== 'bigint') throw new FieldTypeError(field, 'expected bigint');
  if (c <= 0n || c >= pk.n2) throw new FieldRangeError(field, 'ciphertext must satisfy 0 < c < N²');
  return bigIntToHex(c, 2 * byteLength(pk.n), field);
}

/**
 * Parses and validates a ciphertext written in hex (with or without `0x`, any case,
 * leading zeros allowed): 0 < c < N² and gcd(c, N) = 1.
 * @throws {FieldTypeError} on bad hex. @throws {FieldRangeError} if out of range.
 * @throws {CryptoError} if gcd(c, N) ≠ 1.
 */
export function parsePaillierCiphertext(pk: PaillierPublicKey, hex: unknown, field = 'c'): bigint {
  const c = parseHexField(hex, field, 4 * byteLength(pk.n) + 2 + HEX_SLACK);
  validateCiphertext(pk, c, field);
  return c;
}
