/**
 * The unlocked wallet: accounts, lobbies and requests over the device's signal connection.
 * @module
 */
import type { Vault } from '@tessera/vault';
import type { IdentityKey } from '@tessera/transport/identity';
import type { Account, CreateAccountOptions, JoinOptions, LobbyHandle, RequestView, WalletCoreOptions, WalletStatus } from './api.ts';
import type { Emitter } from './emitter.ts';
import { WalletError } from './errors.ts';

/** What a {@link Runtime} is built from. */
export interface RuntimeDeps {
  readonly vault: Vault;
  readonly identity: IdentityKey;
  readonly options: WalletCoreOptions;
  readonly events: Emitter;
}

const later = (): never => {
  throw new WalletError('internal', 'this build of the wallet core has no account support yet');
};

/** The unlocked wallet runtime. */
export class Runtime {
  readonly #d: RuntimeDeps;
  constructor(d: RuntimeDeps) {
    this.#d = d;
  }
  /** Connects and resumes. */
  async start(): Promise<void> {
    void this.#d;
  }
  /** Stops everything. */
  async stop(): Promise<void> {}
  /** @throws {WalletError} */
  async accounts(): Promise<Account[]> {
    return [];
  }
  /** @throws {WalletError} */
  async account(_id: string): Promise<Account> {
    return later();
  }
  /** @throws {WalletError} */
  async startCreate(_o: CreateAccountOptions): Promise<LobbyHandle> {
    return later();
  }
  /** @throws {WalletError} */
  async joinFromLink(_l: string, _o: JoinOptions): Promise<LobbyHandle> {
    return later();
  }
  lobbies(): LobbyHandle[] {
    return [];
  }
  /** @throws {WalletError} */
  async requestSignature(_a: string, _m: Uint8Array, _n: string): Promise<RequestView> {
    return later();
  }
  /** @throws {WalletError} */
  async requestRefresh(_a: string, _n: string): Promise<RequestView> {
    return later();
  }
  /** @throws {WalletError} */
  async inbox(_a?: string): Promise<RequestView[]> {
    return [];
  }
  /** @throws {WalletError} */
  async request(_id: string): Promise<RequestView> {
    return later();
  }
  /** @throws {WalletError} */
  async approve(_id: string): Promise<RequestView> {
    return later();
  }
  /** @throws {WalletError} */
  async reject(_id: string, _r: string): Promise<RequestView> {
    return later();
  }
  /** @throws {WalletError} */
  async finalize(_id: string): Promise<RequestView> {
    return later();
  }
  /** @throws {WalletError} */
  async status(): Promise<WalletStatus> {
    return later();
  }
}
