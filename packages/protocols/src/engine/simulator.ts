/**
 * In-memory simulator: runs every party's {@link Session} through the real rounds, delivering
 * envelopes over a simulated network with fault injection.
 *
 * Each envelope a party sends becomes one delivery per recipient (broadcasts and echoes fan
 * out). Faults see each delivery before it is queued and may drop, delay, duplicate, reorder
 * (random delays) or replace it. Replacing models a corrupt sender: `tamper` and
 * `equivocate` re-sign the altered envelope with the sender's identity key, exactly what a
 * malicious party could do (the network itself is authenticated). A broadcast tampered for
 * every recipient models a *consistent* corrupt sender: its own echo reports the altered
 * message and it does not object to echoes of it, so the altered content reaches the
 * protocol's own checks instead of tripping the echo (`equivocate` is the inconsistent
 * counterpart). Deliveries run in order of
 * simulated time; when nothing is left in flight, every session still waiting is ended with a
 * timeout abort naming the silent parties.
 * @module
 */
import { FieldRangeError } from '@tessera/crypto/errors';
import { randomBelow, systemRng, type RandomSource } from '@tessera/crypto/rng';
import { createEd25519Auth, generateIdentityKey, type IdentityKey, type PartyAuth } from './auth.ts';
import type { Json } from './codec.ts';
import { messageIdBytes, type Envelope, type MessageKind } from './envelope.ts';
import { InternalError, type ProtocolError } from './errors.ts';
import type { PartyIndex } from './ids.ts';
import type { Session, SessionStatus } from './session.ts';

/** One envelope on its way to one recipient. */
export interface Delivery {
  readonly env: Envelope;
  readonly to: PartyIndex;
  /** Extra simulated steps before delivery (0 = next in line). */
  readonly delay: number;
}

/** What a fault can use besides the delivery itself. */
export interface FaultContext {
  /** Deterministic randomness of the run. */
  readonly rng: RandomSource;
  /**
   * Re-signs `env` with a new payload as its sender (models a corrupt sender). With
   * `consistent`, the sender's own echo later reports the altered broadcast, as a sender that
   * really sent it would (otherwise the echo check sees two signed versions: equivocation).
   */
  reseal(env: Envelope, payload: Json, consistent?: boolean): Envelope;
}

/** A fault: maps a delivery to the deliveries that actually happen. */
export type Fault = (d: Delivery, ctx: FaultContext) => readonly Delivery[];

/** Which deliveries a fault applies to (all given fields must match). */
export interface MessageFilter {
  readonly from?: PartyIndex;
  readonly to?: PartyIndex;
  readonly round?: number;
  readonly kind?: MessageKind;
  /** Stop matching after this many matches (default: unlimited). */
  readonly times?: number;
}

function matcher(f: MessageFilter): (d: Delivery) => boolean {
  let left = f.times ?? Infinity;
  return (d) => {
    const ok =
      (f.from === undefined || d.env.from === f.from) &&
      (f.to === undefined || d.to === f.to) &&
      (f.round === undefined || d.env.round === f.round) &&
      (f.kind === undefined || d.env.kind === f.kind);
    if (!ok || left <= 0) return false;
    left--;
    return true;
  };
}

/** Drops matching deliveries. */
export function dropMessages(filter: MessageFilter): Fault {
  const m = matcher(filter);
  return (d) => (m(d) ? [] : [d]);
}

/** Delays matching deliveries by `steps` simulated steps. */
export function delayMessages(filter: MessageFilter, steps: number): Fault {
  if (!Number.isSafeInteger(steps) || steps < 0) throw new FieldRangeError('steps', 'expected a non-negative integer');
  const m = matcher(filter);
  return (d) => (m(d) ? [{ ...d, delay: d.delay + steps }] : [d]);
}

/** Delivers matching messages twice. */
export function duplicateMessages(filter: MessageFilter): Fault {
  const m = matcher(filter);
  return (d) => (m(d) ? [d, { ...d, delay: d.delay + 1 }] : [d]);
}

/** Reorders traffic: each matching delivery gets a random delay below `spread`. */
export function reorderMessages(filter: MessageFilter = {}, spread = 64): Fault {
  const m = matcher(filter);
  return (d, ctx) => (m(d) ? [{ ...d, delay: d.delay + Number(randomBelow(BigInt(spread), ctx.rng)) }] : [d]);
}

/**
 * The sender replaces the payload of matching messages by `mutate(payload)` (and re-signs):
 * every matching recipient gets the same altered message.
 */
export function tamperMessages(filter: MessageFilter, mutate: (payload: Json, env: Envelope) => Json): Fault {
  const m = matcher(filter);
  const cache = new Map<Envelope, Envelope>();
  return (d, ctx) => {
    if (!m(d)) return [d];
    let env = cache.get(d.env);
    if (!env) {
      env = ctx.reseal(d.env, mutate(d.env.payload, d.env), filter.to === undefined);
      cache.set(d.env, env);
    }
    return [{ ...d, env }];
  };
}

/**
 * The sender equivocates: recipients in `victims` get `mutate(payload)` (re-signed), the
 * others the original. Meant for broadcast rounds, where the echo check must catch it.
 */
export function equivocate(filter: MessageFilter, victims: readonly PartyIndex[], mutate: (payload: Json, env: Envelope) => Json): Fault {
  const m = matcher(filter);
  const cache = new Map<Envelope, Envelope>();
  return (d, ctx) => {
    if (!victims.includes(d.to) || !m(d)) return [d];
    let env = cache.get(d.env);
    if (!env) {
      env = ctx.reseal(d.env, mutate(d.env.payload, d.env));
      cache.set(d.env, env);
    }
    return [{ ...d, env }];
  };
}

/** Identity keys and authenticators for a set of simulated parties. */
export interface SimIdentities {
  readonly keys: ReadonlyMap<PartyIndex, IdentityKey>;
  readonly auth: ReadonlyMap<PartyIndex, PartyAuth>;
}

/**
 * Fresh Ed25519 identities for `parties`, each party's {@link PartyAuth} knowing all public keys.
 * @throws {RngHealthError} if the RNG fails.
 */
export function createIdentities(parties: readonly PartyIndex[], rng?: RandomSource): SimIdentities {
  const keys = new Map<PartyIndex, IdentityKey>();
  for (const p of parties) keys.set(p, generateIdentityKey(rng));
  const pubs = new Map([...keys].map(([p, k]) => [p, k.publicKey]));
  const auth = new Map([...keys].map(([p, k]) => [p, createEd25519Auth(k.secretKey, pubs)]));
  return { keys, auth };
}

/** How one party's session ended. */
export interface PartyOutcome<O> {
  readonly party: PartyIndex;
  readonly status: SessionStatus;
  readonly output: O | undefined;
  readonly error: ProtocolError | undefined;
}

/** The result of {@link runSimulation}. */
export interface SimulationResult<O> {
  readonly outcomes: ReadonlyMap<PartyIndex, PartyOutcome<O>>;
  /** Number of deliveries made. */
  readonly deliveries: number;
}

/** Options of {@link runSimulation}. */
export interface SimulationOptions {
  /** Identities the sessions were created with (needed by `tamper`/`equivocate`). */
  readonly identities?: SimIdentities;
  readonly faults?: readonly Fault[];
  /** Randomness for faults; defaults to the system RNG. */
  readonly rng?: RandomSource;
  /** Safety bound on deliveries (default 10 million). */
  readonly maxDeliveries?: number;
  /** Called with each party's first-round envelopes before they are queued (default: start all). */
  readonly started?: ReadonlyMap<PartyIndex, readonly Envelope[]>;
}

interface Queued extends Delivery {
  readonly due: number;
  readonly seq: number;
}

/** How long the delivery loop runs before it yields to the event loop. */
const YIELD_EVERY_MS = 25;

/** Resolves on a macrotask turn (setImmediate in Node, a zero timeout elsewhere). */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * Starts (unless already started) and runs all `sessions` to completion.
 * @throws {FieldRangeError} if two sessions belong to the same party or the delivery bound is hit.
 * @example
 * const ids = createIdentities(parties, rng);
 * const sessions = parties.map((p) => createSession(spec, { session, self: p, parties, auth: ids.auth.get(p)!, deps }));
 * const res = await runSimulation(sessions, { identities: ids, faults: [dropMessages({ from: 2 })] });
 */
export async function runSimulation<O>(sessions: readonly Session<any, O, any>[], opts: SimulationOptions = {}): Promise<SimulationResult<O>> {
  const byParty = new Map<PartyIndex, Session<any, O, any>>();
  for (const s of sessions) {
    if (byParty.has(s.self)) throw new FieldRangeError('sessions', `two sessions for party ${s.self}`);
    byParty.set(s.self, s);
  }
  const rng = opts.rng ?? systemRng();
  const faults = opts.faults ?? [];
  const maxDeliveries = opts.maxDeliveries ?? 10_000_000;
  const identities = opts.identities;
  /** Original broadcast id → the altered broadcast that replaced it everywhere (and back). */
  const substituted = new Map<string, { id: string; sig: string }>();
  const original = new Map<string, { id: string; sig: string }>();
  const reseal = (env: Envelope, payload: Json, consistent = false): Envelope => {
    const auth = identities?.auth.get(env.from);
    if (!auth) throw new InternalError('reseal needs the sender identity (pass options.identities)');
    const unsigned = { ...env, payload };
    const idBytes = messageIdBytes(unsigned);
    const sig = env.kind === 'p2p' ? '' : hexOf(auth.sign(idBytes));
    if (consistent && env.kind === 'broadcast') {
      substituted.set(hexOf(messageIdBytes(env)), { id: hexOf(idBytes), sig });
      original.set(hexOf(idBytes), { id: hexOf(messageIdBytes(env)), sig: env.sig });
    }
    return Object.freeze({ ...unsigned, sig });
  };
  const ctx: FaultContext = { rng, reseal };
  /** A corrupt sender's echo reports its altered broadcast (see `reseal`). */
  const fixEcho = (env: Envelope): Envelope => {
    if (env.kind !== 'echo' || substituted.size === 0) return env;
    const rows = (env.payload as { digests: [number, string, string][] }).digests;
    let changed = false;
    const fixed = rows.map(([p, id, sig]) => {
      const sub = p === env.from ? substituted.get(id) : undefined;
      if (!sub) return [p, id, sig];
      changed = true;
      return [p, sub.id, sub.sig];
    });
    return changed ? reseal(env, { digests: fixed }) : env;
  };
  /** ...and the corrupt sender itself keeps seeing echoes of what it originally produced. */
  const echoFor = (env: Envelope, to: PartyIndex): Envelope => {
    if (env.kind !== 'echo' || original.size === 0) return env;
    const rows = (env.payload as { digests: [number, string, string][] }).digests;
    let changed = false;
    const fixed = rows.map(([p, id, sig]) => {
      const orig = p === to ? original.get(id) : undefined;
      if (!orig) return [p, id, sig];
      changed = true;
      return [p, orig.id, orig.sig];
    });
    return changed ? reseal(env, { digests: fixed }) : env;
  };
  let now = 0;
  let seq = 0;
  const queue = new DeliveryQueue();
  const send = (envs: readonly Envelope[], from: Session<any, O, any>): void => {
    for (const original of envs) {
      const env = fixEcho(original);
      const targets = env.kind === 'p2p' ? [env.to!] : from.parties.filter((p) => p !== env.from);
      for (const to of targets) {
        if (!byParty.has(to)) continue;
        let ds: readonly Delivery[] = [{ env: echoFor(env, to), to, delay: 0 }];
        for (const f of faults) ds = ds.flatMap((d) => f(d, ctx));
        for (const d of ds) queue.push({ ...d, due: now + d.delay, seq: seq++ });
      }
    }
  };
  for (const s of sessions) {
    const pre = opts.started?.get(s.self);
    if (pre) send(pre, s);
    else if (s.status === 'new') send(await s.start(), s);
  }
  let deliveries = 0;
  let lastYield = performance.now();
  for (;;) {
    // Let timers, signal handlers and AbortSignals run during long simulations (a dealer-less
    // Paillier DKG can take minutes): without this the loop only ever runs microtasks.
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    if (queue.size === 0) {
      const waiting = sessions.filter((s) => s.status === 'running');
      if (waiting.length === 0) break;
      for (const s of waiting) s.timeout();
      break;
    }
    const d = queue.pop();
    now = Math.max(now, d.due) + 1;
    if (++deliveries > maxDeliveries) throw new FieldRangeError('maxDeliveries', 'simulation exceeded its delivery bound');
    const target = byParty.get(d.to)!;
    send(await target.receive(d.env), target);
  }
  const outcomes = new Map<PartyIndex, PartyOutcome<O>>();
  for (const s of sessions) outcomes.set(s.self, { party: s.self, status: s.status, output: s.output, error: s.error });
  return { outcomes, deliveries };
}

/** Binary min-heap of deliveries by (due, seq). */
class DeliveryQueue {
  private readonly a: Queued[] = [];
  get size(): number {
    return this.a.length;
  }
  private less(i: number, j: number): boolean {
    const x = this.a[i]!;
    const y = this.a[j]!;
    return x.due < y.due || (x.due === y.due && x.seq < y.seq);
  }
  private swap(i: number, j: number): void {
    const t = this.a[i]!;
    this.a[i] = this.a[j]!;
    this.a[j] = t;
  }
  push(q: Queued): void {
    this.a.push(q);
    let i = this.a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): Queued {
    const top = this.a[0]!;
    const last = this.a.pop()!;
    if (this.a.length > 0) {
      this.a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.a.length && this.less(l, m)) m = l;
        if (r < this.a.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

function hexOf(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}
