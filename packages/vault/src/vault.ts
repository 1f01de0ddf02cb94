/**
 * The vault: a party's secrets in IndexedDB (idb), encrypted under a random 256-bit data key.
 *
 * Stores (one IndexedDB database per vault, out-of-line keys):
 * - `meta`: vault id and format, audit head and keyed audit checkpoint;
 * - `wrappedKeys`: the data key sealed by each unlock method (wrappers.ts), each record tagged
 *   with HMAC under a key derived from the data key (so any altered record is detected once
 *   unlocked);
 * - `shares`: key shares, AES-256-GCM under the data key with AAD = (vault id, store, record
 *   id, type, revision), so a record moved, renamed or retyped fails to decrypt;
 * - `nonces` (consumed nonce ids) and `counters`: the {@link NonceLedger};
 *   `nonceSecrets`: sealed secret nonces/presignatures, released by {@link Vault.releaseNonce}
 *   in the SAME transaction that records their consumption (a second release fails closed);
 * - `audit`: the hash-chained audit log (audit.ts);
 * - `sessions`: encrypted runner records for resuming ceremonies (a RunnerStore).
 *
 * Unlocking imports the data key as a NON-extractable AES-GCM CryptoKey; raw key bytes exist
 * only during unlock/enrolment and are wiped. A wrong secret changes nothing but appends an
 * `unlock-failure` audit event.
 *
 * Limits: IndexedDB is writable by any script of the origin; the vault detects altered and
 * moved records but not the rollback of a whole record to an older valid version of itself,
 * nor a deleted nonce-ledger entry (the ledger is not secret and not authenticated; the
 * protocol-level nonce ids still bind each nonce to its commitments).
 * @module
 */
import { openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { FieldTypeError, assertBytes } from '@tessera/crypto/errors';
import { randomBytes, type RandomSource } from '@tessera/crypto/rng';
import { canonicalJson, type Json } from '@tessera/protocols/engine/codec';
import { NonceReuseError } from '@tessera/protocols/engine/errors';
import { lengthPrefixed } from '@tessera/protocols/engine/hash';
import type { NonceLedger } from '@tessera/protocols/frost/nonce-ledger';
import * as frostShare from '@tessera/protocols/frost/keyshare';
import * as cggmpShare from '@tessera/protocols/cggmp/keyshare';
import { hkdfSplit, importAesKey, importHmacKey, mac, macVerify, open, seal, equalBytes } from './aead.ts';
import { checkpointMessage, nextAuditEntry, verifyAuditEntries, type AuditDetails, type AuditEntry, type AuditHead, type AuditKind } from './audit.ts';
import { VaultIntegrityError, VaultStateError, VaultUnlockError } from './errors.ts';
import { checkArgon2Params, DEFAULT_ARGON2, derivePassphraseKey, type Argon2Params } from './kdf.ts';
import type { UnlockMethod, WrappedKey } from './wrappers.ts';

/** IndexedDB schema version of the vault database. */
export const VAULT_DB_VERSION = 1;
/** The object stores of a vault database. */
export const VAULT_STORES = ['meta', 'wrappedKeys', 'shares', 'nonces', 'nonceSecrets', 'counters', 'audit', 'sessions'] as const;
/** One of {@link VAULT_STORES}. */
export type VaultStore = (typeof VAULT_STORES)[number];

type DB = IDBPDatabase<unknown>;
type AnyTx = IDBPTransaction<unknown, VaultStore[], 'readwrite'>;

interface VaultMeta {
  readonly format: 'tessera/vault';
  readonly version: 1;
  readonly vaultId: string;
  readonly created: number;
}

interface WrappedKeyRecord {
  readonly id: string;
  readonly label: string;
  readonly created: number;
  readonly blob: WrappedKey;
  readonly mac: Uint8Array;
}

interface SealedRecord {
  readonly id: string;
  readonly type: string;
  readonly revision: number;
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
}

interface CheckpointRecord {
  readonly seq: number;
  readonly hash: Uint8Array;
  readonly mac: Uint8Array;
}

interface UnlockedKeys {
  /** The data key: AES-256-GCM, non-extractable. */
  readonly dataKey: CryptoKey;
  /** HMAC-SHA256 key derived from the data key: wrapped-key records and audit checkpoints. */
  readonly macKey: CryptoKey;
}

/** Options of {@link openVault}. */
export interface VaultOptions {
  /** Randomness for ids, keys, salts and IVs (default: the health-checked system RNG). */
  readonly rng?: RandomSource;
  /** Clock for audit entries, ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** External monotonic counter for {@link NonceLedger.nextCounter} (see {@link Vault.setExternalCounter}). */
  readonly counter?: ExternalCounter;
}

/**
 * A monotonic counter kept outside IndexedDB (the PKCS#11 bridge's token counter, bridge.ts).
 * `next(keyId, atLeast)` returns a value ≥ `atLeast`, strictly above every value it returned
 * before, durably.
 */
export interface ExternalCounter {
  /** @throws {Error} if the counter cannot be reached; the vault then fails closed. */
  next(keyId: string, atLeast: bigint): Promise<bigint>;
}

/** An enrolled unlock method as listed (no secrets). */
export interface MethodInfo {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly created: number;
  readonly params: Readonly<Record<string, number | string>>;
}

/** A stored share, decrypted. Security: `plaintext` is secret; wipe it after use. */
export interface ShareRecord {
  readonly id: string;
  readonly type: string;
  readonly revision: number;
  readonly plaintext: Uint8Array;
}

/** Result of {@link Vault.verifyAuditChain}. */
export interface AuditReport {
  /** Number of entries. */
  readonly length: number;
  /** Hex hash of the last entry ('' when empty). */
  readonly head: string;
  /** Sequence number covered by a verified keyed checkpoint (0 if none was checked). */
  readonly checkpoint: number;
}

/** Options of {@link Vault.exportBackup}. */
export interface BackupOptions {
  /** Argon2id parameters of the backup key (default {@link DEFAULT_ARGON2}). */
  readonly kdf?: Argon2Params;
}

/** Record type of FROST key shares. */
export const FROST_SHARE_TYPE = frostShare.KEY_SHARE_FORMAT;
/** Record type of CGGMP key shares. */
export const CGGMP_SHARE_TYPE = cggmpShare.KEY_SHARE_FORMAT;
const SESSION_TYPE = 'tessera/runner-record';
const NONCE_TYPE = 'tessera/secret-nonce';
const BACKUP_FORMAT = 'tessera/vault-backup';

/** Every write commits with strict durability (flushed to disk before the transaction completes). */
const STRICT: IDBTransactionOptions = { durability: 'strict' };

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

function checkId(field: string, id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 512) throw new FieldTypeError(field, 'expected a non-empty string of at most 512 characters');
}

function recordAad(vaultId: string, store: VaultStore, id: string, type: string, revision: number): Uint8Array {
  return lengthPrefixed(['tessera/vault/record/v1', vaultId, store, id, type, revision]);
}

function wrapAad(vaultId: string, methodId: string): Uint8Array {
  return lengthPrefixed(['tessera/vault/wrapped-key/v1', vaultId, methodId]);
}

function blobJson(b: WrappedKey): Json {
  return { kind: b.kind, params: { ...b.params }, salt: bytesToHex(b.salt), check: bytesToHex(b.check), iv: bytesToHex(b.iv), ciphertext: bytesToHex(b.ciphertext) };
}

function wrappedMacMessage(vaultId: string, r: Omit<WrappedKeyRecord, 'mac'>): Uint8Array {
  return lengthPrefixed(['tessera/vault/wrapped-key-mac/v1', vaultId, r.id, r.label, String(r.created), canonicalJson(blobJson(r.blob))]);
}

function isSealed(v: unknown): v is SealedRecord {
  const r = v as SealedRecord;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && typeof r.type === 'string' && Number.isSafeInteger(r.revision) && r.iv instanceof Uint8Array && r.ciphertext instanceof Uint8Array;
}

/** Tagged JSON: byte strings as {$bytes: hex}, bigints as {$bigint: decimal}. */
function toTaggedJson(v: unknown): string {
  return JSON.stringify(v, function (this: unknown, _k, value: unknown) {
    if (value instanceof Uint8Array) return { $bytes: bytesToHex(value) };
    if (typeof value === 'bigint') return { $bigint: value.toString() };
    return value;
  });
}
function fromTaggedJson(text: string): unknown {
  return JSON.parse(text, (_k, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const o = value as Record<string, unknown>;
      if (keys.length === 1 && keys[0] === '$bytes' && typeof o.$bytes === 'string') return hexToBytes(o.$bytes);
      if (keys.length === 1 && keys[0] === '$bigint' && typeof o.$bigint === 'string' && /^-?\d{1,80}$/.test(o.$bigint)) return BigInt(o.$bigint);
    }
    return value;
  });
}

/**
 * Opens (creating if needed) the vault database `name` with the global `indexedDB`.
 * The vault starts locked; call {@link Vault.create} once, then {@link Vault.unlock}.
 * @throws {DOMException} if IndexedDB refuses to open.
 */
export async function openVault(name: string, opts: VaultOptions = {}): Promise<Vault> {
  checkId('name', name);
  const db = await openDB(name, VAULT_DB_VERSION, {
    upgrade(d) {
      for (const s of VAULT_STORES) if (!d.objectStoreNames.contains(s)) d.createObjectStore(s);
    },
  });
  const meta = (await db.get('meta', 'vault')) as VaultMeta | undefined;
  return new Vault(db, opts, meta?.vaultId);
}

/** An open vault database; see the module doc. Obtain one with {@link openVault}. */
export class Vault {
  readonly #db: DB;
  readonly #rng: RandomSource | undefined;
  readonly #now: () => number;
  #vaultId: string | undefined;
  #keys: UnlockedKeys | undefined;
  #counter: ExternalCounter | undefined;

  /** @internal use {@link openVault}. */
  constructor(db: DB, opts: VaultOptions, vaultId: string | undefined) {
    this.#db = db;
    this.#rng = opts.rng;
    this.#now = opts.now ?? Date.now;
    this.#vaultId = vaultId;
    this.#counter = opts.counter;
  }

  /**
   * Uses `counter` (e.g. the PKCS#11 bridge's token counter) for {@link NonceLedger.nextCounter}
   * from now on, or the IndexedDB counter alone when undefined. With an external counter each
   * value is `counter.next(keyId, stored + 1)`, and the larger of it and the stored value is
   * written back, so values stay strictly increasing across both records and a rolled-back
   * IndexedDB cannot repeat a value. If the counter cannot be reached, `nextCounter` fails
   * (no silent fall-back to IndexedDB alone).
   */
  setExternalCounter(counter: ExternalCounter | undefined): void {
    this.#counter = counter;
  }

  /** The random vault id (hex), or undefined before {@link create}/{@link importBackup}. */
  get vaultId(): string | undefined {
    return this.#vaultId;
  }

  /** Whether the vault has been created (or restored). */
  get initialized(): boolean {
    return this.#vaultId !== undefined;
  }

  /** Whether the data key is loaded. */
  get unlocked(): boolean {
    return this.#keys !== undefined;
  }

  /**
   * The unlocked data key: a NON-extractable AES-256-GCM CryptoKey (exportKey rejects).
   * @throws {VaultStateError} if locked.
   */
  get dataKey(): CryptoKey {
    return this.#unlockedKeys().dataKey;
  }

  /** Closes the database connection and forgets the data key. */
  close(): void {
    this.#keys = undefined;
    this.#db.close();
  }

  /** Forgets the data key (the vault stays usable for {@link unlock}). */
  lock(): void {
    this.#keys = undefined;
  }

  #unlockedKeys(): UnlockedKeys {
    if (!this.#keys) throw new VaultStateError('locked', 'vault is locked');
    return this.#keys;
  }

  #id(): string {
    if (this.#vaultId === undefined) throw new VaultStateError('not-initialized', 'vault not created yet');
    return this.#vaultId;
  }

  async #importDataKey(raw: Uint8Array, vaultId: string): Promise<UnlockedKeys> {
    const [macRaw] = hkdfSplit(raw, new Uint8Array(0), enc.encode(vaultId), ['tessera/vault/mac-key/v1']) as [Uint8Array];
    try {
      return { dataKey: await importAesKey(raw), macKey: await importHmacKey(macRaw) };
    } finally {
      macRaw.fill(0);
    }
  }

  /** Appends an audit entry inside `tx` (which must cover `meta` and `audit`). Sync hashing keeps the transaction alive. */
  async #appendInTx(tx: AnyTx, kind: AuditKind, details: AuditDetails): Promise<void> {
    const meta = tx.objectStore('meta');
    const head = (await meta.get('auditHead')) as AuditHead | undefined;
    const e = nextAuditEntry(this.#id(), head, this.#now(), kind, details);
    await tx.objectStore('audit').put(e, e.seq);
    await meta.put({ seq: e.seq, hash: e.hash }, 'auditHead');
  }

  /** Refreshes the keyed audit checkpoint to the current head (no-op when locked). */
  async #checkpoint(): Promise<void> {
    if (!this.#keys) return;
    const head = (await this.#db.get('meta', 'auditHead')) as AuditHead | undefined;
    if (!head) return;
    const tag = await mac(this.#keys.macKey, checkpointMessage(this.#id(), head));
    const tx = this.#db.transaction('meta', 'readwrite', STRICT);
    const cur = (await tx.store.get('auditCheckpoint')) as CheckpointRecord | undefined;
    if (!cur || cur.seq < head.seq) await tx.store.put({ seq: head.seq, hash: head.hash, mac: tag } satisfies CheckpointRecord, 'auditCheckpoint');
    await tx.done;
  }

  async #audit(kind: AuditKind, details: AuditDetails): Promise<void> {
    const tx = this.#db.transaction(['meta', 'audit'], 'readwrite', STRICT) as unknown as AnyTx;
    await this.#appendInTx(tx, kind, details);
    await tx.done;
    await this.#checkpoint();
  }

  /**
   * Appends a public event (keygen, sign, refresh…) to the audit log. Details must never
   * contain secrets: use ids, party indices, hashes.
   * @throws {FieldTypeError} @throws {FieldRangeError} on a bad kind or details. @throws {VaultStateError} before creation.
   */
  async recordEvent(kind: AuditKind, details: AuditDetails = {}): Promise<void> {
    await this.#audit(kind, details);
  }

  /**
   * Creates the vault: a fresh random data key wrapped by `method`. The vault is unlocked afterwards.
   * @throws {VaultStateError} if the vault already exists. @throws {RngHealthError}
   */
  async create(method: UnlockMethod): Promise<void> {
    checkId('method.id', method.id);
    if (this.#vaultId !== undefined || (await this.#db.get('meta', 'vault')) !== undefined) throw new VaultStateError('already-initialized', 'vault already exists');
    const vaultId = bytesToHex(randomBytes(16, this.#rng));
    const raw = randomBytes(32, this.#rng);
    let keys: UnlockedKeys;
    let rec: WrappedKeyRecord;
    try {
      keys = await this.#importDataKey(raw, vaultId);
      rec = await this.#wrapRecord(vaultId, method, raw, keys.macKey);
    } finally {
      raw.fill(0);
    }
    const tx = this.#db.transaction([...VAULT_STORES], 'readwrite', STRICT) as unknown as AnyTx;
    if ((await tx.objectStore('meta').get('vault')) !== undefined) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new VaultStateError('already-initialized', 'vault already exists');
    }
    const meta: VaultMeta = { format: 'tessera/vault', version: 1, vaultId, created: this.#now() };
    await tx.objectStore('meta').put(meta, 'vault');
    await tx.objectStore('wrappedKeys').put(rec, rec.id);
    this.#vaultId = vaultId;
    await this.#appendInTx(tx, 'vault-created', { vaultId });
    await this.#appendInTx(tx, 'method-added', { method: rec.id, kind: rec.blob.kind });
    await tx.done;
    this.#keys = keys;
    await this.#checkpoint();
  }

  async #wrapRecord(vaultId: string, method: UnlockMethod, raw: Uint8Array, macKey: CryptoKey): Promise<WrappedKeyRecord> {
    const blob = await method.wrapper.wrap(raw, wrapAad(vaultId, method.id));
    const body = { id: method.id, label: String(method.label), created: this.#now(), blob };
    return { ...body, mac: await mac(macKey, wrappedMacMessage(vaultId, body)) };
  }

  /** Opens the data key with `method`; raw bytes returned, the caller wipes them. Failures audited. */
  async #openDataKey(method: UnlockMethod): Promise<Uint8Array> {
    const vaultId = this.#vaultId;
    if (vaultId === undefined) throw new VaultUnlockError(String(method.id), 'not-initialized');
    const rec = (await this.#db.get('wrappedKeys', method.id)) as WrappedKeyRecord | undefined;
    if (!rec) {
      await this.#audit('unlock-failure', { method: String(method.id).slice(0, 256), reason: 'unknown-method' });
      throw new VaultUnlockError(method.id, 'unknown-method');
    }
    try {
      return await method.wrapper.unwrap(rec.blob, wrapAad(vaultId, method.id));
    } catch (e) {
      if (e instanceof VaultUnlockError) {
        await this.#audit('unlock-failure', { method: method.id, reason: 'wrong-secret' });
        throw new VaultUnlockError(method.id, 'wrong-secret');
      }
      if (e instanceof VaultIntegrityError) {
        const name = `wrappedKeys/${method.id}`;
        await this.#audit('integrity-failure', { record: name });
        throw new VaultIntegrityError(name, e.message.replace(/^wrapped-key: /, ''));
      }
      throw e;
    }
  }

  /**
   * Unlocks with `method`: opens its wrapped data key, imports it non-extractable, then checks
   * the HMAC of every wrapped-key record.
   * @throws {VaultUnlockError} on a wrong secret or unknown method (only an audit event is written).
   * @throws {VaultIntegrityError} naming `wrappedKeys/<id>` if a wrapped-key record was altered.
   */
  async unlock(method: UnlockMethod): Promise<void> {
    const raw = await this.#openDataKey(method);
    let keys: UnlockedKeys;
    try {
      keys = await this.#importDataKey(raw, this.#id());
    } finally {
      raw.fill(0);
    }
    await this.#checkWrappedMacs(keys.macKey);
    this.#keys = keys;
    await this.#audit('unlock', { method: method.id });
  }

  async #checkWrappedMacs(macKey: CryptoKey): Promise<void> {
    const tx = this.#db.transaction('wrappedKeys', 'readonly');
    const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
    await tx.done;
    for (let i = 0; i < keys.length; i++) {
      const r = values[i] as WrappedKeyRecord;
      const name = `wrappedKeys/${String(keys[i])}`;
      let ok = false;
      try {
        ok = r.id === keys[i] && (await macVerify(macKey, wrappedMacMessage(this.#id(), r), r.mac));
      } catch {
        ok = false;
      }
      if (!ok) {
        await this.#audit('integrity-failure', { record: name });
        throw new VaultIntegrityError(name, 'wrapped-key record altered');
      }
    }
  }

  /** The enrolled unlock methods (public data only). */
  async listMethods(): Promise<MethodInfo[]> {
    const recs = (await this.#db.getAll('wrappedKeys')) as WrappedKeyRecord[];
    return recs.map((r) => ({ id: r.id, kind: r.blob.kind, label: r.label, created: r.created, params: { ...r.blob.params } }));
  }

  /**
   * Enrols `added`: opens the data key with `existing` (proof of possession) and wraps it for
   * `added`. Shares are not touched.
   * @throws {VaultUnlockError} if `existing` fails. @throws {VaultStateError} if `added.id` is enrolled.
   */
  async addMethod(existing: UnlockMethod, added: UnlockMethod): Promise<void> {
    checkId('added.id', added.id);
    if ((await this.#db.get('wrappedKeys', added.id)) !== undefined) throw new VaultStateError('duplicate-method', `unlock method "${added.id}" already enrolled`);
    const raw = await this.#openDataKey(existing);
    let rec: WrappedKeyRecord;
    try {
      const keys = await this.#importDataKey(raw, this.#id());
      await this.#checkWrappedMacs(keys.macKey);
      rec = await this.#wrapRecord(this.#id(), added, raw, keys.macKey);
      this.#keys ??= keys;
    } finally {
      raw.fill(0);
    }
    const tx = this.#db.transaction(['wrappedKeys', 'meta', 'audit'], 'readwrite', STRICT) as unknown as AnyTx;
    if ((await tx.objectStore('wrappedKeys').get(added.id)) !== undefined) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new VaultStateError('duplicate-method', `unlock method "${added.id}" already enrolled`);
    }
    await tx.objectStore('wrappedKeys').put(rec, rec.id);
    await this.#appendInTx(tx, 'method-added', { method: rec.id, kind: rec.blob.kind });
    await tx.done;
    await this.#checkpoint();
  }

  /**
   * Removes an unlock method (vault must be unlocked). The last method cannot be removed.
   * @throws {VaultStateError} if locked, unknown id, or it is the last method.
   */
  async removeMethod(id: string): Promise<void> {
    this.#unlockedKeys();
    const tx = this.#db.transaction(['wrappedKeys', 'meta', 'audit'], 'readwrite', STRICT) as unknown as AnyTx;
    const store = tx.objectStore('wrappedKeys');
    const fail = async (e: Error): Promise<never> => {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw e;
    };
    if ((await store.get(id)) === undefined) await fail(new VaultStateError('not-found', `no unlock method "${id}"`));
    if ((await store.count()) <= 1) await fail(new VaultStateError('last-method', 'refusing to remove the last unlock method'));
    await store.delete(id);
    await this.#appendInTx(tx, 'method-removed', { method: id });
    await tx.done;
    await this.#checkpoint();
  }

  // ---- sealed records ----

  async #sealRecord(store: VaultStore, id: string, type: string, revision: number, plaintext: Uint8Array): Promise<SealedRecord> {
    const s = await seal(this.#unlockedKeys().dataKey, plaintext, recordAad(this.#id(), store, id, type, revision), this.#rng);
    return { id, type, revision, iv: s.iv, ciphertext: s.ciphertext };
  }

  async #openRecord(store: VaultStore, key: string, r: unknown): Promise<Uint8Array> {
    const name = `${store}/${key}`;
    const pt = isSealed(r) && r.id === key ? await open(this.#unlockedKeys().dataKey, r, recordAad(this.#id(), store, r.id, r.type, r.revision)) : undefined;
    if (!pt) {
      await this.#audit('integrity-failure', { record: name.slice(0, 256) });
      throw new VaultIntegrityError(name);
    }
    return pt;
  }

  /** Seals and writes a record, bumping its revision; optional audit event in the same transaction. */
  async #putSealed(store: 'shares' | 'sessions', id: string, type: string, plaintext: Uint8Array, event?: { kind: AuditKind; details: AuditDetails }): Promise<number> {
    checkId('id', id);
    checkId('type', type);
    const prev = (await this.#db.get(store, id)) as SealedRecord | undefined;
    const revision = (prev?.revision ?? 0) + 1;
    const rec = await this.#sealRecord(store, id, type, revision, plaintext);
    const stores: VaultStore[] = event ? [store, 'meta', 'audit'] : [store];
    const tx = this.#db.transaction(stores, 'readwrite', STRICT) as unknown as AnyTx;
    const cur = (await tx.objectStore(store).get(id)) as SealedRecord | undefined;
    if ((cur?.revision ?? 0) !== revision - 1) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new VaultStateError('concurrent-write', `${store}/${id} changed during the write; retry`);
    }
    await tx.objectStore(store).put(rec, id);
    if (event) await this.#appendInTx(tx, event.kind, event.details);
    await tx.done;
    if (event) await this.#checkpoint();
    return revision;
  }

  /**
   * Stores a share (any encoding) encrypted under the data key, as the next revision of `id`.
   * `event` ('keygen' or 'refresh') is logged in the same transaction.
   * @returns the new revision. @throws {VaultStateError} if locked or on a concurrent write.
   */
  async putShare(id: string, type: string, plaintext: Uint8Array, event?: 'keygen' | 'refresh'): Promise<number> {
    assertBytes('plaintext', plaintext);
    return this.#putSealed('shares', id, type, plaintext, event ? { kind: event, details: { share: id, type } } : undefined);
  }

  /**
   * Reads and decrypts a share, or undefined if absent.
   * @throws {VaultIntegrityError} naming `shares/<id>` if altered or moved. @throws {VaultStateError} if locked.
   */
  async getShare(id: string): Promise<ShareRecord | undefined> {
    this.#unlockedKeys();
    const r = await this.#db.get('shares', id);
    if (r === undefined) return undefined;
    const plaintext = await this.#openRecord('shares', id, r);
    const s = r as SealedRecord;
    return { id, type: s.type, revision: s.revision, plaintext };
  }

  /** Ids, types and revisions of stored shares (no decryption). */
  async listShares(): Promise<{ id: string; type: string; revision: number }[]> {
    const tx = this.#db.transaction('shares', 'readonly');
    const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
    await tx.done;
    return keys.map((k, i) => {
      const v = values[i] as SealedRecord;
      return { id: String(k), type: String(v?.type), revision: Number(v?.revision) };
    });
  }

  /** Deletes a share (logged). @throws {VaultStateError} if locked. */
  async deleteShare(id: string): Promise<void> {
    this.#unlockedKeys();
    const tx = this.#db.transaction(['shares', 'meta', 'audit'], 'readwrite', STRICT) as unknown as AnyTx;
    await tx.objectStore('shares').delete(id);
    await this.#appendInTx(tx, 'share-deleted', { share: id });
    await tx.done;
    await this.#checkpoint();
  }

  /**
   * Stores a FROST key share under id `frost:<keyId>` (canonical encoding), logging `event`.
   * @returns the record id. @throws {VaultStateError} if locked.
   */
  async putFrostKeyShare(share: frostShare.KeyShare, event: 'keygen' | 'refresh' = 'keygen'): Promise<string> {
    const id = `frost:${frostShare.keyId(share)}`;
    await this.putShare(id, FROST_SHARE_TYPE, enc.encode(frostShare.encodeKeyShare(share)), event);
    return id;
  }

  /**
   * Reads a FROST key share (parsed and validated).
   * @throws {VaultIntegrityError} if altered. @throws {VaultStateError} if absent, of another type, or locked.
   */
  async getFrostKeyShare(id: string): Promise<frostShare.KeyShare> {
    const r = await this.getShare(id);
    if (!r || r.type !== FROST_SHARE_TYPE) throw new VaultStateError('not-found', `no FROST key share ${id}`);
    try {
      return frostShare.parseKeyShare(dec.decode(r.plaintext));
    } finally {
      r.plaintext.fill(0);
    }
  }

  /**
   * Stores a CGGMP key share under id `cggmp:<keyId>`, logging `event`.
   * @returns the record id. @throws {VaultStateError} if locked.
   */
  async putCggmpKeyShare(share: cggmpShare.CggmpKeyShare, event: 'keygen' | 'refresh' = 'keygen'): Promise<string> {
    const id = `cggmp:${cggmpShare.keyId(share.core)}`;
    await this.putShare(id, CGGMP_SHARE_TYPE, enc.encode(cggmpShare.encodeKeyShare(share)), event);
    return id;
  }

  /**
   * Reads a CGGMP key share (parsed and validated).
   * @throws {VaultIntegrityError} if altered. @throws {VaultStateError} if absent or locked.
   */
  async getCggmpKeyShare(id: string): Promise<cggmpShare.CggmpKeyShare> {
    const r = await this.getShare(id);
    if (!r || r.type !== CGGMP_SHARE_TYPE) throw new VaultStateError('not-found', `no CGGMP key share ${id}`);
    try {
      return cggmpShare.parseKeyShare(dec.decode(r.plaintext));
    } finally {
      r.plaintext.fill(0);
    }
  }

  // ---- nonce ledger ----

  /**
   * The vault's {@link NonceLedger} (FROST nonces and CGGMP presignatures alike): a consumption
   * is one IndexedDB readwrite transaction that checks, records, and deletes any stored secret
   * for that nonce; a second consumption throws NonceReuseError. Usable while locked.
   */
  get nonceLedger(): NonceLedger {
    return {
      consume: (keyId, nonceId) => this.#consume(keyId, nonceId),
      nextCounter: (keyId) => this.#nextCounter(keyId),
    };
  }

  async #consume(keyId: string, nonceId: string): Promise<void> {
    checkId('keyId', keyId);
    checkId('nonceId', nonceId);
    const tx = this.#db.transaction(['nonces', 'nonceSecrets'], 'readwrite', STRICT);
    const k = [keyId, nonceId];
    if ((await tx.objectStore('nonces').get(k)) !== undefined) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new NonceReuseError();
    }
    await tx.objectStore('nonces').put({ consumed: this.#now() }, k);
    await tx.objectStore('nonceSecrets').delete(k);
    await tx.done;
  }

  async #nextCounter(keyId: string): Promise<bigint> {
    checkId('keyId', keyId);
    const external = this.#counter;
    if (external) return this.#nextExternalCounter(external, keyId);
    const tx = this.#db.transaction('counters', 'readwrite', STRICT);
    const cur = (await tx.store.get(keyId)) as bigint | undefined;
    const c = (typeof cur === 'bigint' ? cur : 0n) + 1n;
    await tx.store.put(c, keyId);
    await tx.done;
    return c;
  }

  async #nextExternalCounter(external: ExternalCounter, keyId: string): Promise<bigint> {
    const stored = (await this.#db.get('counters', keyId)) as bigint | undefined;
    const floor = (typeof stored === 'bigint' ? stored : 0n) + 1n;
    const c = await external.next(keyId, floor);
    if (typeof c !== 'bigint' || c < floor) throw new VaultIntegrityError(`counters/${keyId}`, `external counter returned ${String(c)}, below the ledger's next value ${floor}`);
    const tx = this.#db.transaction('counters', 'readwrite', STRICT);
    const cur = (await tx.store.get(keyId)) as bigint | undefined;
    if (typeof cur !== 'bigint' || cur < c) await tx.store.put(c, keyId);
    await tx.done;
    return c;
  }

  /**
   * The ledger's record of key `keyId`: its counter (last value handed out, 0 if none) and the
   * number of consumed nonces. For the status screen's cross-check (bridge.ts).
   */
  async nonceLedgerStats(keyId: string): Promise<{ counter: bigint; consumed: number }> {
    checkId('keyId', keyId);
    const cur = (await this.#db.get('counters', keyId)) as bigint | undefined;
    const consumed = await this.#db.count('nonces', IDBKeyRange.bound([keyId], [keyId, []]));
    return { counter: typeof cur === 'bigint' ? cur : 0n, consumed };
  }

  /** Whether nonce `nonceId` of key `keyId` has been consumed. */
  async isNonceConsumed(keyId: string, nonceId: string): Promise<boolean> {
    return (await this.#db.get('nonces', [keyId, nonceId])) !== undefined;
  }

  /**
   * Stores a secret nonce (or presignature) encrypted, to be released once by {@link releaseNonce}.
   * @throws {NonceReuseError} if that nonce was already consumed. @throws {VaultStateError} if locked or already stored.
   */
  async storeNonce(keyId: string, nonceId: string, secret: Uint8Array): Promise<void> {
    checkId('keyId', keyId);
    checkId('nonceId', nonceId);
    assertBytes('secret', secret);
    const rid = `${keyId}/${nonceId}`;
    const rec = await this.#sealRecord('nonceSecrets', rid, NONCE_TYPE, 1, secret);
    const tx = this.#db.transaction(['nonces', 'nonceSecrets'], 'readwrite', STRICT);
    const k = [keyId, nonceId];
    const used = (await tx.objectStore('nonces').get(k)) !== undefined;
    const present = (await tx.objectStore('nonceSecrets').get(k)) !== undefined;
    if (used || present) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw used ? new NonceReuseError() : new VaultStateError('duplicate-method', `nonce ${rid} already stored`);
    }
    await tx.objectStore('nonceSecrets').put(rec, k);
    await tx.done;
  }

  /**
   * Releases a stored secret nonce exactly once: ONE transaction checks the ledger, records the
   * consumption, deletes the sealed secret and logs a `sign` audit event; only after it commits
   * is the secret decrypted and returned. A second call throws NonceReuseError.
   * Security: the caller wipes the returned secret after use.
   * @throws {NonceReuseError} @throws {VaultStateError} if locked or not stored. @throws {VaultIntegrityError} if the sealed secret was altered (the nonce stays consumed).
   */
  async releaseNonce(keyId: string, nonceId: string, details: AuditDetails = {}): Promise<Uint8Array> {
    checkId('keyId', keyId);
    checkId('nonceId', nonceId);
    this.#unlockedKeys();
    const k = [keyId, nonceId];
    const tx = this.#db.transaction(['nonces', 'nonceSecrets', 'meta', 'audit'], 'readwrite', STRICT) as unknown as AnyTx;
    const fail = async (e: Error): Promise<never> => {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw e;
    };
    if ((await tx.objectStore('nonces').get(k)) !== undefined) await fail(new NonceReuseError());
    const sealed = await tx.objectStore('nonceSecrets').get(k);
    if (sealed === undefined) await fail(new VaultStateError('not-found', `no stored nonce ${keyId}/${nonceId}`));
    await tx.objectStore('nonces').put({ consumed: this.#now() }, k);
    await tx.objectStore('nonceSecrets').delete(k);
    await this.#appendInTx(tx, 'sign', { ...details, keyId, nonceId });
    await tx.done;
    await this.#checkpoint();
    return this.#openRecord('nonceSecrets', `${keyId}/${nonceId}`, sealed);
  }

  // ---- sessions ----

  /**
   * Encrypted storage of runner records for resuming sessions, with the shape of
   * `@tessera/transport`'s `RunnerStore` (load/save/delete of strings). Requires the vault unlocked.
   */
  get sessions(): { load(key: string): Promise<string | undefined>; save(key: string, value: string): Promise<void>; delete(key: string): Promise<void> } {
    return {
      load: async (key) => {
        this.#unlockedKeys();
        const r = await this.#db.get('sessions', key);
        if (r === undefined) return undefined;
        const pt = await this.#openRecord('sessions', key, r);
        try {
          return dec.decode(pt);
        } finally {
          pt.fill(0);
        }
      },
      save: async (key, value) => {
        if (typeof value !== 'string') throw new FieldTypeError('value', 'expected a string');
        await this.#putSealed('sessions', key, SESSION_TYPE, enc.encode(value));
      },
      delete: async (key) => {
        await this.#db.delete('sessions', key);
      },
    };
  }

  // ---- audit ----

  /** All audit entries in order (public data). */
  async auditLog(): Promise<AuditEntry[]> {
    return (await this.#db.getAll('audit')) as AuditEntry[];
  }

  /**
   * Verifies the audit chain: every link and hash, contiguous sequence numbers, the stored head
   * (truncation) and, when unlocked, the HMAC checkpoint (a log rewritten without the data key).
   * @throws {VaultIntegrityError} naming the first bad entry (`audit/<seq>`), `meta/auditHead` or `meta/auditCheckpoint`.
   */
  async verifyAuditChain(): Promise<AuditReport> {
    const vaultId = this.#id();
    const tx = this.#db.transaction(['audit', 'meta'], 'readonly');
    const [keys, values, head, cp] = await Promise.all([
      tx.objectStore('audit').getAllKeys(),
      tx.objectStore('audit').getAll(),
      tx.objectStore('meta').get('auditHead'),
      tx.objectStore('meta').get('auditCheckpoint'),
    ]);
    await tx.done;
    const h = verifyAuditEntries(vaultId, keys.map((k, i) => [k, values[i]] as const), head);
    let checkpoint = 0;
    if (this.#keys && cp !== undefined) {
      const c = cp as CheckpointRecord;
      const okShape = typeof c === 'object' && c !== null && Number.isSafeInteger(c.seq) && c.seq >= 1 && c.hash instanceof Uint8Array;
      if (!okShape || !(await macVerify(this.#keys.macKey, checkpointMessage(vaultId, c), c.mac))) throw new VaultIntegrityError('meta/auditCheckpoint', 'audit checkpoint altered');
      const at = values[c.seq - 1] as AuditEntry | undefined;
      if (!at || !equalBytes(at.hash, c.hash)) throw new VaultIntegrityError(`audit/${c.seq}`, 'audit log rewritten or truncated below the keyed checkpoint');
      checkpoint = c.seq;
    }
    return { length: h?.seq ?? 0, head: h ? bytesToHex(h.hash) : '', checkpoint };
  }

  /**
   * Decrypts or authenticates every record (wrapped keys, shares, sessions, sealed nonces) and
   * verifies the audit chain. Requires the vault unlocked.
   * @returns the number of records checked.
   * @throws {VaultIntegrityError} naming the first bad record. @throws {VaultStateError} if locked.
   */
  async verifyIntegrity(): Promise<number> {
    const keys = this.#unlockedKeys();
    await this.#checkWrappedMacs(keys.macKey);
    let n = (await this.#db.count('wrappedKeys'));
    for (const store of ['shares', 'sessions', 'nonceSecrets'] as const) {
      const tx = this.#db.transaction(store, 'readonly');
      const [ks, vs] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
      await tx.done;
      for (let i = 0; i < ks.length; i++) {
        const key = store === 'nonceSecrets' && Array.isArray(ks[i]) ? (ks[i] as string[]).join('/') : String(ks[i]);
        const pt = await this.#openRecord(store, key, vs[i]);
        pt.fill(0);
        n++;
      }
    }
    const a = await this.verifyAuditChain();
    return n + a.length;
  }

  // ---- backup ----

  /**
   * Exports every store, sealed with AES-256-GCM under a key derived from `passphrase` with
   * Argon2id (parameters in the backup header, authenticated as AAD). Share ciphertexts stay
   * encrypted under the data key inside; restoring needs the backup passphrase and then one
   * of the vault's unlock methods. Requires the vault unlocked; logged.
   * @returns the backup as JSON text.
   * @throws {VaultStateError} if locked. @throws {FieldRangeError} on bad KDF parameters.
   */
  async exportBackup(passphrase: string, opts: BackupOptions = {}): Promise<string> {
    this.#unlockedKeys();
    const kdf = checkArgon2Params(opts.kdf ?? DEFAULT_ARGON2, 'opts.kdf');
    await this.#audit('backup-exported', {});
    const tx = this.#db.transaction([...VAULT_STORES], 'readonly');
    const dump: Record<string, [unknown, unknown][]> = {};
    for (const s of VAULT_STORES) {
      const [ks, vs] = await Promise.all([tx.objectStore(s).getAllKeys(), tx.objectStore(s).getAll()]);
      dump[s] = ks.map((k, i) => [k, vs[i]]);
    }
    await tx.done;
    const salt = randomBytes(16, this.#rng);
    const header = { format: BACKUP_FORMAT, version: 1, vaultId: this.#id(), kdf: { alg: 'argon2id', t: kdf.t, m: kdf.m, p: kdf.p }, salt: bytesToHex(salt) };
    const aad = enc.encode(canonicalJson(header));
    const secret = await derivePassphraseKey(passphrase, salt, kdf);
    const [kb] = hkdfSplit(secret, salt, aad, ['tessera/vault/backup-key/v1']) as [Uint8Array];
    const [check] = hkdfSplit(secret, salt, new Uint8Array(0), ['tessera/vault/backup-check/v1']) as [Uint8Array];
    secret.fill(0);
    try {
      const s = await seal(await importAesKey(kb), enc.encode(toTaggedJson(dump)), aad, this.#rng);
      return canonicalJson({ header, check: bytesToHex(check), iv: bytesToHex(s.iv), ciphertext: bytesToHex(s.ciphertext) });
    } finally {
      kb.fill(0);
    }
  }

  /**
   * Restores a backup into this EMPTY vault (after verifying its audit chain), then logs the
   * import. The vault stays locked; unlock with one of the backed-up methods.
   * @throws {VaultStateError} if the vault is not empty. @throws {VaultUnlockError} (method `backup`) on a wrong passphrase.
   * @throws {VaultIntegrityError} naming `backup` (or a record) if the backup was altered.
   */
  async importBackup(text: string, passphrase: string): Promise<void> {
    if (this.#vaultId !== undefined) throw new VaultStateError('not-empty', 'backups are imported into an empty vault only');
    const bad = (why: string): VaultIntegrityError => new VaultIntegrityError('backup', why);
    let o: { header: Record<string, unknown>; check: string; iv: string; ciphertext: string };
    let salt: Uint8Array, check: Uint8Array, iv: Uint8Array, ct: Uint8Array, kdf: Argon2Params, vaultId: string;
    try {
      o = JSON.parse(text) as typeof o;
      const h = o.header;
      if (h.format !== BACKUP_FORMAT || h.version !== 1 || typeof h.vaultId !== 'string' || (h.kdf as { alg?: unknown })?.alg !== 'argon2id' || Object.keys(h).length !== 5) throw new Error('header');
      kdf = checkArgon2Params(h.kdf);
      salt = hexToBytes(String(h.salt));
      check = hexToBytes(o.check);
      iv = hexToBytes(o.iv);
      ct = hexToBytes(o.ciphertext);
      vaultId = h.vaultId;
      if (salt.length !== 16 || check.length !== 32) throw new Error('lengths');
    } catch {
      throw bad('not a well-formed vault backup');
    }
    const aad = enc.encode(canonicalJson(o.header as Json));
    const secret = await derivePassphraseKey(passphrase, salt, kdf);
    const [kb] = hkdfSplit(secret, salt, aad, ['tessera/vault/backup-key/v1']) as [Uint8Array];
    const [check2] = hkdfSplit(secret, salt, new Uint8Array(0), ['tessera/vault/backup-check/v1']) as [Uint8Array];
    secret.fill(0);
    let pt: Uint8Array | undefined;
    try {
      if (!equalBytes(check, check2)) throw new VaultUnlockError('backup', 'wrong-secret', 'backup passphrase is wrong');
      pt = await open(await importAesKey(kb), { iv, ciphertext: ct }, aad);
    } finally {
      kb.fill(0);
    }
    if (!pt) throw bad('backup ciphertext altered');
    let dump: Record<string, [IDBValidKey, unknown][]>;
    try {
      dump = fromTaggedJson(dec.decode(pt)) as typeof dump;
      if (typeof dump !== 'object' || dump === null || Object.keys(dump).sort().join() !== [...VAULT_STORES].sort().join()) throw new Error('stores');
      for (const s of VAULT_STORES) if (!Array.isArray(dump[s]) || !dump[s]!.every((p) => Array.isArray(p) && p.length === 2)) throw new Error('store');
    } catch {
      throw bad('backup payload malformed');
    } finally {
      pt.fill(0);
    }
    const meta = dump.meta!.find(([k]) => k === 'vault')?.[1] as VaultMeta | undefined;
    if (!meta || meta.vaultId !== vaultId) throw bad('backup vault id mismatch');
    verifyAuditEntries(vaultId, dump.audit!, dump.meta!.find(([k]) => k === 'auditHead')?.[1]);
    const tx = this.#db.transaction([...VAULT_STORES], 'readwrite', STRICT) as unknown as AnyTx;
    for (const s of VAULT_STORES) {
      if ((await tx.objectStore(s).count()) !== 0) {
        tx.abort();
        await tx.done.catch(() => undefined);
        throw new VaultStateError('not-empty', 'backups are imported into an empty vault only');
      }
    }
    for (const s of VAULT_STORES) for (const [k, v] of dump[s]!) await tx.objectStore(s).put(v, k);
    this.#vaultId = vaultId;
    await this.#appendInTx(tx, 'backup-imported', {});
    await tx.done;
  }
}
