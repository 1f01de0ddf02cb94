/**
 * The wallet's "hardware key (PKCS#11 bridge)" unlock method and the HSM-backed nonce counter
 * (issue 9), over `@tessera/vault`'s bridge client (packages/vault/src/bridge.ts).
 *
 * - Settings live OUTSIDE the vault, in their own IndexedDB database `<vault name>-hardware-key`,
 *   because they are needed to unlock it: the bridge URL, this device's id at the bridge, the
 *   registration state, and the device's Ed25519 request-signing key as a WebCrypto
 *   `CryptoKeyPair` whose private half is NON-extractable (script on the origin can use it but
 *   never read it; a copied profile still needs an approved device at a reachable bridge).
 * - Flow: {@link HardwareKeyControl.configure} (URL → key pair, `register()`, pending with a
 *   fingerprint and the operator's `--approve` command) → the operator approves →
 *   {@link HardwareKeyControl.checkApproval} / {@link HardwareKeyControl.waitForApproval} →
 *   {@link HardwareKeyControl.enroll} (`vault.addMethod`, authorized by an existing method) →
 *   `unlockWithHardwareKey`. Once enrolled, the vault's nonce ledger draws its counter values
 *   from the HSM (`vault.setExternalCounter(bridgeCounter(client))`), whichever method unlocked.
 * - {@link drawSigningCounter}: every FROST signing of this wallet draws one counter value for
 *   the key before its commitment is published, so the three records of nonce use line up.
 * - {@link checkNonceRecords}: the status screen's three-way cross-check per FROST account:
 *   the IndexedDB ledger (counter, consumed nonces), the HSM counter, and the mailbox's record
 *   of this wallet's signing sessions (the group room's `result` messages from the other
 *   signers: a session another signer finished carries this wallet's published commitment).
 *
 * Errors: bridge refusals are `BridgeError`s (`code`: `unreachable`, `hsm-unavailable`,
 * `device-not-approved`, `unknown-device`, …); the vault changes nothing on them. A tampered
 * wrapped key is a `VaultIntegrityError`.
 * @module
 */
import { openDB, type IDBPDatabase } from 'idb';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import type { PartyIndex } from '@tessera/protocols/engine/ids';
import { keyId as frostKeyId, type KeyShare } from '@tessera/protocols/frost/keyshare';
import { parseInvitation } from '@tessera/transport/invitation';
import { fingerprint as identityFingerprint } from '@tessera/transport/identity';
import {
  BridgeError, FROST_SHARE_TYPE, bridgeCounter, createBridgeClient, crossCheckNonceRecords, generateWebCryptoBridgeKey, pkcs11BridgeMethod, webCryptoBridgeSigner,
  type BridgeClient, type BridgeClientOptions, type NonceMismatch, type UnlockMethod, type Vault,
} from '@tessera/vault';
import type { CheckResult, UnlockMethodInfo, UnlockSecret, WalletErrorInfo } from './api.ts';
import { WalletError, errorInfo } from './errors.ts';
import { GROUP_PROTOCOL, openAppMessage } from './messages.ts';
import type { AccountRecord } from './records.ts';
import type { MethodFactory } from './unlock.ts';

/** Kind of the bridge's unlock method in `listMethods()`. */
export const HARDWARE_KEY_KIND = 'pkcs11';
/** Default label of the method. */
export const HARDWARE_KEY_LABEL = 'Hardware key (PKCS#11 bridge)';
/** Registry directory of the development bridge `npm start` runs (`--dev-softhsm .tessera/hsm`). */
export const DEV_BRIDGE_DATA_DIR = '.tessera/hsm/data';

const DB_STORE = 'config';
const DB_KEY = 'bridge';
const DEVICE_ID_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

/** Registration of this device at the bridge, as last seen. */
export type HardwareKeyRegistration = 'unregistered' | 'pending' | 'approved';

/** Public view of the hardware-key settings. */
export interface HardwareKeyState {
  /** A bridge URL and device key are set. */
  readonly configured: boolean;
  readonly url?: string;
  /** This device's id at the bridge. */
  readonly deviceId?: string;
  /** Fingerprint of the device's request-signing key (what the operator compares). */
  readonly fingerprint?: string;
  readonly registration: HardwareKeyRegistration;
  /** The operator command approving this device (`DIR` = the bridge's `--data` directory). */
  readonly approveCommand?: string;
  /** The vault has this device's bridge method enrolled. */
  readonly enrolled: boolean;
  /** The vault's nonce ledger takes its counter from the HSM. */
  readonly counter: boolean;
  /** When the settings were made (ms). */
  readonly createdAt?: number;
}

/** Options of {@link HardwareKeyControl.configure}. */
export interface HardwareKeyConfigureOptions {
  /** Base URL of the bridge, e.g. `http://localhost:8788`. */
  readonly url: string;
  /** Device id at the bridge (default `wallet-<16 hex of the device key>`). */
  readonly deviceId?: string;
}

/** The hardware-key (PKCS#11 bridge) settings and enrollment of one wallet. */
export interface HardwareKeyControl {
  /** Current settings and registration (as last seen; no network). */
  state(): Promise<HardwareKeyState>;
  /**
   * Sets the bridge URL (keeping the device key if there is one, else generating a
   * non-extractable one) and registers the device: it is then pending until the operator
   * approves it. Changing the URL or device id of an enrolled method is refused.
   * @throws {WalletError} `bad-input` (field named). @throws {BridgeError} (`unreachable`, `rate-limited`, …).
   */
  configure(opts: HardwareKeyConfigureOptions): Promise<HardwareKeyState>;
  /** Asks the bridge for this device's registration. @throws {WalletError} `bad-input` if not configured. @throws {BridgeError} */
  checkApproval(): Promise<HardwareKeyState>;
  /**
   * Polls {@link checkApproval} every `intervalMs` (default 2000) until approved.
   * @throws {AbortError}-like DOMException when `signal` aborts. @throws {BridgeError} on a refusal other than pending.
   */
  waitForApproval(opts?: { readonly signal?: AbortSignal; readonly intervalMs?: number }): Promise<HardwareKeyState>;
  /**
   * Enrolls the bridge method (the data key is re-wrapped by the HSM; shares untouched),
   * authorized by an existing passphrase or passkey, and switches the nonce ledger to the
   * HSM counter. Needs the wallet unlocked and the device approved.
   * @throws {WalletError} `locked`, `bad-input`. @throws {VaultUnlockError} wrong existing secret. @throws {BridgeError}
   */
  enroll(existing: UnlockSecret, label?: string): Promise<UnlockMethodInfo>;
  /**
   * Removes the bridge method from the vault (when enrolled; the wallet must be unlocked and
   * keep another method), stops using the HSM counter and forgets the settings and device key.
   * @throws {WalletError} `locked`. @throws {VaultStateError} `last-method`.
   */
  remove(): Promise<void>;
}

/** Stored settings (IndexedDB, outside the vault). */
interface StoredConfig {
  readonly url: string;
  readonly deviceId: string;
  /** Security: the private key is non-extractable. */
  readonly pair: CryptoKeyPair;
  readonly publicKey: string;
  readonly fingerprint: string;
  readonly registration: HardwareKeyRegistration;
  readonly counter: boolean;
  readonly createdAt: number;
}

/** HSM counter readers of vaults whose ledger uses the bridge (for the cross-check). */
const hsmReaders = new WeakMap<Vault, { current(keyId: string): Promise<bigint> }>();

/** Awaited by {@link drawSigningCounter}: the vault's external counter is set (or not) once this settles. */
const counterReady = new WeakMap<Vault, Promise<unknown>>();

/** The operator command approving `deviceId` (registry directory `dataDir`). */
export function approveCommand(deviceId: string, dataDir = DEV_BRIDGE_DATA_DIR): string {
  return `tessera hsm-bridge --approve ${deviceId} --data ${dataDir}`;
}

/** What the hardware-key control needs from the wallet core. */
export interface HardwareKeyDeps {
  readonly vault: Vault;
  readonly vaultName: string;
  readonly methods: MethodFactory;
  /** Whether the wallet is unlocked. */
  isUnlocked(): boolean;
  /** Starts the unlocked wallet after `vault.unlock` (the core's own start-up). */
  started(): Promise<void>;
  /** Clock (default `Date.now`). */
  readonly now?: () => number;
  /** `fetch` for the bridge (default the global one). */
  readonly fetch?: typeof fetch;
}

/** The hardware-key control plus the unlock the core exposes as `unlockWithHardwareKey`. */
export interface HardwareKey extends HardwareKeyControl {
  /**
   * Unlocks the vault through the bridge and starts the wallet.
   * @throws {WalletError} `no-vault`, `bad-input` (not configured or not enrolled).
   * @throws {BridgeError} bridge unreachable, HSM unavailable, device not approved… (nothing changed).
   * @throws {VaultIntegrityError} the wrapped key was tampered with. @throws {VaultUnlockError}
   */
  unlock(): Promise<void>;
}

function methodId(deviceId: string): string {
  return `pkcs11:${deviceId}`;
}

/**
 * Creates the hardware-key control of a wallet core and applies the stored settings to the
 * vault's nonce ledger (the HSM counter once the method is enrolled).
 */
export function createHardwareKey(d: HardwareKeyDeps): HardwareKey {
  const dbName = `${d.vaultName}-hardware-key`;
  const now = d.now ?? Date.now;
  let db: Promise<IDBPDatabase> | undefined;
  const open = (): Promise<IDBPDatabase> => (db ??= openDB(dbName, 1, { upgrade: (x) => void x.createObjectStore(DB_STORE) }));
  const load = async (): Promise<StoredConfig | undefined> => (await (await open()).get(DB_STORE, DB_KEY)) as StoredConfig | undefined;
  const save = async (c: StoredConfig): Promise<void> => void (await (await open()).put(DB_STORE, c, DB_KEY));

  const clientOptions = async (c: StoredConfig): Promise<BridgeClientOptions> => ({
    url: c.url,
    deviceId: c.deviceId,
    identity: await webCryptoBridgeSigner(c.pair),
    ...(d.fetch ? { fetch: d.fetch } : {}),
    now,
  });
  const clientOf = async (c: StoredConfig): Promise<BridgeClient> => createBridgeClient(await clientOptions(c));
  const applyCounter = async (c: StoredConfig | undefined): Promise<void> => {
    const counter = c?.counter ? bridgeCounter(await clientOf(c)) : undefined;
    d.vault.setExternalCounter(counter);
    if (counter) hsmReaders.set(d.vault, counter);
    else hsmReaders.delete(d.vault);
  };
  const enrolled = async (c: StoredConfig | undefined): Promise<boolean> => {
    if (!c || !d.vault.initialized) return false;
    return (await d.vault.listMethods()).some((m) => m.id === methodId(c.deviceId));
  };
  const view = async (c: StoredConfig | undefined): Promise<HardwareKeyState> => {
    if (!c) return { configured: false, registration: 'unregistered', enrolled: false, counter: false };
    return {
      configured: true,
      url: c.url,
      deviceId: c.deviceId,
      fingerprint: c.fingerprint,
      registration: c.registration,
      approveCommand: approveCommand(c.deviceId),
      enrolled: await enrolled(c),
      counter: c.counter,
      createdAt: c.createdAt,
    };
  };
  const need = async (): Promise<StoredConfig> => {
    const c = await load();
    if (!c) throw new WalletError('bad-input', 'set up the hardware key (PKCS#11 bridge) in Settings first', { field: 'hardwareKey' });
    return c;
  };
  const refresh = async (c: StoredConfig): Promise<StoredConfig> => {
    const st = await (await clientOf(c)).status();
    const next: StoredConfig = { ...c, registration: st.status, fingerprint: st.fingerprint };
    await save(next);
    return next;
  };

  const ready = load().then(applyCounter).catch(() => undefined);
  counterReady.set(d.vault, ready);

  const control: HardwareKey = {
    async state() {
      await ready;
      return view(await load());
    },

    async configure(opts) {
      await ready;
      if (typeof opts?.url !== 'string' || !/^https?:\/\/[^\s/]+(?:\/[^\s]*)?$/.test(opts.url)) throw new WalletError('bad-input', 'expected the bridge URL, e.g. http://localhost:8788', { field: 'url' });
      if (opts.deviceId !== undefined && (typeof opts.deviceId !== 'string' || !DEVICE_ID_RE.test(opts.deviceId))) throw new WalletError('bad-input', 'expected 1-64 characters of A-Z a-z 0-9 . _ - (not starting with . or -)', { field: 'deviceId' });
      const url = opts.url.replace(/\/+$/, '');
      const old = await load();
      let pair: CryptoKeyPair;
      let publicKey: string;
      if (old) {
        pair = old.pair;
        publicKey = old.publicKey;
      } else {
        try {
          pair = await generateWebCryptoBridgeKey();
        } catch (e) {
          throw new WalletError('bad-input', `this browser has no WebCrypto Ed25519 (${e instanceof Error ? e.message : String(e)})`, { field: 'webcrypto', cause: e });
        }
        publicKey = bytesToHex((await webCryptoBridgeSigner(pair)).publicKey);
      }
      const deviceId = opts.deviceId ?? old?.deviceId ?? `wallet-${publicKey.slice(0, 16)}`;
      if (old && (await enrolled(old)) && (old.url !== url || old.deviceId !== deviceId))
        throw new WalletError('bad-input', 'the hardware key is enrolled with another bridge or device id; remove it first', { field: 'url' });
      const fresh: StoredConfig = {
        url,
        deviceId,
        pair,
        publicKey,
        fingerprint: old?.fingerprint ?? identityFingerprint(hexToBytes(publicKey)),
        registration: old && old.url === url && old.deviceId === deviceId ? old.registration : 'unregistered',
        counter: old && old.url === url && old.deviceId === deviceId ? old.counter : false,
        createdAt: old?.createdAt ?? now(),
      };
      await save(fresh);
      const st = await (await clientOf(fresh)).register();
      const next: StoredConfig = { ...fresh, registration: st.status, fingerprint: st.fingerprint };
      await save(next);
      await applyCounter(next);
      return view(next);
    },

    async checkApproval() {
      await ready;
      return view(await refresh(await need()));
    },

    async waitForApproval(opts = {}) {
      const interval = opts.intervalMs ?? 2000;
      for (;;) {
        opts.signal?.throwIfAborted();
        const s = await control.checkApproval();
        if (s.registration === 'approved') return s;
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, interval);
          opts.signal?.addEventListener('abort', () => {
            clearTimeout(t);
            reject(opts.signal!.reason);
          }, { once: true });
        });
      }
    },

    async enroll(existing, label) {
      await ready;
      if (!d.isUnlocked()) throw new WalletError('locked', 'unlock the wallet first');
      let c = await need();
      if (await enrolled(c)) throw new WalletError('bad-input', 'the hardware key is already an unlock method of this vault', { field: 'hardwareKey' });
      c = await refresh(c);
      if (c.registration !== 'approved') throw new BridgeError(403, 'device-not-approved', `device ${c.deviceId} is waiting for the operator's approval`);
      const have = existing.kind === 'passphrase' ? d.methods.passphrase(existing.passphrase) : await d.methods.passkey(await d.vault.listMethods());
      // proves the existing secret first (a wrong one touches nothing)
      await d.vault.unlock(have);
      const add: UnlockMethod = pkcs11BridgeMethod({ ...(await clientOptions(c)), label: label ?? HARDWARE_KEY_LABEL });
      await d.vault.addMethod(have, add);
      const next: StoredConfig = { ...c, counter: true };
      await save(next);
      await applyCounter(next);
      await syncCounters(d.vault, await clientOf(next));
      const info = (await d.vault.listMethods()).find((m) => m.id === add.id);
      if (!info) throw new WalletError('internal', 'the added method is not listed');
      return { id: info.id, kind: info.kind, label: info.label, created: info.created };
    },

    async remove() {
      await ready;
      const c = await load();
      if (!c) return;
      if (await enrolled(c)) {
        if (!d.isUnlocked()) throw new WalletError('locked', 'unlock the wallet first');
        await d.vault.removeMethod(methodId(c.deviceId));
      }
      await applyCounter(undefined);
      await (await open()).delete(DB_STORE, DB_KEY);
    },

    async unlock() {
      await ready;
      if (!d.vault.initialized) throw new WalletError('no-vault', 'create a vault first');
      if (d.isUnlocked()) return;
      const c = await need();
      if (!(await enrolled(c))) throw new WalletError('bad-input', 'the hardware key is not an unlock method of this vault', { field: 'hardwareKey' });
      await d.vault.unlock(pkcs11BridgeMethod(await clientOptions(c)));
      if (c.registration !== 'approved') await save({ ...c, registration: 'approved' });
      await d.started();
    },
  };
  return control;
}

/**
 * Draws the counter value of one FROST signing for `share` from the vault's nonce ledger (the
 * HSM counter when the hardware key is enrolled), before the signing publishes its
 * commitment. A bridge failure becomes a `transport` error: the ceremony has sent nothing
 * yet and is retried later.
 * @throws {WalletError} `transport` when the bridge or HSM cannot be reached.
 * @throws {VaultIntegrityError} if the HSM answered below the ledger.
 */
export async function drawSigningCounter(vault: Vault, share: KeyShare): Promise<bigint> {
  await counterReady.get(vault);
  try {
    return await vault.nonceLedger.nextCounter(frostKeyId(share));
  } catch (e) {
    if (e instanceof BridgeError) throw new WalletError('transport', `hardware key: ${e.message}`, { field: `bridge.${e.code}`, cause: e });
    throw e;
  }
}

/** The three records of nonce use of one account. */
export interface AccountNonceRecords {
  readonly accountId: string;
  readonly label: string;
  /** The nonce ledger's key id (FROST `keyId` of the share). */
  readonly keyId: string;
  /** IndexedDB ledger: last counter value handed out (decimal). */
  readonly ledgerCounter: string;
  /** IndexedDB ledger: nonces consumed. */
  readonly ledgerConsumed: number;
  /** HSM counter (decimal), when the hardware key is enrolled and the bridge answered. */
  readonly hsmCounter?: string;
  /** Signing sessions of this wallet the mailbox shows finished by another signer. */
  readonly mailboxPublished?: number;
  /** This wallet's finished signing sessions without such a record (yet). */
  readonly mailboxUnrecorded: number;
  /** Why the mailbox could not be read (its record is then unknown, not a mismatch). */
  readonly mailboxError?: string;
  readonly mismatches: readonly NonceMismatch[];
}

/** The status screen's three-way cross-check ({@link checkNonceRecords}). */
export interface NonceCrossCheck extends CheckResult {
  /** Whether the HSM counter took part (hardware key enrolled). */
  readonly hsm: boolean;
  readonly accounts: readonly AccountNonceRecords[];
}

/** What the cross-check reads from the unlocked wallet. */
export interface NonceCheckSources {
  readonly vault: Vault;
  readonly identity: { readonly secretKey: Uint8Array; readonly publicKey: Uint8Array };
  readonly now: () => number;
  readonly accounts: readonly AccountRecord[];
  /** Finished ceremonies this wallet took part in (`Inbox.finishedSessions()`). */
  readonly sessions: readonly { readonly accountId: string; readonly kind: string; readonly session: string }[];
  /** Reads the group room's mailbox as this wallet. */
  readonly read: (session: string, after: number) => Promise<{ items: readonly { cursor: number; from: number; envelope: string }[]; more: boolean }>;
}

/** Ledger key ids of shares already read, by vault (a share is decrypted once per process for the check). */
const keyIds = new WeakMap<Vault, Map<string, string>>();

/** The nonce ledger's key id of the FROST share `shareId`. @throws {VaultIntegrityError} @throws {VaultStateError} */
async function keyIdOf(vault: Vault, shareId: string): Promise<string> {
  let m = keyIds.get(vault);
  if (!m) keyIds.set(vault, (m = new Map()));
  const known = m.get(shareId);
  if (known !== undefined) return known;
  const share = await vault.getFrostKeyShare(shareId);
  const id = frostKeyId(share);
  share.signingShare.fill(0);
  m.set(shareId, id);
  return id;
}

/**
 * Moves the HSM counter of every FROST key up to the IndexedDB ledger's (signings made before
 * the hardware key was enrolled), so the records agree from the start. Best effort: a key the
 * HSM is already ahead on, or a bridge failure, is left to the status cross-check to show.
 */
async function syncCounters(vault: Vault, client: BridgeClient): Promise<void> {
  for (const s of await vault.listShares()) {
    if (s.type !== FROST_SHARE_TYPE) continue;
    try {
      const keyId = await keyIdOf(vault, s.id);
      const { counter } = await vault.nonceLedgerStats(keyId);
      if (counter > 0n && (await client.counter(keyId)) < counter) await client.advanceCounter(keyId, counter);
    } catch {
      // reported by the cross-check
    }
  }
}

/** Sessions for which another signer posted a `result` into the group room (as this wallet reads it). */
async function mailboxResults(src: NonceCheckSources, a: AccountRecord): Promise<Set<string>> {
  const group = parseInvitation(a.groupInvitation, { now: null });
  const route = { session: group.session, protocol: GROUP_PROTOCOL, self: a.selfIndex as PartyIndex, identity: src.identity as never, directory: group.parties, now: src.now };
  const out = new Set<string>();
  let after = 0;
  for (;;) {
    const { items, more } = await src.read(group.session, after);
    for (const it of items) {
      after = Math.max(after, it.cursor);
      if (it.from === a.selfIndex) continue;
      try {
        const { payload } = await openAppMessage(route, it.envelope);
        const p = payload as { t?: unknown; session?: unknown; signature?: unknown };
        if (p.t === 'result' && typeof p.session === 'string' && typeof p.signature === 'string') out.add(p.session);
      } catch {
        // not for this check (undecryptable or malformed items are the inbox's business)
      }
    }
    if (!more || items.length === 0) return out;
  }
}

/**
 * Cross-checks, for every FROST account, the IndexedDB ledger, the HSM counter (when the
 * hardware key is enrolled) and the mailbox's record of this wallet's signing sessions.
 * Relations: consumed ≤ published ≤ counter and ledger counter = HSM counter
 * (`compareNonceRecords`); sessions the mailbox has no record of yet (still finishing, or
 * the other signer never came back) are allowed for `consumed ≤ published`. Never throws.
 */
export async function checkNonceRecords(src: NonceCheckSources): Promise<NonceCrossCheck> {
  await counterReady.get(src.vault);
  const counter = hsmReaders.get(src.vault);
  const accounts: AccountNonceRecords[] = [];
  const problems: string[] = [];
  let error: WalletErrorInfo | undefined;
  for (const a of src.accounts) {
    if (a.scheme !== 'frost') continue;
    try {
      const keyId = await keyIdOf(src.vault, a.shareId);
      const mine = src.sessions.filter((s) => s.accountId === a.id && s.kind === 'sign').map((s) => s.session);
      let published: number | undefined;
      let unrecorded = mine.length;
      let mailboxError: string | undefined;
      try {
        const seen = await mailboxResults(src, a);
        published = mine.filter((s) => seen.has(s)).length;
        unrecorded = mine.length - published;
      } catch (e) {
        // unknown, not a mismatch (e.g. the signal server is unreachable right now)
        mailboxError = errorInfo(e).message;
      }
      const { records, mismatches } = await crossCheckNonceRecords({ vault: src.vault, keyId, ...(counter ? { counter } : {}), ...(published !== undefined ? { mailboxPublished: published } : {}) });
      const kept = mismatches.filter((m) => m.kind !== 'consumed-exceeds-published' || records.ledgerConsumed > (published ?? 0) + unrecorded);
      for (const m of kept) problems.push(`${a.label}: ${m.message}`);
      accounts.push({
        accountId: a.id,
        label: a.label,
        keyId,
        ledgerCounter: records.ledgerCounter.toString(),
        ledgerConsumed: records.ledgerConsumed,
        ...(records.hsmCounter !== undefined ? { hsmCounter: records.hsmCounter.toString() } : {}),
        ...(published !== undefined ? { mailboxPublished: published } : {}),
        mailboxUnrecorded: unrecorded,
        ...(mailboxError !== undefined ? { mailboxError } : {}),
        mismatches: kept,
      });
    } catch (e) {
      const info = e instanceof BridgeError ? { code: 'transport' as const, message: `hardware key: ${e.message}`, field: `bridge.${e.code}` } : errorInfo(e);
      error ??= info;
      problems.push(`${a.label}: ${info.message}`);
    }
  }
  const ok = problems.length === 0;
  const detail = ok
    ? `${accounts.length} key${accounts.length === 1 ? '' : 's'}: IndexedDB ledger${counter ? ', HSM counter' : ''} and mailbox agree`
    : problems.join('; ');
  return { ok, detail, hsm: counter !== undefined, accounts, ...(ok ? {} : { error: error ?? { code: 'tampered', message: detail, field: 'nonces' } }) };
}
