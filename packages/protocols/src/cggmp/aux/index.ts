/**
 * CGGMP21 auxiliary information as an engine protocol (`tessera/cggmp/aux`): the aux-info part
 * of the paper's Fig. 6 (eprint 2021/060, revised version) — each party's Paillier–Blum
 * modulus Nᵢ = pᵢ·qᵢ from two safe primes (taken from an injected {@link PrimeSource}),
 * ring-Pedersen parameters (sᵢ, tᵢ) on the same modulus with Π^prm, then Π^mod and one Π^fac
 * per other party, bound to a coin-tossed ρ. Everyone verifies every proof; moduli below 2048
 * bits are refused.
 * Rounds: init → 1 commitments (echo) → 2 decommitments (broadcast) → 3 Π^mod / Π^fac
 * (broadcast) → output {@link AuxInfo}. Start with {@link createCggmpAuxSession}.
 * @module
 */
import { FieldTypeError } from '@tessera/crypto/errors';
import { randomBytes, type RandomSource } from '@tessera/crypto/rng';
import { encodePiPrmProof, provePiPrm } from '@tessera/crypto/zk/piprm';
import { generateRingPedersen } from '@tessera/crypto/zk/ring-pedersen';
import type { PartyAuth } from '../../engine/auth.ts';
import { expectArray, expectHex, expectObject, hex, type Json } from '../../engine/codec.ts';
import { partyIndex, type PartyIndex, type SessionId } from '../../engine/ids.ts';
import type { ProtocolSpec } from '../../engine/protocol.ts';
import { createSession, restoreSession, type Session } from '../../engine/session.ts';
import { checkPrimesYielding, type PrimeSource } from '../prime-source.ts';
import { big, proofBinding, proveWith, unbig, yieldThread, type ZkProver, type ZkVerifier } from '../wire.ts';
import { round1 } from './round1.ts';
import { round2 } from './round2.ts';
import { round3 } from './round3.ts';
import { AUX_PROTOCOL, auxCommitmentOf, auxDecommitJson, readAuxDecommit, type AuxDecommitment, type AuxDeps, type AuxOutput, type AuxState } from './types.ts';

export { AUX_PROTOCOL, auxCommitmentOf, auxDecommitJson, type AuxDecommitment, type AuxDeps, type AuxOutput, type AuxState };

function checkState(j: Json): AuxState {
  const o = expectObject(j, 'state', ['p', 'q', 'decommit', 'commitments', 'decommits', 'rho']);
  unbig(o.p, 'state.p');
  unbig(o.q, 'state.q');
  readAuxDecommit(o.decommit, 'state.decommit');
  expectArray(o.commitments, 'state.commitments').forEach((r, k) => {
    const row = expectArray(r, `state.commitments[${k}]`, 3, 3);
    partyIndex(row[0], `state.commitments[${k}][0]`);
    expectHex(row[1], `state.commitments[${k}][1]`, 32);
    expectHex(row[2], `state.commitments[${k}][2]`, 32);
  });
  expectArray(o.decommits, 'state.decommits').forEach((r, k) => {
    const row = expectArray(r, `state.decommits[${k}]`, 3, 3);
    partyIndex(row[0], `state.decommits[${k}][0]`);
    readAuxDecommit(row[1], `state.decommits[${k}][1]`);
    expectHex(row[2], `state.decommits[${k}][2]`, 32);
  });
  if (o.rho !== null) expectHex(o.rho, 'state.rho', 32);
  return j as AuxState;
}

/**
 * Builds this party's round-1 material from its primes: ring-Pedersen parameters on N = p·q,
 * ψ̂ = Π^prm bound to (session, party), ρᵢ and uᵢ.
 */
export function auxDecommitFor(session: SessionId, self: PartyIndex, p: bigint, q: bigint, rng: RandomSource): AuxDecommitment {
  const { params, secret } = generateRingPedersen(p, q, rng);
  const proof = provePiPrm(proofBinding(session, 'aux/prm', self), params, secret, rng);
  return { aux: params, prm: encodePiPrmProof(params, proof) as unknown as Json, rho: randomBytes(32, rng), u: randomBytes(32, rng) };
}

/**
 * {@link auxDecommitFor} with Π^prm made by `prover` (e.g. on the worker pool; without one, in
 * this thread with `rng`, drawing exactly what {@link auxDecommitFor} draws).
 * @throws what the prover throws.
 */
export async function auxDecommitWith(session: SessionId, self: PartyIndex, p: bigint, q: bigint, rng: RandomSource, prover: ZkProver | undefined): Promise<AuxDecommitment> {
  const { params, secret } = generateRingPedersen(p, q, rng);
  const [proof] = await proveWith(prover, rng, [{ kind: 'piprm', binding: proofBinding(session, 'aux/prm', self), statement: params, witness: secret }] as const);
  return { aux: params, prm: encodePiPrmProof(params, proof) as unknown as Json, rho: randomBytes(32, rng), u: randomBytes(32, rng) };
}

/** The aux-info protocol. */
export const cggmpAuxProtocol: ProtocolSpec<AuxState, AuxOutput, AuxDeps> = {
  id: AUX_PROTOCOL,
  version: 1,
  async init(ctx) {
    if (!ctx.deps.primeSource) throw new FieldTypeError('deps.primeSource', 'a new aux-info session needs a prime source');
    const { p, q } = await checkPrimesYielding(await ctx.deps.primeSource(), yieldThread);
    const d = await auxDecommitWith(ctx.session, ctx.self, p, q, ctx.rng, ctx.deps.prover);
    const state: AuxState = { p: big(p), q: big(q), decommit: auxDecommitJson(d), commitments: [], decommits: [], rho: null };
    return { next: 1, state, outgoing: [{ kind: 'broadcast', payload: { V: hex(auxCommitmentOf(ctx, ctx.self, d)) } }] };
  },
  rounds: { 1: round1, 2: round2, 3: round3 },
  checkState,
};

/** Options of {@link createCggmpAuxSession}. */
export interface CggmpAuxOptions {
  readonly session: SessionId;
  readonly self: PartyIndex;
  /** The committee (the same parties as the key's). */
  readonly parties: readonly PartyIndex[];
  /** This party's safe primes (e.g. `poolPrimeSource(createWorkerPool())`). */
  readonly primeSource: PrimeSource;
  /** Where received proofs are verified (default: this thread). */
  readonly verifier?: ZkVerifier;
  /**
   * Where this party's own proofs are made (default: this thread); `poolProver(pool)` moves
   * them, witnesses included, to the same-process worker pool so the caller's thread stays free.
   */
  readonly prover?: ZkProver;
  readonly auth: PartyAuth;
  readonly rng?: RandomSource;
}

/**
 * A new aux-info session for this party (call `start()`).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed options.
 * @example
 * const s = createCggmpAuxSession({ session, self: 1, parties: [1, 2, 3], primeSource: poolPrimeSource(pool), auth });
 */
export function createCggmpAuxSession(opts: CggmpAuxOptions): Session<AuxState, AuxOutput, AuxDeps> {
  return createSession(cggmpAuxProtocol, {
    session: opts.session,
    self: opts.self,
    parties: opts.parties,
    auth: opts.auth,
    deps: { primeSource: opts.primeSource, ...(opts.verifier ? { verifier: opts.verifier } : {}), ...(opts.prover ? { prover: opts.prover } : {}) },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}

/**
 * Resumes an aux-info session from a snapshot.
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed snapshot.
 */
export function restoreCggmpAuxSession(
  snapshot: string,
  opts: { auth: PartyAuth; rng?: RandomSource; verifier?: ZkVerifier; prover?: ZkProver },
): Session<AuxState, AuxOutput, AuxDeps> {
  return restoreSession(cggmpAuxProtocol, snapshot, {
    auth: opts.auth,
    deps: { ...(opts.verifier ? { verifier: opts.verifier } : {}), ...(opts.prover ? { prover: opts.prover } : {}) },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}
