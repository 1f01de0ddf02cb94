/**
 * The runner: drives one party's protocol session from `@tessera/protocols` over a
 * {@link Transport}, durably.
 *
 * - Outgoing engine envelopes are sealed (envelope.ts: signed, p2p payloads encrypted, one
 *   sequence number each) into an outbox. The record — session snapshot, outbox, next
 *   sequence number, replay-guard state — is saved through the {@link RunnerStore} before
 *   anything is sent, and again after every accepted envelope before it is acknowledged.
 *   So a party that stops at any point resumes from its last record: it resends what may
 *   not have been handed off (duplicates are dropped by the receivers) and never sends two
 *   different messages for one round (which the echo check would call equivocation).
 * - Incoming texts are opened by the codec (rejections are typed and counted, never passed
 *   to the session), then the inner engine envelope must agree with the authenticated
 *   header (session, protocol, round, sender, recipient) before the session sees it.
 * - Outbox entries are retried with backoff until the transport hands them off.
 * - A session with no accepted message for `timeoutMs` ends with the engine's timeout
 *   abort, a `ProtocolAbort` whose culprits are the parties it still waits for.
 * @module
 */
import { AbortError } from '@tessera/crypto/errors';
import type { RandomSource } from '@tessera/crypto/rng';
import { canonicalJson, expectArray, expectObject, parseCanonicalJson, type Json } from '@tessera/protocols/engine/codec';
import { parseEnvelope, type Envelope } from '@tessera/protocols/engine/envelope';
import { InternalError, ProtocolAbort, type Evidence, type ProtocolError } from '@tessera/protocols/engine/errors';
import { parseSessionId, partyIndex, type PartyIndex, type SessionId } from '@tessera/protocols/engine/ids';
import type { Session } from '@tessera/protocols/engine/session';
import { createEnvelopeCodec, type EnvelopeCodec } from './envelope.ts';
import { TransportError, asTransportError, type TransportErrorReason } from './errors.ts';
import type { IdentityKey } from './identity.ts';
import { createReplayGuard } from './replay.ts';
import { createMemoryRunnerStore, type RunnerStore } from './runner-store.ts';
import type { Transport } from './transport.ts';

/** Record format tag. */
export const RUNNER_RECORD_FORMAT = 'tessera/runner-record';

/** Any engine session. */
export type AnySession<O> = Session<any, O, any>;

/** How the runner makes or restores the session (protocol-specific). */
export interface SessionFactory<O> {
  /** A new, unstarted session. */
  create(): AnySession<O>;
  /** The session of a snapshot (e.g. `restoreFrostDkgSession(snapshot, { auth })`). */
  restore(snapshot: string): AnySession<O>;
}

/** Serializes outputs so a finished session's result survives a restart. */
export interface OutputCodec<O> {
  encode(output: O): string;
  decode(text: string): O;
}

/** Progress reports. */
export type RunnerEvent =
  | { readonly type: 'started' | 'resumed'; readonly round: number }
  | { readonly type: 'round'; readonly round: number }
  | { readonly type: 'rejected'; readonly reason: TransportErrorReason; readonly field: string | undefined }
  | { readonly type: 'send-failed'; readonly reason: TransportErrorReason }
  | { readonly type: 'finished'; readonly status: 'done' | 'aborted' };

/** Options of {@link runProtocol}. */
export interface RunOptions<O> {
  readonly session: SessionId;
  readonly self: PartyIndex;
  readonly transport: Transport;
  /** This party's identity (signs and decrypts envelopes). */
  readonly identity: IdentityKey;
  /** Identity public keys of every party, by index (e.g. from the invitation). */
  readonly directory: ReadonlyMap<PartyIndex, Uint8Array>;
  readonly factory: SessionFactory<O>;
  /** Where records live (default: memory, i.e. no resumption across processes). */
  readonly store?: RunnerStore;
  /** Record key (default `tessera/runner/<session>/<self>`). */
  readonly key?: string;
  /** Silence (no accepted envelope) after which the session times out (default 120 s). */
  readonly timeoutMs?: number;
  /** Keeps the output in the record once done. Security: outputs may be secret (key shares). */
  readonly output?: OutputCodec<O>;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: RunnerEvent) => void;
  readonly maxEnvelopeBytes?: number;
  readonly rng?: RandomSource;
  /** Clock (default `Date.now`). */
  readonly now?: () => number;
}

/** What a successful run returns. */
export interface RunResult<O> {
  readonly output: O;
  /** True if the run continued from a saved record. */
  readonly resumed: boolean;
  /** Rejected inputs by reason. */
  readonly rejections: Readonly<Partial<Record<TransportErrorReason, number>>>;
  /** The session's evidence (duplicates, rejections it recorded). */
  readonly evidence: readonly Evidence[];
}

interface OutboxEntry {
  readonly seq: number;
  readonly to: PartyIndex | null;
  readonly text: string;
}

interface RunnerRecord {
  status: 'running' | 'done' | 'aborted';
  snapshot: string | null;
  output: string | null;
  error: string | null;
  nextSeq: number;
  outbox: OutboxEntry[];
  replay: Json;
}

function envelopeJson(env: Envelope): Json {
  return { v: env.v, session: env.session, protocol: env.protocol, round: env.round, kind: env.kind, from: env.from, to: env.to, payload: env.payload, sig: env.sig };
}

function parseRecord(text: string, session: SessionId, self: PartyIndex): RunnerRecord {
  const o = expectObject(parseCanonicalJson(text, 'record'), 'record', ['format', 'version', 'session', 'self', 'status', 'snapshot', 'output', 'error', 'nextSeq', 'outbox', 'replay']);
  if (o.format !== RUNNER_RECORD_FORMAT || o.version !== 1) throw new InternalError('not a runner record of a supported version');
  if (parseSessionId(o.session, 'record.session') !== session || partyIndex(o.self, 'record.self') !== self) throw new InternalError('runner record of another session or party');
  if (o.status !== 'running' && o.status !== 'done' && o.status !== 'aborted') throw new InternalError('runner record: bad status');
  const str = (v: Json, f: string): string | null => {
    if (v !== null && typeof v !== 'string') throw new InternalError(`runner record: bad ${f}`);
    return v;
  };
  if (typeof o.nextSeq !== 'number' || !Number.isSafeInteger(o.nextSeq) || o.nextSeq < 1) throw new InternalError('runner record: bad nextSeq');
  const outbox = expectArray(o.outbox, 'record.outbox').map((x, k) => {
    const e = expectObject(x, `record.outbox[${k}]`, ['seq', 'to', 'text']);
    if (typeof e.seq !== 'number' || typeof e.text !== 'string') throw new InternalError('runner record: bad outbox entry');
    return { seq: e.seq, to: e.to === null ? null : partyIndex(e.to, `record.outbox[${k}].to`), text: e.text };
  });
  return { status: o.status, snapshot: str(o.snapshot, 'snapshot'), output: str(o.output, 'output'), error: str(o.error, 'error'), nextSeq: o.nextSeq, outbox, replay: o.replay };
}

/**
 * Runs (or resumes) one party's session to the end.
 * @returns the output, once the session is done and its last messages are handed off.
 * @throws {ProtocolAbort} if the session aborted (culprits named; `timeout` names the silent parties).
 * @throws {InternalError} on a corrupt record or a local failure.
 * @throws {TransportError} if the final messages could not be handed off before the timeout.
 * @throws {AbortError} if `signal` fired (the record is kept: run again to resume).
 */
export async function runProtocol<O>(opts: RunOptions<O>): Promise<RunResult<O>> {
  const sessionId = parseSessionId(opts.session);
  const self = partyIndex(opts.self, 'self');
  const store = opts.store ?? createMemoryRunnerStore();
  const key = opts.key ?? `tessera/runner/${sessionId}/${self}`;
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const emit = (e: RunnerEvent): void => opts.onEvent?.(e);
  if (opts.signal?.aborted) throw new AbortError();

  const saved = await store.load(key);
  let rec: RunnerRecord | undefined;
  try {
    rec = saved === undefined ? undefined : parseRecord(saved, sessionId, self);
  } catch (e) {
    throw e instanceof InternalError ? e : new InternalError(`corrupt runner record: ${(e as Error).message}`, { cause: e });
  }
  if (rec?.status === 'aborted') throw new InternalError(`session ended earlier: ${rec.error ?? 'aborted'}`);
  if (rec?.status === 'done' && (rec.output === null || !opts.output)) throw new InternalError('session finished earlier and its output was not kept');

  let session: AnySession<O> | undefined;
  if (rec?.status === 'running') {
    if (rec.snapshot === null) throw new InternalError('runner record without snapshot');
    session = opts.factory.restore(rec.snapshot);
  } else if (!rec) {
    session = opts.factory.create();
  }
  if (session && (session.session !== sessionId || session.self !== self)) throw new InternalError('the factory made a session of another id or party');
  const protocol = session?.spec.id;
  const codec: EnvelopeCodec = createEnvelopeCodec({
    session: sessionId,
    ...(protocol ? { protocol } : {}),
    self,
    identity: opts.identity,
    directory: opts.directory,
    replay: createReplayGuard(rec ? { state: rec.replay } : {}),
    ...(opts.maxEnvelopeBytes ? { maxBytes: opts.maxEnvelopeBytes } : {}),
    ...(opts.rng ? { rng: opts.rng } : {}),
    now,
  });
  let nextSeq = rec?.nextSeq ?? 1;
  const outbox: OutboxEntry[] = rec ? [...rec.outbox] : [];
  const resumed = rec !== undefined;
  let status: RunnerRecord['status'] = rec?.status ?? 'running';
  let output: O | undefined = rec?.status === 'done' ? opts.output!.decode(rec.output!) : undefined;
  let failure: ProtocolError | undefined;
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();
  let lastProgress = now();
  let round = session?.round ?? 0;
  const inFlight = new Set<number>();
  let retryDelay = 200;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let settle!: { resolve: () => void; reject: (e: unknown) => void };
  const finished = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // it can settle before it is awaited (e.g. an abort while the transport starts, which then
  // fails too and is what the caller sees): never an unhandled rejection
  finished.catch(() => undefined);

  /** Runs state changes one at a time. */
  const serial = (task: () => Promise<void>): Promise<void> => {
    const p = chain.then(task);
    chain = p.catch(() => undefined);
    return p;
  };

  async function persist(): Promise<void> {
    const r: Json = {
      format: RUNNER_RECORD_FORMAT,
      version: 1,
      session: sessionId,
      self,
      status,
      snapshot: status === 'running' && session ? session.snapshot() : null,
      output: status === 'done' && opts.output && output !== undefined ? opts.output.encode(output) : null,
      error: failure ? failure.message : null,
      nextSeq,
      outbox: outbox.map((e) => ({ seq: e.seq, to: e.to, text: e.text })),
      replay: codec.replay.export(),
    };
    await store.save(key, canonicalJson(r));
  }

  async function enqueue(envs: readonly Envelope[]): Promise<void> {
    for (const env of envs) {
      const to = env.kind === 'p2p' ? env.to : null;
      const seq = nextSeq++;
      const text = await codec.seal({ protocol: env.protocol, round: env.round, seq, to, payload: envelopeJson(env), sentAt: now() });
      outbox.push({ seq, to, text });
    }
  }

  /** Records the session's round and status after a step (emits round and finish events). */
  function observe(): void {
    if (!session) return;
    if (session.round !== round && session.status === 'running') {
      round = session.round;
      emit({ type: 'round', round });
    }
    if (status === 'running' && session.status === 'done') {
      status = 'done';
      output = session.output;
      emit({ type: 'finished', status: 'done' });
    } else if (status === 'running' && session.status === 'aborted') {
      status = 'aborted';
      failure = session.error;
      emit({ type: 'finished', status: 'aborted' });
    }
  }

  function stop(): void {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    if (watchdog) clearTimeout(watchdog);
    opts.signal?.removeEventListener('abort', onAbort);
  }

  function checkEnd(): void {
    if (stopped) return;
    if (status === 'aborted') {
      stop();
      settle.reject(failure ?? new InternalError('session aborted'));
    } else if (status === 'done' && outbox.length === 0) {
      stop();
      settle.resolve();
    }
  }

  function flush(): void {
    if (stopped) return;
    for (const e of outbox) {
      if (inFlight.has(e.seq)) continue;
      inFlight.add(e.seq);
      opts.transport.send(e.to, e.text).then(
        () => {
          inFlight.delete(e.seq);
          const k = outbox.findIndex((x) => x.seq === e.seq);
          if (k >= 0) outbox.splice(k, 1);
          retryDelay = 200;
          void serial(async () => {
            if (stopped) return;
            await persist();
            checkEnd();
          }).catch(fatal);
        },
        (err: unknown) => {
          inFlight.delete(e.seq);
          emit({ type: 'send-failed', reason: asTransportError(err, 'unreachable').reason });
          if (stopped || retryTimer) return;
          retryTimer = setTimeout(() => {
            retryTimer = undefined;
            flush();
          }, retryDelay);
          retryDelay = Math.min(retryDelay * 2, 5000);
        },
      );
    }
  }

  function fatal(e: unknown): void {
    if (stopped) return;
    stop();
    settle.reject(e instanceof InternalError || e instanceof ProtocolAbort || e instanceof TransportError ? e : new InternalError(`runner failed: ${String(e)}`, { cause: e }));
  }

  function onAbort(): void {
    if (stopped) return;
    stop();
    settle.reject(new AbortError('runner stopped', { cause: opts.signal?.reason }));
  }

  function armWatchdog(): void {
    if (stopped) return;
    const left = lastProgress + timeoutMs - now();
    watchdog = setTimeout(() => {
      watchdog = undefined;
      if (stopped) return;
      if (now() - lastProgress < timeoutMs) return armWatchdog();
      void serial(async () => {
        if (stopped) return;
        if (status === 'running' && session?.status === 'running') {
          session.timeout();
          observe();
          await persist();
          checkEnd();
        } else if (status === 'done') {
          stop();
          settle.reject(new TransportError('timeout', `could not hand off ${outbox.length} final message(s)`));
        }
      }).catch(fatal);
    }, Math.max(1, left));
  }

  /** Transport handler: open, check, deliver, persist — then the transport may acknowledge. */
  async function handle(text: string): Promise<void> {
    if (stopped && status === 'running') throw new TransportError('closed', 'runner stopped');
    await serial(async () => {
      if (stopped && status === 'running') throw new TransportError('closed', 'runner stopped');
      if (!session || status !== 'running') return;
      let inner: Envelope;
      try {
        const opened = await codec.open(text); // counts its own rejections
        try {
          inner = parseEnvelope(opened.payload);
          if (inner.session !== opened.session || inner.protocol !== opened.protocol || inner.round !== opened.round || inner.from !== opened.from)
            throw new TransportError('misrouted', 'inner envelope disagrees with its authenticated header', 'envelope.payload');
          if (inner.kind === 'p2p' ? inner.to !== opened.to : opened.to !== null)
            throw new TransportError('misrouted', 'inner recipient disagrees with the authenticated header', 'envelope.to');
        } catch (e) {
          const err = asTransportError(e);
          codec.rejections.count(err.reason);
          throw err;
        }
      } catch (e) {
        const err = asTransportError(e);
        emit({ type: 'rejected', reason: err.reason, field: err.field });
        return; // dropped without touching the session; acknowledged so it is not redelivered
      }
      lastProgress = now();
      const out = await session.receive(inner);
      await enqueue(out);
      observe();
      await persist();
      flush();
      checkEnd();
    });
  }

  if (opts.signal) opts.signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (session && !resumed) {
      const out = await session.start();
      await enqueue(out);
      observe();
      await persist();
      emit({ type: 'started', round: session.round });
    } else if (session) {
      emit({ type: 'resumed', round: session.round });
    }
    round = session?.round ?? round;
    if (status === 'running') await opts.transport.start(handle);
  } catch (e) {
    stop();
    throw e;
  }
  flush();
  armWatchdog();
  checkEnd();
  await finished;
  return { output: output as O, resumed, rejections: codec.rejections.snapshot(), evidence: session?.evidence ?? [] };
}
