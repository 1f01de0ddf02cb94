/**
 * The wallet's own sealed records in the vault (AES-256-GCM under the data key, bound to
 * their id, type and revision by the vault): accounts, lobby state, and the request log of
 * each account. Writes of one record are serialized so concurrent updates never collide.
 *
 * - `wallet/account/<id>` (`tessera/wallet/account`): public account data, the share's vault
 *   id and the signed group-room invitation;
 * - `wallet/lobby/<id>` (`tessera/wallet/lobby`): enrollment state; holds the one-time
 *   enrollment secrets (creator: every slot's, so links can be shown again; joiner: its own);
 * - `wallet/requests/<accountId>` (`tessera/wallet/requests`): every request of the account
 *   with its approvals, ceremony invitation and result.
 * @module
 */
import type { Vault } from '@tessera/vault';
import type { Account, Decision, RequestKind, RequestStatus, SigningHash, WalletErrorInfo } from './api.ts';
import { WalletError } from './errors.ts';

/** Stored account: the public view plus where its share is. */
export interface AccountRecord extends Account {
  readonly shareId: string;
  /** Canonical text of the signed group-room invitation. */
  readonly groupInvitation: string;
  /** The lobby the account came from. */
  readonly lobbyId?: string;
}

/** The public part of an account record. */
export function publicAccount(a: AccountRecord): Account {
  const { shareId: _s, groupInvitation: _g, lobbyId: _l, ...pub } = a;
  return pub;
}

/** Stored lobby state. */
export interface LobbyRecord {
  readonly id: string;
  readonly role: 'creator' | 'joiner';
  /** The lobby invitation text (signed by the creator). */
  readonly lobbyInvitation: string;
  readonly selfIndex: number;
  readonly memberLabel: string;
  /** Creator: hex enrollment secrets by slot. Joiner: its own slot only. Security: secret. */
  readonly enrollmentSecrets: Record<string, string>;
  /** Enrolled device keys and labels by slot (slot 1: the creator). */
  readonly members: Record<string, { readonly key: string; readonly label: string }>;
  stage: 'enrolling' | 'waiting-invitation' | 'keygen' | 'done' | 'failed';
  dkgInvitation?: string;
  groupInvitation?: string;
  accountId?: string;
  error?: WalletErrorInfo;
  readonly createdAt: number;
}

/** Stored request. */
export interface RequestRecord {
  readonly id: string;
  readonly accountId: string;
  readonly kind: RequestKind;
  readonly requester: number;
  readonly note: string;
  readonly createdAt: number;
  /** Hex message (sign). */
  readonly message: string | null;
  /** ECDSA digest of a signing request when not SHA-256 (absent: SHA-256, as in older records). */
  readonly hash?: SigningHash;
  approvals: Decision[];
  rejections: Decision[];
  lateApprovals: Decision[];
  status: RequestStatus;
  mine?: 'approved' | 'rejected';
  /** Ceremony invitation text once finalized. */
  invitation?: string;
  session?: string;
  signers?: number[];
  participating?: boolean;
  signature?: string;
  verified?: boolean;
  epoch?: number;
  error?: WalletErrorInfo;
}

/** Stored request book of an account: the group-room mailbox cursor handled so far and the requests. */
export interface RequestBookRecord {
  readonly cursor: number;
  readonly requests: readonly RequestRecord[];
}

const TYPES = { account: 'tessera/wallet/account', lobby: 'tessera/wallet/lobby', requests: 'tessera/wallet/requests' } as const;
const PREFIX = { account: 'wallet/account/', lobby: 'wallet/lobby/', requests: 'wallet/requests/' } as const;
type Kind = keyof typeof TYPES;

/** Typed access to the wallet's sealed records. */
export class WalletRecords {
  readonly #vault: Vault;
  readonly #chains = new Map<string, Promise<unknown>>();

  constructor(vault: Vault) {
    this.#vault = vault;
  }

  async #get<T>(kind: Kind, id: string): Promise<T | undefined> {
    const rid = PREFIX[kind] + id;
    const r = await this.#vault.getShare(rid);
    if (!r) return undefined;
    try {
      if (r.type !== TYPES[kind]) throw new Error('type');
      return JSON.parse(new TextDecoder().decode(r.plaintext)) as T;
    } catch (e) {
      throw new WalletError('tampered', 'a wallet record is malformed', { field: rid, cause: e });
    } finally {
      r.plaintext.fill(0);
    }
  }

  async #put(kind: Kind, id: string, value: unknown): Promise<void> {
    const rid = PREFIX[kind] + id;
    const prev = this.#chains.get(rid) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(async () => {
      const bytes = new TextEncoder().encode(JSON.stringify(value));
      try {
        await this.#vault.putShare(rid, TYPES[kind], bytes);
      } finally {
        bytes.fill(0);
      }
    });
    this.#chains.set(rid, next);
    await next;
  }

  async #ids(kind: Kind): Promise<string[]> {
    return (await this.#vault.listShares()).filter((s) => s.id.startsWith(PREFIX[kind]) && s.type === TYPES[kind]).map((s) => s.id.slice(PREFIX[kind].length));
  }

  /** Ids of stored accounts (no decryption). */
  accountIds(): Promise<string[]> {
    return this.#ids('account');
  }
  /** Ids of stored lobbies (no decryption). */
  lobbyIds(): Promise<string[]> {
    return this.#ids('lobby');
  }
  /** @throws {WalletError} `tampered` @throws {VaultIntegrityError} */
  lobby(id: string): Promise<LobbyRecord | undefined> {
    return this.#get('lobby', id);
  }
  /** @throws {WalletError} `tampered` @throws {VaultIntegrityError} */
  async accounts(): Promise<AccountRecord[]> {
    const out: AccountRecord[] = [];
    for (const id of await this.#ids('account')) {
      const a = await this.#get<AccountRecord>('account', id);
      if (a) out.push(a);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }
  /** @throws {WalletError} `tampered` @throws {VaultIntegrityError} */
  account(id: string): Promise<AccountRecord | undefined> {
    return this.#get('account', id);
  }
  /** @throws {VaultStateError} if locked. */
  putAccount(a: AccountRecord): Promise<void> {
    return this.#put('account', a.id, a);
  }
  /** @throws {WalletError} `tampered` @throws {VaultIntegrityError} */
  async lobbies(): Promise<LobbyRecord[]> {
    const out: LobbyRecord[] = [];
    for (const id of await this.#ids('lobby')) {
      const l = await this.#get<LobbyRecord>('lobby', id);
      if (l) out.push(l);
    }
    return out;
  }
  /** @throws {VaultStateError} if locked. */
  putLobby(l: LobbyRecord): Promise<void> {
    return this.#put('lobby', l.id, l);
  }
  /** Deletes a lobby record (its enrollment secrets with it). @throws {VaultStateError} if locked. */
  async deleteLobby(id: string): Promise<void> {
    await this.#vault.deleteShare(PREFIX.lobby + id);
  }
  /** The request book of an account (empty when none). @throws {WalletError} `tampered` @throws {VaultIntegrityError} */
  async requests(accountId: string): Promise<RequestBookRecord> {
    return (await this.#get<RequestBookRecord>('requests', accountId)) ?? { cursor: 0, requests: [] };
  }
  /** @throws {VaultStateError} if locked. */
  putRequests(accountId: string, book: RequestBookRecord): Promise<void> {
    return this.#put('requests', accountId, book);
  }
}
