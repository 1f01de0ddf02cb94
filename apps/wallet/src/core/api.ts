/**
 * The public contract of the wallet core: every type the UI (or a Node test) sees.
 *
 * A {@link WalletCore} owns one encrypted vault (IndexedDB, `@tessera/vault`) and one device
 * identity (an Ed25519 transport identity key sealed in that vault). Once unlocked it manages
 * threshold ACCOUNTS (one group key each), the ENROLLMENT lobbies that create them (invite
 * links), the asynchronous REQUEST inbox (signing and refresh requests, approvals, finalize),
 * status checks, backup and restore. Everything long-running is reported through typed
 * {@link WalletEvent}s; no event or error ever carries secret material.
 *
 * This file holds types only; the implementation is behind `openWalletCore` in `./index.ts`.
 * Changes to this file are additive only (the UI is built against it).
 * @module
 */
import type { SessionFactory, OutputCodec } from '@tessera/transport/runner';
import type { RunnerStore } from '@tessera/transport/runner-store';
import type { Transport } from '@tessera/transport/transport';
import type { WebSocketFactory } from '@tessera/transport/signal-client';
import type { PeerConnectionFactory } from '@tessera/transport/webrtc';
import type { IdentityKey } from '@tessera/transport/identity';
import type { Argon2Params, Vault } from '@tessera/vault';
import type { RandomSource } from '@tessera/crypto/rng';
import type { HardwareKeyControl, NonceCrossCheck } from './bridge.ts';
import type { CosignerControl } from './cosigner.ts';

/** FROST ciphersuites the wallet offers (`@tessera/protocols/frost/suite`). */
export type SuiteName = 'secp256k1' | 'taproot' | 'ed25519';

/** Threshold schemes: FROST today; CGGMP21 ECDSA plugs in through a {@link SchemeDriver}. */
export type SchemeName = 'frost' | 'cggmp';

/** Lock state of the wallet: no vault yet, a vault that is locked, or unlocked. */
export type WalletState = 'no-vault' | 'locked' | 'unlocked';

/** 1-based party index inside an account (the index in the DKG invitation). */
export type PartyIndex = number;

// ───────────────────────────── errors ─────────────────────────────

/**
 * Codes of {@link WalletErrorInfo} / `WalletError` (exported by `./index.ts`).
 * - `malformed-link`: an invite link cannot be parsed (`field` names the part).
 * - `bad-signature`: an invitation, request or message is not signed by who it claims.
 * - `not-invited`: this device's key is not listed where it must be.
 * - `expired`: an invitation or link is past its expiry.
 * - `unknown-account` / `unknown-request` / `unknown-lobby`: no such id in this wallet.
 * - `locked` / `no-vault` / `vault-exists`: wrong lock state for the call.
 * - `bad-input`: an argument is malformed or out of range (`field` names it).
 * - `already-decided`: this wallet already approved/rejected the request, or it is finished.
 * - `not-enough-approvals`: finalize called before the threshold of approvals.
 * - `nonce-reused`: a signing session asked for a nonce that was already consumed (refused).
 * - `tampered`: a stored record or a received message failed its integrity check.
 * - `protocol-abort`: a ceremony aborted; `culprit` names the party when one is identified.
 * - `transport`: the signal server or a peer could not be reached / timed out.
 * - `unsupported-scheme`: no registered {@link SchemeDriver} for the scheme/suite.
 * - `webauthn-unavailable`: no WebAuthn PRF support (or no credentials container injected).
 * - `internal`: anything else (a bug).
 */
export type WalletErrorCode =
  | 'malformed-link'
  | 'bad-signature'
  | 'not-invited'
  | 'expired'
  | 'unknown-account'
  | 'unknown-request'
  | 'unknown-lobby'
  | 'locked'
  | 'no-vault'
  | 'vault-exists'
  | 'bad-input'
  | 'already-decided'
  | 'not-enough-approvals'
  | 'nonce-reused'
  | 'tampered'
  | 'protocol-abort'
  | 'transport'
  | 'unsupported-scheme'
  | 'webauthn-unavailable'
  | 'internal';

/** Serializable description of an error (in events and request/lobby views). Never secret. */
export interface WalletErrorInfo {
  readonly code: WalletErrorCode;
  readonly message: string;
  /** Input field or wire field at fault, when one is. */
  readonly field?: string;
  /** Party blamed by a protocol abort, when one is identified. */
  readonly culprit?: PartyIndex;
}

// ───────────────────────────── options ─────────────────────────────

/** WebAuthn settings for the PRF unlock method (browser only). */
export interface WebAuthnOptions {
  /** Relying-party id (the page's host, e.g. `localhost`). */
  readonly rpId: string;
  /** Relying-party display name (default `Tessera Wallet`). */
  readonly rpName?: string;
  /** The credentials container (default `navigator.credentials`). */
  readonly credentials?: CredentialsContainer;
}

/** Options of `openWalletCore`. Platform pieces are injected so the same core runs in browsers and Node. */
export interface WalletCoreOptions {
  /** `ws(s)://host:port` of the signal server. */
  readonly signalUrl: string;
  /** IndexedDB database name of the vault (default `tessera-wallet`). */
  readonly vaultName?: string;
  /**
   * Base of invite links (default: `location.origin + location.pathname + location.search`
   * in a browser, else `tessera://wallet/`). Links are `${linkBase}#join=<payload>`.
   */
  readonly linkBase?: string;
  /** WebSocket constructor (default: global `WebSocket`, else the `ws` package). */
  readonly WebSocket?: WebSocketFactory;
  /**
   * RTCPeerConnection constructor, or a loader of one (browser: `rtc.browser.ts`, Node:
   * `rtc.node.ts`). Without it, ceremonies run over the mailbox only.
   */
  readonly RTCPeerConnection?: PeerConnectionFactory | (() => Promise<PeerConnectionFactory>);
  /** `webrtc` (mesh with mailbox fallback; default when RTCPeerConnection is given) or `mailbox`. */
  readonly transport?: 'webrtc' | 'mailbox';
  /** WebAuthn PRF unlock (omit to disable). */
  readonly webauthn?: WebAuthnOptions;
  /** Argon2id parameters for new passphrase wraps (default: the vault's documented default). */
  readonly passphraseKdf?: Argon2Params;
  /**
   * Silence timeout of a ceremony in milliseconds (default 600 000: members of an
   * asynchronous wallet may take minutes to come back; the mailbox keeps what they missed).
   */
  readonly ceremonyTimeoutMs?: number;
  /** Extra threshold schemes (e.g. CGGMP21); FROST is always registered. */
  readonly schemes?: readonly SchemeDriver[];
  /** Randomness (tests may inject a seeded source). */
  readonly rng?: RandomSource;
  /** Clock (default `Date.now`). */
  readonly now?: () => number;
  /** Diagnostic log sink (never receives secrets). */
  readonly log?: (line: string) => void;
  /**
   * Lifetime of group rooms created by this wallet (default 365 days; the signal server's
   * default `maxRoomTtlMs` accepts up to 400 days).
   */
  readonly groupRoomTtlMs?: number;
}

/** Arguments of {@link WalletCore.createVault}: at least one method. */
export interface CreateVaultOptions {
  readonly passphrase?: string;
  /** Register a passkey (WebAuthn PRF) as an unlock method. */
  readonly webauthn?: { readonly userName?: string; readonly label?: string };
}

/** An existing unlock secret (to authorize adding a method). */
export type UnlockSecret = { readonly kind: 'passphrase'; readonly passphrase: string } | { readonly kind: 'webauthn' };

/** A method to add with {@link WalletCore.addMethod}. */
export type NewUnlockMethod =
  | { readonly kind: 'passphrase'; readonly passphrase: string; readonly label?: string }
  | { readonly kind: 'webauthn'; readonly userName?: string; readonly label?: string };

/** An enrolled unlock method (public data). */
export interface UnlockMethodInfo {
  readonly id: string;
  readonly kind: 'passphrase' | 'webauthn-prf' | string;
  readonly label: string;
  readonly created: number;
}

// ───────────────────────────── identity & accounts ─────────────────────────────

/** This device's public identity. */
export interface DeviceIdentity {
  /** Ed25519 public key, hex. */
  readonly publicKey: string;
  /** Short fingerprint (16 hex chars) users compare out of band. */
  readonly fingerprint: string;
}

/** One member of an account (or a lobby slot). */
export interface Member {
  readonly index: PartyIndex;
  /** Identity public key, hex. */
  readonly publicKey: string;
  readonly fingerprint: string;
  /** The label the member gave itself when joining (free text, not authenticated beyond its envelope). */
  readonly label: string;
}

/** A threshold key held by this wallet (public data; the share stays sealed in the vault). */
export interface Account {
  /** Stable id (the DKG session id). */
  readonly id: string;
  readonly label: string;
  readonly scheme: SchemeName;
  readonly suite: SuiteName | string;
  readonly threshold: number;
  /** Number of parties n. */
  readonly parties: number;
  readonly selfIndex: PartyIndex;
  /** Group public key, hex (as `publicKey(share)` prints it; x-only 32 bytes for taproot). */
  readonly groupKey: string;
  /** Key epoch: 0 after the DKG, +1 per refresh. */
  readonly epoch: number;
  readonly createdAt: number;
  readonly members: readonly Member[];
}

// ───────────────────────────── lobbies (create / join) ─────────────────────────────

/** Arguments of {@link WalletCore.startCreate}. */
export interface CreateAccountOptions {
  readonly label: string;
  readonly suite: SuiteName;
  readonly threshold: number;
  /** Number of parties n (2..16); this wallet takes slot 1. */
  readonly parties: number;
  /** Scheme (default `frost`). */
  readonly scheme?: SchemeName;
  /** This member's display label (default `Member 1`). */
  readonly memberLabel?: string;
}

/** Stage of a lobby. */
export type LobbyStage =
  /** Creator: waiting until every slot has enrolled. */
  | 'enrolling'
  /** Joiner: enrolled, waiting for the creator's DKG invitation. */
  | 'waiting-invitation'
  /** The key generation runs. */
  | 'keygen'
  | 'done'
  | 'failed';

/** One slot of a lobby as the creator sees it. */
export interface LobbySlot {
  readonly index: PartyIndex;
  readonly joined: boolean;
  /** Set once the slot's member enrolled. */
  readonly member?: Member;
  /**
   * The invite link for this slot (creator only, slots ≥ 2, while the lobby is `enrolling`).
   * A bearer capability: whoever holds it can take the slot.
   */
  readonly link?: string;
  /** Whether the member is connected to the lobby room now (best effort). */
  readonly online?: boolean;
}

/** Snapshot of a lobby. */
export interface LobbyView {
  /** Lobby id (the lobby room's session id, hex). */
  readonly id: string;
  readonly role: 'creator' | 'joiner';
  readonly label: string;
  readonly scheme: SchemeName;
  readonly suite: SuiteName | string;
  readonly threshold: number;
  readonly parties: number;
  readonly selfIndex: PartyIndex;
  /** The creator's identity fingerprint (joiners compare it with the creator out of band). */
  readonly creatorFingerprint: string;
  readonly stage: LobbyStage;
  readonly slots: readonly LobbySlot[];
  /** Key generation progress (round k of n) while `stage === 'keygen'`. */
  readonly progress?: CeremonyProgress;
  /** The account once `stage === 'done'`. */
  readonly accountId?: string;
  readonly error?: WalletErrorInfo;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** A running lobby (creator or joiner side). */
export interface LobbyHandle {
  readonly id: string;
  /** Current snapshot. */
  view(): LobbyView;
  /** Resolves with the account when the key generation finished; rejects with a `WalletError`. */
  readonly done: Promise<Account>;
  /** Stops this wallet's participation and forgets the lobby (other parties will time out); also dismisses a failed lobby. */
  cancel(): Promise<void>;
}

/** Arguments of {@link WalletCore.joinFromLink}. */
export interface JoinOptions {
  /** This member's display label (default `Member <index>`). */
  readonly memberLabel?: string;
}

/** Preview of an invite link before joining (nothing is sent). */
export interface LinkPreview {
  readonly lobbyId: string;
  readonly label: string;
  readonly scheme: SchemeName;
  readonly suite: SuiteName | string;
  readonly threshold: number;
  readonly parties: number;
  readonly slot: PartyIndex;
  readonly creatorFingerprint: string;
  readonly expiresAt: number;
}

/** Progress of a ceremony. */
export interface CeremonyProgress {
  /** Rounds finished/entered so far (1-based current round). */
  readonly round: number;
  /** Total rounds of the protocol. */
  readonly rounds: number;
  /** Optional fraction 0..1 for long local work (e.g. CGGMP prime search). */
  readonly fraction?: number;
}

// ───────────────────────────── requests inbox ─────────────────────────────

/** What a request asks for. */
export type RequestKind = 'sign' | 'refresh';

/**
 * The digest an ECDSA (CGGMP21) signing is over: SHA-256 (default) or Keccak-256 (Ethereum)
 * of the message bytes. FROST suites hash the message as their suite defines and take no choice.
 */
export type SigningHash = 'sha256' | 'keccak256';

/** Options of {@link WalletCore.requestSignature}. */
export interface RequestSignatureOptions {
  /**
   * Digest to sign (ECDSA accounts only; default `sha256`). A request without it means
   * `sha256`, as requests from wallets that predate the choice do.
   */
  readonly hash?: SigningHash;
}

/** Lifecycle of a request. */
export type RequestStatus =
  /** Collecting approvals. */
  | 'pending'
  /** Enough approvals: can be finalized. */
  | 'ready'
  /** Finalized: the ceremony runs among the chosen signers. */
  | 'running'
  | 'done'
  | 'rejected'
  | 'failed';

/** Exactly what a signing request would sign. */
export interface MessagePreview {
  /** The message bytes, hex. */
  readonly hex: string;
  /** UTF-8 text when the bytes are printable UTF-8. */
  readonly utf8?: string;
  readonly length: number;
  /** SHA-256 of the message, hex: what users compare out of band. */
  readonly sha256: string;
  /** ECDSA accounts: the digest the signature is over (`sha256` or `keccak256`). */
  readonly hash?: SigningHash;
  /** ECDSA accounts: that digest of the message, hex (what the ECDSA signature signs). */
  readonly digest?: string;
  /**
   * How the suite signs it, e.g. `BIP340 Schnorr over the 32-byte message` or
   * `FROST(Ed25519, SHA-512) over the message bytes`.
   */
  readonly signedAs: string;
}

/** A decision by a member. */
export interface Decision {
  readonly party: PartyIndex;
  readonly at: number;
  /** Reason (rejections only). */
  readonly reason?: string;
}

/** One request as every wallet of the account sees it. */
export interface RequestView {
  /** Request id (hex). */
  readonly id: string;
  readonly accountId: string;
  readonly kind: RequestKind;
  readonly requester: PartyIndex;
  readonly note: string;
  readonly createdAt: number;
  /** Present for `sign` requests. */
  readonly message?: MessagePreview;
  /** Approvals counted before finalize (the requester's own request counts as its approval). */
  readonly approvals: readonly Decision[];
  readonly rejections: readonly Decision[];
  /** Approvals that arrived after finalize: recorded as not needed. */
  readonly lateApprovals: readonly Decision[];
  /** Approvals needed (t for signing, n for refresh). */
  readonly needed: number;
  readonly status: RequestStatus;
  /** This wallet's own decision, if any. */
  readonly mine?: 'approved' | 'rejected';
  /** Whether this wallet can call finalize now. */
  readonly canFinalize: boolean;
  /** Chosen ceremony participants after finalize. */
  readonly signers?: readonly PartyIndex[];
  /** Whether this wallet takes part in the ceremony. */
  readonly participating?: boolean;
  readonly progress?: CeremonyProgress;
  /** Signature hex once done (sign). */
  readonly signature?: string;
  /** Whether THIS wallet verified the signature against the group key. */
  readonly verified?: boolean;
  /** New epoch once a refresh is done. */
  readonly epoch?: number;
  readonly error?: WalletErrorInfo;
}

// ───────────────────────────── status ─────────────────────────────

/** Presence of one member. */
export interface PresenceView {
  readonly index: PartyIndex;
  readonly fingerprint: string;
  readonly label: string;
  readonly online: boolean;
  readonly self: boolean;
}

/** Per-account status. */
export interface AccountStatus {
  readonly accountId: string;
  readonly label: string;
  readonly epoch: number;
  readonly members: readonly PresenceView[];
  /** The sealed share decrypts and matches the account's group key. */
  readonly shareOk: boolean;
}

/** Result of one check. */
export interface CheckResult {
  readonly ok: boolean;
  /** Short human-readable detail (counts, head hash, or the error). */
  readonly detail: string;
  readonly error?: WalletErrorInfo;
}

/** Full status report ({@link WalletCore.status}). */
export interface WalletStatus {
  readonly state: WalletState;
  readonly identity?: DeviceIdentity;
  readonly signalConnected: boolean;
  readonly accounts: readonly AccountStatus[];
  /**
   * Nonce ledger consistent: every signing/refresh session this wallet finished is marked in
   * the vault's ledger (so it can never run again), and no finished signing left a runner
   * record behind.
   */
  readonly nonceLedger: CheckResult;
  /** Audit hash chain verified against its keyed checkpoint. */
  readonly audit: CheckResult & { readonly length: number; readonly head: string };
  /** Every sealed record decrypts (AES-GCM tags) and the records are where they belong. */
  readonly integrity: CheckResult & { readonly records: number };
  /**
   * Three-way nonce cross-check per FROST account: IndexedDB ledger, HSM counter (hardware key
   * enrolled) and the mailbox's record of this wallet's signing sessions, with mismatches.
   */
  readonly nonceCrossCheck?: NonceCrossCheck;
  readonly checkedAt: number;
}

/** One audit log entry (public data). */
export interface AuditView {
  readonly seq: number;
  readonly time: number;
  readonly kind: string;
  readonly details: Readonly<Record<string, string | number>>;
}

// ───────────────────────────── events ─────────────────────────────

/** Ceremony kinds reported in progress events. */
export type CeremonyKind = 'keygen' | 'sign' | 'refresh';

/** Events of a {@link WalletCore}. None carries secret material. */
export type WalletEvent =
  | { readonly type: 'state'; readonly state: WalletState }
  | { readonly type: 'signal'; readonly connected: boolean }
  | { readonly type: 'lobby'; readonly lobby: LobbyView }
  | { readonly type: 'account'; readonly account: Account; readonly change: 'created' | 'refreshed' | 'restored' }
  | {
      readonly type: 'progress';
      readonly ceremony: CeremonyKind;
      /** Lobby id (keygen) or request id (sign, refresh). */
      readonly id: string;
      readonly progress: CeremonyProgress;
      /** True when the ceremony resumed from a saved record. */
      readonly resumed?: boolean;
    }
  | { readonly type: 'presence'; readonly accountId: string; readonly party: PartyIndex; readonly online: boolean }
  | {
      readonly type: 'request';
      readonly change: 'received' | 'approved' | 'rejected' | 'finalized' | 'signed' | 'refreshed' | 'failed' | 'late-approval';
      readonly request: RequestView;
    }
  | { readonly type: 'transport'; readonly id: string; readonly detail: string }
  | {
      readonly type: 'error';
      readonly error: WalletErrorInfo;
      /** Where it happened: a lobby id, request id or `vault`/`signal`. */
      readonly context: string;
    };

/** A listener of wallet events. */
export type WalletListener = (event: WalletEvent) => void;

// ───────────────────────────── the core ─────────────────────────────

/**
 * The headless wallet controller. All methods are async and never block the UI for long;
 * long work is reported through events. Methods that need the vault unlocked throw a
 * `WalletError` with code `locked` otherwise. Unlock failures surface the vault's
 * `VaultUnlockError` (wrong secret; nothing touched), tampered records `VaultIntegrityError`.
 */
export interface WalletCore {
  /** Current lock state. */
  readonly state: WalletState;
  /** Whether a vault exists in this browser profile. */
  readonly vaultExists: boolean;

  // vault
  /**
   * Creates the vault with the given unlock methods, generates and seals the device identity,
   * and leaves the wallet unlocked.
   * @throws {WalletError} `vault-exists`, `bad-input` (no method), `webauthn-unavailable`.
   */
  createVault(opts: CreateVaultOptions): Promise<void>;
  /** @throws {VaultUnlockError} wrong passphrase (nothing touched). @throws {WalletError} `no-vault`. */
  unlockWithPassphrase(passphrase: string): Promise<void>;
  /** @throws {VaultUnlockError} wrong PRF output. @throws {WalletError} `no-vault`, `webauthn-unavailable`. */
  unlockWithWebAuthn(): Promise<void>;
  /**
   * Unlocks through the PKCS#11 bridge (hardware key, see {@link WalletCore.hardwareKey}).
   * @throws {BridgeError} bridge unreachable, HSM unavailable, device not approved (nothing touched).
   * @throws {VaultIntegrityError} tampered wrapped key. @throws {WalletError} `no-vault`, `bad-input` (not enrolled).
   */
  unlockWithHardwareKey?(): Promise<void>;
  /** The hardware key (PKCS#11 bridge) settings: bridge URL, registration, approval, enrollment. */
  readonly hardwareKey?: HardwareKeyControl;
  /** Server co-signer (2-of-2 ECDSA with a `tessera party` Node co-signer): create accounts, sign. */
  readonly cosigner?: CosignerControl;
  /** Stops running ceremonies (their records stay for resume), disconnects, forgets the keys. */
  lock(): Promise<void>;
  /** Enrolled unlock methods. @throws {WalletError} `no-vault`. */
  listMethods(): Promise<UnlockMethodInfo[]>;
  /** Adds a method (re-wraps the data key; shares untouched). @throws {VaultUnlockError} if `existing` is wrong. */
  addMethod(existing: UnlockSecret, added: NewUnlockMethod): Promise<UnlockMethodInfo>;
  /** Removes a method. @throws {VaultStateError} `last-method`. @throws {WalletError} `locked`. */
  removeMethod(id: string): Promise<void>;

  // identity & accounts
  /** This device's identity. @throws {WalletError} `locked`. */
  identity(): DeviceIdentity;
  /** Accounts in creation order. @throws {WalletError} `locked`. */
  accounts(): Promise<Account[]>;
  /** One account. @throws {WalletError} `unknown-account`, `locked`. */
  account(id: string): Promise<Account>;

  // lobbies
  /**
   * Creates a lobby: one invite link per other slot; runs the DKG once everyone enrolled.
   * Network trouble does not throw: it shows on the lobby (`error`, code `transport`) while
   * the core retries.
   * @throws {WalletError} `bad-input` (field named), `unsupported-scheme`, `locked`.
   */
  startCreate(opts: CreateAccountOptions): Promise<LobbyHandle>;
  /**
   * Reads a link without joining (for a confirmation screen).
   * @throws {WalletError} `malformed-link` (field named), `bad-signature`, `expired`.
   */
  previewLink(link: string): LinkPreview;
  /**
   * Enrolls in the slot the link grants and takes part in the DKG. Joining a lobby that is
   * already running returns its handle (e.g. after a reload that routes `#join=` again).
   * @throws {WalletError} `malformed-link`, `bad-signature`, `expired` (field named),
   *   `unsupported-scheme`, `bad-input` (this wallet created the lobby), `already-decided`
   *   (this wallet already holds the lobby's account), `locked`.
   */
  joinFromLink(link: string, opts?: JoinOptions): Promise<LobbyHandle>;
  /** Lobbies not yet finished (including ones resumed after unlock, and failed ones until cancelled). */
  lobbies(): LobbyHandle[];

  // requests
  /**
   * Posts a signing request to the account's group room (counts as the requester's approval).
   * `opts.hash` chooses the ECDSA digest (`keccak256` for Ethereum; default `sha256`).
   * @throws {WalletError} `unknown-account`, `bad-input` (message; `hash` unknown, or given
   *   for an account whose scheme signs no chosen digest, e.g. FROST), `locked`, `transport`.
   */
  requestSignature(accountId: string, message: Uint8Array, note?: string, opts?: RequestSignatureOptions): Promise<RequestView>;
  /**
   * Posts a refresh request (all n must approve; new epoch, same group key).
   * @throws {WalletError} `unknown-account`, `locked`, `transport`.
   */
  requestRefresh(accountId: string, note?: string): Promise<RequestView>;
  /** Requests of one account or all, newest first. @throws {WalletError} `unknown-account`, `locked`. */
  inbox(accountId?: string): Promise<RequestView[]>;
  /** One request. @throws {WalletError} `unknown-request`. */
  request(requestId: string): Promise<RequestView>;
  /**
   * Approves a request (after finalize it is recorded as a late approval, not needed).
   * @throws {WalletError} `unknown-request`, `already-decided`, `transport`.
   */
  approve(requestId: string): Promise<RequestView>;
  /** Rejects a request. @throws {WalletError} `unknown-request`, `already-decided`, `transport`. */
  reject(requestId: string, reason?: string): Promise<RequestView>;
  /**
   * Finalizes a request that has enough approvals: picks the participants (requester + the
   * first t−1 approvers for signing; everyone for refresh), posts the signed ceremony
   * invitation and runs it. Resolves when the ceremony is done (status `done`) or failed.
   * @throws {WalletError} `not-enough-approvals`, `unknown-request`, `already-decided`.
   */
  finalize(requestId: string): Promise<RequestView>;

  /**
   * Sends the ceremony invitation of a request THIS wallet finalized again, to every member
   * (recovery for a participant that lost it). A participant that already ran that session
   * refuses to run it twice (its nonce ledger) and reports `nonce-reused` on the request.
   * @throws {WalletError} `unknown-request`, `bad-input` (not finalized by this wallet), `transport`.
   */
  resendFinalize(requestId: string): Promise<RequestView>;

  // status, audit, backup
  /** Runs every check (presence, nonce ledger, audit chain, integrity, epochs). @throws {WalletError} `locked`. */
  status(): Promise<WalletStatus>;
  /** The audit log (public data). @throws {WalletError} `locked`. */
  auditLog(): Promise<AuditView[]>;
  /** Encrypted backup of the whole vault under `passphrase`. @throws {WalletError} `locked`. */
  exportBackup(passphrase: string): Promise<string>;
  /**
   * Restores a backup into an EMPTY vault (state `no-vault`); the wallet is then `locked`:
   * unlock with one of the backed-up methods (passphrase or passkey as they were).
   * @throws {VaultUnlockError} wrong passphrase. @throws {VaultIntegrityError} tampered.
   * @throws {WalletError} `vault-exists`.
   */
  importBackup(text: string, passphrase: string): Promise<void>;

  // events & lifecycle
  /** Subscribes to events; returns the unsubscribe function. */
  subscribe(listener: WalletListener): () => void;
  /** Locks and closes the database; the core is unusable afterwards. */
  close(): Promise<void>;
}

// ───────────────────────────── scheme registry ─────────────────────────────

/** What a scheme driver gets to run one ceremony. */
export interface SchemeContext {
  readonly session: string;
  readonly self: PartyIndex;
  /** Participants' identity keys by index (from the signed ceremony invitation). */
  readonly directory: ReadonlyMap<PartyIndex, Uint8Array>;
  readonly identity: IdentityKey;
  readonly suite: string;
  readonly threshold: number;
  /** The unlocked vault (shares, nonce ledger, sessions). */
  readonly vault: Vault;
  /** Runs a protocol session over the wallet's transport with vault-backed resumable records. */
  run<O>(factory: SessionFactory<O>, output: OutputCodec<O>): Promise<O>;
  /** Reports progress of local work (e.g. a worker-pool prime search). */
  progress(p: CeremonyProgress): void;
  readonly signal: AbortSignal;
  /**
   * Multi-phase schemes (CGGMP21): opens the room of the ceremony's signed invitation and
   * returns its raw transport, NOT started (the driver routes phases over it and closes it).
   */
  openTransport?(): Promise<Transport>;
  /** Multi-phase schemes: the vault-backed resumable record store (the vault's sealed sessions). */
  readonly store?: RunnerStore;
  /** Multi-phase schemes: silence timeout of one phase in milliseconds. */
  readonly timeoutMs?: number;
}

/** Result of a key generation by a driver. */
export interface SchemeKeygenResult {
  /** Vault share id where the driver stored the share. */
  readonly shareId: string;
  /** Group public key hex. */
  readonly groupKey: string;
}

/**
 * A threshold scheme plugged into the wallet (FROST is built in; CGGMP21 ECDSA registers one
 * once `@tessera/transport/cggmp` exists).
 */
export interface SchemeDriver {
  readonly scheme: SchemeName;
  readonly suites: readonly string[];
  /** Protocol ids of the signed ceremony invitations. */
  readonly protocols: { readonly keygen: string; readonly sign: string; readonly refresh?: string };
  /** Number of rounds of each ceremony (for progress). */
  readonly rounds: { readonly keygen: number; readonly sign: number; readonly refresh?: number };
  /**
   * Message digests a request may choose (ECDSA: `sha256`, `keccak256`). Absent: the scheme
   * hashes as its suite defines and a request naming a `hash` is refused.
   */
  readonly hashes?: readonly SigningHash[];
  /** Runs the key generation and stores the share in the vault. */
  keygen(ctx: SchemeContext): Promise<SchemeKeygenResult>;
  /**
   * Signs `message` with the share `shareId` among `signers` (over the digest `hash` for
   * drivers with {@link hashes}); returns the signature bytes.
   */
  sign(ctx: SchemeContext & { readonly shareId: string; readonly message: Uint8Array; readonly signers: readonly PartyIndex[]; readonly hash?: SigningHash }): Promise<Uint8Array>;
  /** Verifies a signature against the group key (public data), over the digest `hash` for drivers with {@link hashes}. */
  verify(suite: string, groupKey: Uint8Array, message: Uint8Array, signature: Uint8Array, hash?: SigningHash): boolean;
  /** Refreshes the share among all parties (same group key); returns the new share id. */
  refresh?(ctx: SchemeContext & { readonly shareId: string }): Promise<{ readonly shareId: string }>;
}
