/**
 * Unlock methods. Every method is a {@link KeyWrapper}: it seals the vault's 32-byte data key
 * under a key only the method's secret can produce, and opens it again. The vault keeps one
 * {@link WrappedKey} per enrolled method, so methods are added and removed without touching
 * the encrypted shares.
 *
 * - passphrase: Argon2id (kdf.ts) → 32 bytes;
 * - WebAuthn PRF: the authenticator's 32-byte PRF output (webauthn.ts obtains it);
 * - PKCS#11 bridge (bridge.ts): implements {@link KeyWrapper} with a token AES key
 *   (CKA_SENSITIVE, non-extractable) doing the GCM wrap itself, through apps/hsm-bridge.
 *
 * The two software methods derive, with HKDF-SHA256 over the secret (salt = the record's
 * random salt), a wrapping key (info = label ‖ AAD binding vault id and method id) and a
 * separate 32-byte check value (info = its own label only) stored in the record. A wrong
 * secret is recognised by the check value (→ `VaultUnlockError`); an altered wrapped key, or
 * a record moved to another vault or method id, by the GCM tag failing under a correct check
 * value (→ `VaultIntegrityError`). An altered salt or KDF parameter changes the derived secret
 * and so reads as a wrong secret. The check value gives a guesser nothing the
 * GCM tag would not: both cost one KDF evaluation per guess.
 * @module
 */
import { assertBytes, FieldTypeError } from '@tessera/crypto/errors';
import { randomBytes, type RandomSource } from '@tessera/crypto/rng';
import { equalBytes, hkdfSplit, importAesKey, open, seal } from './aead.ts';
import { VaultIntegrityError, VaultUnlockError } from './errors.ts';
import { checkArgon2Params, DEFAULT_ARGON2, derivePassphraseKey, type Argon2Params } from './kdf.ts';

/** A data key sealed by one unlock method, as stored. */
export interface WrappedKey {
  /** Method kind, e.g. `"passphrase"`, `"webauthn-prf"`, `"pkcs11"`. */
  readonly kind: string;
  /** Public parameters of the method (KDF costs, credential id…), integers or strings. */
  readonly params: Readonly<Record<string, number | string>>;
  /** Random salt of the derivation (empty if the method has none). */
  readonly salt: Uint8Array;
  /** Check value telling a wrong secret from an altered record (empty if the method has none). */
  readonly check: Uint8Array;
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/**
 * Seals and opens the vault's data key. `aad` binds the result to the vault and method id.
 * `unwrap` throws `VaultUnlockError` (reason `wrong-secret`) when the method's secret is
 * wrong and `VaultIntegrityError` when the blob was altered.
 */
export interface KeyWrapper {
  /** Method kind written into {@link WrappedKey.kind}. */
  readonly kind: string;
  /** Seals `dataKey` (32 bytes). @throws {FieldRangeError} @throws {RngHealthError} */
  wrap(dataKey: Uint8Array, aad: Uint8Array): Promise<WrappedKey>;
  /** Opens `blob`; the caller wipes the result. @throws {VaultUnlockError} @throws {VaultIntegrityError} */
  unwrap(blob: WrappedKey, aad: Uint8Array): Promise<Uint8Array>;
}

/** An unlock method as the vault uses it: an id (unique per vault), a label and its wrapper. */
export interface UnlockMethod {
  /** Unique id within the vault, e.g. `"passphrase"` or `"webauthn:<credential id>"`. */
  readonly id: string;
  /** Human-readable label shown in the wallet. */
  readonly label: string;
  readonly wrapper: KeyWrapper;
}

const WRAP_LABEL = 'tessera/vault/wrap-key/v1';
const CHECK_LABEL = 'tessera/vault/check/v1';

/** Seals `dataKey` under keys derived from `secret` (see module doc). */
async function wrapWithSecret(kind: string, params: Record<string, number | string>, secret: Uint8Array, salt: Uint8Array, dataKey: Uint8Array, aad: Uint8Array, rng?: RandomSource): Promise<WrappedKey> {
  assertBytes('dataKey', dataKey, 32);
  const [kw] = hkdfSplit(secret, salt, aad, [WRAP_LABEL]) as [Uint8Array];
  const [check] = hkdfSplit(secret, salt, new Uint8Array(0), [CHECK_LABEL]) as [Uint8Array];
  try {
    const key = await importAesKey(kw);
    const s = await seal(key, dataKey, aad, rng);
    return { kind, params, salt, check, iv: s.iv, ciphertext: s.ciphertext };
  } finally {
    kw.fill(0);
  }
}

/** Opens a blob sealed by {@link wrapWithSecret}. */
async function unwrapWithSecret(secret: Uint8Array, blob: WrappedKey, aad: Uint8Array): Promise<Uint8Array> {
  const [kw] = hkdfSplit(secret, blob.salt, aad, [WRAP_LABEL]) as [Uint8Array];
  const [check] = hkdfSplit(secret, blob.salt, new Uint8Array(0), [CHECK_LABEL]) as [Uint8Array];
  try {
    if (!(blob.check instanceof Uint8Array) || !equalBytes(check, blob.check)) throw new VaultUnlockError('', 'wrong-secret');
    const key = await importAesKey(kw);
    const dataKey = await open(key, blob, aad);
    if (!dataKey || dataKey.length !== 32) throw new VaultIntegrityError('wrapped-key', 'wrapped data key altered (check value matches, GCM tag does not)');
    return dataKey;
  } finally {
    kw.fill(0);
  }
}

/** Options of {@link passphraseMethod}. */
export interface PassphraseMethodOptions {
  /** Method id (default `"passphrase"`). */
  readonly id?: string;
  readonly label?: string;
  /** Argon2id parameters for NEW wraps (default {@link DEFAULT_ARGON2}); unwrap uses the record's. */
  readonly kdf?: Argon2Params;
  readonly rng?: RandomSource;
}

/**
 * A passphrase unlock method (Argon2id, parameters stored in the wrapped key).
 * @throws {FieldTypeError} if the passphrase is empty. @throws {FieldRangeError} on bad KDF parameters.
 */
export function passphraseMethod(passphrase: string, opts: PassphraseMethodOptions = {}): UnlockMethod {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new FieldTypeError('passphrase', 'expected a non-empty string');
  const kdf = checkArgon2Params(opts.kdf ?? DEFAULT_ARGON2, 'opts.kdf');
  const wrapper: KeyWrapper = {
    kind: 'passphrase',
    async wrap(dataKey, aad) {
      const salt = randomBytes(16, opts.rng);
      const secret = await derivePassphraseKey(passphrase, salt, kdf);
      try {
        return await wrapWithSecret('passphrase', { alg: 'argon2id', t: kdf.t, m: kdf.m, p: kdf.p }, secret, salt, dataKey, aad, opts.rng);
      } finally {
        secret.fill(0);
      }
    },
    async unwrap(blob, aad) {
      if (blob.kind !== 'passphrase' || blob.params.alg !== 'argon2id') throw new VaultIntegrityError('wrapped-key', 'not a passphrase-wrapped key');
      let params: Argon2Params;
      try {
        params = checkArgon2Params(blob.params, 'params');
      } catch {
        throw new VaultIntegrityError('wrapped-key', 'KDF parameters out of bounds');
      }
      if (!(blob.salt instanceof Uint8Array) || blob.salt.length !== 16) throw new VaultIntegrityError('wrapped-key', 'bad salt');
      const secret = await derivePassphraseKey(passphrase, blob.salt, params);
      try {
        return await unwrapWithSecret(secret, blob, aad);
      } finally {
        secret.fill(0);
      }
    },
  };
  return { id: opts.id ?? 'passphrase', label: opts.label ?? 'Passphrase', wrapper };
}

/** Options of {@link webauthnPrfMethod}. */
export interface PrfMethodOptions {
  /** The credential id (base64url) of the authenticator credential. */
  readonly credentialId: string;
  readonly label?: string;
  readonly rng?: RandomSource;
}

/**
 * A WebAuthn PRF unlock method: the wrapping key is HKDF-SHA256 of the authenticator's 32-byte
 * PRF output (for the input {@link import('./webauthn.ts').prfInput}), salted per record and
 * bound to the vault id and method id. Method id: `webauthn:<credentialId>`.
 * Security: `prfOutput` is secret; the caller should wipe it after the vault operation.
 * @throws {FieldRangeError} if `prfOutput` is not 32 bytes. @throws {FieldTypeError} on a bad credential id.
 */
export function webauthnPrfMethod(prfOutput: Uint8Array, opts: PrfMethodOptions): UnlockMethod {
  assertBytes('prfOutput', prfOutput, 32);
  if (typeof opts.credentialId !== 'string' || !/^[A-Za-z0-9_-]{1,1400}$/.test(opts.credentialId)) throw new FieldTypeError('opts.credentialId', 'expected a base64url credential id');
  const secret = new Uint8Array(prfOutput);
  const wrapper: KeyWrapper = {
    kind: 'webauthn-prf',
    async wrap(dataKey, aad) {
      const salt = randomBytes(32, opts.rng);
      return wrapWithSecret('webauthn-prf', { credentialId: opts.credentialId }, secret, salt, dataKey, aad, opts.rng);
    },
    async unwrap(blob, aad) {
      if (blob.kind !== 'webauthn-prf' || blob.params.credentialId !== opts.credentialId) throw new VaultIntegrityError('wrapped-key', 'not a PRF-wrapped key for this credential');
      if (!(blob.salt instanceof Uint8Array) || blob.salt.length !== 32) throw new VaultIntegrityError('wrapped-key', 'bad salt');
      return unwrapWithSecret(secret, blob, aad);
    },
  };
  return { id: `webauthn:${opts.credentialId}`, label: opts.label ?? 'Passkey', wrapper };
}
