/**
 * Shared helpers of the cggmp-presign-*blame.test.ts files: a presigning protocol whose round 2
 * is faulty (a party's own code computing a wrong δᵢ or χᵢ), a simulator run of presigning with
 * one such party and a delivery log, a step-by-step driver that replaces the first session by
 * one restored from its snapshot at a given round, and a verifier that records job kinds and runs them on a
 * worker pool.
 */
import type { WorkerPool } from '@tessera/crypto/pool';
import type { ZkVerifyJob } from '@tessera/crypto/zk/dispatch';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import type { PartyAuth } from '../src/engine/auth.ts';
import { canonicalJson, parseCanonicalJson, type Json } from '../src/engine/codec.ts';
import type { Envelope } from '../src/engine/envelope.ts';
import { newSessionId, type PartyIndex } from '../src/engine/ids.ts';
import type { ProtocolSpec, RoundSpec } from '../src/engine/protocol.ts';
import { createSession, type Session } from '../src/engine/session.ts';
import { createIdentities, runSimulation, type Fault, type SimulationResult } from '../src/engine/simulator.ts';
import { Fn, pointJson, readPoint, readScalar, scalarJson } from '../src/cggmp/curve.ts';
import type { CggmpKeyShare } from '../src/cggmp/keyshare.ts';
import { cggmpPresignProtocol, createCggmpPresignSession, restoreCggmpPresignSession, type PresignDeps, type PresignOutput, type PresignState } from '../src/cggmp/presign/index.ts';
import { poolVerifier, type ZkVerifier } from '../src/cggmp/wire.ts';

/** A JSON object. */
export type Obj = Record<string, Json>;
/** The presigning protocol's spec type. */
export type Spec = ProtocolSpec<PresignState, PresignOutput, PresignDeps>;

/**
 * The real presigning protocol with a faulty round 2: it computes everything as usual, then
 * adds one to its δᵢ (or to its χᵢ, with Ŝᵢ = χᵢ·Γ recomputed), in its state and in its round-3
 * broadcast alike (a bug in the party's own code, consistent with everything it later says).
 */
export function faultySpec(wrong: 'delta' | 'chi'): Spec {
  const real = cggmpPresignProtocol.rounds[2]!;
  const faulty: RoundSpec<PresignState, PresignOutput, PresignDeps> = {
    ...real,
    async finalize(state, inbox, ctx) {
      const t = await real.finalize(state, inbox, ctx);
      if (!('next' in t)) return t;
      const value = scalarJson(Fn.add(readScalar(t.state[wrong], wrong, true), 1n));
      const extra: Obj = wrong === 'delta' ? { delta: value } : { S: pointJson(readPoint(t.state.Gamma, 'Gamma').multiply(readScalar(value, 'chi'))) };
      return {
        ...t,
        state: { ...t.state, [wrong]: value },
        outgoing: t.outgoing.map((o) => (o.kind === 'broadcast' ? { ...o, payload: { ...(o.payload as Obj), ...extra } } : o)),
      };
    },
  };
  return { ...cggmpPresignProtocol, rounds: { ...cggmpPresignProtocol.rounds, 2: faulty } };
}

/** Options of {@link presign}. */
export interface RunOptions {
  readonly seed: string;
  readonly faulty?: PartyIndex;
  /** What the faulty party gets wrong (default δ). */
  readonly wrong?: 'delta' | 'chi';
  readonly faults?: Fault[];
  readonly verifier?: ZkVerifier;
}

/** Presigning among `shares`, `faulty` (if any) running {@link faultySpec}; records each delivery's round. */
export async function presign(shares: readonly CggmpKeyShare[], opts: RunOptions): Promise<{ res: SimulationResult<PresignOutput>; rounds: number[] }> {
  const rng = createSeededRng(opts.seed);
  const signers = shares.map((s) => s.core.index).sort((a, b) => a - b) as PartyIndex[];
  const ids = createIdentities(shares[0]!.core.parties, rng);
  const session = newSessionId(rng);
  const sessions = shares.map((s) => {
    const self = s.core.index;
    const deps: PresignDeps = { keyShare: s, request: { signers }, ...(opts.verifier ? { verifier: opts.verifier } : {}) };
    return self === opts.faulty
      ? createSession(faultySpec(opts.wrong ?? 'delta'), { session, self, parties: signers, auth: ids.auth.get(self)!, deps, rng })
      : createCggmpPresignSession({ session, keyShare: s, request: { signers }, auth: ids.auth.get(self)!, rng, ...(opts.verifier ? { verifier: opts.verifier } : {}) });
  });
  const rounds: number[] = [];
  const record: Fault = (d) => {
    rounds.push(d.env.round);
    return [d];
  };
  const res = await runSimulation(sessions, { identities: ids, rng, faults: [...(opts.faults ?? []), record] });
  return { res, rounds };
}

/** A verifier that records the kinds of the jobs it is given and runs them on the pool. */
export function countingPoolVerifier(pool: Pick<WorkerPool, 'verifyZkJobs'>, kinds: string[]): ZkVerifier {
  const inner = poolVerifier(pool);
  return (jobs: readonly ZkVerifyJob[]) => {
    kinds.push(...jobs.map((j) => j.kind));
    return inner(jobs);
  };
}

/** Flips the sign of a signed-hex response of an encoded proof. */
export function negate(v: string): string {
  return v.startsWith('-') ? v.slice(1) : '-' + v;
}

type PresignSession = Session<PresignState, PresignOutput, PresignDeps>;

/**
 * Delivers every envelope in order (FIFO) among `sessions`; when the first session is running
 * in round `at`, replaces it by a session restored from its snapshot, after `edit` (e.g. to
 * drop state fields as an older format would) has changed the snapshot's state.
 * @returns the sessions at the end (the first one restored) and whether the restore happened.
 */
export async function driveWithRestore(
  sessions: readonly PresignSession[],
  restore: { at: number; keyShare: CggmpKeyShare; auth: PartyAuth; edit?: (state: Obj) => Obj },
): Promise<{ live: PresignSession[]; restored: boolean }> {
  const queue: Envelope[] = [];
  for (const s of sessions) queue.push(...(await s.start()));
  let live = [...sessions];
  let restored = false;
  while (queue.length > 0) {
    const env = queue.shift()!;
    for (const s of live) {
      if (s.self === env.from || (env.to !== null && env.to !== s.self)) continue;
      queue.push(...(await s.receive(env)));
    }
    const first = live[0]!;
    if (!restored && first.status === 'running' && first.round === restore.at) {
      const snap = parseCanonicalJson(first.snapshot(), 'snapshot') as Obj;
      const state: Json = restore.edit ? restore.edit({ ...(snap.state as Obj) }) : (snap.state as Obj);
      live = [restoreCggmpPresignSession(canonicalJson({ ...snap, state }), { keyShare: restore.keyShare, auth: restore.auth }), ...live.slice(1)];
      restored = true;
    }
  }
  return { live, restored };
}

/** Drops the state fields older snapshots do not have. */
export function asOlderState(state: Obj): Obj {
  const out = { ...state };
  for (const f of ['sent', 'GammaSelf', 'mta']) delete out[f];
  return out;
}
