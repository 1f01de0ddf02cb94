/**
 * The approvals inbox: every account's group room, its request book, and the ceremonies that
 * finalized requests start.
 *
 * Flow: `requestSignature`/`requestRefresh` posts a request (encrypted to each member) into
 * the group room; members `approve`/`reject`; a member holding enough approvals (its own
 * included) `finalize`s: it signs a ceremony invitation (`tessera/frost/sign` or
 * `tessera/frost/refresh`) naming the participants and posts it; each participant checks it
 * (signed by a member, keys as in the account, parameters as in the request, and that this
 * wallet approved) and runs the ceremony; signers post the result, which every wallet
 * verifies against the group key itself.
 *
 * Nonce safety: before a signing (or refresh) session is first started, the wallet records
 * `<kind>:<session>` in the vault's nonce ledger; a second start of the same session (e.g. the
 * invitation posted again after it finished) fails closed with `NonceReuseError`, which is
 * audited and shown on the request as `nonce-reused`. FROST nonces themselves go through the
 * same ledger inside the signing rounds.
 *
 * Digest: a signing request of an ECDSA account may name `hash: 'keccak256'` (absent means
 * SHA-256, also for requests stored before the choice existed); it travels in the request, the
 * ceremony invitation (checked against the request) and reaches the driver's sign and verify.
 * @module
 */
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { randomBytes } from '@tessera/crypto/rng';
import { AbortError } from '@tessera/crypto/errors';
import type { Json } from '@tessera/protocols/engine/codec';
import type { PartyIndex } from '@tessera/protocols/engine/ids';
import { parseInvitation } from '@tessera/transport/invitation';
import type { PresenceView, RequestKind, RequestView, SchemeContext, SigningHash, WalletErrorInfo } from './api.ts';
import { checkCeremonyInvitation, createCeremonyInvitation } from './ceremony-invitation.ts';
import { openCeremonyTransport, runCeremony, runnerKey } from './ceremony.ts';
import type { WalletContext } from './context.ts';
import { WalletError, errorInfo } from './errors.ts';
import { MAX_MESSAGE_BYTES, MAX_TEXT, parseGroupMessage, type GroupMessage } from './messages.ts';
import { publicAccount, type AccountRecord, type RequestRecord } from './records.ts';
import { applyApproval, applyFinalize, applyRejection, chooseSigners, finalized, hasApproved, settle, viewOf } from './requests.ts';
import { openRoom, type AppRoom } from './room.ts';

type Change = Extract<import('./api.ts').WalletEvent, { type: 'request' }>['change'];

interface Book {
  account: AccountRecord;
  readonly requests: Map<string, RequestRecord>;
  cursor: number;
  room: AppRoom | undefined;
  opening: Promise<void> | undefined;
  readonly orphans: Map<string, (() => Promise<void>)[]>;
  readonly online: Set<number>;
}

/** The ledger key under which the wallet marks ceremony sessions as started. */
export function sessionLedgerKey(accountId: string): string {
  return `wallet:${accountId}`;
}

/** The inbox of an unlocked wallet. */
export class Inbox {
  readonly #ctx: WalletContext;
  readonly #books = new Map<string, Book>();
  readonly #running = new Map<string, Promise<void>>();
  /** Stops one running ceremony (a participant reported its failure). */
  readonly #aborts = new Map<string, AbortController>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #stopped = false;

  constructor(ctx: WalletContext) {
    this.#ctx = ctx;
  }

  /** Loads an account's request book, opens its group room and resumes its ceremonies. */
  async add(account: AccountRecord): Promise<void> {
    if (this.#books.has(account.id)) return;
    const stored = await this.#ctx.records.requests(account.id);
    const book: Book = { account, requests: new Map(stored.requests.map((r) => [r.id, { ...r }])), cursor: stored.cursor, room: undefined, opening: undefined, orphans: new Map(), online: new Set() };
    this.#books.set(account.id, book);
    for (const r of book.requests.values()) if (r.status === 'running' && r.participating) this.#start(book, r);
    this.#openInBackground(book, 0);
  }

  /** Opens the group room, retrying with backoff while the server is unreachable. */
  #openInBackground(book: Book, attempt: number): void {
    void this.#open(book).catch((e: unknown) => {
      this.#error(e, book.account.id);
      if (this.#stopped || errorInfo(e).code !== 'transport') return;
      this.#later(() => this.#openInBackground(book, attempt + 1), attempt);
    });
  }

  /** Runs `f` after a backoff delay (1 s doubling up to 30 s) unless the inbox stops first. */
  #later(f: () => void, attempt: number): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#stopped) f();
    }, Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)));
    this.#timers.add(t);
  }

  /** Accounts known to the inbox. */
  accounts(): AccountRecord[] {
    return [...this.#books.values()].map((b) => b.account);
  }

  #open(book: Book): Promise<void> {
    book.opening ??= (async () => {
      const ctx = this.#ctx;
      const inv = parseInvitation(book.account.groupInvitation, { now: null });
      const client = await ctx.client();
      if (this.#stopped) return;
      book.room = await openRoom({
        client,
        invitation: inv,
        self: book.account.selfIndex as PartyIndex,
        identity: ctx.identity,
        now: ctx.now,
        ...(ctx.rng ? { rng: ctx.rng } : {}),
        after: book.cursor,
        onMessage: async (from, payload, cursor) => {
          await this.#onMessage(book, from, parseGroupMessage(payload));
          book.cursor = cursor;
          await this.#save(book);
        },
        onReject: async (error, cursor, from) => {
          this.#ctx.events.emit({ type: 'error', error: { ...error, ...(error.culprit === undefined && error.code !== 'internal' ? { culprit: from } : {}) }, context: book.account.id });
          book.cursor = cursor;
          await this.#save(book).catch(() => undefined);
        },
        onPresence: (party, online) => {
          if (online) book.online.add(party);
          else book.online.delete(party);
          ctx.events.emit({ type: 'presence', accountId: book.account.id, party, online });
        },
      });
      for (const p of book.room.online()) book.online.add(p);
      if (this.#stopped) await book.room.close();
    })().catch((e: unknown) => {
      book.opening = undefined;
      throw e;
    });
    return book.opening;
  }

  async #room(book: Book): Promise<AppRoom> {
    await this.#open(book);
    if (!book.room) throw new WalletError('locked', 'the wallet is locked');
    return book.room;
  }

  #save(book: Book): Promise<void> {
    return this.#ctx.records.putRequests(book.account.id, { cursor: book.cursor, requests: [...book.requests.values()] });
  }

  #emit(book: Book, r: RequestRecord, change: Change): void {
    this.#ctx.events.emit({ type: 'request', change, request: viewOf(book.account, r, book.account.selfIndex) });
  }

  #error(e: unknown, context: string): WalletErrorInfo {
    const error = errorInfo(e);
    if (!this.#stopped) this.#ctx.events.emit({ type: 'error', error, context });
    return error;
  }

  #book(accountId: unknown): Book {
    const b = typeof accountId === 'string' ? this.#books.get(accountId) : undefined;
    if (!b) throw new WalletError('unknown-account', 'no such account in this wallet', { field: 'accountId' });
    return b;
  }

  #find(requestId: unknown): { book: Book; r: RequestRecord } {
    if (typeof requestId === 'string')
      for (const book of this.#books.values()) {
        const r = book.requests.get(requestId);
        if (r) return { book, r };
      }
    throw new WalletError('unknown-request', 'no such request in this wallet', { field: 'requestId' });
  }

  // ───────── incoming ─────────

  async #onMessage(book: Book, from: PartyIndex, m: GroupMessage): Promise<void> {
    const a = book.account;
    if (m.t === 'request') {
      if (book.requests.has(m.id)) return;
      if (m.hash !== undefined && !(this.#ctx.driver(a.scheme).hashes ?? []).includes(m.hash)) throw new WalletError('tampered', `a ${a.scheme} account signs no ${m.hash} digest`, { field: 'message.hash', culprit: from });
      const r: RequestRecord = {
        id: m.id, accountId: a.id, kind: m.kind, requester: from, note: m.note, createdAt: m.createdAt, message: m.message, ...(m.hash !== undefined ? { hash: m.hash } : {}),
        approvals: [{ party: from, at: m.createdAt }], rejections: [], lateApprovals: [], status: 'pending',
      };
      settle(a, r);
      book.requests.set(r.id, r);
      this.#emit(book, r, 'received');
      for (const f of book.orphans.get(m.id) ?? []) await f();
      book.orphans.delete(m.id);
      return;
    }
    const r = book.requests.get(m.id);
    if (!r) {
      const list = book.orphans.get(m.id) ?? [];
      if (list.length < 64) list.push(() => this.#onMessage(book, from, m));
      book.orphans.set(m.id, list);
      return;
    }
    const at = this.#ctx.now();
    switch (m.t) {
      case 'approve': {
        const res = applyApproval(a, r, { party: from, at });
        if (res !== 'ignored') this.#emit(book, r, res === 'late' ? 'late-approval' : 'approved');
        return;
      }
      case 'reject':
        if (applyRejection(a, r, { party: from, at, reason: m.reason })) this.#emit(book, r, 'rejected');
        return;
      case 'finalize':
        await this.#acceptFinalize(book, r, from, m.invitation, false);
        return;
      case 'result': {
        // the signature itself is the proof: any member's result that verifies completes the request
        if (r.kind === 'sign') {
          if (m.signature === null) throw new WalletError('tampered', 'a signing result carries the signature', { field: 'message.signature', culprit: from });
          const ok = this.#ctx.driver(a.scheme).verify(a.suite, hexToBytes(a.groupKey), hexToBytes(r.message!), hexToBytes(m.signature), r.hash);
          if (!ok) throw new WalletError('tampered', 'the posted signature does not verify under the group key', { field: 'message.signature', culprit: from });
          if (r.status !== 'done') {
            r.status = 'done';
            r.signature = m.signature;
            r.verified = true;
            delete r.error;
            this.#emit(book, r, 'signed');
          }
        }
        return;
      }
      case 'failed':
        if (r.session !== m.session) return; // a superseded session: nothing of ours to stop
        if (!r.signers?.includes(from)) throw new WalletError('tampered', 'a failure report from a party that is not a participant', { field: 'message.session', culprit: from });
        if (r.status === 'running') {
          // a participant gave up: the ceremony cannot complete without it, so stop ours too
          r.status = 'failed';
          r.error = { ...m.error };
          this.#aborts.get(m.session)?.abort();
          this.#emit(book, r, 'failed');
        }
        return;
    }
  }

  async #acceptFinalize(book: Book, r: RequestRecord, from: number, text: string, local: boolean): Promise<void> {
    const a = book.account;
    const self = a.selfIndex;
    const { inv, signers, epoch } = checkCeremonyInvitation({ account: a, request: r, driver: this.#ctx.driver(a.scheme), from, text, now: this.#ctx.now() });
    if (r.session === inv.session) {
      // the same ceremony again: a participant that already ran it must not start it twice
      if (this.#running.has(inv.session) || r.status === 'running' || !r.participating) return;
      this.#start(book, r);
      return;
    }
    // two members finalized at once: every wallet keeps the ceremony with the smaller session id
    const supersedes = finalized(r) && r.status !== 'failed';
    if (supersedes && (r.status !== 'running' || inv.session >= r.session!)) throw new WalletError('already-decided', 'the request was already finalized with another ceremony', { field: 'invitation.session', culprit: from });
    if (r.kind === 'sign' && signers.includes(self) && epoch !== a.epoch)
      throw new WalletError('tampered', `the signing uses key epoch ${String(epoch)}, this wallet holds epoch ${a.epoch}`, { field: 'invitation.params.epoch', culprit: from });
    if (!local && signers.includes(self) && r.requester !== self && !hasApproved(r, self))
      throw new WalletError('bad-input', 'this wallet is listed as a participant but did not approve the request', { field: 'invitation.params.signers', culprit: from });
    if (supersedes) this.#aborts.get(r.session!)?.abort();
    applyFinalize(r, signers, inv.session, inv.text, self);
    this.#emit(book, r, 'finalized');
    if (r.participating) this.#start(book, r);
  }

  // ───────── ceremonies ─────────

  #start(book: Book, r: RequestRecord, attempt = 0): Promise<void> {
    const session = r.session!;
    let run = this.#running.get(session);
    if (!run) {
      const stop = new AbortController();
      this.#aborts.set(session, stop);
      run = this.#ceremony(book, r, attempt, AbortSignal.any([this.#ctx.signal, stop.signal])).finally(() => {
        this.#running.delete(session);
        this.#aborts.delete(session);
      });
      this.#running.set(session, run);
    }
    return run;
  }

  async #ceremony(book: Book, r: RequestRecord, attempt: number, signal: AbortSignal): Promise<void> {
    const ctx = this.#ctx;
    const a = book.account;
    const inv = parseInvitation(r.invitation!, { now: null });
    const self = a.selfIndex as PartyIndex;
    const session = inv.session;
    const wasDone = r.status === 'done';
    try {
      const driver = ctx.driver(a.scheme);
      const saved = await ctx.vault.sessions.load(runnerKey(session, self));
      // a finished ceremony started again finds its mark in the ledger and fails closed here
      if (saved === undefined || wasDone) {
        try {
          await ctx.vault.nonceLedger.consume(sessionLedgerKey(a.id), `${r.kind}:${session}`);
        } catch (e) {
          // marked, but closed before the runner's first record: nothing was sent yet, so it
          // starts afresh (FROST nonces themselves stay guarded by the ledger in the rounds)
          if (wasDone || (e as Error)?.name !== 'NonceReuseError' || r.status !== 'running') throw e;
        }
      }
      const net = await ctx.net();
      const rounds = (r.kind === 'sign' ? driver.rounds.sign : driver.rounds.refresh) ?? 3;
      const progress = (p: { round: number; rounds: number; fraction?: number }, resumed?: boolean): void => {
        ctx.events.emit({ type: 'progress', ceremony: r.kind, id: r.id, progress: p, ...(resumed ? { resumed } : {}) });
      };
      const sctx: SchemeContext = {
        session,
        self,
        directory: inv.parties,
        identity: ctx.identity,
        suite: a.suite,
        threshold: a.threshold,
        vault: ctx.vault,
        signal,
        progress: (p) => progress(p),
        openTransport: () => openCeremonyTransport(net, inv),
        store: ctx.vault.sessions,
        timeoutMs: net.timeoutMs,
        run: async (factory, output) =>
          (
            await runCeremony(net, {
              invitation: inv,
              self,
              identity: ctx.identity,
              store: ctx.vault.sessions,
              factory,
              output,
              signal,
              onEvent: (e) => {
                if (e.type === 'started' || e.type === 'resumed' || e.type === 'round') progress({ round: Math.max(1, e.round), rounds }, e.type === 'resumed');
              },
            })
          ).output,
      };
      if (r.kind === 'sign') {
        const message = hexToBytes(r.message!);
        const sig = await driver.sign({ ...sctx, shareId: a.shareId, message, signers: r.signers!, ...(r.hash !== undefined ? { hash: r.hash } : {}) });
        r.signature = bytesToHex(sig);
        r.verified = driver.verify(a.suite, hexToBytes(a.groupKey), message, sig, r.hash);
        r.status = r.verified ? 'done' : 'failed';
        if (!r.verified) r.error = { code: 'tampered', message: 'the aggregated signature does not verify under the group key' };
        await ctx.vault.recordEvent('sign', { account: a.id.slice(0, 32), request: r.id, session: session.slice(0, 32), signers: r.signers!.join(',') });
      } else {
        if (!driver.refresh) throw new WalletError('unsupported-scheme', `${a.scheme} has no refresh`, { field: 'scheme' });
        const epoch = (inv.params as { epoch: number }).epoch;
        const { shareId } = await driver.refresh({ ...sctx, shareId: a.shareId });
        book.account = { ...a, shareId, epoch };
        await ctx.records.putAccount(book.account);
        r.epoch = epoch;
        r.status = 'done';
        ctx.events.emit({ type: 'account', account: publicAccount(book.account), change: 'refreshed' });
      }
      await this.#save(book);
      await ctx.vault.sessions.delete(runnerKey(session, self));
      this.#emit(book, r, r.kind === 'sign' ? (r.status === 'done' ? 'signed' : 'failed') : 'refreshed');
      void this.#announce(book, { t: 'result', id: r.id, session, signature: r.kind === 'sign' ? r.signature! : null, epoch: r.kind === 'refresh' ? r.epoch! : null }, r.id);
    } catch (e) {
      if (this.#stopped || signal.aborted || e instanceof AbortError || (e as Error)?.name === 'AbortError') {
        // locked (resumes on unlock), stopped because a participant failed (status set by
        // then), or superseded by a concurrent finalize (its record goes)
        if (!this.#stopped && r.session !== session) await ctx.vault.sessions.delete(runnerKey(session, self)).catch(() => undefined);
        if (!this.#stopped && r.status === 'failed') await this.#save(book).catch(() => undefined);
        return;
      }
      const error = errorInfo(e);
      if (error.code === 'transport' && !wasDone && r.status === 'running') {
        // the server or a room was unreachable: the records stay, try again later
        this.#error(e, r.id);
        this.#later(() => void this.#start(book, r, attempt + 1), attempt);
        return;
      }
      r.error = error;
      if (!wasDone) r.status = 'failed';
      this.#error(e, r.id);
      if (error.code === 'nonce-reused')
        await ctx.vault.recordEvent('sign', { account: a.id.slice(0, 32), request: r.id, session: session.slice(0, 32), refused: 'nonce-reuse' }).catch(() => undefined);
      await this.#save(book).catch(() => undefined);
      this.#emit(book, r, 'failed');
      if (!wasDone && error.code !== 'nonce-reused')
        await this.#announce(book, { t: 'failed', id: r.id, session, error: { code: error.code, message: error.message.slice(0, MAX_TEXT), ...(error.culprit !== undefined ? { culprit: error.culprit } : {}) } }, r.id);
    }
  }

  /** Posts a ceremony outcome to every member; a failure to post is reported, never fatal. */
  async #announce(book: Book, payload: Json, context: string): Promise<void> {
    try {
      const room = await this.#room(book);
      await room.send('each', payload);
    } catch (e) {
      this.#error(e, context);
    }
  }

  // ───────── commands ─────────

  /**
   * Posts a request; `hash` (signing only) is the ECDSA digest, for drivers that offer one.
   * @throws {WalletError} `unknown-account`, `bad-input` (`message`, `note`, `hash`), `transport`.
   */
  async request(accountId: string, kind: RequestKind, message: Uint8Array | null, note: string, hash?: SigningHash): Promise<RequestView> {
    const book = this.#book(accountId);
    if (kind === 'sign') {
      if (!(message instanceof Uint8Array) || message.length === 0 || message.length > MAX_MESSAGE_BYTES) throw new WalletError('bad-input', `expected 1..${MAX_MESSAGE_BYTES} bytes`, { field: 'message' });
    }
    if (typeof note !== 'string' || note.length > MAX_TEXT) throw new WalletError('bad-input', `expected a note of at most ${MAX_TEXT} characters`, { field: 'note' });
    const a = book.account;
    if (hash !== undefined) {
      if (hash !== 'sha256' && hash !== 'keccak256') throw new WalletError('bad-input', 'expected sha256 or keccak256', { field: 'hash' });
      if (kind !== 'sign') throw new WalletError('bad-input', 'a refresh signs no digest', { field: 'hash' });
      if (!(this.#ctx.driver(a.scheme).hashes ?? []).includes(hash)) throw new WalletError('bad-input', `a ${a.scheme} (${a.suite}) account signs the message as its suite defines; ${hash} applies to ECDSA accounts only`, { field: 'hash' });
    }
    // SHA-256 is the default: stored and sent only when another digest was chosen
    const chosen: { hash?: 'keccak256' } = hash === 'keccak256' ? { hash } : {};
    const room = await this.#room(book);
    const now = this.#ctx.now();
    const r: RequestRecord = {
      id: bytesToHex(randomBytes(16, this.#ctx.rng)), accountId: a.id, kind, requester: a.selfIndex, note, createdAt: now,
      message: kind === 'sign' ? bytesToHex(message!) : null, ...chosen,
      approvals: [{ party: a.selfIndex, at: now }], rejections: [], lateApprovals: [], status: 'pending', mine: 'approved',
    };
    settle(a, r);
    book.requests.set(r.id, r);
    await this.#save(book);
    await room.send('each', { t: 'request', id: r.id, kind, note, message: r.message, createdAt: now, ...(chosen.hash ? { hash: chosen.hash } : {}) });
    this.#emit(book, r, 'received');
    return viewOf(a, r, a.selfIndex);
  }

  /** @throws {WalletError} `unknown-request`, `already-decided`, `transport`. */
  async decide(requestId: string, approve: boolean, reason: string): Promise<RequestView> {
    const { book, r } = this.#find(requestId);
    const a = book.account;
    const self = a.selfIndex;
    if (typeof reason !== 'string' || reason.length > MAX_TEXT) throw new WalletError('bad-input', `expected a reason of at most ${MAX_TEXT} characters`, { field: 'reason' });
    if (r.requester === self || r.mine !== undefined || hasApproved(r, self) || r.rejections.some((d) => d.party === self)) throw new WalletError('already-decided', 'this wallet already decided on the request', { field: 'requestId' });
    if (!approve && finalized(r)) throw new WalletError('already-decided', 'the request is already finalized', { field: 'requestId' });
    const room = await this.#room(book);
    await room.send('each', approve ? { t: 'approve', id: r.id } : { t: 'reject', id: r.id, reason });
    const d = { party: self, at: this.#ctx.now(), ...(approve ? {} : { reason }) };
    r.mine = approve ? 'approved' : 'rejected';
    let change: Change = 'rejected';
    if (approve) change = applyApproval(a, r, d) === 'late' ? 'late-approval' : 'approved';
    else applyRejection(a, r, d);
    await this.#save(book);
    this.#emit(book, r, change);
    return viewOf(a, r, self);
  }

  /** @throws {WalletError} `unknown-request`, `not-enough-approvals`, `already-decided`, `transport`. */
  async finalize(requestId: string): Promise<RequestView> {
    const { book, r } = this.#find(requestId);
    const a = book.account;
    const self = a.selfIndex;
    if (finalized(r) && r.status !== 'failed') throw new WalletError('already-decided', 'the request is already finalized', { field: 'requestId' });
    if (r.status === 'rejected') throw new WalletError('already-decided', 'the request was rejected', { field: 'requestId' });
    if (r.status === 'failed') {
      // a failed attempt: every approval counts again for a new ceremony
      r.approvals.push(...r.lateApprovals.filter((d) => !r.approvals.some((x) => x.party === d.party)));
      r.lateApprovals = [];
      delete r.signers;
      r.status = 'pending';
      settle(a, r);
    }
    if (r.status !== 'ready') throw new WalletError('not-enough-approvals', `needs ${r.kind === 'refresh' ? a.parties : a.threshold} approvals, has ${r.approvals.length}`, { field: 'requestId' });
    if (r.requester !== self && !hasApproved(r, self)) throw new WalletError('not-enough-approvals', 'approve the request before finalizing it', { field: 'requestId' });
    const avoid = new Set(a.members.map((m) => m.index).filter((i) => i !== self && !book.online.has(i)));
    if (r.error?.culprit !== undefined) avoid.add(r.error.culprit);
    const signers = chooseSigners(a, r, self, avoid);
    const inv = createCeremonyInvitation({ account: a, request: r, driver: this.#ctx.driver(a.scheme), signers, identity: this.#ctx.identity, now: this.#ctx.now(), ...(this.#ctx.rng ? { rng: this.#ctx.rng } : {}) });
    const room = await this.#room(book);
    await this.#acceptFinalize(book, r, self, inv.text, true);
    await this.#save(book);
    await room.send('each', { t: 'finalize', id: r.id, invitation: inv.text });
    // wait for this wallet's ceremony (or the one that superseded it)
    for (let cur = r.session; cur !== undefined && this.#running.has(cur); cur = r.session) await this.#running.get(cur);
    return viewOf(book.account, r, self);
  }

  /** @throws {WalletError} `unknown-request`, `bad-input`, `transport`. */
  async resend(requestId: string): Promise<RequestView> {
    const { book, r } = this.#find(requestId);
    const inv = r.invitation ? parseInvitation(r.invitation, { now: null }) : undefined;
    if (!inv || inv.creator !== book.account.selfIndex) throw new WalletError('bad-input', 'this wallet did not finalize the request', { field: 'requestId' });
    const room = await this.#room(book);
    await room.send('each', { t: 'finalize', id: r.id, invitation: inv.text });
    return viewOf(book.account, r, book.account.selfIndex);
  }

  /** Requests of one account or all, newest first. @throws {WalletError} `unknown-account`. */
  list(accountId?: string): RequestView[] {
    const books = accountId === undefined ? [...this.#books.values()] : [this.#book(accountId)];
    return books
      .flatMap((b) => [...b.requests.values()].map((r) => viewOf(b.account, r, b.account.selfIndex)))
      .sort((x, y) => y.createdAt - x.createdAt || x.id.localeCompare(y.id));
  }

  /** @throws {WalletError} `unknown-request`. */
  get(requestId: string): RequestView {
    const { book, r } = this.#find(requestId);
    return viewOf(book.account, r, book.account.selfIndex);
  }

  /** Presence of an account's members. @throws {WalletError} `unknown-account`. */
  presence(accountId: string, signalConnected: boolean): PresenceView[] {
    const b = this.#book(accountId);
    return b.account.members.map((m) => ({ index: m.index, fingerprint: m.fingerprint, label: m.label, online: m.index === b.account.selfIndex ? signalConnected : b.online.has(m.index), self: m.index === b.account.selfIndex }));
  }

  /** Sessions of finished ceremonies this wallet took part in (for the ledger check). */
  finishedSessions(): { accountId: string; kind: RequestKind; session: string; self: number }[] {
    const out: { accountId: string; kind: RequestKind; session: string; self: number }[] = [];
    for (const b of this.#books.values()) for (const r of b.requests.values()) if (r.participating && r.session && (r.status === 'done' || r.status === 'failed')) out.push({ accountId: b.account.id, kind: r.kind, session: r.session, self: b.account.selfIndex });
    return out;
  }

  /** Waits until every room has handled what is stored and no ceremony runs (tests, shutdown). */
  async idle(): Promise<void> {
    for (const b of this.#books.values()) {
      await b.opening?.catch(() => undefined);
      await b.room?.idle();
    }
    while (this.#running.size > 0) await Promise.allSettled([...this.#running.values()]);
  }

  /** Closes every room (ceremonies stop through the context's abort signal). */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const b of this.#books.values()) {
      await b.opening?.catch(() => undefined);
      await b.room?.close().catch(() => undefined);
    }
    await Promise.allSettled([...this.#running.values()]);
  }
}
