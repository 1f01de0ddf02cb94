/**
 * The wallet's side of the PKCS#11 bridge (apps/hsm-bridge): a signed-request HTTP client, the
 * "hardware key (PKCS#11 bridge)" unlock method, the HSM-backed counter for the nonce ledger,
 * and the cross-check of the three records of nonce use.
 *
 * - {@link createBridgeClient}: every request is signed by the device's Ed25519 identity key
 *   over `len-prefixed("tessera/hsm-bridge/request/v1", deviceId, METHOD, path,
 *   SHA-256(body), timestamp, nonce)` (4-byte big-endian lengths), sent in the
 *   `X-Tessera-Device/-Timestamp/-Nonce/-Signature` headers. The bridge refuses unknown and
 *   unapproved devices, bad signatures, replayed nonces and stale timestamps.
 * - {@link pkcs11BridgeMethod}: an {@link UnlockMethod} (id `pkcs11:<deviceId>`) whose
 *   {@link KeyWrapper} has the bridge seal the data key with the device's AES-256 token key
 *   (AES-GCM inside the HSM; the key never leaves it). The vault's AAD (vault id, method id)
 *   is sent along and bound into the GCM tag with the device id. A tampered wrapped key comes
 *   back as `wrapped-key-auth` and becomes a `VaultIntegrityError`.
 * - {@link bridgeCounter}: an {@link ExternalCounter} for `Vault.setExternalCounter`; the
 *   vault's `nextCounter` then takes its values from the token's monotonic counter, so a
 *   rolled-back IndexedDB cannot make a counter value repeat.
 * - {@link compareNonceRecords} / {@link crossCheckNonceRecords}: the status screen's check
 *   of the IndexedDB ledger against the HSM counter and the mailbox's count of published
 *   commitments.
 *
 * Failures other than a tampered key are {@link BridgeError}s (`code` = the bridge's error
 * code, or `unreachable` / `bad-response`); the vault passes them through unchanged and
 * writes nothing.
 *
 * Security: the data key crosses the network in the request body: use the bridge over
 * localhost or TLS only. The identity secret key stays in this module's closure.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { FieldTypeError, assertBytes } from '@tessera/crypto/errors';
import { randomBytes, type RandomSource } from '@tessera/crypto/rng';
import { createEd25519Auth, type IdentityKey } from '@tessera/protocols/engine/auth';
import { lengthPrefixed } from '@tessera/protocols/engine/hash';
import type { PartyIndex } from '@tessera/protocols/engine/ids';
import { VaultIntegrityError, VaultUnlockError } from './errors.ts';
import type { ExternalCounter, Vault } from './vault.ts';
import type { KeyWrapper, UnlockMethod, WrappedKey } from './wrappers.ts';

/** Domain tag of signed bridge requests (the bridge's auth.ts uses the same). */
export const BRIDGE_REQUEST_TAG = 'tessera/hsm-bridge/request/v1';

/** Kind of a bridge-wrapped key in {@link WrappedKey.kind}. */
export const PKCS11_KIND = 'pkcs11';

/** Device ids the bridge accepts. */
const DEVICE_ID_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

/** Something that signs with the device's Ed25519 identity key (e.g. a key kept in a worker). */
export interface BridgeSigner {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** Options of {@link createBridgeClient} and {@link pkcs11BridgeMethod}. */
export interface BridgeClientOptions {
  /** Base URL of the bridge, e.g. `http://127.0.0.1:7447`. */
  readonly url: string;
  /** This device's id at the bridge (1–64 of `A–Z a–z 0–9 . _ -`). */
  readonly deviceId: string;
  /** The device identity: an Ed25519 key pair or a signer. Security: the secret key is secret. */
  readonly identity: IdentityKey | BridgeSigner;
  /** `fetch` to use (default the global one). */
  readonly fetch?: typeof fetch;
  /** Clock for request timestamps (default `Date.now`). */
  readonly now?: () => number;
  /** Randomness for request nonces (default the system RNG). */
  readonly rng?: RandomSource;
  /** Request timeout in ms (default 15000). */
  readonly timeoutMs?: number;
}

/** A refusal or failure reported by (or on the way to) the bridge. */
export class BridgeError extends Error {
  /** HTTP status (0 when the bridge could not be reached or answered garbage). */
  readonly status: number;
  /**
   * The bridge's error code (`hsm-unavailable`, `bad-signature`, `unknown-device`,
   * `device-not-approved`, `replayed-nonce`, `stale-timestamp`, `body-too-large`,
   * `rate-limited`, `origin-not-allowed`, `counter-decrease`, `wrapped-key-auth`, …),
   * or `unreachable` / `bad-response`.
   */
  readonly code: string;
  /** Seconds to wait before retrying, when the bridge said so. */
  readonly retryAfter: number | undefined;
  constructor(status: number, code: string, message: string, retryAfter?: number) {
    super(`PKCS#11 bridge: ${message}`);
    this.name = 'BridgeError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** What `/health` reports. */
export interface BridgeHealth {
  readonly status: string;
  readonly token: { readonly label: string; readonly serial: string; readonly manufacturer: string; readonly model: string };
  readonly mechanisms: readonly string[];
}

/** Registration state of this device at the bridge. */
export interface BridgeDeviceStatus {
  readonly deviceId: string;
  readonly status: 'pending' | 'approved';
  /** Fingerprint of the identity key, for the operator to compare before approving. */
  readonly fingerprint: string;
}

/** The signed-request client of one device. */
export interface BridgeClient {
  readonly url: string;
  readonly deviceId: string;
  /** `GET /health` (unsigned). @throws {BridgeError} */
  health(): Promise<BridgeHealth>;
  /** Registers this device's identity key (pending until the operator approves). @throws {BridgeError} */
  register(): Promise<BridgeDeviceStatus>;
  /** This device's registration state. @throws {BridgeError} */
  status(): Promise<BridgeDeviceStatus>;
  /** Seals `key` under the device's token key with `aad`. @throws {BridgeError} */
  wrap(key: Uint8Array, aad: Uint8Array): Promise<{ iv: Uint8Array; ciphertext: Uint8Array }>;
  /**
   * Opens a sealed key. Security: the result is secret; wipe it.
   * @throws {BridgeError} (`wrapped-key-auth` when the tag check fails)
   */
  unwrap(iv: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  /** Current value of counter `name` (0 if never advanced). @throws {BridgeError} */
  counter(name: string): Promise<bigint>;
  /** Increments counter `name` to max(current + 1, atLeast). @throws {BridgeError} */
  nextCounter(name: string, atLeast?: bigint): Promise<bigint>;
  /** Moves counter `name` up to `value`; a lower or equal value is refused (`counter-decrease`). @throws {BridgeError} */
  advanceCounter(name: string, value: bigint): Promise<bigint>;
}

/**
 * The bytes a device signs for a bridge request.
 * @throws {FieldTypeError} on a non-string part.
 */
export function bridgeRequestBytes(deviceId: string, method: string, path: string, body: Uint8Array, timestamp: number, nonce: string): Uint8Array {
  return lengthPrefixed([BRIDGE_REQUEST_TAG, deviceId, method.toUpperCase(), path, sha256(body), String(timestamp), nonce]);
}

/**
 * A {@link BridgeSigner} over a WebCrypto Ed25519 key pair. With a pair made by
 * {@link generateWebCryptoBridgeKey} the private key is non-extractable: it can be kept in
 * IndexedDB (idb stores CryptoKeys) outside the encrypted vault, which it has to be, since it
 * is needed to unlock the vault, and script on the origin can use it but never read it.
 * @throws {FieldTypeError} if the pair is not Ed25519. @throws {DOMException} if WebCrypto refuses.
 */
export async function webCryptoBridgeSigner(pair: CryptoKeyPair): Promise<BridgeSigner> {
  if (pair?.privateKey?.algorithm?.name !== 'Ed25519' || pair.publicKey?.algorithm?.name !== 'Ed25519') throw new FieldTypeError('pair', 'expected an Ed25519 CryptoKeyPair');
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { publicKey, sign: async (m) => new Uint8Array(await crypto.subtle.sign('Ed25519', pair.privateKey, m as BufferSource)) };
}

/**
 * A fresh Ed25519 device key pair for the bridge, the private key NON-extractable.
 * @throws {DOMException} if the platform's WebCrypto has no Ed25519.
 */
export async function generateWebCryptoBridgeKey(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
}

function signerOf(identity: IdentityKey | BridgeSigner): BridgeSigner {
  if (identity && 'sign' in identity && typeof identity.sign === 'function') {
    assertBytes('identity.publicKey', identity.publicKey, 32);
    return identity;
  }
  const id = identity as IdentityKey;
  assertBytes('identity.secretKey', id?.secretKey, 32);
  assertBytes('identity.publicKey', id.publicKey, 32);
  const auth = createEd25519Auth(id.secretKey, new Map([[1 as PartyIndex, id.publicKey]]));
  return { publicKey: id.publicKey.slice(), sign: (m) => auth.sign(m) };
}

function checkOptions(opts: BridgeClientOptions): void {
  if (typeof opts.url !== 'string' || !/^https?:\/\/[^\s]+$/.test(opts.url)) throw new FieldTypeError('opts.url', 'expected an http(s) URL');
  if (typeof opts.deviceId !== 'string' || !DEVICE_ID_RE.test(opts.deviceId)) throw new FieldTypeError('opts.deviceId', 'expected 1-64 characters of A-Z a-z 0-9 . _ - (not starting with . or -)');
}

const enc = new TextEncoder();

function hexOf(o: Record<string, unknown>, k: string): Uint8Array {
  const v = o[k];
  if (typeof v !== 'string' || !/^(?:[0-9a-f]{2})*$/.test(v)) throw new BridgeError(0, 'bad-response', `malformed "${k}" in the bridge's reply`);
  return hexToBytes(v);
}

function bigOf(o: Record<string, unknown>, k: string): bigint {
  const v = o[k];
  if (typeof v !== 'string' || !/^\d{1,20}$/.test(v)) throw new BridgeError(0, 'bad-response', `malformed "${k}" in the bridge's reply`);
  return BigInt(v);
}

function statusOf(o: Record<string, unknown>): BridgeDeviceStatus {
  if (typeof o.deviceId !== 'string' || (o.status !== 'pending' && o.status !== 'approved') || typeof o.fingerprint !== 'string') throw new BridgeError(0, 'bad-response', 'malformed device status');
  return { deviceId: o.deviceId, status: o.status, fingerprint: o.fingerprint };
}

/**
 * A signed-request client for the bridge at `opts.url`.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a bad URL, device id or identity.
 */
export function createBridgeClient(opts: BridgeClientOptions): BridgeClient {
  checkOptions(opts);
  const signer = signerOf(opts.identity);
  const base = opts.url.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 15_000;

  async function call(method: 'GET' | 'POST', path: string, payload?: Record<string, unknown>): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = {};
    let body: Uint8Array | undefined;
    if (method === 'POST') {
      body = enc.encode(JSON.stringify(payload ?? {}));
      const timestamp = Math.floor(now());
      const nonce = bytesToHex(randomBytes(16, opts.rng));
      const signature = await signer.sign(bridgeRequestBytes(opts.deviceId, method, path, body, timestamp, nonce));
      headers['content-type'] = 'application/json';
      headers['x-tessera-device'] = opts.deviceId;
      headers['x-tessera-timestamp'] = String(timestamp);
      headers['x-tessera-nonce'] = nonce;
      headers['x-tessera-signature'] = bytesToHex(signature);
    }
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, { method, headers, ...(body ? { body: body as BodyInit } : {}), signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      throw new BridgeError(0, 'unreachable', `cannot reach ${base} (${e instanceof Error ? e.message : String(e)})`);
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new BridgeError(res.status, 'bad-response', `HTTP ${res.status} without a JSON body`);
    }
    if (typeof json !== 'object' || json === null) throw new BridgeError(res.status, 'bad-response', `HTTP ${res.status} with a malformed body`);
    const o = json as Record<string, unknown>;
    if (!res.ok) {
      const retry = Number(res.headers.get('retry-after') ?? NaN);
      throw new BridgeError(res.status, typeof o.error === 'string' ? o.error : 'bad-response', typeof o.message === 'string' ? o.message : `HTTP ${res.status}`, Number.isFinite(retry) ? retry : undefined);
    }
    return o;
  }

  const checkName = (name: string): void => {
    if (typeof name !== 'string' || name.length === 0 || name.length > 256) throw new FieldTypeError('name', 'expected a string of 1 to 256 characters');
  };

  return {
    url: base,
    deviceId: opts.deviceId,
    async health() {
      const o = await call('GET', '/health');
      const t = o.token as Record<string, unknown> | undefined;
      if (!t || typeof t.label !== 'string' || typeof t.serial !== 'string' || !Array.isArray(o.mechanisms)) throw new BridgeError(0, 'bad-response', 'malformed health report');
      return { status: String(o.status), token: { label: t.label, serial: t.serial, manufacturer: String(t.manufacturer), model: String(t.model) }, mechanisms: o.mechanisms.map(String) };
    },
    async register() {
      return statusOf(await call('POST', '/v1/register', { deviceId: opts.deviceId, publicKey: bytesToHex(signer.publicKey) }));
    },
    async status() {
      return statusOf(await call('POST', '/v1/status', {}));
    },
    async wrap(key, aad) {
      assertBytes('key', key);
      assertBytes('aad', aad);
      const o = await call('POST', '/v1/wrap', { aad: bytesToHex(aad), key: bytesToHex(key) });
      return { iv: hexOf(o, 'iv'), ciphertext: hexOf(o, 'ciphertext') };
    },
    async unwrap(iv, ciphertext, aad) {
      assertBytes('iv', iv);
      assertBytes('ciphertext', ciphertext);
      assertBytes('aad', aad);
      const o = await call('POST', '/v1/unwrap', { aad: bytesToHex(aad), iv: bytesToHex(iv), ciphertext: bytesToHex(ciphertext) });
      return hexOf(o, 'key');
    },
    async counter(name) {
      checkName(name);
      return bigOf(await call('POST', '/v1/counter', { name }), 'value');
    },
    async nextCounter(name, atLeast) {
      checkName(name);
      return bigOf(await call('POST', '/v1/counter/next', { name, ...(atLeast !== undefined && atLeast > 0n ? { atLeast: atLeast.toString() } : {}) }), 'value');
    },
    async advanceCounter(name, value) {
      checkName(name);
      return bigOf(await call('POST', '/v1/counter/advance', { name, value: value.toString() }), 'value');
    },
  };
}

/** Options of {@link pkcs11BridgeMethod}. */
export interface BridgeMethodOptions extends BridgeClientOptions {
  /** Label shown in the wallet (default "Hardware key (PKCS#11 bridge)"). */
  readonly label?: string;
}

/**
 * The "hardware key (PKCS#11 bridge)" unlock method: the bridge seals the data key with the
 * device's non-extractable AES-256 token key (AES-GCM in the HSM). Method id
 * `pkcs11:<deviceId>`. The device must be registered and approved at the bridge.
 *
 * `unwrap` throws `VaultIntegrityError` when the bridge reports the wrapped key failed
 * authentication (altered, or bound to another vault, method or device), `VaultUnlockError`
 * (`wrong-secret`) when the token has no key for this device, and {@link BridgeError} for
 * every other failure (HSM unavailable, device refused…), on which the vault changes nothing.
 * @throws {FieldTypeError} @throws {FieldRangeError} on bad options.
 */
export function pkcs11BridgeMethod(opts: BridgeMethodOptions): UnlockMethod {
  const client = createBridgeClient(opts);
  const wrapper: KeyWrapper = {
    kind: PKCS11_KIND,
    async wrap(dataKey, aad) {
      assertBytes('dataKey', dataKey, 32);
      const { iv, ciphertext } = await client.wrap(dataKey, aad);
      if (iv.length !== 12 || ciphertext.length !== 48) throw new BridgeError(0, 'bad-response', 'wrapped key of unexpected size');
      const blob: WrappedKey = { kind: PKCS11_KIND, params: { deviceId: opts.deviceId, alg: 'AES-256-GCM' }, salt: new Uint8Array(0), check: new Uint8Array(0), iv, ciphertext };
      return blob;
    },
    async unwrap(blob, aad) {
      if (blob.kind !== PKCS11_KIND || blob.params.deviceId !== opts.deviceId) throw new VaultIntegrityError('wrapped-key', 'not a PKCS#11-bridge-wrapped key for this device');
      if (!(blob.iv instanceof Uint8Array) || blob.iv.length !== 12 || !(blob.ciphertext instanceof Uint8Array) || blob.ciphertext.length !== 48) throw new VaultIntegrityError('wrapped-key', 'bad IV or ciphertext length');
      let key: Uint8Array;
      try {
        key = await client.unwrap(blob.iv, blob.ciphertext, aad);
      } catch (e) {
        if (e instanceof BridgeError && e.code === 'wrapped-key-auth') throw new VaultIntegrityError('wrapped-key', 'wrapped key failed authentication in the HSM (altered, or bound to another vault, method or device)');
        if (e instanceof BridgeError && e.code === 'no-wrapping-key') throw new VaultUnlockError('', 'wrong-secret', 'the HSM holds no wrapping key for this device');
        throw e;
      }
      if (key.length !== 32) {
        key.fill(0);
        throw new VaultIntegrityError('wrapped-key', 'unwrapped key has the wrong length');
      }
      return key;
    },
  };
  return { id: `pkcs11:${opts.deviceId}`, label: opts.label ?? 'Hardware key (PKCS#11 bridge)', wrapper };
}

/**
 * The bridge's per-device counters as the vault's {@link ExternalCounter} (counter name =
 * the nonce ledger's key id). Pass a client or the options to build one.
 * @throws {FieldTypeError} on bad options.
 */
export function bridgeCounter(client: BridgeClient | BridgeClientOptions): ExternalCounter & { current(keyId: string): Promise<bigint> } {
  const c = 'nextCounter' in client ? client : createBridgeClient(client);
  return {
    next: (keyId, atLeast) => c.nextCounter(keyId, atLeast),
    current: (keyId) => c.counter(keyId),
  };
}

/** The three records of nonce use for one key, as read by {@link crossCheckNonceRecords}. */
export interface NonceRecords {
  readonly keyId: string;
  /** The IndexedDB ledger's counter (last value handed out). */
  readonly ledgerCounter: bigint;
  /** Nonces recorded as consumed in the IndexedDB ledger. */
  readonly ledgerConsumed: number;
  /** The HSM counter (undefined when no bridge is configured). */
  readonly hsmCounter: bigint | undefined;
  /** The mailbox's count of this party's published nonce commitments (undefined if unknown). */
  readonly mailboxPublished: number | undefined;
}

/** Kinds of disagreement between the records. */
export type NonceMismatchKind = 'hsm-behind-ledger' | 'ledger-behind-hsm' | 'consumed-exceeds-counter' | 'published-exceeds-counter' | 'consumed-exceeds-published';

/** One disagreement, with a sentence for the status screen. */
export interface NonceMismatch {
  readonly kind: NonceMismatchKind;
  readonly message: string;
}

/**
 * Compares the records. Every signing draws one counter value before its commitment is
 * published, and consumes its nonce after, so for one key:
 * consumed ≤ published ≤ counter, and the ledger's counter equals the HSM's (the vault stores
 * each HSM value it receives). Each violated relation is one mismatch; none means consistent.
 * - `hsm-behind-ledger`: the HSM counter is lower than the ledger's (token reset or replaced,
 *   or values drawn without the bridge);
 * - `ledger-behind-hsm`: the ledger is lower (IndexedDB rolled back or restored, a draw whose
 *   local write was lost, or another wallet using this device id);
 * - `consumed-exceeds-counter` / `published-exceeds-counter`: nonces used or commitments
 *   published that no counter draw accounts for;
 * - `consumed-exceeds-published`: nonces consumed whose commitments the mailbox never saw.
 */
export function compareNonceRecords(r: NonceRecords): NonceMismatch[] {
  const out: NonceMismatch[] = [];
  const counter = r.hsmCounter !== undefined && r.hsmCounter > r.ledgerCounter ? r.hsmCounter : r.ledgerCounter;
  if (r.hsmCounter !== undefined) {
    if (r.hsmCounter < r.ledgerCounter) out.push({ kind: 'hsm-behind-ledger', message: `HSM counter ${r.hsmCounter} is below the IndexedDB ledger's ${r.ledgerCounter} for key ${r.keyId}` });
    if (r.ledgerCounter < r.hsmCounter) out.push({ kind: 'ledger-behind-hsm', message: `IndexedDB ledger counter ${r.ledgerCounter} is below the HSM's ${r.hsmCounter} for key ${r.keyId}` });
  }
  if (BigInt(r.ledgerConsumed) > counter) out.push({ kind: 'consumed-exceeds-counter', message: `${r.ledgerConsumed} nonces consumed but only ${counter} counter values drawn for key ${r.keyId}` });
  if (r.mailboxPublished !== undefined) {
    if (BigInt(r.mailboxPublished) > counter) out.push({ kind: 'published-exceeds-counter', message: `${r.mailboxPublished} commitments published but only ${counter} counter values drawn for key ${r.keyId}` });
    if (r.ledgerConsumed > r.mailboxPublished) out.push({ kind: 'consumed-exceeds-published', message: `${r.ledgerConsumed} nonces consumed but the mailbox records only ${r.mailboxPublished} published commitments for key ${r.keyId}` });
  }
  return out;
}

/**
 * Reads the IndexedDB ledger of `keyId` from `vault` and the HSM counter from `counter` (if
 * given), and compares them with the mailbox's count of published commitments (if given).
 * @throws {BridgeError} if the bridge cannot be read.
 */
export async function crossCheckNonceRecords(args: {
  readonly vault: Vault;
  readonly keyId: string;
  readonly counter?: { current(keyId: string): Promise<bigint> };
  readonly mailboxPublished?: number;
}): Promise<{ records: NonceRecords; mismatches: NonceMismatch[] }> {
  const stats = await args.vault.nonceLedgerStats(args.keyId);
  const records: NonceRecords = {
    keyId: args.keyId,
    ledgerCounter: stats.counter,
    ledgerConsumed: stats.consumed,
    hsmCounter: args.counter ? await args.counter.current(args.keyId) : undefined,
    mailboxPublished: args.mailboxPublished,
  };
  return { records, mismatches: compareNonceRecords(records) };
}
