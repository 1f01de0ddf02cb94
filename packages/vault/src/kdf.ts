/**
 * The passphrase KDF: Argon2id (RFC 9106) from @noble/hashes.
 *
 * Why Argon2id: it is memory-hard (an attacker guessing passphrases pays for memory, not only
 * for compute, which blunts GPU/ASIC farms far better than PBKDF2), its data-independent first
 * pass resists cache-timing side channels, and it is the RFC 9106 / OWASP first choice. scrypt
 * would also be memory-hard but ties memory and time together in one parameter.
 *
 * Default parameters: t = 3 passes, m = 64 MiB, p = 1 — RFC 9106's second recommended
 * option (t = 3, m = 64 MiB) with one lane, because the JavaScript implementation runs on one
 * thread (more lanes would add no speed for the user, only for the attacker). About 1.1 s in
 * Node 20 on this machine, small enough for a phone-class device and an unlock prompt.
 * The parameters are stored with each wrapped key, so they can be raised later by adding a
 * method with stronger parameters and removing the old one.
 * @module
 */
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { FieldRangeError, FieldTypeError, assertBytes } from '@tessera/crypto/errors';

/** Argon2id cost parameters (m in KiB). */
export interface Argon2Params {
  /** Passes over memory (time cost). */
  readonly t: number;
  /** Memory in KiB. */
  readonly m: number;
  /** Lanes (parallelism). */
  readonly p: number;
}

/** Default passphrase KDF parameters (see module doc). */
export const DEFAULT_ARGON2: Argon2Params = Object.freeze({ t: 3, m: 64 * 1024, p: 1 });

/** Upper bounds accepted from stored records (a crafted record must not exhaust memory/time). */
const MAX_T = 64;
const MAX_M = 1 << 20; // 1 GiB
const MAX_P = 16;

/**
 * Checks parameters read from a record or given by a caller.
 * @throws {FieldTypeError} if a field is not an integer. @throws {FieldRangeError} if out of bounds.
 */
export function checkArgon2Params(params: unknown, field = 'kdf'): Argon2Params {
  if (typeof params !== 'object' || params === null) throw new FieldTypeError(field, 'expected { t, m, p }');
  const { t, m, p } = params as Record<string, unknown>;
  for (const [k, v] of [['t', t], ['m', m], ['p', p]] as const)
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new FieldTypeError(`${field}.${k}`, 'expected an integer');
  const P = p as number, T = t as number, M = m as number;
  if (P < 1 || P > MAX_P) throw new FieldRangeError(`${field}.p`, `expected 1 ≤ p ≤ ${MAX_P}`);
  if (T < 1 || T > MAX_T) throw new FieldRangeError(`${field}.t`, `expected 1 ≤ t ≤ ${MAX_T}`);
  if (M < 8 * P || M > MAX_M) throw new FieldRangeError(`${field}.m`, `expected 8·p ≤ m ≤ ${MAX_M} KiB`);
  return { t: T, m: M, p: P };
}

/**
 * Argon2id(passphrase, salt) → 32 bytes. The passphrase is NFC-normalised and UTF-8 encoded,
 * so the same text typed on different systems gives the same key.
 * Security: the output is secret; the caller wipes it.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a bad passphrase, salt or parameters.
 */
export async function derivePassphraseKey(passphrase: string, salt: Uint8Array, params: Argon2Params): Promise<Uint8Array> {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new FieldTypeError('passphrase', 'expected a non-empty string');
  assertBytes('salt', salt, 16);
  const { t, m, p } = checkArgon2Params(params);
  const pw = new TextEncoder().encode(passphrase.normalize('NFC'));
  try {
    return await argon2idAsync(pw, salt, { t, m, p, dkLen: 32 });
  } finally {
    pw.fill(0);
  }
}
