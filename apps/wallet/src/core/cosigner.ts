/**
 * Server co-signer ("2PC wallet"): a 2-of-2 CGGMP21 ECDSA (secp256k1) account held by this
 * browser wallet and a Node party run by an operator (`tessera party`), both over the wallet's
 * signal server.
 *
 * There is no enrollment lobby: the user pastes the co-signer's identity public key (printed by
 * `tessera party --identity F --new-identity`), and this wallet signs a ceremony invitation in
 * exactly the format `tessera party` reads (`@tessera/transport/node-party`):
 * - key generation + aux-info: protocol `tessera/cggmp/keygen`, parties `[1: this device,
 *   2: co-signer]`, params `{ ceremony: "cggmp-keygen", threshold: 2 }`;
 * - signing: protocol `tessera/cggmp/sign`, the same two parties, params `{ ceremony:
 *   "cggmp-sign", groupKey, message, hash, signers: [1, 2], derivation: [] }`.
 * The invitation text is handed to the operator (copy or file) with the command to run; this
 * wallet runs its own side at once through the CGGMP21 scheme driver (worker-pool prime search
 * with progress, vault-backed resumable records, the share sealed in the vault, presignatures
 * consumed through the vault's nonce ledger), and the co-signer joins when the operator starts it.
 *
 * The result of a key generation is a normal wallet account (scheme `cggmp`, 2-of-2, members
 * `This device` and `co-signer`) with a group room like any other; its signatures are made here
 * (the co-signer never posts to the group room), verified against the group key, audited
 * (`sign`) and kept in this module's sealed records (`wallet/cosigner/<session>`, type
 * `tessera/wallet/cosigner`), which also let a ceremony interrupted by a lock or a reload resume.
 *
 * Privacy: a signing invitation carries the message in the clear (the Node party needs it to
 * compute the digest it signs), and the signal server stores invitations; use the group-room
 * inbox (message encrypted, only its hash in the invitation) when that matters.
 * @module
 */
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { AbortError } from '@tessera/crypto/errors';
import { messageDigest } from '@tessera/protocols/cggmp/ecdsa';
import { newSessionId, type PartyIndex } from '@tessera/protocols/engine/ids';
import { checkIdentityPublicKey, fingerprint } from '@tessera/transport/identity';
import { createInvitation, parseInvitation, type Invitation } from '@tessera/transport/invitation';
import type { Account, CeremonyProgress, MessagePreview, SchemeContext, WalletErrorInfo } from './api.ts';
import { openCeremonyTransport } from './ceremony.ts';
import { CEREMONY_TTL_MS, type WalletContext } from './context.ts';
import { verifyCggmpSignature, type CggmpSignContext, type EcdsaHash } from './cggmp-driver.ts';
import { WalletError, errorInfo } from './errors.ts';
import { sessionLedgerKey } from './inbox.ts';
import { GROUP_PROTOCOL, MAX_MESSAGE_BYTES } from './messages.ts';
import { previewMessage } from './preview.ts';
import type { AccountRecord } from './records.ts';

/** Label of the co-signer member in a co-signer account. */
export const COSIGNER_LABEL = 'co-signer';
/** Label of this device in a co-signer account. */
export const COSIGNER_SELF_LABEL = 'This device';
/** Sealed record type of a co-signer ceremony. */
export const COSIGNER_RECORD_TYPE = 'tessera/wallet/cosigner';
const RECORD_PREFIX = 'wallet/cosigner/';
/** Longest account label. */
const MAX_LABEL = 64;

/** Stage of a co-signer ceremony. */
export type CosignerStage =
  /** This wallet runs its side (waiting for the co-signer to join, or computing). */
  | 'running'
  | 'done'
  | 'failed';

/** A co-signer ceremony (key generation or signing) as the UI shows it. Public data only. */
export interface CosignerCeremonyView {
  /** The ceremony's session id (hex); for a key generation also the account id. */
  readonly id: string;
  readonly kind: 'keygen' | 'sign';
  /** The account (sign: from the start; keygen: once done). */
  readonly accountId?: string;
  /** Account label. */
  readonly label: string;
  /** The co-signer's identity public key (hex) and fingerprint. */
  readonly cosignerKey: string;
  readonly cosignerFingerprint: string;
  /** The signed invitation to hand to the co-signer's operator (canonical JSON text). */
  readonly invitation: string;
  /** Suggested file name of the invitation. */
  readonly fileName: string;
  /** The command the operator runs on the co-signer's machine. */
  readonly command: string;
  readonly stage: CosignerStage;
  readonly progress?: CeremonyProgress;
  /** Sign: exactly what is signed. */
  readonly message?: MessagePreview;
  /** Sign: the message digest (`sha256` or `keccak256`). */
  readonly hash?: EcdsaHash;
  /** Sign: the 32-byte digest that is signed, hex. */
  readonly digest?: string;
  /** Sign: 65-byte `r ‖ s ‖ v` signature, hex (see `cggmp-driver.ts`). */
  readonly signature?: string;
  /** Sign: this wallet verified the signature under the group key. */
  readonly verified?: boolean;
  /** Keygen: the group key once done (33-byte compressed, hex). */
  readonly groupKey?: string;
  readonly error?: WalletErrorInfo;
  readonly createdAt: number;
}

/** A running (or finished) co-signer ceremony. */
export interface CosignerHandle {
  readonly id: string;
  view(): CosignerCeremonyView;
  /** Resolves with the final view (stage `done`); rejects with a `WalletError` (the view shows it too). */
  readonly done: Promise<CosignerCeremonyView>;
  /** Stops this wallet's side (the records stay: {@link CosignerControl.resume} continues it). */
  cancel(): Promise<void>;
}

/** Arguments of {@link CosignerControl.createAccount}. */
export interface CreateCosignerAccountOptions {
  readonly label: string;
  /** The co-signer's Ed25519 identity public key, 64 hex characters. */
  readonly cosignerKey: string;
}

/** Arguments of {@link CosignerControl.sign}. */
export interface CosignerSignOptions {
  /** Message digest (default `sha256`; `keccak256` for Ethereum). */
  readonly hash?: EcdsaHash;
}

/** Where the co-signer's operator keeps things (only used to write the suggested command). */
export interface CosignerCommandPaths {
  readonly identity?: string;
  readonly state?: string;
  readonly share?: string;
}

/** The server co-signer feature of a wallet core. */
export interface CosignerControl {
  /**
   * Creates a 2-of-2 ECDSA account with a server co-signer: signs the key generation invitation
   * and runs this wallet's side (the co-signer joins when its operator runs the command).
   * @throws {WalletError} `bad-input` naming `cosignerKey` (not 64 hex characters, not a valid
   *   Ed25519 key, or this device's own key) or `label`; `locked`; `unsupported-scheme`.
   */
  createAccount(opts: CreateCosignerAccountOptions): Promise<CosignerHandle>;
  /**
   * Signs `message` with a co-signer account: signs the signing invitation and runs this
   * wallet's side; the result is verified, audited and kept.
   * @throws {WalletError} `unknown-account`, `bad-input` (`accountId`: not a 2-of-2 ECDSA
   *   account; `message`; `opts.hash`), `locked`.
   */
  sign(accountId: string, message: Uint8Array, opts?: CosignerSignOptions): Promise<CosignerHandle>;
  /** Stored co-signer ceremonies, newest first (all accounts, or one). @throws {WalletError} `locked`. */
  ceremonies(accountId?: string): Promise<CosignerCeremonyView[]>;
  /**
   * The handle of a ceremony: the running one, or a stored unfinished one started again (its
   * records in the vault let it continue where it stopped; also one that failed because the
   * signal server was unreachable); a finished or aborted one's final state.
   * @throws {WalletError} `unknown-request` (no such ceremony), `locked`.
   */
  resume(id: string): Promise<CosignerHandle>;
  /** Whether `account` is a 2-of-2 ECDSA account with a co-signer (public data). */
  isCosignerAccount(account: Account): boolean;
  /** Sets the paths used in the suggested operator commands. */
  setCommandPaths(paths: CosignerCommandPaths): void;
}

/** What the co-signer feature needs from an unlocked wallet (the core's runtime). */
export interface CosignerRuntime {
  readonly ctx: WalletContext;
  /** Registers a new account (group room, inbox, `account` event). */
  accountCreated(a: AccountRecord): Promise<void>;
}

/** Stored state of a co-signer ceremony. */
interface CosignerRecord {
  readonly id: string;
  readonly kind: 'keygen' | 'sign';
  readonly accountId?: string;
  readonly label: string;
  readonly cosignerKey: string;
  readonly invitation: string;
  readonly createdAt: number;
  readonly hash?: EcdsaHash;
  stage: CosignerStage;
  signature?: string;
  verified?: boolean;
  groupKey?: string;
  doneAccountId?: string;
  error?: WalletErrorInfo;
}

/**
 * Reads a pasted co-signer identity key.
 * @throws {WalletError} `bad-input` naming `field` if it is not a valid Ed25519 public key in hex.
 */
export function parseCosignerKey(text: unknown, field = 'cosignerKey'): Uint8Array {
  if (typeof text !== 'string') throw new WalletError('bad-input', 'expected the co-signer identity key (hex)', { field });
  const hex = text.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new WalletError('bad-input', 'expected 64 hex characters (the key `tessera party --new-identity` prints)', { field });
  try {
    return checkIdentityPublicKey(hexToBytes(hex), field);
  } catch (e) {
    throw new WalletError('bad-input', `not a valid Ed25519 identity key: ${errorInfo(e).message}`, { field, cause: e });
  }
}

/** Suggested invitation file name of a ceremony. */
function fileNameOf(kind: 'keygen' | 'sign', id: string): string {
  return `tessera-${kind === 'keygen' ? 'cggmp-keygen' : 'cggmp-sign'}-${id.slice(0, 12)}.json`;
}

/** Quotes a shell argument when it needs it. */
function sh(arg: string): string {
  return /^[A-Za-z0-9_./:@=,+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command the co-signer's operator runs for a ceremony (`tessera party`): the signal URL,
 * its identity file, the invitation file, its state directory and the share file (written by
 * the key generation, read by signings).
 */
export function cosignerCommand(o: { signalUrl: string; fileName: string; accountId: string; paths?: CosignerCommandPaths }): string {
  const identity = o.paths?.identity ?? 'cosigner-identity.json';
  const state = o.paths?.state ?? 'cosigner-state';
  const share = o.paths?.share ?? `cosigner-share-${o.accountId.slice(0, 12)}.json`;
  return ['tessera', 'party', '--signal', o.signalUrl, '--identity', identity, '--invitation', o.fileName, '--state', state, '--share', share, '--json'].map(sh).join(' ');
}

/**
 * Creates the co-signer feature of a wallet core over its runtime (undefined while locked).
 * @throws never (methods throw `locked` while there is no runtime).
 */
export function createCosigner(host: { runtime(): CosignerRuntime | undefined }): CosignerControl {
  let paths: CosignerCommandPaths = {};
  /** Running handles per runtime (a lock ends the runtime and its ceremonies). */
  const running = new WeakMap<CosignerRuntime, Map<string, CosignerHandle>>();

  const rt = (): CosignerRuntime => {
    const r = host.runtime();
    if (!r) throw new WalletError('locked', 'unlock the wallet first');
    return r;
  };
  const handlesOf = (r: CosignerRuntime): Map<string, CosignerHandle> => {
    let m = running.get(r);
    if (!m) running.set(r, (m = new Map()));
    return m;
  };

  async function load(ctx: WalletContext, id: string): Promise<CosignerRecord | undefined> {
    const r = await ctx.vault.getShare(RECORD_PREFIX + id);
    if (!r) return undefined;
    try {
      if (r.type !== COSIGNER_RECORD_TYPE) throw new Error('type');
      return JSON.parse(new TextDecoder().decode(r.plaintext)) as CosignerRecord;
    } catch (e) {
      throw new WalletError('tampered', 'a co-signer record is malformed', { field: RECORD_PREFIX + id, cause: e });
    } finally {
      r.plaintext.fill(0);
    }
  }
  const chains = new Map<string, Promise<unknown>>();
  async function save(ctx: WalletContext, rec: CosignerRecord): Promise<void> {
    const prev = chains.get(rec.id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => ctx.vault.putShare(RECORD_PREFIX + rec.id, COSIGNER_RECORD_TYPE, new TextEncoder().encode(JSON.stringify(rec))));
    chains.set(rec.id, next);
    await next;
  }

  function viewOf(ctx: WalletContext, rec: CosignerRecord, progress: CeremonyProgress | undefined): CosignerCeremonyView {
    const inv = parseInvitation(rec.invitation, { now: null });
    const fileName = fileNameOf(rec.kind, rec.id);
    const accountId = rec.kind === 'sign' ? rec.accountId! : rec.id;
    let sign: Partial<CosignerCeremonyView> = {};
    if (rec.kind === 'sign') {
      const p = inv.params as { message: string; digest?: string };
      const message = hexToBytes(p.message);
      const hash = rec.hash ?? 'sha256';
      sign = { message: previewMessage(message, 'secp256k1', 'cggmp', hash), hash, digest: bytesToHex(messageDigest(message, hash)) };
    }
    return {
      id: rec.id,
      kind: rec.kind,
      ...(rec.kind === 'sign' ? { accountId: rec.accountId! } : rec.doneAccountId ? { accountId: rec.doneAccountId } : {}),
      label: rec.label,
      cosignerKey: rec.cosignerKey,
      cosignerFingerprint: fingerprint(hexToBytes(rec.cosignerKey)),
      invitation: rec.invitation,
      fileName,
      command: cosignerCommand({ signalUrl: ctx.options.signalUrl, fileName, accountId, paths }),
      stage: rec.stage,
      ...(progress ? { progress } : {}),
      ...sign,
      ...(rec.signature !== undefined ? { signature: rec.signature } : {}),
      ...(rec.verified !== undefined ? { verified: rec.verified } : {}),
      ...(rec.groupKey !== undefined ? { groupKey: rec.groupKey } : {}),
      ...(rec.error ? { error: rec.error } : {}),
      createdAt: rec.createdAt,
    };
  }

  /** The scheme context of this wallet's side of a ceremony. */
  async function schemeContext(ctx: WalletContext, inv: Invitation, signal: AbortSignal, progress: (p: CeremonyProgress) => void): Promise<SchemeContext> {
    const net = await ctx.net();
    return {
      session: inv.session,
      self: 1,
      directory: inv.parties,
      identity: ctx.identity,
      suite: 'secp256k1',
      threshold: 2,
      vault: ctx.vault,
      signal,
      progress,
      openTransport: () => openCeremonyTransport(net, inv),
      store: ctx.vault.sessions,
      timeoutMs: net.timeoutMs,
      run: () => Promise.reject(new WalletError('unsupported-scheme', 'the co-signer ceremonies are multi-phase (CGGMP21)', { field: 'scheme' })),
    };
  }

  /** Runs (or continues) a ceremony's side and keeps its outcome. */
  function start(r: CosignerRuntime, rec: CosignerRecord): CosignerHandle {
    const handles = handlesOf(r);
    const have = handles.get(rec.id);
    if (have) return have;
    const ctx = r.ctx;
    const stop = new AbortController();
    const signal = AbortSignal.any([ctx.signal, stop.signal]);
    let progress: CeremonyProgress | undefined;
    const report = (p: CeremonyProgress): void => {
      progress = p;
      ctx.events.emit({ type: 'progress', ceremony: rec.kind, id: rec.id, progress: p });
    };

    const body = async (): Promise<CosignerCeremonyView> => {
      if (rec.stage === 'done') return viewOf(ctx, rec, progress);
      const inv = parseInvitation(rec.invitation, { now: null });
      const driver = ctx.driver('cggmp', 'secp256k1');
      try {
        const sctx = await schemeContext(ctx, inv, signal, report);
        if (rec.kind === 'keygen') {
          let account = await ctx.records.account(rec.id);
          if (!account) {
            const res = await driver.keygen(sctx);
            account = {
              id: rec.id,
              label: rec.label,
              scheme: 'cggmp',
              suite: 'secp256k1',
              threshold: 2,
              parties: 2,
              selfIndex: 1,
              groupKey: res.groupKey,
              epoch: 0,
              createdAt: ctx.now(),
              members: [
                { index: 1, publicKey: bytesToHex(ctx.identity.publicKey), fingerprint: fingerprint(ctx.identity.publicKey), label: COSIGNER_SELF_LABEL },
                { index: 2, publicKey: rec.cosignerKey, fingerprint: fingerprint(hexToBytes(rec.cosignerKey)), label: COSIGNER_LABEL },
              ],
              shareId: res.shareId,
              groupInvitation: groupInvitation(ctx, rec),
            };
            await ctx.records.putAccount(account);
          }
          rec.groupKey = account.groupKey;
          rec.doneAccountId = account.id;
          rec.stage = 'done';
          delete rec.error;
          await save(ctx, rec);
          await r.accountCreated(account);
        } else {
          const account = await ctx.records.account(rec.accountId!);
          if (!account) throw new WalletError('unknown-account', 'the account of this signing is gone', { field: 'accountId' });
          const p = inv.params as { message: string };
          const message = hexToBytes(p.message);
          const hash = rec.hash ?? 'sha256';
          const sign = driver.sign as (c: CggmpSignContext) => Promise<Uint8Array>;
          const sig = await sign({ ...sctx, shareId: account.shareId, message, signers: [1, 2] as PartyIndex[], hash });
          rec.signature = bytesToHex(sig);
          rec.verified = verifyCggmpSignature(hexToBytes(account.groupKey), message, sig, hash);
          rec.stage = rec.verified ? 'done' : 'failed';
          if (!rec.verified) rec.error = { code: 'tampered', message: 'the signature does not verify under the group key', field: 'signature' };
          else delete rec.error;
          await save(ctx, rec);
          await ctx.vault.recordEvent('sign', { account: account.id.slice(0, 32), session: rec.id.slice(0, 32), signers: '1,2', cosigner: fingerprint(hexToBytes(rec.cosignerKey)) });
          if (!rec.verified) throw new WalletError('tampered', 'the signature does not verify under the group key', { field: 'signature' });
        }
        report({ round: rec.kind === 'keygen' ? driver.rounds.keygen : driver.rounds.sign, rounds: rec.kind === 'keygen' ? driver.rounds.keygen : driver.rounds.sign, fraction: 1 });
        return viewOf(ctx, rec, progress);
      } catch (e) {
        if (signal.aborted || e instanceof AbortError || (e as Error)?.name === 'AbortError') {
          // locked or cancelled: the records stay, resume() continues
          throw new WalletError('locked', 'stopped; resume the ceremony to continue', { field: 'id', cause: e });
        }
        const error = errorInfo(e);
        if (rec.stage !== 'done') {
          rec.stage = 'failed';
          rec.error = error;
          await save(ctx, rec).catch(() => undefined);
        }
        if (error.code === 'nonce-reused')
          await ctx.vault.recordEvent('sign', { account: (rec.accountId ?? rec.id).slice(0, 32), session: rec.id.slice(0, 32), refused: 'nonce-reuse' }).catch(() => undefined);
        if (!ctx.signal.aborted) ctx.events.emit({ type: 'error', error, context: rec.id });
        throw e instanceof WalletError ? e : new WalletError(error.code, error.message, { ...(error.field !== undefined ? { field: error.field } : {}), ...(error.culprit !== undefined ? { culprit: error.culprit } : {}), cause: e });
      }
    };

    const done = body().finally(() => handles.delete(rec.id));
    done.catch(() => undefined);
    const handle: CosignerHandle = {
      id: rec.id,
      view: () => viewOf(ctx, rec, progress),
      done,
      async cancel() {
        stop.abort();
        await done.catch(() => undefined);
      },
    };
    handles.set(rec.id, handle);
    return handle;
  }

  function groupInvitation(ctx: WalletContext, rec: CosignerRecord): string {
    const inv = parseInvitation(rec.invitation, { now: null });
    return createInvitation({
      session: newSessionId(ctx.rng),
      protocol: GROUP_PROTOCOL,
      creator: ctx.identity,
      parties: [...inv.parties],
      params: { account: rec.id, label: rec.label, scheme: 'cggmp', suite: 'secp256k1', threshold: 2 },
      ttlMs: ctx.groupTtlMs,
      now: ctx.now(),
    }).text;
  }

  const isCosignerAccount = (a: Account): boolean =>
    a.scheme === 'cggmp' && a.parties === 2 && a.threshold === 2 && a.members.some((m) => m.index !== a.selfIndex && m.label === COSIGNER_LABEL);

  return {
    async createAccount(o) {
      const r = rt();
      const ctx = r.ctx;
      if (typeof o !== 'object' || o === null) throw new WalletError('bad-input', 'expected the account options', { field: 'opts' });
      const label = typeof o.label === 'string' ? o.label.trim() : '';
      if (label.length === 0 || label.length > MAX_LABEL) throw new WalletError('bad-input', `expected a label of 1..${MAX_LABEL} characters`, { field: 'label' });
      const key = parseCosignerKey(o.cosignerKey);
      if (bytesToHex(key) === bytesToHex(ctx.identity.publicKey)) throw new WalletError('bad-input', 'that is this device’s own identity key', { field: 'cosignerKey' });
      const driver = ctx.driver('cggmp', 'secp256k1');
      const inv = createInvitation({
        session: newSessionId(ctx.rng),
        protocol: driver.protocols.keygen,
        creator: ctx.identity,
        parties: [
          [1, ctx.identity.publicKey],
          [2, key],
        ],
        params: { ceremony: 'cggmp-keygen', threshold: 2 },
        ttlMs: CEREMONY_TTL_MS,
        now: ctx.now(),
      });
      const rec: CosignerRecord = { id: inv.session, kind: 'keygen', label, cosignerKey: bytesToHex(key), invitation: inv.text, createdAt: ctx.now(), stage: 'running' };
      await save(ctx, rec);
      return start(r, rec);
    },

    async sign(accountId, message, o = {}) {
      const r = rt();
      const ctx = r.ctx;
      const account = typeof accountId === 'string' ? await ctx.records.account(accountId) : undefined;
      if (!account) throw new WalletError('unknown-account', 'no such account in this wallet', { field: 'accountId' });
      if (account.scheme !== 'cggmp' || account.parties !== 2 || account.threshold !== 2) throw new WalletError('bad-input', 'signing with a co-signer needs a 2-of-2 ECDSA account', { field: 'accountId' });
      if (!(message instanceof Uint8Array) || message.length === 0 || message.length > MAX_MESSAGE_BYTES) throw new WalletError('bad-input', `expected 1..${MAX_MESSAGE_BYTES} bytes`, { field: 'message' });
      const hash = o.hash ?? 'sha256';
      if (hash !== 'sha256' && hash !== 'keccak256') throw new WalletError('bad-input', 'expected sha256 or keccak256', { field: 'opts.hash' });
      if (account.selfIndex !== 1) throw new WalletError('bad-input', 'this device must be party 1 of the account', { field: 'accountId' });
      const other = account.members.find((m) => m.index !== account.selfIndex)!;
      const driver = ctx.driver('cggmp', 'secp256k1');
      const inv = createInvitation({
        session: newSessionId(ctx.rng),
        protocol: driver.protocols.sign,
        creator: ctx.identity,
        parties: account.members.map((m) => [m.index, hexToBytes(m.publicKey)] as const),
        params: { ceremony: 'cggmp-sign', groupKey: account.groupKey, message: bytesToHex(message), hash, signers: [1, 2], derivation: [] },
        ttlMs: CEREMONY_TTL_MS,
        now: ctx.now(),
      });
      // marks the session before anything is sent: the same signing can never start twice
      await ctx.vault.nonceLedger.consume(sessionLedgerKey(account.id), `sign:${inv.session}`);
      const rec: CosignerRecord = { id: inv.session, kind: 'sign', accountId: account.id, label: account.label, cosignerKey: other.publicKey, invitation: inv.text, createdAt: ctx.now(), hash, stage: 'running' };
      await save(ctx, rec);
      return start(r, rec);
    },

    async ceremonies(accountId) {
      const r = rt();
      const ctx = r.ctx;
      const out: CosignerCeremonyView[] = [];
      for (const s of await ctx.vault.listShares()) {
        if (!s.id.startsWith(RECORD_PREFIX) || s.type !== COSIGNER_RECORD_TYPE) continue;
        const id = s.id.slice(RECORD_PREFIX.length);
        const h = handlesOf(r).get(id);
        const v = h ? h.view() : await load(ctx, id).then((rec) => (rec ? viewOf(ctx, rec, undefined) : undefined));
        if (v && (accountId === undefined || v.accountId === accountId)) out.push(v);
      }
      return out.sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
    },

    async resume(id) {
      const r = rt();
      const have = handlesOf(r).get(id);
      if (have) return have;
      const rec = typeof id === 'string' && /^[0-9a-f]{64}$/.test(id) ? await load(r.ctx, id) : undefined;
      if (!rec) throw new WalletError('unknown-request', 'no such co-signer ceremony', { field: 'id' });
      if (rec.stage === 'failed' && rec.error?.code !== 'transport') {
        // an aborted session never runs again (its runner record says so, and a signing's
        // presignature may be spent): create the account or the signing anew
        const v = viewOf(r.ctx, rec, undefined);
        const done = Promise.reject(new WalletError(rec.error?.code ?? 'internal', rec.error?.message ?? 'the signing failed', { field: 'id' }));
        done.catch(() => undefined);
        return { id, view: () => v, done, cancel: async () => undefined };
      }
      if (rec.stage === 'failed') rec.stage = 'running';
      return start(r, rec);
    },

    isCosignerAccount,

    setCommandPaths(p) {
      paths = { ...p };
    },
  };
}
