/**
 * CGGMP21 presigning as an engine protocol (`tessera/cggmp/presign`): the three-round
 * presigning of eprint 2021/060 (revised version, Fig. 7) for a signing set S of at least t
 * parties, with Lagrange-weighted shares wᵢ = λᵢ·xᵢ. Rounds: init (Kᵢ, Gᵢ broadcast with echo;
 * Π^enc to each signer) → 1 (MtA: Dⱼ,ᵢ, Fⱼ,ᵢ, D̂ⱼ,ᵢ, F̂ⱼ,ᵢ with Π^aff-g, Π^aff-g, Π^log*; Γᵢ
 * broadcast) → 2 (δᵢ, Δᵢ, Ŝᵢ broadcast with echo; Π^log* of Δᵢ) → 3 output {@link Presignature},
 * or, only when δ·G ≠ Σ Δⱼ, → 4: the blame round of Fig. 7 (blame.ts), which names the culprit;
 * only when Σ Ŝⱼ ≠ δ·X, → 5: the χ blame round (Fig. 8's identification, run at presigning).
 * Every failing proof names its sender; malformed messages and equivocation are caught by the
 * engine. Start with {@link createCggmpPresignSession}.
 * @module
 */
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { randomBelow, randomZnStar, type RandomSource } from '@tessera/crypto/rng';
import { encodePiEncProof } from '@tessera/crypto/zk/pienc';
import type { ZkProveJob } from '@tessera/crypto/zk/prove-dispatch';
import type { PartyAuth } from '../../engine/auth.ts';
import { expectArray, expectHex, expectObject, type Json } from '../../engine/codec.ts';
import { partyIndex, partyList, type SessionId } from '../../engine/ids.ts';
import type { Outgoing, ProtocolSpec } from '../../engine/protocol.ts';
import { createSession, restoreSession, type Session } from '../../engine/session.ts';
import { CURVE_ORDER } from '../curve.ts';
import type { CggmpKeyShare } from '../keyshare.ts';
import { big, modHex, proofBinding, proveWith, unbig, type ZkProver, type ZkVerifier } from '../wire.ts';
import { CHI_BLAME_ROUND, DELTA_BLAME_ROUND, chiBlameRound, deltaBlameRound } from './blame.ts';
import { round1 } from './round1.ts';
import { round2 } from './round2.ts';
import { round3 } from './round3.ts';
import { PRESIGN_PROTOCOL, encryptSigned, signerContext, type PresignDeps, type PresignOutput, type PresignRequest, type PresignState } from './types.ts';

export { PRESIGN_PROTOCOL, type PresignDeps, type PresignOutput, type PresignRequest, type PresignState };
export { CHI_BLAME_ROUND, DELTA_BLAME_ROUND, chiBlameScalars, recoverNonce, type ChiBlameMessage, type DeltaBlameMessage } from './blame.ts';
export { encodePresignature, parsePresignature, validatePresignature, type Presignature } from './presignature.ts';

function checkState(j: Json, round: number): PresignState {
  const o = expectObject(
    j,
    'state',
    ['signers', 'k', 'gamma', 'rho', 'nu', 'K', 'G', 'received', 'betas', 'Gamma', 'delta', 'chi'],
    // optional: absent from snapshots made before the δ blame round existed
    ['sent', 'GammaSelf', 'mta', 'deltas', 'shares', 'selfFault'],
  );
  partyList(o.signers, 'state.signers', 2);
  for (const f of ['k', 'gamma', 'rho', 'nu', 'K', 'G'] as const) unbig(o[f], `state.${f}`);
  expectArray(o.received, 'state.received').forEach((r, k) => {
    const row = expectArray(r, `state.received[${k}]`, 4, 4);
    partyIndex(row[0], `state.received[${k}][0]`);
    unbig(row[1], `state.received[${k}][1]`);
    unbig(row[2], `state.received[${k}][2]`);
    expectHex(row[3], `state.received[${k}][3]`, 32);
  });
  expectArray(o.betas, 'state.betas').forEach((r, k) => {
    const row = expectArray(r, `state.betas[${k}]`, 3, 3);
    partyIndex(row[0], `state.betas[${k}][0]`);
    unbig(row[1], `state.betas[${k}][1]`, true);
    unbig(row[2], `state.betas[${k}][2]`, true);
  });
  if (o.Gamma !== null) expectHex(o.Gamma, 'state.Gamma', 33);
  for (const f of ['delta', 'chi'] as const) if (o[f] !== null) expectHex(o[f], `state.${f}`, 32);
  if (o.sent !== undefined)
    expectArray(o.sent, 'state.sent').forEach((r, k) => {
      const row = expectArray(r, `state.sent[${k}]`, 3, 3);
      partyIndex(row[0], `state.sent[${k}][0]`);
      expectHex(row[1], `state.sent[${k}][1]`);
      expectHex(row[2], `state.sent[${k}][2]`);
    });
  if (o.GammaSelf !== undefined) expectHex(o.GammaSelf, 'state.GammaSelf', 33);
  if (o.mta !== undefined)
    expectArray(o.mta, 'state.mta').forEach((r, k) => {
      const row = expectObject(r, `state.mta[${k}]`, ['j', 'Gamma', 'D', 'F', 'psi', 'Dhat', 'Fhat', 'psiHat']);
      partyIndex(row.j, `state.mta[${k}].j`);
      expectHex(row.Gamma, `state.mta[${k}].Gamma`, 33);
      for (const f of ['D', 'F', 'Dhat', 'Fhat'] as const) expectHex(row[f], `state.mta[${k}].${f}`);
      for (const f of ['psi', 'psiHat'] as const) {
        const v = row[f];
        if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new FieldTypeError(`state.mta[${k}].${f}`, 'expected an encoded proof');
      }
    });
  if (o.deltas !== undefined)
    expectArray(o.deltas, 'state.deltas').forEach((r, k) => {
      const row = expectArray(r, `state.deltas[${k}]`, 3, 3);
      partyIndex(row[0], `state.deltas[${k}][0]`);
      expectHex(row[1], `state.deltas[${k}][1]`, 32);
      expectHex(row[2], `state.deltas[${k}][2]`, 32);
    });
  if (o.shares !== undefined)
    expectArray(o.shares, 'state.shares').forEach((r, k) => {
      const row = expectArray(r, `state.shares[${k}]`, 4, 4);
      partyIndex(row[0], `state.shares[${k}][0]`);
      expectHex(row[1], `state.shares[${k}][1]`, 33);
      expectHex(row[2], `state.shares[${k}][2]`, 33);
      expectHex(row[3], `state.shares[${k}][3]`, 32);
    });
  if (o.selfFault !== undefined && typeof o.selfFault !== 'boolean') throw new FieldTypeError('state.selfFault', 'expected a boolean');
  if (round === DELTA_BLAME_ROUND && (o.deltas === undefined || o.mta === undefined || o.GammaSelf === undefined))
    throw new FieldTypeError('state.deltas', 'the blame round needs deltas, mta and GammaSelf');
  if (round === CHI_BLAME_ROUND && (o.shares === undefined || o.mta === undefined || o.sent === undefined))
    throw new FieldTypeError('state.shares', 'the χ blame round needs shares, mta and sent');
  return j as PresignState;
}

/** The presigning protocol. */
export const cggmpPresignProtocol: ProtocolSpec<PresignState, PresignOutput, PresignDeps> = {
  id: PRESIGN_PROTOCOL,
  version: 1,
  async init(ctx) {
    const { keyShare, request } = ctx.deps;
    if (!request) throw new FieldTypeError('deps.request', 'a new presigning session needs a request');
    if (keyShare.core.index !== ctx.self) throw new FieldRangeError('deps.keyShare', 'key share belongs to another party');
    const sc = signerContext(keyShare, request.signers);
    const pki = sc.pk.get(ctx.self)!;
    const Ni = pki.n;
    const k = 1n + randomBelow(CURVE_ORDER - 1n, ctx.rng);
    const gamma = 1n + randomBelow(CURVE_ORDER - 1n, ctx.rng);
    const rho = randomZnStar(Ni, ctx.rng);
    const nu = randomZnStar(Ni, ctx.rng);
    const K = encryptSigned(pki, k, rho, sc.sk);
    const G = encryptSigned(pki, gamma, nu, sc.sk);
    const outgoing: Outgoing[] = [{ kind: 'broadcast', payload: { K: modHex(K, Ni * Ni, 'K'), G: modHex(G, Ni * Ni, 'G') } }];
    const encJobs = sc.others.map(
      (j): Extract<ZkProveJob, { kind: 'pienc' }> => ({
        kind: 'pienc',
        binding: proofBinding(ctx.session, 'presign/enc', ctx.self, j),
        statement: { N0: Ni, K, rp: sc.rp.get(j)! },
        witness: { k, rho, factors: { p: sc.sk.p, q: sc.sk.q } },
      }),
    );
    const proofs = await proveWith(ctx.deps.prover, ctx.rng, encJobs);
    sc.others.forEach((j, n) => {
      outgoing.push({ kind: 'p2p', to: j, payload: { psi0: encodePiEncProof(encJobs[n]!.statement, proofs[n]!) as unknown as Json } });
    });
    const state: PresignState = {
      signers: [...sc.signers],
      k: big(k),
      gamma: big(gamma),
      rho: big(rho),
      nu: big(nu),
      K: big(K),
      G: big(G),
      received: [],
      betas: [],
      Gamma: null,
      delta: null,
      chi: null,
    };
    return { next: 1, state, outgoing };
  },
  rounds: { 1: round1, 2: round2, 3: round3, [DELTA_BLAME_ROUND]: deltaBlameRound, [CHI_BLAME_ROUND]: chiBlameRound },
  checkState,
};

/** Options of {@link createCggmpPresignSession}. */
export interface CggmpPresignOptions {
  readonly session: SessionId;
  readonly keyShare: CggmpKeyShare;
  readonly request: PresignRequest;
  readonly auth: PartyAuth;
  /** Where received proofs are verified (default: this thread). */
  readonly verifier?: ZkVerifier;
  /**
   * Where this party's own proofs are made (default: this thread); `poolProver(pool)` moves
   * them, witnesses included, to the same-process worker pool so the caller's thread stays free.
   */
  readonly prover?: ZkProver;
  readonly rng?: RandomSource;
}

/**
 * A new presigning session for this party among `request.signers` (call `start()`).
 * @throws {FieldTypeError} @throws {FieldRangeError} on malformed options.
 * @example
 * const s = createCggmpPresignSession({ session, keyShare, request: { signers: [1, 3] }, auth });
 */
export function createCggmpPresignSession(opts: CggmpPresignOptions): Session<PresignState, PresignOutput, PresignDeps> {
  return createSession(cggmpPresignProtocol, {
    session: opts.session,
    self: opts.keyShare.core.index,
    parties: partyList(opts.request.signers, 'request.signers', 2),
    auth: opts.auth,
    deps: { keyShare: opts.keyShare, request: opts.request, ...(opts.verifier ? { verifier: opts.verifier } : {}), ...(opts.prover ? { prover: opts.prover } : {}) },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}

/**
 * Resumes a presigning session from a snapshot (the key share is supplied again).
 * @throws {FieldTypeError} @throws {FieldRangeError} on a malformed snapshot.
 */
export function restoreCggmpPresignSession(
  snapshot: string,
  opts: { keyShare: CggmpKeyShare; auth: PartyAuth; verifier?: ZkVerifier; prover?: ZkProver; rng?: RandomSource },
): Session<PresignState, PresignOutput, PresignDeps> {
  return restoreSession(cggmpPresignProtocol, snapshot, {
    auth: opts.auth,
    deps: { keyShare: opts.keyShare, ...(opts.verifier ? { verifier: opts.verifier } : {}), ...(opts.prover ? { prover: opts.prover } : {}) },
    ...(opts.rng ? { rng: opts.rng } : {}),
  });
}
