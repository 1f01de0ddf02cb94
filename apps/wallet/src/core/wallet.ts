/**
 * The wallet controller: lock state over one vault, the device identity, and (while unlocked)
 * the {@link Runtime} that runs accounts, lobbies and requests. `openWalletCore` is the only
 * way to get one.
 * @module
 */
import { openVault, type Vault } from '@tessera/vault';
import type { IdentityKey } from '@tessera/transport/identity';
import type {
  Account, AuditView, CreateAccountOptions, CreateVaultOptions, DeviceIdentity, JoinOptions, LinkPreview, LobbyHandle, NewUnlockMethod,
  RequestSignatureOptions, RequestView, UnlockMethodInfo, UnlockSecret, WalletCore, WalletCoreOptions, WalletListener, WalletState, WalletStatus,
} from './api.ts';
import { createDeviceIdentity, describeIdentity, loadDeviceIdentity } from './device.ts';
import { createEmitter, type Emitter } from './emitter.ts';
import { WalletError } from './errors.ts';
import { parseInviteLink, previewOf } from './link.ts';
import { createMethodFactory, type MethodFactory } from './unlock.ts';
import { Runtime } from './runtime.ts';
import { createHardwareKey, type HardwareKey, type HardwareKeyControl } from './bridge.ts';
import { createCosigner, type CosignerControl } from './cosigner.ts';

/** Default IndexedDB name of the wallet's vault. */
export const DEFAULT_VAULT_NAME = 'tessera-wallet';

/**
 * Opens the wallet core over the vault `options.vaultName` (created on first use by
 * {@link WalletCore.createVault}). The core starts `locked` or `no-vault`.
 * @throws {WalletError} `bad-input` if `signalUrl` is not a ws(s) URL.
 */
export async function openWalletCore(options: WalletCoreOptions): Promise<WalletCore> {
  if (typeof options.signalUrl !== 'string' || !/^wss?:\/\/[^\s]+$/.test(options.signalUrl)) throw new WalletError('bad-input', 'expected a ws:// or wss:// URL', { field: 'signalUrl' });
  const name = options.vaultName ?? DEFAULT_VAULT_NAME;
  const vault = await openVault(name, { ...(options.rng ? { rng: options.rng } : {}), ...(options.now ? { now: options.now } : {}) });
  return new WalletCoreImpl(vault, name, options);
}

class WalletCoreImpl implements WalletCore {
  readonly #vault: Vault;
  readonly #opts: WalletCoreOptions;
  readonly #events: Emitter;
  readonly #methods: MethodFactory;
  #identity: IdentityKey | undefined;
  #runtime: Runtime | undefined;
  #closed = false;
  readonly #hardware: HardwareKey;
  readonly hardwareKey: HardwareKeyControl;
  readonly cosigner: CosignerControl;

  constructor(vault: Vault, name: string, opts: WalletCoreOptions) {
    this.#vault = vault;
    this.#opts = opts;
    this.#events = createEmitter(opts.log);
    this.#methods = createMethodFactory({
      vaultName: name,
      ...(opts.webauthn ? { webauthn: opts.webauthn } : {}),
      ...(opts.passphraseKdf ? { kdf: opts.passphraseKdf } : {}),
      ...(opts.rng ? { rng: opts.rng } : {}),
    });
    this.#hardware = createHardwareKey({ vault, vaultName: name, methods: this.#methods, isUnlocked: () => this.#runtime !== undefined, started: () => this.#started(false), ...(opts.now ? { now: opts.now } : {}) });
    this.hardwareKey = this.#hardware;
    this.cosigner = createCosigner({ runtime: () => this.#runtime });
  }

  get state(): WalletState {
    if (!this.#vault.initialized) return 'no-vault';
    return this.#runtime ? 'unlocked' : 'locked';
  }

  get vaultExists(): boolean {
    return this.#vault.initialized;
  }

  #open(): void {
    if (this.#closed) throw new WalletError('locked', 'the wallet core is closed');
  }

  #rt(): Runtime {
    this.#open();
    if (!this.#runtime) throw new WalletError(this.#vault.initialized ? 'locked' : 'no-vault', this.#vault.initialized ? 'unlock the wallet first' : 'create a vault first');
    return this.#runtime;
  }

  async #started(fresh: boolean): Promise<void> {
    try {
      this.#identity = fresh ? await createDeviceIdentity(this.#vault, this.#opts.rng) : await loadDeviceIdentity(this.#vault);
      this.#runtime = new Runtime({ vault: this.#vault, identity: this.#identity, options: this.#opts, events: this.#events });
    } catch (e) {
      this.#vault.lock();
      this.#identity = undefined;
      throw e;
    }
    this.#events.emit({ type: 'state', state: 'unlocked' });
    await this.#runtime.start();
  }

  async createVault(opts: CreateVaultOptions): Promise<void> {
    this.#open();
    if (this.#vault.initialized) throw new WalletError('vault-exists', 'this browser profile already has a vault', { field: 'vault' });
    if (opts.passphrase === undefined && opts.webauthn === undefined) throw new WalletError('bad-input', 'choose a passphrase and/or a passkey', { field: 'opts' });
    const first = opts.webauthn
      ? await this.#methods.registerPasskey(opts.webauthn.userName ?? 'Tessera wallet', opts.webauthn.label)
      : this.#methods.passphrase(opts.passphrase!);
    await this.#vault.create(first);
    if (opts.webauthn && opts.passphrase !== undefined) await this.#vault.addMethod(first, this.#methods.passphrase(opts.passphrase));
    await this.#started(true);
  }

  async unlockWithPassphrase(passphrase: string): Promise<void> {
    this.#open();
    if (!this.#vault.initialized) throw new WalletError('no-vault', 'create a vault first');
    if (this.#runtime) return;
    await this.#vault.unlock(this.#methods.passphrase(passphrase));
    await this.#started(false);
  }

  async unlockWithWebAuthn(): Promise<void> {
    this.#open();
    if (!this.#vault.initialized) throw new WalletError('no-vault', 'create a vault first');
    if (this.#runtime) return;
    await this.#vault.unlock(await this.#methods.passkey(await this.#vault.listMethods()));
    await this.#started(false);
  }

  async unlockWithHardwareKey(): Promise<void> {
    this.#open();
    await this.#hardware.unlock();
  }

  async lock(): Promise<void> {
    const rt = this.#runtime;
    this.#runtime = undefined;
    if (rt) await rt.stop().catch((e: unknown) => this.#opts.log?.(`stopping the runtime failed: ${e instanceof Error ? e.name : 'error'}`));
    this.#identity?.secretKey.fill(0);
    this.#identity = undefined;
    this.#vault.lock();
    if (rt) this.#events.emit({ type: 'state', state: this.#vault.initialized ? 'locked' : 'no-vault' });
  }

  async listMethods(): Promise<UnlockMethodInfo[]> {
    this.#open();
    if (!this.#vault.initialized) throw new WalletError('no-vault', 'create a vault first');
    return (await this.#vault.listMethods()).map((m) => ({ id: m.id, kind: m.kind, label: m.label, created: m.created }));
  }

  async addMethod(existing: UnlockSecret, added: NewUnlockMethod): Promise<UnlockMethodInfo> {
    this.#rt();
    const have = existing.kind === 'passphrase' ? this.#methods.passphrase(existing.passphrase) : await this.#methods.passkey(await this.#vault.listMethods());
    // proves the existing secret before a passkey is registered (a wrong one touches nothing)
    await this.#vault.unlock(have);
    if (added.kind === 'passphrase' && (await this.#vault.listMethods()).some((m) => m.kind === 'passphrase'))
      throw new WalletError('bad-input', 'the vault already has a passphrase; remove it first to set another', { field: 'added.kind' });
    const add = added.kind === 'passphrase' ? this.#methods.passphrase(added.passphrase, added.label) : await this.#methods.registerPasskey(added.userName ?? 'Tessera wallet', added.label);
    await this.#vault.addMethod(have, add);
    const info = (await this.listMethods()).find((m) => m.id === add.id);
    if (!info) throw new WalletError('internal', 'the added method is not listed');
    return info;
  }

  async removeMethod(id: string): Promise<void> {
    this.#rt();
    if (typeof id !== 'string' || id.length === 0) throw new WalletError('bad-input', 'expected a method id', { field: 'id' });
    await this.#vault.removeMethod(id);
  }

  identity(): DeviceIdentity {
    this.#rt();
    return describeIdentity(this.#identity!);
  }

  async accounts(): Promise<Account[]> {
    return this.#rt().accounts();
  }

  async account(id: string): Promise<Account> {
    return this.#rt().account(id);
  }

  async startCreate(opts: CreateAccountOptions): Promise<LobbyHandle> {
    return this.#rt().startCreate(opts);
  }

  previewLink(link: string): LinkPreview {
    return previewOf(parseInviteLink(link, (this.#opts.now ?? Date.now)()));
  }

  async joinFromLink(link: string, opts: JoinOptions = {}): Promise<LobbyHandle> {
    return this.#rt().joinFromLink(link, opts);
  }

  lobbies(): LobbyHandle[] {
    return this.#runtime ? this.#runtime.lobbies() : [];
  }

  async requestSignature(accountId: string, message: Uint8Array, note = '', opts?: RequestSignatureOptions): Promise<RequestView> {
    return this.#rt().requestSignature(accountId, message, note, opts);
  }

  async requestRefresh(accountId: string, note = ''): Promise<RequestView> {
    return this.#rt().requestRefresh(accountId, note);
  }

  async inbox(accountId?: string): Promise<RequestView[]> {
    return this.#rt().inbox(accountId);
  }

  async request(requestId: string): Promise<RequestView> {
    return this.#rt().request(requestId);
  }

  async approve(requestId: string): Promise<RequestView> {
    return this.#rt().approve(requestId);
  }

  async reject(requestId: string, reason = ''): Promise<RequestView> {
    return this.#rt().reject(requestId, reason);
  }

  async finalize(requestId: string): Promise<RequestView> {
    return this.#rt().finalize(requestId);
  }

  async resendFinalize(requestId: string): Promise<RequestView> {
    return this.#rt().resendFinalize(requestId);
  }

  async status(): Promise<WalletStatus> {
    return this.#rt().status();
  }

  async auditLog(): Promise<AuditView[]> {
    this.#rt();
    return (await this.#vault.auditLog()).map((e) => ({ seq: e.seq, time: e.time, kind: e.kind, details: { ...e.details } }));
  }

  async exportBackup(passphrase: string): Promise<string> {
    this.#rt();
    if (typeof passphrase !== 'string' || passphrase.length === 0) throw new WalletError('bad-input', 'expected a non-empty passphrase', { field: 'passphrase' });
    return this.#vault.exportBackup(passphrase, this.#opts.passphraseKdf ? { kdf: this.#opts.passphraseKdf } : {});
  }

  async importBackup(text: string, passphrase: string): Promise<void> {
    this.#open();
    if (this.#vault.initialized) throw new WalletError('vault-exists', 'restore needs an empty vault', { field: 'vault' });
    if (typeof text !== 'string' || text.length === 0) throw new WalletError('bad-input', 'expected the backup text', { field: 'text' });
    if (typeof passphrase !== 'string' || passphrase.length === 0) throw new WalletError('bad-input', 'expected a non-empty passphrase', { field: 'passphrase' });
    await this.#vault.importBackup(text, passphrase);
    this.#events.emit({ type: 'state', state: 'locked' });
  }

  subscribe(listener: WalletListener): () => void {
    return this.#events.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.lock();
    this.#closed = true;
    this.#vault.close();
  }
}
