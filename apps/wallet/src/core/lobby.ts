/**
 * Enrollment lobbies: how a new account's members find each other without any server-side
 * accounts.
 *
 * The creator signs a lobby invitation (`tessera/wallet/lobby`) listing its device key at
 * slot 1 and a fresh one-time enrollment key for every other slot; each slot's invite link
 * carries that slot's enrollment secret (link.ts: a bearer capability). A joiner enters the
 * lobby room with the enrollment key and sends the creator its real device key with a proof
 * of possession; once every slot is taken, the creator signs the DKG invitation (real keys)
 * and the long-lived group-room invitation and posts both into the lobby room. Each joiner
 * checks that they are signed by the creator key named in its link and list its own key at
 * its slot, then everyone runs the key generation (scheme driver, resumable records in the
 * vault). Lobby state is a sealed record, so a closed wallet resumes where it was.
 * @module
 */
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { newSessionId, type PartyIndex } from '@tessera/protocols/engine/ids';
import { checkIdentityPublicKey, fingerprint, generateIdentity, identityFromSecret } from '@tessera/transport/identity';
import { createInvitation, parseInvitation, type Invitation } from '@tessera/transport/invitation';
import { connectSignal, type SignalClient } from '@tessera/transport/signal-client';
import type { Account, CeremonyProgress, CreateAccountOptions, LobbyHandle, LobbySlot, LobbyView, Member, SchemeDriver } from './api.ts';
import { CEREMONY_TTL_MS, LOBBY_TTL_MS, type WalletContext } from './context.ts';
import { WalletError, asWalletError, errorInfo } from './errors.ts';
import { runKeygen } from './keygen.ts';
import { checkCreateOptions, checkStart } from './lobby-checks.ts';
import { LOBBY_PROTOCOL, makeInviteLink, parseInviteLink, parseLobbyParams, type LobbyParams } from './link.ts';
import { GROUP_PROTOCOL, checkEnrollProof, enrollProof, parseLobbyMessage, type LobbyMessage } from './messages.ts';
import { publicAccount, type AccountRecord, type LobbyRecord } from './records.ts';
import { openRoom, type AppRoom } from './room.ts';

/** What the lobby needs from its owner. */
export interface LobbyHost {
  readonly ctx: WalletContext;
  /** Called once the account exists (opens its group room). */
  accountCreated(a: AccountRecord): Promise<void>;
  /** Called when the lobby ends (done, failed or cancelled). */
  lobbyEnded(id: string): void;
}

/** A running lobby (creator or joiner). */
export class Lobby implements LobbyHandle {
  readonly id: string;
  readonly done: Promise<Account>;
  readonly #host: LobbyHost;
  readonly #rec: LobbyRecord;
  readonly #inv: Invitation;
  readonly #params: LobbyParams;
  readonly #driver: SchemeDriver;
  readonly #abort = new AbortController();
  #resolve!: (a: Account) => void;
  #reject!: (e: unknown) => void;
  #room: AppRoom | undefined;
  #enrollClient: SignalClient | undefined;
  #progress: CeremonyProgress | undefined;
  #keygen: Promise<void> | undefined;
  #online = new Set<number>();
  #ended = false;
  #retries = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: LobbyHost, rec: LobbyRecord) {
    this.#host = host;
    this.#rec = rec;
    this.id = rec.id;
    this.#inv = parseInvitation(rec.lobbyInvitation, { now: null });
    this.#params = parseLobbyParams(this.#inv, 'lobby.params');
    this.#driver = host.ctx.driver(this.#params.scheme, this.#params.suite);
    this.done = new Promise<Account>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => undefined);
  }

  /**
   * Creates a lobby as its creator (slot 1) and saves it.
   * @throws {WalletError} `bad-input`, `unsupported-scheme`. @throws {VaultStateError} if locked.
   */
  static async create(host: LobbyHost, o: CreateAccountOptions): Promise<Lobby> {
    const ctx = host.ctx;
    const { label, memberLabel } = checkCreateOptions(ctx, o);
    const session = newSessionId(ctx.rng);
    const secrets: Record<string, string> = {};
    const parties: [number, Uint8Array][] = [[1, ctx.identity.publicKey]];
    for (let i = 2; i <= o.parties; i++) {
      const k = generateIdentity(ctx.rng);
      secrets[String(i)] = bytesToHex(k.secretKey);
      k.secretKey.fill(0);
      parties.push([i, k.publicKey]);
    }
    const inv = createInvitation({
      session,
      protocol: LOBBY_PROTOCOL,
      creator: ctx.identity,
      parties,
      params: { label, scheme: o.scheme ?? 'frost', suite: o.suite, threshold: o.threshold, parties: o.parties },
      ttlMs: LOBBY_TTL_MS,
      now: ctx.now(),
    });
    const rec: LobbyRecord = {
      id: session,
      role: 'creator',
      lobbyInvitation: inv.text,
      selfIndex: 1,
      memberLabel,
      enrollmentSecrets: secrets,
      members: { '1': { key: bytesToHex(ctx.identity.publicKey), label: memberLabel } },
      stage: 'enrolling',
      createdAt: ctx.now(),
    };
    await ctx.records.putLobby(rec);
    return new Lobby(host, rec);
  }

  /**
   * Enrolls from a link as a joiner and saves the lobby.
   * @throws {WalletError} `malformed-link`, `bad-signature`, `expired`, `bad-input`, `unsupported-scheme`.
   */
  static async join(host: LobbyHost, link: string, memberLabel: string | undefined, existing: (id: string) => Lobby | undefined): Promise<Lobby> {
    const ctx = host.ctx;
    const l = parseInviteLink(link, ctx.now());
    if (bytesToHex(l.creatorKey) === bytesToHex(ctx.identity.publicKey)) throw new WalletError('bad-input', 'this wallet created the lobby; send the link to another device', { field: 'link' });
    const running = existing(l.invitation.session);
    if (running) {
      l.enrollment.secretKey.fill(0);
      return running;
    }
    ctx.driver(l.params.scheme, l.params.suite);
    const label = memberLabel ?? `Member ${l.slot}`;
    if (typeof label !== 'string' || label.length > 100) throw new WalletError('bad-input', 'expected a label of at most 100 characters', { field: 'memberLabel' });
    const rec: LobbyRecord = {
      id: l.invitation.session,
      role: 'joiner',
      lobbyInvitation: l.invitation.text,
      selfIndex: l.slot,
      memberLabel: label,
      enrollmentSecrets: { [String(l.slot)]: bytesToHex(l.enrollment.secretKey) },
      members: { '1': { key: bytesToHex(l.creatorKey), label: '' }, [String(l.slot)]: { key: bytesToHex(ctx.identity.publicKey), label } },
      stage: 'waiting-invitation',
      createdAt: ctx.now(),
    };
    l.enrollment.secretKey.fill(0);
    await ctx.records.putLobby(rec);
    return new Lobby(host, rec);
  }

  /** Starts (or resumes) this lobby's work in the background; a failed lobby only shows its error. */
  start(): void {
    if (this.#rec.stage === 'failed') {
      this.#reject(new WalletError(this.#rec.error?.code ?? 'internal', this.#rec.error?.message ?? 'the lobby failed', { ...(this.#rec.error?.field !== undefined ? { field: this.#rec.error.field } : {}) }));
      return;
    }
    void this.#run().catch((e: unknown) => this.#failed(e, () => this.start()));
  }

  /**
   * Handles a failure of background work: transport trouble (server unreachable, room not
   * joinable) is reported and retried with backoff; anything else fails the lobby.
   */
  #failed(e: unknown, retry: () => void): void {
    if (this.#abort.signal.aborted) return;
    const w = asWalletError(e);
    if (w.code !== 'transport') {
      this.#fail(w);
      return;
    }
    this.#report(w);
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.#retries++, 5));
    void this.#closeRoom().then(() => {
      if (this.#abort.signal.aborted) return;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (!this.#abort.signal.aborted) retry();
      }, delay);
    });
  }

  view(): LobbyView {
    const r = this.#rec;
    const slots: LobbySlot[] = [];
    for (const i of this.#inv.parties.keys()) {
      const m = r.members[String(i)];
      const secret = r.role === 'creator' && i !== 1 ? r.enrollmentSecrets[String(i)] : undefined;
      const member: Member | undefined = m ? { index: i, publicKey: m.key, fingerprint: fingerprint(hexToBytes(m.key)), label: m.label } : undefined;
      slots.push({
        index: i,
        joined: m !== undefined,
        ...(member ? { member } : {}),
        ...(secret && r.stage === 'enrolling' ? { link: makeInviteLink(this.#host.ctx.linkBase, r.lobbyInvitation, i, hexToBytes(secret)) } : {}),
        ...(i !== r.selfIndex ? { online: this.#online.has(i) } : {}),
      });
    }
    return {
      id: r.id,
      role: r.role,
      label: this.#params.label,
      scheme: this.#params.scheme,
      suite: this.#params.suite,
      threshold: this.#params.threshold,
      parties: this.#params.parties,
      selfIndex: r.selfIndex,
      creatorFingerprint: fingerprint(this.#inv.parties.get(this.#inv.creator)!),
      stage: r.stage,
      slots,
      ...(this.#progress ? { progress: this.#progress } : {}),
      ...(r.accountId ? { accountId: r.accountId } : {}),
      ...(r.error ? { error: r.error } : {}),
      createdAt: r.createdAt,
      expiresAt: this.#inv.expiresAt,
    };
  }

  #changed(): void {
    this.#host.ctx.events.emit({ type: 'lobby', lobby: this.view() });
  }

  async #save(): Promise<void> {
    await this.#host.ctx.records.putLobby(this.#rec);
    this.#changed();
  }

  #report(e: unknown): void {
    const info = errorInfo(e);
    this.#rec.error = info;
    this.#host.ctx.events.emit({ type: 'error', error: info, context: this.id });
    this.#changed();
  }

  async #run(): Promise<void> {
    this.#changed();
    if (this.#rec.stage === 'done' || this.#rec.stage === 'failed') return;
    if (this.#rec.stage === 'keygen') {
      if (this.#rec.role === 'creator') await this.#openRoom().catch((e: unknown) => this.#report(e));
      await this.#startKeygen();
      return;
    }
    await this.#openRoom();
  }

  async #openRoom(): Promise<void> {
    const ctx = this.#host.ctx;
    const self = this.#rec.selfIndex as PartyIndex;
    let client: SignalClient;
    let identity = ctx.identity;
    if (this.#rec.role === 'creator') {
      client = await ctx.client();
    } else {
      identity = identityFromSecret(hexToBytes(this.#rec.enrollmentSecrets[String(self)]!));
      try {
        client = await connectSignal({ url: ctx.options.signalUrl, identity, ...(ctx.options.WebSocket ? { WebSocket: ctx.options.WebSocket } : {}) });
      } catch (e) {
        throw new WalletError('transport', `signal server unreachable: ${errorInfo(e).message}`, { field: 'signalUrl', cause: e });
      }
      this.#enrollClient = client;
    }
    if (this.#abort.signal.aborted) return;
    this.#room = await openRoom({
      client,
      invitation: this.#inv,
      self,
      identity,
      now: ctx.now,
      ...(ctx.rng ? { rng: ctx.rng } : {}),
      onMessage: (from, payload) => this.#onMessage(from, parseLobbyMessage(payload)),
      onReject: (error) => this.#report(new WalletError(error.code, error.message, { ...(error.field !== undefined ? { field: error.field } : {}) })),
      onPresence: (party, online) => {
        if (online) this.#online.add(party);
        else this.#online.delete(party);
        this.#changed();
      },
    });
    for (const p of this.#room.online()) this.#online.add(p);
    if (this.#rec.error?.code === 'transport') delete this.#rec.error; // reachable again
    this.#retries = 0;
    if (this.#rec.role === 'joiner') {
      const m = this.#rec.members[String(self)]!;
      await this.#room.send(1 as PartyIndex, { t: 'enroll', key: m.key, label: m.label, proof: enrollProof(ctx.identity, this.id, self, identity.publicKey) });
    } else if (this.#rec.stage === 'keygen') {
      await this.#postStart();
    }
    this.#changed();
  }

  async #onMessage(from: PartyIndex, m: LobbyMessage): Promise<void> {
    if (this.#rec.role === 'creator') {
      if (m.t !== 'enroll') throw new WalletError('tampered', 'only enrollments go to the creator', { field: 'message.t' });
      await this.#onEnroll(from, m);
      return;
    }
    if (m.t !== 'start') throw new WalletError('tampered', 'joiners only receive the start message', { field: 'message.t' });
    if (from !== this.#inv.creator) throw new WalletError('bad-signature', 'the start message must come from the creator', { field: 'envelope.from' });
    if (this.#rec.stage !== 'waiting-invitation') return;
    const ctx = this.#host.ctx;
    const checked = checkStart({ lobby: this.#inv, params: this.#params, slot: this.#rec.selfIndex, deviceKey: ctx.identity.publicKey, driver: this.#driver, dkg: m.dkg, group: m.group, now: ctx.now() });
    for (const [i, key] of checked.dkg.parties) {
      const label = i === this.#rec.selfIndex ? this.#rec.memberLabel : (m.labels.find(([j]) => j === i)?.[1] ?? '');
      this.#rec.members[String(i)] = { key: bytesToHex(key), label };
    }
    for (const k of Object.keys(this.#rec.enrollmentSecrets)) delete this.#rec.enrollmentSecrets[k];
    this.#rec.dkgInvitation = checked.dkg.text;
    this.#rec.groupInvitation = checked.group.text;
    this.#rec.stage = 'keygen';
    delete this.#rec.error;
    await this.#save();
    void this.#closeRoom();
    this.#keygenInBackground();
  }

  async #onEnroll(from: PartyIndex, m: Extract<LobbyMessage, { t: 'enroll' }>): Promise<void> {
    if (from === 1) throw new WalletError('tampered', 'the creator does not enroll', { field: 'envelope.from' });
    const key = checkIdentityPublicKey(hexToBytes(m.key), 'message.key');
    if (!checkEnrollProof(key, hexToBytes(m.proof), this.id, from, this.#inv.parties.get(from)!)) throw new WalletError('bad-signature', 'the enrollment proof does not verify', { field: 'message.proof' });
    const have = this.#rec.members[String(from)];
    if (have) {
      if (have.key === m.key) return;
      throw new WalletError('already-decided', `slot ${from} is already taken (links are single-use)`, { field: 'slot' });
    }
    if (Object.values(this.#rec.members).some((x) => x.key === m.key)) throw new WalletError('bad-input', 'this device already holds another slot', { field: 'message.key' });
    if (this.#rec.stage !== 'enrolling') return;
    this.#rec.members[String(from)] = { key: m.key, label: m.label };
    await this.#save();
    if (Object.keys(this.#rec.members).length === this.#params.parties) await this.#beginKeygen();
  }

  async #beginKeygen(): Promise<void> {
    const ctx = this.#host.ctx;
    const parties = [...this.#inv.parties.keys()].map((i) => [i, hexToBytes(this.#rec.members[String(i)]!.key)] as const);
    const dkgSession = newSessionId(ctx.rng);
    const dkg = createInvitation({
      session: dkgSession,
      protocol: this.#driver.protocols.keygen,
      creator: ctx.identity,
      parties,
      params: { ceremony: 'dkg', scheme: this.#params.scheme, suite: this.#params.suite, threshold: this.#params.threshold, lobby: this.id, label: this.#params.label },
      ttlMs: CEREMONY_TTL_MS,
      now: ctx.now(),
    });
    const group = createInvitation({
      session: newSessionId(ctx.rng),
      protocol: GROUP_PROTOCOL,
      creator: ctx.identity,
      parties,
      params: { account: dkgSession, label: this.#params.label, scheme: this.#params.scheme, suite: this.#params.suite, threshold: this.#params.threshold },
      ttlMs: ctx.groupTtlMs,
      now: ctx.now(),
    });
    this.#rec.dkgInvitation = dkg.text;
    this.#rec.groupInvitation = group.text;
    this.#rec.stage = 'keygen';
    for (const k of Object.keys(this.#rec.enrollmentSecrets)) delete this.#rec.enrollmentSecrets[k];
    await this.#save();
    await this.#postStart();
    this.#keygenInBackground();
  }

  async #postStart(): Promise<void> {
    const labels = [...this.#inv.parties.keys()].map((i) => [i, this.#rec.members[String(i)]?.label ?? ''] as [number, string]);
    await this.#room!.send('each', { t: 'start', dkg: this.#rec.dkgInvitation!, group: this.#rec.groupInvitation!, labels });
  }

  #startKeygen(): Promise<void> {
    this.#keygen ??= this.#keygenRun().catch((e: unknown) => {
      this.#keygen = undefined;
      throw e;
    });
    return this.#keygen;
  }

  #keygenInBackground(): void {
    void this.#startKeygen().catch((e: unknown) => this.#failed(e, () => this.#keygenInBackground()));
  }

  async #keygenRun(): Promise<void> {
    const ctx = this.#host.ctx;
    this.#changed();
    const account = await runKeygen(ctx, {
      lobbyId: this.id,
      dkgInvitation: this.#rec.dkgInvitation!,
      groupInvitation: this.#rec.groupInvitation!,
      selfIndex: this.#rec.selfIndex,
      labels: Object.fromEntries(Object.entries(this.#rec.members).map(([i, m]) => [i, m.label])),
      driver: this.#driver,
      signal: this.#abort.signal,
      onProgress: (p) => {
        this.#progress = p;
        this.#changed();
      },
    });
    this.#rec.stage = 'done';
    this.#rec.accountId = account.id;
    this.#changed();
    await this.#host.accountCreated(account);
    await this.#closeRoom();
    await ctx.records.deleteLobby(this.id);
    this.#end();
    this.#resolve(publicAccount(account));
  }

  async #closeRoom(): Promise<void> {
    const room = this.#room;
    const c = this.#enrollClient;
    this.#room = undefined;
    this.#enrollClient = undefined;
    await room?.close().catch(() => undefined);
    await c?.close().catch(() => undefined);
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#host.lobbyEnded(this.id);
  }

  #fail(e: unknown): void {
    if (this.#abort.signal.aborted) return;
    const w = asWalletError(e);
    this.#rec.stage = 'failed';
    this.#report(w);
    // a failed lobby stays listed (with its error) until the user cancels it; `done` rejects
    // once that state is stored
    void this.#host.ctx.records
      .putLobby(this.#rec)
      .catch(() => undefined)
      .finally(() => {
        void this.#closeRoom();
        this.#reject(w);
      });
  }

  async cancel(): Promise<void> {
    this.#abort.abort();
    if (this.#timer) clearTimeout(this.#timer);
    await this.#closeRoom();
    await this.#host.ctx.records.deleteLobby(this.id).catch(() => undefined);
    this.#end();
    this.#reject(new WalletError('unknown-lobby', 'the lobby was cancelled', { field: 'lobby' }));
  }

  /** Stops work because the wallet locks (the record stays; it resumes on unlock). */
  async stop(): Promise<void> {
    this.#abort.abort();
    if (this.#timer) clearTimeout(this.#timer);
    await this.#closeRoom();
    await this.#keygen?.catch(() => undefined);
    this.#reject(new WalletError('locked', 'the wallet was locked; the lobby resumes on unlock'));
  }
}
