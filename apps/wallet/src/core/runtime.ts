/**
 * The unlocked wallet: accounts, lobbies and the inbox over the device's signal connection,
 * plus the status checks. Built on unlock, stopped on lock (ceremonies keep their records in
 * the vault and resume on the next unlock).
 * @module
 */
import type { Vault } from '@tessera/vault';
import type { IdentityKey } from '@tessera/transport/identity';
import type { Account, CreateAccountOptions, JoinOptions, LobbyHandle, RequestSignatureOptions, RequestView, WalletCoreOptions, WalletStatus } from './api.ts';
import { createContext, type WalletContext } from './context.ts';
import type { Emitter } from './emitter.ts';
import { WalletError, errorInfo } from './errors.ts';
import { Inbox } from './inbox.ts';
import { Lobby, type LobbyHost } from './lobby.ts';
import { publicAccount, type AccountRecord } from './records.ts';
import { checkStatus } from './status.ts';

/** What a {@link Runtime} is built from. */
export interface RuntimeDeps {
  readonly vault: Vault;
  readonly identity: IdentityKey;
  readonly options: WalletCoreOptions;
  readonly events: Emitter;
}

/** The unlocked wallet runtime. */
export class Runtime implements LobbyHost {
  readonly ctx: WalletContext;
  readonly #inbox: Inbox;
  readonly #lobbies = new Map<string, Lobby>();

  constructor(d: RuntimeDeps) {
    this.ctx = createContext(d);
    this.#inbox = new Inbox(this.ctx);
  }

  /**
   * Loads accounts (opening their group rooms), resumes unfinished lobbies, and verifies every
   * sealed record in the background. A record that fails its integrity check is reported as an
   * `error` event (code `tampered`, field naming the record, context `vault`) and left out; the
   * rest of the wallet works.
   */
  async start(): Promise<void> {
    const report = (e: unknown): void => this.ctx.events.emit({ type: 'error', error: errorInfo(e), context: 'vault' });
    const accounts: AccountRecord[] = [];
    for (const id of await this.ctx.records.accountIds()) {
      try {
        const a = await this.ctx.records.account(id);
        if (a) accounts.push(a);
      } catch (e) {
        report(e);
      }
    }
    accounts.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    for (const a of accounts) await this.#inbox.add(a).catch(report);
    // every sealed record and the audit chain, checked once per unlock in the background:
    // a record altered while the wallet was closed is reported right away
    void this.ctx.vault.verifyIntegrity().catch((e: unknown) => {
      if (!this.ctx.signal.aborted) report(e);
    });
    for (const id of await this.ctx.records.lobbyIds()) {
      try {
        const rec = await this.ctx.records.lobby(id);
        if (!rec || rec.stage === 'done') continue;
        const l = new Lobby(this, rec);
        this.#lobbies.set(l.id, l);
        l.start();
      } catch (e) {
        report(e);
      }
    }
  }

  /** Stops lobbies, rooms and ceremonies and closes the connection. */
  async stop(): Promise<void> {
    const lobbies = [...this.#lobbies.values()];
    this.#lobbies.clear();
    // abort everything before the connection goes, so no ceremony sees a transport failure first
    const stopping = [...lobbies.map((l) => l.stop()), this.#inbox.stop()];
    this.ctx.abort();
    await Promise.allSettled(stopping);
    await this.ctx.close();
  }

  /** @internal LobbyHost */
  async accountCreated(a: AccountRecord): Promise<void> {
    await this.#inbox.add(a);
    this.ctx.events.emit({ type: 'account', account: publicAccount(a), change: 'created' });
  }

  /** @internal LobbyHost */
  lobbyEnded(id: string): void {
    this.#lobbies.delete(id);
  }

  /** Accounts in creation order. */
  async accounts(): Promise<Account[]> {
    return this.#inbox
      .accounts()
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
      .map(publicAccount);
  }

  /** @throws {WalletError} `unknown-account`. */
  async account(id: string): Promise<Account> {
    const a = this.#inbox.accounts().find((x) => x.id === id);
    if (!a) throw new WalletError('unknown-account', 'no such account in this wallet', { field: 'accountId' });
    return publicAccount(a);
  }

  /** @throws {WalletError} `bad-input`, `unsupported-scheme`. */
  async startCreate(o: CreateAccountOptions): Promise<LobbyHandle> {
    const l = await Lobby.create(this, o);
    this.#lobbies.set(l.id, l);
    l.start();
    return l;
  }

  /** @throws {WalletError} `malformed-link`, `bad-signature`, `expired`, `bad-input`. */
  async joinFromLink(link: string, o: JoinOptions): Promise<LobbyHandle> {
    const l = await Lobby.join(this, link, o.memberLabel, (id) => {
      if (this.#inbox.accounts().some((a) => a.lobbyId === id)) throw new WalletError('already-decided', 'this wallet already holds the account of that lobby', { field: 'link' });
      return this.#lobbies.get(id);
    });
    if (!this.#lobbies.has(l.id)) {
      this.#lobbies.set(l.id, l);
      l.start();
    }
    return l;
  }

  lobbies(): LobbyHandle[] {
    return [...this.#lobbies.values()];
  }

  /** @throws {WalletError} */
  requestSignature(accountId: string, message: Uint8Array, note: string, opts?: RequestSignatureOptions): Promise<RequestView> {
    return this.#inbox.request(accountId, 'sign', message, note, opts?.hash);
  }

  /** @throws {WalletError} */
  requestRefresh(accountId: string, note: string): Promise<RequestView> {
    return this.#inbox.request(accountId, 'refresh', null, note);
  }

  /** @throws {WalletError} `unknown-account`. */
  async inbox(accountId?: string): Promise<RequestView[]> {
    return this.#inbox.list(accountId);
  }

  /** @throws {WalletError} `unknown-request`. */
  async request(id: string): Promise<RequestView> {
    return this.#inbox.get(id);
  }

  /** @throws {WalletError} */
  approve(id: string): Promise<RequestView> {
    return this.#inbox.decide(id, true, '');
  }

  /** @throws {WalletError} */
  reject(id: string, reason: string): Promise<RequestView> {
    return this.#inbox.decide(id, false, reason);
  }

  /** @throws {WalletError} */
  finalize(id: string): Promise<RequestView> {
    return this.#inbox.finalize(id);
  }

  /** @throws {WalletError} */
  resendFinalize(id: string): Promise<RequestView> {
    return this.#inbox.resend(id);
  }

  /** Every status check. */
  status(): Promise<WalletStatus> {
    return checkStatus(this.ctx, this.#inbox);
  }

  /** Resolves once rooms have handled what is stored and no ceremony runs (tests). */
  idle(): Promise<void> {
    return this.#inbox.idle();
  }
}
