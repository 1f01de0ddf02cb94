/**
 * The bridge's PKCS#11 token: one logged-in read/write session over `pkcs11js`, and the three
 * things the bridge keeps in the token.
 *
 * - **Wrapping keys.** One AES-256 secret key per device, generated inside the token
 *   (`CKM_AES_KEY_GEN`; `CKA_TOKEN`, `CKA_PRIVATE`, `CKA_SENSITIVE` true, `CKA_EXTRACTABLE`,
 *   `CKA_WRAP`, `CKA_UNWRAP`, `CKA_DERIVE` false), labelled `tessera/wrap/<deviceId>`. It seals
 *   and opens the vault's 32-byte data key with `CKM_AES_GCM` (fresh random 96-bit IV, 128-bit
 *   tag, AAD supplied by the caller). The key value never leaves the token.
 * - **Counters.** A counter is the largest 8-byte big-endian value among the `CKO_DATA`
 *   objects labelled `tessera/counter/<deviceId>/<hash of name>` (application
 *   `tessera-hsm-bridge`). SoftHSM makes `CKA_VALUE` of a data object read-only, so an
 *   update creates a new object with the larger value and then destroys the older ones; a
 *   crash between the two leaves both, and the maximum is still right. A value is never
 *   written lower than the current one ({@link CounterDecreaseError}).
 * - **A sentinel** `CKO_DATA` object (label `tessera/sentinel`, 16 random bytes) created at
 *   first start. Every operation first checks it is visible with the same value: a token
 *   store that vanishes under a running library can make objects silently disappear, and
 *   acting on "no key" or "counter 0" would generate a second key or restart a counter.
 *   Missing → {@link HsmUnavailableError} (`token-objects-missing`).
 * - **Token information** for `/health`: label, serial, manufacturer, model, mechanisms.
 *
 * All PKCS#11 calls are synchronous, so in one Node process each method below runs to
 * completion without interleaving; one bridge process per token is assumed (docs/hsm-bridge.md).
 *
 * Failures: a PKCS#11 code meaning the session, library or token is gone becomes
 * {@link HsmUnavailableError} and marks the token down; the next call tries once to
 * reconnect (initialize, find the token by serial, open a session, log in) and fails with
 * `HsmUnavailableError` again if that does not work. A GCM decryption failure
 * (`CKR_GENERAL_ERROR` in SoftHSM, `CKR_ENCRYPTED_DATA_INVALID` elsewhere) becomes
 * {@link WrappedKeyAuthError}.
 *
 * Security: the PIN is kept in memory for reconnection only; it is never logged and never
 * part of an error message.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { FieldRangeError, assertBytes } from '@tessera/crypto/errors';
import { randomBytes, type RandomSource } from '@tessera/crypto/rng';
import { BridgeStartError, CounterDecreaseError, HsmUnavailableError, WrappedKeyAuthError } from './errors.ts';

type Pkcs11Module = typeof import('pkcs11js');
type Handle = Buffer;

const pkcs11js = createRequire(import.meta.url)('pkcs11js') as Pkcs11Module;

/** CKA_APPLICATION of the bridge's data objects. */
export const COUNTER_APPLICATION = 'tessera-hsm-bridge';
/** CKA_LABEL of the bridge's sentinel object (see {@link Token}). */
export const SENTINEL_LABEL = 'tessera/sentinel';
/** Largest counter value (unsigned 64-bit). */
export const COUNTER_MAX = (1n << 64n) - 1n;

/** Options of {@link openToken}. */
export interface TokenOptions {
  /** Path of the PKCS#11 module (shared library). */
  readonly modulePath: string;
  /** The user PIN. Security: secret; never logged. */
  readonly pin: string;
  /** Label of the token to use (default: the first slot with a token present). */
  readonly tokenLabel?: string;
  /** Randomness for GCM IVs (default: the health-checked system RNG). */
  readonly rng?: RandomSource;
}

/** What `/health` reports about the token. */
export interface TokenInfo {
  readonly label: string;
  readonly serial: string;
  readonly manufacturer: string;
  readonly model: string;
  /** Names of the supported mechanisms (`CKM_…`), or `0x…` for vendor ones. */
  readonly mechanisms: readonly string[];
}

/** An AES-GCM sealed data key as the token returns it. */
export interface SealedKey {
  /** 12-byte IV. */
  readonly iv: Uint8Array;
  /** Ciphertext followed by the 16-byte tag. */
  readonly ciphertext: Uint8Array;
}

/** PKCS#11 return values meaning the HSM is gone (not a refusal of this request). */
const UNAVAILABLE = new Set(
  [
    'CKR_CRYPTOKI_NOT_INITIALIZED',
    'CKR_SESSION_HANDLE_INVALID',
    'CKR_SESSION_CLOSED',
    'CKR_DEVICE_REMOVED',
    'CKR_DEVICE_ERROR',
    'CKR_DEVICE_MEMORY',
    'CKR_TOKEN_NOT_PRESENT',
    'CKR_TOKEN_NOT_RECOGNIZED',
    'CKR_SLOT_ID_INVALID',
    'CKR_USER_NOT_LOGGED_IN',
    'CKR_FUNCTION_FAILED',
  ].map((n) => (pkcs11js as unknown as Record<string, number>)[n]),
);

/** Name of a PKCS#11 return value (`CKR_…`). */
function ckrName(code: number): string {
  for (const [k, v] of Object.entries(pkcs11js)) if (k.startsWith('CKR_') && v === code) return k;
  return `0x${code.toString(16)}`;
}

/** Name of a mechanism (`CKM_…`), preferring the first name of aliased values. */
function mechanismName(code: number): string {
  for (const [k, v] of Object.entries(pkcs11js)) if (k.startsWith('CKM_') && v === code) return k;
  return `0x${code.toString(16)}`;
}

function isPkcs11Error(e: unknown): e is Error & { code: number } {
  return e instanceof pkcs11js.Pkcs11Error || (e instanceof Error && typeof (e as { code?: unknown }).code === 'number');
}

const trimPad = (s: string): string => s.replace(/[\s\0]+$/, '');

/**
 * Loads the PKCS#11 module at `opts.modulePath`, finds the token and logs in as user.
 * @throws {BridgeStartError} `module-not-found` (no file), `module-load-failed`, `token-not-found`,
 *   `wrong-pin`, `pin-locked`, `login-failed`. Messages name the module path and token, never the PIN.
 */
export function openToken(opts: TokenOptions): Token {
  if (typeof opts.modulePath !== 'string' || opts.modulePath === '') throw new BridgeStartError('module-not-found', 'PKCS#11 module path is empty');
  if (!existsSync(opts.modulePath)) throw new BridgeStartError('module-not-found', `PKCS#11 module not found: ${opts.modulePath}`);
  if (typeof opts.pin !== 'string' || opts.pin === '') throw new BridgeStartError('pin-missing', 'the PIN is empty');
  const token = new Token(opts);
  token.connectAtStart();
  return token;
}

/** A logged-in PKCS#11 token; see the module doc. Obtain one with {@link openToken}. */
export class Token {
  readonly #opts: TokenOptions;
  #module: InstanceType<Pkcs11Module['PKCS11']> | undefined;
  #slot: Handle | undefined;
  #session: Handle | undefined;
  #serial: string | undefined;
  #down: string | undefined;
  #closed = false;
  #sentinel: Buffer | undefined;

  /** @internal use {@link openToken}. */
  constructor(opts: TokenOptions) {
    this.#opts = { ...opts };
  }

  /** Serial number of the token in use. */
  get serial(): string {
    return this.#serial ?? '';
  }

  /** Whether the last call found the HSM unavailable (the next call tries to reconnect). */
  get down(): boolean {
    return this.#down !== undefined;
  }

  /** The loaded `pkcs11js` instance (tests use it to finalize the library under the bridge). */
  get module(): InstanceType<Pkcs11Module['PKCS11']> | undefined {
    return this.#module;
  }

  /** @internal first connection, with start-up error classification. */
  connectAtStart(): void {
    const m = new pkcs11js.PKCS11();
    try {
      m.load(this.#opts.modulePath);
    } catch (e) {
      throw new BridgeStartError('module-load-failed', `cannot load PKCS#11 module ${this.#opts.modulePath}: ${(e as Error).message}`);
    }
    try {
      this.#connect(m);
      this.#sentinel = this.#ensureSentinel(m, this.#session!);
    } catch (e) {
      try {
        m.C_Finalize();
      } catch {
        // not initialized: nothing to undo
      }
      m.close();
      if (e instanceof BridgeStartError) throw e;
      if (isPkcs11Error(e)) throw new BridgeStartError('login-failed', `PKCS#11 start-up failed: ${ckrName(e.code)}`);
      throw e;
    }
    this.#module = m;
  }

  /** Initializes, finds the slot, opens a R/W session and logs in (throws BridgeStartError for start-up classes). */
  #connect(m: InstanceType<Pkcs11Module['PKCS11']>): void {
    try {
      m.C_Initialize();
    } catch (e) {
      if (!(isPkcs11Error(e) && e.code === pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED)) throw e;
    }
    const slot = this.#findSlot(m);
    const session = m.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      m.C_Login(session, pkcs11js.CKU_USER, this.#opts.pin);
    } catch (e) {
      if (isPkcs11Error(e)) {
        if (e.code === pkcs11js.CKR_USER_ALREADY_LOGGED_IN) {
          // another session of this process is logged in: the login state is shared
        } else {
          m.C_CloseSession(session);
          if (e.code === pkcs11js.CKR_PIN_INCORRECT) throw new BridgeStartError('wrong-pin', `login to token "${this.#describeSlot(m, slot)}" refused: wrong PIN`);
          if (e.code === pkcs11js.CKR_PIN_LOCKED) throw new BridgeStartError('pin-locked', `login to token "${this.#describeSlot(m, slot)}" refused: PIN locked`);
          throw new BridgeStartError('login-failed', `login to token "${this.#describeSlot(m, slot)}" failed: ${ckrName(e.code)}`);
        }
      } else throw e;
    }
    this.#slot = slot;
    this.#session = session;
    this.#serial = trimPad(m.C_GetTokenInfo(slot).serialNumber);
    this.#down = undefined;
  }

  #describeSlot(m: InstanceType<Pkcs11Module['PKCS11']>, slot: Handle): string {
    try {
      return trimPad(m.C_GetTokenInfo(slot).label);
    } catch {
      return '?';
    }
  }

  /** The slot holding the wanted token: by serial once known (reconnects), else by label, else the first. */
  #findSlot(m: InstanceType<Pkcs11Module['PKCS11']>): Handle {
    const slots = m.C_GetSlotList(true);
    for (const s of slots) {
      const info = m.C_GetTokenInfo(s);
      if (this.#serial !== undefined) {
        if (trimPad(info.serialNumber) === this.#serial) return s;
      } else if (this.#opts.tokenLabel === undefined || trimPad(info.label) === this.#opts.tokenLabel) return s;
    }
    if (this.#serial !== undefined) throw new HsmUnavailableError('token-not-present');
    throw new BridgeStartError('token-not-found', this.#opts.tokenLabel === undefined ? `no token present in module ${this.#opts.modulePath}` : `no token labelled "${this.#opts.tokenLabel}" in module ${this.#opts.modulePath}`);
  }

  /** Runs `fn` with a live session, reconnecting once if the token was down; classifies failures. */
  #run<T>(fn: (m: InstanceType<Pkcs11Module['PKCS11']>, session: Handle) => T): T {
    if (this.#closed) throw new HsmUnavailableError('bridge-closed');
    if (this.#down !== undefined || !this.#module || !this.#session) this.#reconnect();
    const m = this.#module!;
    try {
      this.#checkSentinel(m, this.#session!);
      return fn(m, this.#session!);
    } catch (e) {
      if (isPkcs11Error(e) && UNAVAILABLE.has(e.code)) {
        this.#down = ckrName(e.code);
        throw new HsmUnavailableError(this.#down);
      }
      throw e;
    }
  }

  /**
   * The value of the token's sentinel object, created (16 random bytes) on first start. Later
   * checks need it present and unchanged: see {@link Token.#checkSentinel}.
   */
  #ensureSentinel(m: InstanceType<Pkcs11Module['PKCS11']>, s: Handle): Buffer {
    const found = this.#sentinelValues(m, s);
    if (found.length === 1) return found[0]!;
    if (found.length > 1) throw new BridgeStartError('token-not-found', `token ${this.#serial ?? ''} holds ${found.length} bridge sentinel objects; expected one`);
    const value = Buffer.from(randomBytes(16, this.#opts.rng));
    m.C_CreateObject(s, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_DATA },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_MODIFIABLE, value: false },
      { type: pkcs11js.CKA_APPLICATION, value: COUNTER_APPLICATION },
      { type: pkcs11js.CKA_LABEL, value: SENTINEL_LABEL },
      { type: pkcs11js.CKA_VALUE, value },
    ]);
    return value;
  }

  #sentinelValues(m: InstanceType<Pkcs11Module['PKCS11']>, s: Handle): Buffer[] {
    return this.#find(m, s, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_DATA },
      { type: pkcs11js.CKA_APPLICATION, value: COUNTER_APPLICATION },
      { type: pkcs11js.CKA_LABEL, value: SENTINEL_LABEL },
    ]).map((h) => m.C_GetAttributeValue(s, h, [{ type: pkcs11js.CKA_VALUE }])[0]!.value as Buffer);
  }

  /**
   * Refuses to work on a token whose objects are not visible: a token store that vanished
   * under a running library can answer "no such object" instead of failing, and acting on that
   * would generate a second wrapping key or restart a counter from 0. The sentinel made at
   * first start must be there, once, with its value.
   */
  #checkSentinel(m: InstanceType<Pkcs11Module['PKCS11']>, s: Handle): void {
    const found = this.#sentinelValues(m, s);
    if (found.length !== 1 || !this.#sentinel || !found[0]!.equals(this.#sentinel)) {
      this.#down = 'token-objects-missing';
      throw new HsmUnavailableError(this.#down);
    }
  }

  #reconnect(): void {
    const m = this.#module ?? new pkcs11js.PKCS11();
    if (!this.#module) {
      try {
        m.load(this.#opts.modulePath);
      } catch {
        throw new HsmUnavailableError('module-not-loadable');
      }
      this.#module = m;
    }
    try {
      m.C_Finalize();
    } catch {
      // already finalized (the usual cause of the outage)
    }
    this.#session = undefined;
    try {
      this.#connect(m);
    } catch (e) {
      this.#down = e instanceof HsmUnavailableError ? e.detail : isPkcs11Error(e) ? ckrName(e.code) : 'reconnect-failed';
      throw new HsmUnavailableError(this.#down);
    }
  }

  /**
   * Label, serial, manufacturer, model and mechanism names of the token.
   * @throws {HsmUnavailableError}
   */
  info(): TokenInfo {
    return this.#run((m) => {
      const t = m.C_GetTokenInfo(this.#slot!);
      const mechanisms = [...new Set(m.C_GetMechanismList(this.#slot!).map(mechanismName))];
      return { label: trimPad(t.label), serial: trimPad(t.serialNumber), manufacturer: trimPad(t.manufacturerID), model: trimPad(t.model), mechanisms };
    });
  }

  #find(m: InstanceType<Pkcs11Module['PKCS11']>, session: Handle, template: { type: number; value: unknown }[]): Handle[] {
    m.C_FindObjectsInit(session, template as never);
    try {
      const out: Handle[] = [];
      for (;;) {
        const batch = m.C_FindObjects(session, 32);
        if (batch.length === 0) return out;
        out.push(...batch);
      }
    } finally {
      m.C_FindObjectsFinal(session);
    }
  }

  #wrapKeyHandle(m: InstanceType<Pkcs11Module['PKCS11']>, session: Handle, deviceId: string): Handle | undefined {
    const found = this.#find(m, session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_LABEL, value: wrapKeyLabel(deviceId) },
    ]);
    if (found.length > 1) throw new HsmUnavailableError(`${found.length} wrapping keys labelled ${wrapKeyLabel(deviceId)}`);
    return found[0];
  }

  /** Whether a wrapping key exists for `deviceId`. @throws {HsmUnavailableError} */
  hasWrappingKey(deviceId: string): boolean {
    return this.#run((m, s) => this.#wrapKeyHandle(m, s, deviceId) !== undefined);
  }

  /**
   * The wrapping key of `deviceId`, generated in the token on first use (AES-256, sensitive,
   * not extractable, token object). Returns the object handle.
   * @throws {HsmUnavailableError}
   */
  ensureWrappingKey(deviceId: string): Handle {
    return this.#run((m, s) => this.#ensureKey(m, s, deviceId));
  }

  #ensureKey(m: InstanceType<Pkcs11Module['PKCS11']>, s: Handle, deviceId: string): Handle {
    const existing = this.#wrapKeyHandle(m, s, deviceId);
    if (existing) return existing;
    return m.C_GenerateKey(s, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: false },
      { type: pkcs11js.CKA_ENCRYPT, value: true },
      { type: pkcs11js.CKA_DECRYPT, value: true },
      { type: pkcs11js.CKA_WRAP, value: false },
      { type: pkcs11js.CKA_UNWRAP, value: false },
      { type: pkcs11js.CKA_DERIVE, value: false },
      { type: pkcs11js.CKA_LABEL, value: wrapKeyLabel(deviceId) },
      { type: pkcs11js.CKA_ID, value: Buffer.from(labelHash(deviceId).subarray(0, 16)) },
    ]);
  }

  /**
   * Seals `plaintext` (the vault's data key) under the device's token key with AES-GCM, a
   * fresh random IV and `aad`. Generates the key on first use.
   * @throws {HsmUnavailableError} @throws {FieldRangeError} on a plaintext over 1 KiB.
   */
  seal(deviceId: string, plaintext: Uint8Array, aad: Uint8Array): SealedKey {
    assertBytes('plaintext', plaintext);
    if (plaintext.length === 0 || plaintext.length > 1024) throw new FieldRangeError('plaintext', 'expected 1 to 1024 bytes');
    const iv = randomBytes(12, this.#opts.rng);
    return this.#run((m, s) => {
      const key = this.#ensureKey(m, s, deviceId);
      m.C_EncryptInit(s, gcm(iv, aad), key);
      const out = m.C_Encrypt(s, Buffer.from(plaintext), Buffer.alloc(plaintext.length + 16));
      return { iv, ciphertext: new Uint8Array(out) };
    });
  }

  /**
   * Opens a {@link SealedKey} under the device's token key.
   * Security: the result is secret; the caller wipes it.
   * @throws {WrappedKeyAuthError} if the tag check fails. @throws {HsmUnavailableError}
   * @throws {FieldRangeError} on a malformed IV or ciphertext. Returns undefined if the device has no key.
   */
  open(deviceId: string, sealed: SealedKey, aad: Uint8Array): Uint8Array | undefined {
    assertBytes('iv', sealed.iv, 12);
    assertBytes('ciphertext', sealed.ciphertext);
    if (sealed.ciphertext.length < 17 || sealed.ciphertext.length > 1040) throw new FieldRangeError('ciphertext', 'expected 17 to 1040 bytes');
    return this.#run((m, s) => {
      const key = this.#wrapKeyHandle(m, s, deviceId);
      if (!key) return undefined;
      m.C_DecryptInit(s, gcm(sealed.iv, aad), key);
      let out: Buffer;
      try {
        out = m.C_Decrypt(s, Buffer.from(sealed.ciphertext), Buffer.alloc(sealed.ciphertext.length));
      } catch (e) {
        if (isPkcs11Error(e) && (e.code === pkcs11js.CKR_GENERAL_ERROR || e.code === pkcs11js.CKR_ENCRYPTED_DATA_INVALID || e.code === pkcs11js.CKR_ENCRYPTED_DATA_LEN_RANGE)) throw new WrappedKeyAuthError();
        throw e;
      }
      const result = new Uint8Array(out);
      out.fill(0);
      return result;
    });
  }

  #counterObjects(m: InstanceType<Pkcs11Module['PKCS11']>, s: Handle, label: string): { handle: Handle; value: bigint }[] {
    const handles = this.#find(m, s, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_DATA },
      { type: pkcs11js.CKA_APPLICATION, value: COUNTER_APPLICATION },
      { type: pkcs11js.CKA_LABEL, value: label },
    ]);
    return handles.map((handle) => {
      const [attr] = m.C_GetAttributeValue(s, handle, [{ type: pkcs11js.CKA_VALUE }]);
      const v = attr?.value;
      return { handle, value: Buffer.isBuffer(v) && v.length === 8 ? v.readBigUInt64BE(0) : 0n };
    });
  }

  /**
   * Current value of counter `name` of `deviceId` (0 if it was never advanced).
   * @throws {HsmUnavailableError}
   */
  counter(deviceId: string, name: string): bigint {
    return this.#run((m, s) => this.#counterObjects(m, s, counterLabel(deviceId, name)).reduce((a, o) => (o.value > a ? o.value : a), 0n));
  }

  /**
   * Moves counter `name` of `deviceId` to `value`, which must exceed the current value: writes
   * a new token object holding it, then destroys the older ones. Returns `value`.
   * @throws {CounterDecreaseError} if `value` ≤ the current value. @throws {HsmUnavailableError}
   * @throws {FieldRangeError} if `value` is not in [1, 2^64 − 1].
   */
  advanceCounter(deviceId: string, name: string, value: bigint): bigint {
    if (typeof value !== 'bigint' || value < 1n || value > COUNTER_MAX) throw new FieldRangeError('value', 'expected an integer in [1, 2^64 - 1]');
    const label = counterLabel(deviceId, name);
    return this.#run((m, s) => {
      const objs = this.#counterObjects(m, s, label);
      const current = objs.reduce((a, o) => (o.value > a ? o.value : a), 0n);
      if (value <= current) throw new CounterDecreaseError(current, value);
      const bytes = Buffer.alloc(8);
      bytes.writeBigUInt64BE(value, 0);
      m.C_CreateObject(s, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_DATA },
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_PRIVATE, value: true },
        { type: pkcs11js.CKA_MODIFIABLE, value: false },
        { type: pkcs11js.CKA_APPLICATION, value: COUNTER_APPLICATION },
        { type: pkcs11js.CKA_LABEL, value: label },
        { type: pkcs11js.CKA_VALUE, value: bytes },
      ]);
      for (const o of objs) m.C_DestroyObject(s, o.handle);
      return value;
    });
  }

  /**
   * Increments counter `name` of `deviceId` to max(current + 1, atLeast) and returns it.
   * @throws {HsmUnavailableError} @throws {FieldRangeError} if the counter would exceed 2^64 − 1.
   */
  nextCounter(deviceId: string, name: string, atLeast = 0n): bigint {
    const cur = this.counter(deviceId, name);
    const next = cur + 1n > atLeast ? cur + 1n : atLeast;
    return this.advanceCounter(deviceId, name, next);
  }

  /** Logs out, closes the session and unloads the module. Idempotent; never throws. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const m = this.#module;
    if (!m) return;
    for (const step of [() => this.#session && m.C_Logout(this.#session), () => this.#session && m.C_CloseSession(this.#session), () => m.C_Finalize(), () => m.close()]) {
      try {
        step();
      } catch {
        // best effort on shutdown
      }
    }
    this.#module = undefined;
    this.#session = undefined;
  }
}

function labelHash(text: string): Buffer {
  return createHash('sha256').update('tessera/hsm-bridge/label\0').update(text, 'utf8').digest();
}

/** CKA_LABEL of a device's wrapping key. */
export function wrapKeyLabel(deviceId: string): string {
  return `tessera/wrap/${deviceId}`;
}

/** CKA_LABEL of a device's counter objects (the counter name is hashed to bound the length). */
export function counterLabel(deviceId: string, name: string): string {
  return `tessera/counter/${deviceId}/${labelHash(name).subarray(0, 16).toString('hex')}`;
}

function gcm(iv: Uint8Array, aad: Uint8Array): { mechanism: number; parameter: { type: number; iv: Buffer; aad: Buffer; ivBits: number; tagBits: number } } {
  return { mechanism: pkcs11js.CKM_AES_GCM, parameter: { type: pkcs11js.CK_PARAMS_AES_GCM, iv: Buffer.from(iv), aad: Buffer.from(aad), ivBits: 96, tagBits: 128 } };
}
