/**
 * CGGMP21 key generation, round 2 (Fig. 5, round 3, threshold variant after the Lockness
 * cggmp21 threshold keygen): each decommitment must open the commitment Vⱼ of round 1
 * (otherwise its sender is blamed), each received share fⱼ(i) must satisfy
 * fⱼ(i)·G = Σₖ Fⱼ,ₖ·iᵏ (otherwise its sender is blamed: `invalid-share`). Then
 * rid = ⊕ ridⱼ, the chain code = ⊕ cⱼ, xᵢ = Σⱼ fⱼ(i), Cₖ = Σⱼ Fⱼ,ₖ, Xⱼ = Σₖ Cₖ·jᵏ, and the
 * party answers its committed Schnorr nonce Aᵢ: z = τ + e·xᵢ with e bound to (sid, i, rid),
 * broadcast in round 3.
 * @module
 */
import { schnorrRespond } from '@tessera/crypto/zk/schnorr';
import { expectHex, hex } from '../../engine/codec.ts';
import { InternalError, ProtocolAbort, type Evidence } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, RoundSpec } from '../../engine/protocol.ts';
import { Fn, GROUP, Point, evaluateCommitmentVartime, mulBase, pointBytes, readPoint, readScalar, scalarJson, type CurvePoint } from '../curve.ts';
import { proofBinding, unbig, xorAll } from '../wire.ts';
import { commitmentOf, commitmentVector, decommitJson, othersOf, polyLength, readDecommit, readShare, type Decommitment, type KeygenDeps, type KeygenOutput, type KeygenState } from './types.ts';

/**
 * The new key's commitments: Cₖ = Σⱼ Fⱼ,ₖ over every party's decommitment, plus, in a refresh,
 * the old key's commitments (whose C₀, the public key, the zero-constant polynomials keep).
 */
export function aggregateCommitments(state: KeygenState, all: readonly Decommitment[]): CurvePoint[] {
  const t = state.threshold;
  const C: CurvePoint[] = state.refresh ? state.refresh.commitments.map((c, k) => readPoint(c, `state.refresh.commitments[${k}]`)) : Array.from({ length: t }, () => Point.ZERO);
  for (const d of all) {
    const v = commitmentVector(state, d.F);
    for (let k = 0; k < t; k++) C[k] = C[k]!.add(v[k]!);
  }
  return C;
}

/** Round 2: decommitments and shares; Schnorr response. @throws {ProtocolAbort} (`invalid-message`, `invalid-share`) from finalize. */
export const round2: RoundSpec<KeygenState, KeygenOutput, KeygenDeps> = {
  expects(_state, ctx): Expectation {
    const others = othersOf(ctx.parties, ctx.self);
    return { broadcast: others, p2p: others, echo: [] };
  },
  parse(kind, _from, payload, state) {
    if (kind === 'broadcast') readDecommit(payload, polyLength(state));
    else readShare(payload);
  },
  finalize(state, inbox, ctx) {
    const t = state.threshold;
    const len = polyLength(state);
    const self = ctx.self;
    const bad = new Set<PartyIndex>();
    const evidence: Evidence[] = [];
    const decommits = new Map<PartyIndex, Decommitment>();
    for (const [p, V, r1id] of state.commitments) {
      const party = p as PartyIndex;
      const m = inbox.broadcast.get(party)!;
      const d = readDecommit(m.payload, len);
      decommits.set(party, d);
      if (hex(commitmentOf(ctx, party, t, ctx.parties, d)) !== V) {
        bad.add(party);
        evidence.push({ id: r1id, round: 1, from: party, reason: 'invalid-message', detail: 'commitment Vⱼ of round 1' });
        evidence.push({ id: m.id, round: 2, from: party, reason: 'invalid-message', detail: 'decommitment does not open Vⱼ' });
      }
    }
    if (bad.size > 0) throw new ProtocolAbort('invalid-message', [...bad], evidence);
    // Feldman check of every received share.
    const shares = new Map<PartyIndex, bigint>();
    for (const j of othersOf(ctx.parties, self)) {
      const m = inbox.p2p.get(j)!;
      const s = readShare(m.payload);
      shares.set(j, s);
      if (!mulBase(s).equals(evaluateCommitmentVartime(commitmentVector(state, decommits.get(j)!.F), BigInt(self)))) {
        bad.add(j);
        evidence.push({ id: m.id, round: 2, from: j, reason: 'invalid-share', detail: 'fⱼ(i)·G ≠ Σₖ Fⱼ,ₖ·iᵏ' });
      }
    }
    if (bad.size > 0) throw new ProtocolAbort('invalid-share', [...bad], evidence);
    const own = readDecommit(state.decommit, len);
    const all = ctx.parties.map((p) => (p === self ? own : decommits.get(p)!));
    const rid = xorAll(all.map((d) => d.rid), 32);
    // A refresh keeps the chain code, so BIP32 children keep their keys.
    const chainCode = state.refresh ? expectHex(state.refresh.chainCode, 'state.refresh.chainCode', 32) : xorAll(all.map((d) => d.chain), 32);
    let x = unbig(state.ownShare, 'state.ownShare');
    if (state.refresh) x = Fn.add(x, readScalar(state.refresh.x, 'state.refresh.x'));
    for (const s of shares.values()) x = Fn.add(x, s);
    const C = aggregateCommitments(state, all);
    const Xi = evaluateCommitmentVartime(C, BigInt(self));
    if (x === 0n || !mulBase(x).equals(Xi)) throw new InternalError('own key share does not match the aggregated commitments');
    const tau = unbig(state.tau, 'state.tau');
    const proof = schnorrRespond(GROUP, proofBinding(ctx.session, `${ctx.protocol}/sch`, self, rid), { X: pointBytes(Xi) }, { A: pointBytes(own.A) }, { tau }, x);
    return {
      next: 3,
      state: {
        ...state,
        tau: '0',
        ownShare: '0',
        refresh: state.refresh ? { ...state.refresh, x: scalarJson(0n) } : null,
        decommits: othersOf(ctx.parties, self).map((p) => [p, decommitJson(decommits.get(p)!), inbox.broadcast.get(p)!.id] as const),
        x: scalarJson(x),
        rid: hex(rid),
        chainCode: hex(chainCode),
      },
      outgoing: [{ kind: 'broadcast', payload: { z: scalarJson(proof.z) } }],
    };
  },
};

/** Reads the rid stored in the state. */
export function stateRid(state: KeygenState): Uint8Array {
  return expectHex(state.rid, 'state.rid', 32);
}

/** Reads xᵢ stored in the state. */
export function stateX(state: KeygenState): bigint {
  return readScalar(state.x, 'state.x');
}

/** Convenience for round 3: decommitments stored in the state by party. */
export function storedDecommits(state: KeygenState): Map<PartyIndex, { d: Decommitment; id: string }> {
  return new Map(state.decommits.map(([p, j, id]) => [p as PartyIndex, { d: readDecommit(j, polyLength(state)), id }]));
}
