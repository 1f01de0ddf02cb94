/**
 * Main-thread budget of CGGMP21: the longest time the calling thread is blocked (the longest
 * synchronous slice between two event-loop turns) during a 2-party aux-info and a 2-of-2
 * presigning + signing, per party, with this party's proofs made in the calling thread
 * (`inlineProver`) or on the worker pool (`poolProver`). Received proofs are verified on the
 * pool in both cases (`poolVerifier`), as the wallet does.
 *
 * Method: both parties run in this thread through the simulator; every `start()`/`receive()`
 * of a session first yields a macrotask (so one party's step never runs in the same turn as
 * another's), and a `setTimeout(0)` chain measures how late each of its ticks fires: that lag
 * is the length of the blocking slice before it, charged to the party whose step ran last —
 * what a browser's long-task observer reports. Used by `budget.node.ts` (figures in
 * docs/protocols-cggmp.md); not a test (no timings are asserted anywhere).
 * @module
 */
import type { WorkerPool } from '@tessera/crypto/pool';
import type { RandomSource } from '@tessera/crypto/rng';
import { newSessionId, partyRange, type PartyIndex } from '../engine/ids.ts';
import { createIdentities, runSimulation, type SimulationResult } from '../engine/simulator.ts';
import type { Session } from '../engine/session.ts';
import { createMemoryNonceLedger } from '../frost/nonce-ledger.ts';
import { createCggmpAuxSession } from './aux/index.ts';
import { createCggmpKeygenSession, type KeygenOutput } from './keygen/index.ts';
import { validateKeyShare, type CggmpKeyShare } from './keyshare.ts';
import { createCggmpPresignSession } from './presign/index.ts';
import { fixedPrimeSource, type PaillierPrimes } from './prime-source.ts';
import { createCggmpSignSession } from './sign/index.ts';
import { poolProver, poolVerifier, type ZkProver } from './wire.ts';

/** One row: the longest blocking slice of one party in one phase. */
export interface BudgetRow {
  readonly phase: 'aux-info' | 'presign+sign';
  readonly prover: 'inline' | 'pool';
  readonly party: number;
  /** Longest blocking slice, milliseconds. */
  readonly maxBlockMs: number;
  /** Slices longer than 50 ms (a browser's "long task"). */
  readonly longTasks: number;
  /** The step the longest slice belongs to: the session's `round` when the step began (0: start). */
  readonly atRound: number;
}

/** Options of {@link measureCggmpMainThread}. */
export interface BudgetOptions {
  /** Two pairs of 1024-bit safe primes (e.g. the Taurus fixture). */
  readonly primes: readonly PaillierPrimes[];
  /** A pool that can prove and verify (e.g. `createWorkerPool({ size: 2 })`), not terminated here. */
  readonly pool: Pick<WorkerPool, 'verifyZkJobs' | 'proveZkJobs'>;
  readonly rng: RandomSource;
}

/** Measures event-loop lag with a `setTimeout(0)` chain, charging each late tick to the active party. */
class LagMonitor {
  active = 0;
  round = 0;
  private readonly max = new Map<number, number>();
  private readonly at = new Map<number, number>();
  private readonly long = new Map<number, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = 0;

  start(): void {
    this.last = performance.now();
    const tick = (): void => {
      const now = performance.now();
      const lag = now - this.last;
      this.last = now;
      if (lag > (this.max.get(this.active) ?? -1)) {
        this.max.set(this.active, lag);
        this.at.set(this.active, this.round);
      }
      if (lag > 50) this.long.set(this.active, (this.long.get(this.active) ?? 0) + 1);
      this.timer = setTimeout(tick, 0);
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): Map<number, { max: number; long: number; at: number }> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const out = new Map<number, { max: number; long: number; at: number }>();
    for (const [p, m] of this.max) if (p !== 0) out.set(p, { max: m, long: this.long.get(p) ?? 0, at: this.at.get(p) ?? 0 });
    this.max.clear();
    this.long.clear();
    this.at.clear();
    return out;
  }
}

const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Makes every step of `s` start in its own event-loop turn and marks its party active. */
function instrument<S extends Session<any, any, any>>(s: S, monitor: LagMonitor): S {
  const start = s.start.bind(s);
  const receive = s.receive.bind(s);
  s.start = async () => {
    await macrotask();
    monitor.active = s.self;
    monitor.round = 0;
    return start();
  };
  s.receive = async (env: Parameters<S['receive']>[0]) => {
    await macrotask();
    monitor.active = s.self;
    monitor.round = s.round;
    return receive(env);
  };
  return s;
}

function outputs<O>(res: SimulationResult<O>, what: string): O[] {
  return [...res.outcomes.values()].map((o) => {
    if (o.status !== 'done') throw new Error(`${what} failed for party ${o.party}: ${String(o.error)}`);
    return o.output!;
  });
}

/**
 * Runs aux-info (2 parties) and presigning + signing (2-of-2) twice — proofs in this thread,
 * then on the pool — and returns each party's longest blocking slice per phase.
 * @throws {Error} if a protocol run fails.
 */
export async function measureCggmpMainThread(opts: BudgetOptions): Promise<BudgetRow[]> {
  const { pool, rng } = opts;
  const parties = partyRange(2);
  const ids = createIdentities(parties, rng);
  const verifier = poolVerifier(pool);
  const keygenSession = newSessionId(rng);
  const cores = outputs<KeygenOutput>(
    await runSimulation(
      parties.map((p) => createCggmpKeygenSession({ session: keygenSession, self: p, parties, config: { threshold: 2 }, auth: ids.auth.get(p)!, rng })),
      { identities: ids, rng },
    ),
    'key generation',
  ).map((o) => o.share);
  const rows: BudgetRow[] = [];
  const monitor = new LagMonitor();
  for (const [label, prover] of [
    ['inline', undefined],
    ['pool', poolProver(pool)],
  ] as const satisfies readonly (readonly ['inline' | 'pool', ZkProver | undefined])[]) {
    const extra = prover ? { prover } : {};
    // aux-info
    const auxSession = newSessionId(rng);
    monitor.start();
    const auxRes = await runSimulation(
      parties.map((p, k) =>
        instrument(
          createCggmpAuxSession({ session: auxSession, self: p, parties, primeSource: fixedPrimeSource([opts.primes[k]!]), auth: ids.auth.get(p)!, rng, verifier, ...extra }),
          monitor,
        ),
      ),
      { identities: ids, rng },
    );
    for (const [party, m] of monitor.stop()) rows.push({ phase: 'aux-info', prover: label, party, maxBlockMs: m.max, longTasks: m.long, atRound: m.at });
    const auxes = outputs(auxRes, 'aux-info').map((o) => o.aux);
    const shares: CggmpKeyShare[] = cores.map((c, k) => validateKeyShare(c, auxes[k]!));
    // presigning + signing
    const presignSession = newSessionId(rng);
    const signSession = newSessionId(rng);
    monitor.start();
    const pre = outputs(
      await runSimulation(
        shares.map((s) =>
          instrument(createCggmpPresignSession({ session: presignSession, keyShare: s, request: { signers: parties }, auth: ids.auth.get(s.core.index)!, rng, verifier, ...extra }), monitor),
        ),
        { identities: ids, rng },
      ),
      'presigning',
    );
    const digest = new Uint8Array(32).fill(0x5a);
    outputs(
      await runSimulation(
        shares.map((s, k) =>
          instrument(
            createCggmpSignSession({
              session: signSession,
              keyShare: s,
              presignature: pre[k]!.presignature,
              ledger: createMemoryNonceLedger(),
              request: { digest },
              auth: ids.auth.get(s.core.index as PartyIndex)!,
              rng,
            }),
            monitor,
          ),
        ),
        { identities: ids, rng },
      ),
      'signing',
    );
    for (const [party, m] of monitor.stop()) rows.push({ phase: 'presign+sign', prover: label, party, maxBlockMs: m.max, longTasks: m.long, atRound: m.at });
  }
  return rows;
}
