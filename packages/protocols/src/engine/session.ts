/**
 * A protocol session: drives one party through the rounds of a {@link ProtocolSpec}.
 *
 * The session owns the per-round message store. Every incoming envelope is checked against the
 * session (id, protocol, known sender, recipient, kind, round); duplicates are dropped,
 * conflicting messages abort, and every rejection is recorded as {@link Evidence}. Messages
 * for later rounds are buffered until their round starts. Rounds whose broadcasts need it
 * get an echo check: once a party holds all of a round's broadcasts it sends every other
 * party the list (sender, message id, sender's signature) it saw; a disagreement is settled
 * by the signatures: two validly signed different broadcasts convict the sender of
 * equivocation, an echo carrying an invalid signature convicts the echoer.
 *
 * The session is transport-free (it returns envelopes to send) and serializable between
 * messages ({@link Session.snapshot}, {@link restoreSession}).
 * @module
 */
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { hexToBytes } from '@tessera/crypto/bytes';
import { systemRng, type RandomSource } from '@tessera/crypto/rng';
import type { PartyAuth } from './auth.ts';
import { canonicalJson, expectArray, expectObject, parseCanonicalJson, type Json } from './codec.ts';
import {
  InternalError,
  ProtocolAbort,
  type Evidence,
  type EvidenceReason,
  type ProtocolError,
} from './errors.ts';
import { sessionHash } from './hash.ts';
import { ENVELOPE_VERSION, messageId, messageIdBytes, parseEnvelope, type Envelope } from './envelope.ts';
import { parseSessionId, partyIndex, partyList, type PartyIndex, type SessionId } from './ids.ts';
import type { Expectation, Inbox, Outgoing, ProtocolSpec, Received, RoundContext, Transition } from './protocol.ts';

/** Snapshot format tag and version. */
export const SNAPSHOT_FORMAT = 'tessera/session-snapshot';
export const SNAPSHOT_VERSION = 1;

/** Most messages for future rounds a session buffers before dropping (per session). */
const MAX_BUFFERED = 4096;

/** Session status. */
export type SessionStatus = 'new' | 'running' | 'done' | 'aborted';

/** Options shared by {@link createSession} and {@link restoreSession}. */
export interface SessionRuntime<D> {
  /** Signs this party's broadcasts and echoes; verifies others' in echo disputes. */
  readonly auth: PartyAuth;
  /** Randomness for the rounds; defaults to the system RNG. */
  readonly rng?: RandomSource;
  /** Non-serializable inputs (key share, nonce ledger...). */
  readonly deps: D;
}

/** Options of {@link createSession}. */
export interface SessionOptions<D> extends SessionRuntime<D> {
  readonly session: SessionId;
  readonly self: PartyIndex;
  /** Every party of the session (sorted, distinct, including `self`). */
  readonly parties: readonly PartyIndex[];
}

interface StoredMessage extends Received {
  readonly env: Envelope;
}

interface EchoEntry {
  readonly from: PartyIndex;
  readonly id: string;
  readonly sig: string;
}

/**
 * One party's run of one protocol.
 * @typeParam S round state (JSON), O output, D non-serialized inputs.
 */
export class Session<S extends Json, O, D> {
  readonly spec: ProtocolSpec<S, O, D>;
  readonly session: SessionId;
  readonly self: PartyIndex;
  readonly parties: readonly PartyIndex[];
  private readonly auth: PartyAuth;
  private readonly ctx: RoundContext<D>;
  private statusValue: SessionStatus = 'new';
  private roundValue = 0;
  private state: S | undefined;
  private outputValue: O | undefined;
  private errorValue: ProtocolError | undefined;
  private broadcasts = new Map<PartyIndex, StoredMessage>();
  private p2ps = new Map<PartyIndex, StoredMessage>();
  private echoes = new Map<PartyIndex, StoredMessage>();
  private echoSent = false;
  /** Id and signature of this party's own broadcast in the current round, if it sent one. */
  private ownBroadcast: { id: string; sig: string } | null = null;
  private buffer: Envelope[] = [];
  /** `${round}:${kind}:${from}` → id of every message accepted in earlier rounds. */
  private history = new Map<string, string>();
  private evidenceList: Evidence[] = [];
  /** Envelopes this party sent for the current round (for {@link resend}). */
  private lastOutgoing: Envelope[] = [];
  private busy = false;

  /** @internal use {@link createSession} or {@link restoreSession}. */
  constructor(spec: ProtocolSpec<S, O, D>, opts: SessionOptions<D>) {
    if (!/^[a-z0-9/-]{1,64}$/.test(spec.id)) throw new FieldTypeError('spec.id', 'malformed protocol id');
    this.spec = spec;
    this.session = parseSessionId(opts.session);
    this.self = partyIndex(opts.self, 'self');
    this.parties = partyList(opts.parties, 'parties', 1);
    if (!this.parties.includes(this.self)) throw new FieldRangeError('self', 'self is not one of the parties');
    this.auth = opts.auth;
    const rng = opts.rng ?? systemRng();
    const session = this.session;
    const protocol = spec.id;
    this.ctx = Object.freeze({
      session,
      protocol,
      self: this.self,
      parties: this.parties,
      rng,
      deps: opts.deps,
      hash: (tag: string, ...parts: Parameters<typeof sessionHash>[2][]) => sessionHash(`${protocol}/${tag}`, session, ...parts),
    });
  }

  /** Current status. */
  get status(): SessionStatus {
    return this.statusValue;
  }
  /** Current round (0 before start). */
  get round(): number {
    return this.roundValue;
  }
  /** The output, once `status === 'done'`. */
  get output(): O | undefined {
    return this.outputValue;
  }
  /** The error, once `status === 'aborted'`. */
  get error(): ProtocolError | undefined {
    return this.errorValue;
  }
  /** Everything rejected or disputed so far. */
  get evidence(): readonly Evidence[] {
    return this.evidenceList;
  }

  /**
   * Starts the session: runs `init` and returns round-1 envelopes to send.
   * Errors end the session (see {@link error}); this never throws them.
   * @throws {InternalError} if the session was already started.
   */
  async start(): Promise<Envelope[]> {
    if (this.statusValue !== 'new') throw new InternalError('session already started');
    this.statusValue = 'running';
    return this.guard(async () => {
      const t = await this.spec.init(this.ctx);
      const out = this.apply(t);
      await this.progress(out);
      return out;
    });
  }

  /**
   * Delivers one incoming envelope and returns the envelopes to send in response (possibly
   * none). Rejected messages are recorded as evidence; misbehaviour ends the session with a
   * {@link ProtocolAbort}. Never throws protocol errors.
   * @throws {InternalError} if called re-entrantly.
   */
  async receive(envelope: Envelope): Promise<Envelope[]> {
    if (this.statusValue === 'done' || this.statusValue === 'aborted') return [];
    return this.guard(async () => {
      const out = await this.accept(envelope);
      return out;
    });
  }

  /** The parties whose messages the current round still waits for. */
  waitingFor(): PartyIndex[] {
    if (this.statusValue !== 'running' || this.state === undefined) return [];
    const e = this.expectation();
    const missing = new Set<PartyIndex>();
    for (const p of e.broadcast) if (!this.broadcasts.has(p)) missing.add(p);
    for (const p of e.p2p) if (!this.p2ps.has(p)) missing.add(p);
    if (e.echo.length > 0 && this.echoSent) for (const p of e.echo) if (!this.echoes.has(p)) missing.add(p);
    return [...missing].sort((a, b) => a - b);
  }

  /**
   * Ends a stalled session: a {@link ProtocolAbort} with reason `timeout` naming the parties
   * whose messages never came. The caller decides when a session has stalled.
   * @returns the abort (also available as {@link error}).
   * @throws {InternalError} if the session is not running.
   */
  timeout(): ProtocolAbort {
    if (this.statusValue !== 'running') throw new InternalError('session is not running');
    const missing = this.waitingFor();
    const evidence = missing.map((p) => this.record('', this.roundValue, p, 'missing', 'no message before the deadline'));
    const abort = new ProtocolAbort('timeout', missing, evidence);
    this.fail(abort);
    return abort;
  }

  /** The envelopes this party sent for the current round, e.g. to resend after a restore. */
  resend(): Envelope[] {
    return [...this.lastOutgoing];
  }

  /**
   * Serializes the running session (versioned canonical JSON).
   * Security: the snapshot holds the round state, which includes this party's secrets for the
   * session (polynomial coefficients, nonces); store it encrypted. A restored signing session
   * can never reuse a nonce: the nonce ledger, which is not part of the snapshot, refuses.
   * @throws {InternalError} if the session is not running.
   */
  snapshot(): string {
    if (this.statusValue !== 'running' || this.state === undefined) throw new InternalError('only a running session can be snapshotted');
    const envs = (m: Map<PartyIndex, StoredMessage>): Json => [...m.values()].map((s) => envelopeJson(s.env));
    const snap: Json = {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      protocol: this.spec.id,
      protocolVersion: this.spec.version,
      session: this.session,
      self: this.self,
      parties: [...this.parties],
      round: this.roundValue,
      state: this.state,
      broadcasts: envs(this.broadcasts),
      p2ps: envs(this.p2ps),
      echoes: envs(this.echoes),
      echoSent: this.echoSent,
      ownBroadcast: this.ownBroadcast === null ? null : { id: this.ownBroadcast.id, sig: this.ownBroadcast.sig },
      buffer: this.buffer.map(envelopeJson),
      history: [...this.history.entries()].map(([k, v]) => [k, v]),
      evidence: this.evidenceList.map((e) => ({ ...e })),
      lastOutgoing: this.lastOutgoing.map(envelopeJson),
    };
    return canonicalJson(snap);
  }

  /** @internal used by {@link restoreSession}. */
  loadSnapshot(o: ReturnType<typeof parseSnapshotObject>): void {
    this.statusValue = 'running';
    this.roundValue = o.round;
    this.state = this.spec.checkState(o.state, o.round);
    const load = (list: readonly Envelope[], kind: string): Map<PartyIndex, StoredMessage> => {
      const m = new Map<PartyIndex, StoredMessage>();
      for (const env of list) {
        if (env.session !== this.session || env.round !== o.round || env.kind !== kind)
          throw new FieldRangeError('snapshot', `stored ${kind} message does not belong to this round`);
        m.set(env.from, { env, id: messageId(env), from: env.from, payload: env.payload });
      }
      return m;
    };
    this.broadcasts = load(o.broadcasts, 'broadcast');
    this.p2ps = load(o.p2ps, 'p2p');
    this.echoes = load(o.echoes, 'echo');
    this.echoSent = o.echoSent;
    this.ownBroadcast = o.ownBroadcast;
    this.buffer = [...o.buffer];
    this.history = new Map(o.history);
    this.evidenceList = [...o.evidence];
    this.lastOutgoing = [...o.lastOutgoing];
  }

  // ---- internals ----

  private expectation(): Expectation {
    const r = this.spec.rounds[this.roundValue];
    if (!r || this.state === undefined) throw new InternalError(`no round ${this.roundValue} in ${this.spec.id}`);
    return r.expects(this.state, this.ctx);
  }

  private async guard(fn: () => Promise<Envelope[]>): Promise<Envelope[]> {
    if (this.busy) throw new InternalError('session.receive/start called re-entrantly; await the previous call');
    this.busy = true;
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ProtocolAbort || e instanceof InternalError) this.fail(e);
      else this.fail(new InternalError(`unexpected error in ${this.spec.id} round ${this.roundValue}: ${String(e)}`, { cause: e }));
      return [];
    } finally {
      this.busy = false;
    }
  }

  private fail(e: ProtocolError): void {
    this.statusValue = 'aborted';
    this.errorValue = e;
    this.state = undefined;
    this.buffer = [];
  }

  private record(id: string, round: number, from: number, reason: EvidenceReason, detail: string): Evidence {
    const e: Evidence = Object.freeze({ id, round, from, reason, detail });
    this.evidenceList.push(e);
    return e;
  }

  /** Header checks common to all rounds; returns false (and records why) to drop the message. */
  private checkHeader(env: Envelope, id: string): boolean {
    if (env.v !== ENVELOPE_VERSION) {
      this.record(id, env.round, env.from, 'invalid-message', 'unsupported envelope version');
      return false;
    }
    if (env.session !== this.session) {
      this.record(id, env.round, env.from, 'wrong-session', `session ${env.session}`);
      return false;
    }
    if (env.protocol !== this.spec.id) {
      this.record(id, env.round, env.from, 'wrong-protocol', `protocol ${env.protocol}`);
      return false;
    }
    if (env.from === this.self || !this.parties.includes(env.from)) {
      this.record(id, env.round, env.from, 'unknown-sender', `sender ${env.from} is not another party of the session`);
      return false;
    }
    if (env.kind === 'p2p' ? env.to !== this.self : env.to !== null) {
      this.record(id, env.round, env.from, 'misrouted', `addressed to ${String(env.to)}`);
      return false;
    }
    if (!(env.round in this.spec.rounds)) {
      this.record(id, env.round, env.from, 'wrong-round', `no round ${env.round} in ${this.spec.id}`);
      return false;
    }
    return true;
  }

  private async accept(raw: Envelope): Promise<Envelope[]> {
    let env: Envelope;
    let id: string;
    try {
      env = parseEnvelope(raw);
      id = messageId(env);
    } catch (e) {
      const r = raw as Partial<Envelope> | null;
      this.record('', typeof r?.round === 'number' ? r.round : 0, typeof r?.from === 'number' ? r.from : 0, 'invalid-message', `malformed envelope: ${(e as Error).message}`);
      return [];
    }
    if (!this.checkHeader(env, id)) return [];
    if (env.round < this.roundValue) {
      const seen = this.history.get(`${env.round}:${env.kind}:${env.from}`);
      if (seen === id) this.record(id, env.round, env.from, 'duplicate', 'already received in an earlier round');
      else if (seen !== undefined) this.record(id, env.round, env.from, 'conflicting', `differs from ${seen} accepted earlier`);
      else this.record(id, env.round, env.from, 'wrong-round', `round ${env.round} is over`);
      return [];
    }
    if (env.round > this.roundValue || this.statusValue === 'new') {
      if (this.buffer.some((b) => messageId(b) === id)) {
        this.record(id, env.round, env.from, 'duplicate', 'already buffered');
      } else if (this.buffer.length >= MAX_BUFFERED) {
        this.record(id, env.round, env.from, 'wrong-round', 'future-round buffer full; dropped');
      } else {
        this.buffer.push(env);
      }
      return [];
    }
    const out: Envelope[] = [];
    this.store(env, id);
    await this.progress(out);
    return out;
  }

  /** Stores a current-round message after checks; throws ProtocolAbort on misbehaviour. */
  private store(env: Envelope, id: string): void {
    const e = this.expectation();
    const map = env.kind === 'broadcast' ? this.broadcasts : env.kind === 'p2p' ? this.p2ps : this.echoes;
    const allowed = env.kind === 'broadcast' ? e.broadcast : env.kind === 'p2p' ? e.p2p : e.echo;
    if (!allowed.includes(env.from)) {
      const elsewhere = e.broadcast.includes(env.from) || e.p2p.includes(env.from) || e.echo.includes(env.from);
      this.record(id, env.round, env.from, elsewhere ? 'wrong-kind' : 'unexpected-sender', `round ${env.round} does not take a ${env.kind} message from ${env.from}`);
      return;
    }
    const prev = map.get(env.from);
    if (prev) {
      if (prev.id === id) {
        this.record(id, env.round, env.from, 'duplicate', 'already received');
        return;
      }
      const ev = [prev, { id }].map((m) => this.record(m.id, env.round, env.from, 'conflicting', `two different ${env.kind} messages in one round`));
      throw new ProtocolAbort('conflicting-messages', [env.from], ev);
    }
    try {
      if (env.kind === 'echo') parseEchoPayload(env.payload, this.parties);
      else this.spec.rounds[env.round]!.parse(env.kind, env.from, env.payload, this.state!, this.ctx);
    } catch (err) {
      const ev = this.record(id, env.round, env.from, 'invalid-message', (err as Error).message);
      throw new ProtocolAbort('invalid-message', [env.from], [ev], `invalid ${env.kind} message from party ${env.from}: ${(err as Error).message}`);
    }
    map.set(env.from, { env, id, from: env.from, payload: env.payload });
  }

  /** Sends the echo when due, finalizes when complete, and repeats for following rounds. */
  private async progress(out: Envelope[]): Promise<void> {
    for (;;) {
      if (this.statusValue !== 'running') return;
      // Deliver buffered messages of the current round (later ones stay buffered).
      const now = this.buffer.filter((b) => b.round === this.roundValue);
      if (now.length > 0) {
        this.buffer = this.buffer.filter((b) => b.round !== this.roundValue);
        for (const b of now) this.store(b, messageId(b));
      }
      const e = this.expectation();
      const haveBroadcasts = e.broadcast.every((p) => this.broadcasts.has(p));
      if (e.echo.length > 0 && !this.echoSent && haveBroadcasts) {
        this.echoSent = true;
        const echo = this.seal({ kind: 'echo', to: null, payload: { digests: this.echoEntries().map((x) => [x.from, x.id, x.sig]) } });
        this.lastOutgoing.push(echo);
        out.push(echo);
      }
      const complete =
        haveBroadcasts &&
        e.p2p.every((p) => this.p2ps.has(p)) &&
        (e.echo.length === 0 || e.echo.every((p) => this.echoes.has(p)));
      if (!complete) return;
      if (e.echo.length > 0) this.checkEchoes(e);
      const inbox: Inbox = {
        broadcast: new Map([...this.broadcasts].map(([k, v]) => [k, { id: v.id, from: v.from, payload: v.payload }])),
        p2p: new Map([...this.p2ps].map(([k, v]) => [k, { id: v.id, from: v.from, payload: v.payload }])),
      };
      const t = await this.spec.rounds[this.roundValue]!.finalize(this.state!, inbox, this.ctx);
      for (const m of [...this.broadcasts.values(), ...this.p2ps.values(), ...this.echoes.values()])
        this.history.set(`${m.env.round}:${m.env.kind}:${m.from}`, m.id);
      out.push(...this.apply(t));
    }
  }

  /** Entries (sender, id, signature) of every broadcast of this round, including our own. */
  private echoEntries(): EchoEntry[] {
    const list: EchoEntry[] = [...this.broadcasts.values()].map((m) => ({ from: m.from, id: m.id, sig: m.env.sig }));
    if (this.ownBroadcast) list.push({ from: this.self, id: this.ownBroadcast.id, sig: this.ownBroadcast.sig });
    return list.sort((a, b) => a.from - b.from);
  }

  /** Compares every echo with our own view; settles disagreements by the senders' signatures. */
  private checkEchoes(e: Expectation): void {
    const mine = new Map(this.echoEntries().map((x) => [x.from, x]));
    const culprits = new Set<PartyIndex>();
    const evidence: Evidence[] = [];
    let reason: 'equivocation' | 'false-echo' = 'false-echo';
    for (const k of e.echo) {
      const echo = this.echoes.get(k)!;
      const theirs = parseEchoPayload(echo.payload, this.parties);
      const theirMap = new Map(theirs.map((x) => [x.from, x]));
      const senders = new Set([...mine.keys(), ...theirMap.keys()]);
      for (const j of senders) {
        const a = mine.get(j);
        const b = theirMap.get(j);
        if (a && b && a.id === b.id) continue;
        if (!a || !b) {
          culprits.add(k);
          evidence.push(this.record(echo.id, this.roundValue, k, 'false-echo', `echo ${a ? 'omits' : 'adds'} a broadcast of party ${j}`));
          continue;
        }
        const theirsValid = this.auth.verify(j, hexToBytes(b.id), hexToBytes(b.sig));
        const mineValid = this.auth.verify(j, hexToBytes(a.id), hexToBytes(a.sig));
        if (!theirsValid) {
          culprits.add(k);
          evidence.push(this.record(echo.id, this.roundValue, k, 'false-echo', `echo reports broadcast ${b.id} of party ${j} without its valid signature`));
        } else {
          culprits.add(j);
          reason = 'equivocation';
          const detail = mineValid ? `party ${j} signed two different broadcasts` : `party ${j} sent an unsigned broadcast`;
          evidence.push(this.record(a.id, this.roundValue, j, 'equivocation', detail));
          evidence.push(this.record(b.id, this.roundValue, j, 'equivocation', `${detail} (seen by party ${k})`));
        }
      }
    }
    if (culprits.size > 0) throw new ProtocolAbort(reason, [...culprits], evidence);
  }

  /** Applies a transition: new round or output; returns the sealed outgoing envelopes. */
  private apply(t: Transition<S, O>): Envelope[] {
    const nextRound = 'next' in t ? t.next : this.roundValue + 1;
    const sealed = t.outgoing.map((o) => this.seal(toUnsealed(o), nextRound));
    const own = sealed.filter((s) => s.kind === 'broadcast');
    if (own.length > 1) throw new InternalError('a round may send at most one broadcast');
    if ('next' in t) {
      if (!(t.next in this.spec.rounds) || t.next <= this.roundValue) throw new InternalError(`bad next round ${t.next}`);
      this.roundValue = t.next;
      this.state = t.state;
      this.broadcasts = new Map();
      this.p2ps = new Map();
      this.echoes = new Map();
      this.echoSent = false;
      this.ownBroadcast = own[0] ? { id: messageId(own[0]), sig: own[0].sig } : null;
      this.lastOutgoing = sealed;
    } else {
      this.statusValue = 'done';
      this.outputValue = t.output;
      this.state = undefined;
      this.buffer = [];
      this.lastOutgoing = sealed;
    }
    return sealed;
  }

  private seal(o: { kind: Envelope['kind']; to: PartyIndex | null; payload: Json }, round = this.roundValue): Envelope {
    if (o.kind === 'p2p' && (o.to === null || o.to === this.self || !this.parties.includes(o.to)))
      throw new InternalError(`p2p message to ${String(o.to)}, not another party`);
    const unsigned = { v: ENVELOPE_VERSION, session: this.session, protocol: this.spec.id, round, kind: o.kind, from: this.self, to: o.to, payload: o.payload } as const;
    const sig = o.kind === 'p2p' ? '' : toHex(this.auth.sign(messageIdBytes(unsigned)));
    return Object.freeze({ ...unsigned, sig });
  }
}

function toUnsealed(o: Outgoing): { kind: Envelope['kind']; to: PartyIndex | null; payload: Json } {
  return o.kind === 'p2p' ? { kind: 'p2p', to: o.to, payload: o.payload } : { kind: 'broadcast', to: null, payload: o.payload };
}

function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function envelopeJson(env: Envelope): Json {
  return { v: env.v, session: env.session, protocol: env.protocol, round: env.round, kind: env.kind, from: env.from, to: env.to, payload: env.payload, sig: env.sig };
}

/** Strict reader of an echo payload `{ digests: [[from, id, sig], ...] }`. */
function parseEchoPayload(payload: Json, parties: readonly PartyIndex[]): EchoEntry[] {
  const o = expectObject(payload, 'echo', ['digests']);
  const list = expectArray(o.digests, 'echo.digests', 0, parties.length);
  const out: EchoEntry[] = [];
  list.forEach((row, k) => {
    const r = expectArray(row, `echo.digests[${k}]`, 3, 3);
    const from = partyIndex(r[0], `echo.digests[${k}][0]`);
    if (!parties.includes(from)) throw new FieldRangeError(`echo.digests[${k}][0]`, 'not a party of the session');
    if (k > 0 && from <= out[k - 1]!.from) throw new FieldRangeError('echo.digests', 'senders must be increasing');
    if (typeof r[1] !== 'string' || !/^[0-9a-f]{64}$/.test(r[1])) throw new FieldTypeError(`echo.digests[${k}][1]`, 'expected a 32-byte hex id');
    if (typeof r[2] !== 'string' || !/^([0-9a-f]{2}){0,128}$/.test(r[2])) throw new FieldTypeError(`echo.digests[${k}][2]`, 'expected a hex signature');
    out.push({ from, id: r[1], sig: r[2] });
  });
  return out;
}

/**
 * Creates a session (not started: call {@link Session.start}).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed options.
 * @example
 * const s = createSession(frostSignProtocol, { session, self, parties, auth, deps });
 * const first = await s.start();
 */
export function createSession<S extends Json, O, D>(spec: ProtocolSpec<S, O, D>, opts: SessionOptions<D>): Session<S, O, D> {
  return new Session(spec, opts);
}

function parseSnapshotObject(text: string) {
  const j = parseCanonicalJson(text, 'snapshot');
  const o = expectObject(j, 'snapshot', [
    'format', 'version', 'protocol', 'protocolVersion', 'session', 'self', 'parties', 'round', 'state',
    'broadcasts', 'p2ps', 'echoes', 'echoSent', 'ownBroadcast', 'buffer', 'history', 'evidence', 'lastOutgoing',
  ]);
  if (o.format !== SNAPSHOT_FORMAT) throw new FieldTypeError('snapshot.format', 'not a session snapshot');
  if (o.version !== SNAPSHOT_VERSION) throw new FieldRangeError('snapshot.version', `unsupported version ${String(o.version)}`);
  if (typeof o.round !== 'number' || !Number.isSafeInteger(o.round) || o.round < 1) throw new FieldRangeError('snapshot.round', 'expected a round ≥ 1');
  if (typeof o.echoSent !== 'boolean') throw new FieldTypeError('snapshot.echoSent', 'expected a boolean');
  const envs = (v: Json, f: string) => expectArray(v, f).map((x) => parseEnvelope(x));
  let ownBroadcast: { id: string; sig: string } | null = null;
  if (o.ownBroadcast !== null) {
    const ob = expectObject(o.ownBroadcast, 'snapshot.ownBroadcast', ['id', 'sig']);
    if (typeof ob.id !== 'string' || !/^[0-9a-f]{64}$/.test(ob.id) || typeof ob.sig !== 'string' || !/^([0-9a-f]{2})*$/.test(ob.sig))
      throw new FieldTypeError('snapshot.ownBroadcast', 'expected hex id and signature');
    ownBroadcast = { id: ob.id, sig: ob.sig };
  }
  const history = expectArray(o.history, 'snapshot.history').map((row, k): [string, string] => {
    const r = expectArray(row, `snapshot.history[${k}]`, 2, 2);
    if (typeof r[0] !== 'string' || typeof r[1] !== 'string') throw new FieldTypeError(`snapshot.history[${k}]`, 'expected [key, id]');
    return [r[0], r[1]];
  });
  const evidence = expectArray(o.evidence, 'snapshot.evidence').map((row, k): Evidence => {
    const e = expectObject(row, `snapshot.evidence[${k}]`, ['id', 'round', 'from', 'reason', 'detail']);
    if (typeof e.id !== 'string' || typeof e.round !== 'number' || typeof e.from !== 'number' || typeof e.reason !== 'string' || typeof e.detail !== 'string')
      throw new FieldTypeError(`snapshot.evidence[${k}]`, 'malformed evidence');
    return Object.freeze({ id: e.id, round: e.round, from: e.from, reason: e.reason as EvidenceReason, detail: e.detail });
  });
  return {
    protocol: o.protocol,
    protocolVersion: o.protocolVersion,
    session: parseSessionId(o.session, 'snapshot.session'),
    self: partyIndex(o.self, 'snapshot.self'),
    parties: partyList(o.parties, 'snapshot.parties'),
    round: o.round,
    state: o.state,
    broadcasts: envs(o.broadcasts, 'snapshot.broadcasts'),
    p2ps: envs(o.p2ps, 'snapshot.p2ps'),
    echoes: envs(o.echoes, 'snapshot.echoes'),
    echoSent: o.echoSent,
    ownBroadcast,
    buffer: envs(o.buffer, 'snapshot.buffer'),
    history,
    evidence,
    lastOutgoing: envs(o.lastOutgoing, 'snapshot.lastOutgoing'),
  };
}

/**
 * Restores a session from {@link Session.snapshot} output. The runtime (identity auth, RNG,
 * deps such as the key share and nonce ledger) is supplied again; it is never serialized.
 * @throws {FieldTypeError} @throws {FieldRangeError} if the snapshot is malformed, of another
 *   protocol or version, or its state fails the protocol's strict check.
 */
export function restoreSession<S extends Json, O, D>(spec: ProtocolSpec<S, O, D>, snapshot: string, runtime: SessionRuntime<D>): Session<S, O, D> {
  const o = parseSnapshotObject(snapshot);
  if (o.protocol !== spec.id) throw new FieldRangeError('snapshot.protocol', `snapshot is of ${String(o.protocol)}, not ${spec.id}`);
  if (o.protocolVersion !== spec.version) throw new FieldRangeError('snapshot.protocolVersion', `unsupported protocol version ${String(o.protocolVersion)}`);
  if (!(o.round in spec.rounds)) throw new FieldRangeError('snapshot.round', `no round ${o.round} in ${spec.id}`);
  const s = new Session(spec, { ...runtime, session: o.session, self: o.self, parties: o.parties });
  s.loadSnapshot(o);
  return s;
}

export type { Envelope, Inbox, Received, Transition };
