/**
 * Share refresh, round 2: complaint lists (echo-checked). Without complaints the new share is
 * computed right away: xᵢ' = xᵢ + Σⱼ δⱼ(i); commitments Cₖ' = Cₖ + Σⱼ Aⱼₖ (k ≥ 1, C₀ unchanged, so
 * the group key stays); verifying shares Yₘ' = Yₘ + Σₖ (Σⱼ Aⱼₖ)·mᵏ. Otherwise accused dealers
 * reveal the disputed shares (round 3).
 * @module
 */
import { hexToBytes } from '@tessera/crypto/bytes';
import type { PartyIndex } from '../../engine/ids.ts';
import type { RoundSpec } from '../../engine/protocol.ts';
import { accusedOf, answerPayload, readComplaints } from '../complaints.ts';
import { validateKeyShare, type KeyShare } from '../keyshare.ts';
import { evaluateCommitmentVartime } from '../poly.ts';
import { getSuite, type GroupPoint } from '../suite.ts';
import type { Disqualification } from '../dkg/types.ts';
import type { RefreshDeps, RefreshOutput, RefreshState } from './types.ts';

/** The refreshed share from the qualified dealers' zero-sharings (our own always included). */
export function refreshedShare(state: RefreshState, self: PartyIndex, old: KeyShare, dealers: readonly PartyIndex[], received: ReadonlyMap<PartyIndex, Uint8Array>): KeyShare {
  const suite = getSuite(state.suite);
  const { Fn, Point } = suite;
  const t = old.threshold;
  let x = Fn.fromBytes(old.signingShare);
  x = Fn.add(x, Fn.fromBytes(hexToBytes(state.sent.find((s) => s[0] === self)![1])));
  for (const d of dealers) if (d !== self) x = Fn.add(x, Fn.fromBytes(received.get(d)!));
  // Ā = Σⱼ Aⱼ over qualified dealers (including us).
  const vectors = [state.own, ...dealers.filter((d) => d !== self).map((d) => state.dealt.find((r) => r[0] === d)![1])];
  const Abar: GroupPoint[] = Array.from({ length: t - 1 }, () => Point.ZERO);
  for (const v of vectors) v.forEach((c, k) => (Abar[k] = Abar[k]!.add(Point.fromBytes(hexToBytes(c)))));
  const commitments = old.commitments.map((c, k) => (k === 0 ? c : Point.fromBytes(c).add(Abar[k - 1]!).toBytes(true)));
  const shift = [null, ...Abar];
  const verifyingShares = old.parties.map((m) => Point.fromBytes(old.verifyingShares.get(m)!).add(evaluateCommitmentVartime(suite, shift, BigInt(m))).toBytes(true));
  return validateKeyShare({ suite: old.suite, index: self, threshold: t, parties: old.parties, commitments, verifyingShares, signingShare: Fn.toBytes(x) });
}

/** Round 2 of refresh: complaint lists; output if there are none. */
export const round2: RoundSpec<RefreshState, RefreshOutput, RefreshDeps> = {
  expects(_state, ctx) {
    const others = ctx.parties.filter((p) => p !== ctx.self);
    return { broadcast: others, p2p: [], echo: others };
  },
  parse(_kind, from, payload, _state, ctx) {
    readComplaints(payload, ctx.parties, from);
  },
  finalize(state, inbox, ctx) {
    const book: [number, number[], string][] = [];
    for (const p of ctx.parties) {
      if (p === ctx.self) {
        if (state.myComplaints.length > 0) book.push([p, [...state.myComplaints], '']);
        continue;
      }
      const m = inbox.broadcast.get(p)!;
      const against = readComplaints(m.payload, ctx.parties, p);
      if (against.length > 0) book.push([p, against, m.id]);
    }
    if (book.length === 0) {
      const received = new Map(state.received.map(([p, s]) => [p as PartyIndex, hexToBytes(s)]));
      const keyShare = refreshedShare(state, ctx.self, ctx.deps.keyShare, ctx.parties, received);
      return { output: { keyShare, disqualified: [] as Disqualification[] }, outgoing: [] };
    }
    const accused = accusedOf(new Map(book.map(([c, a, id]) => [c as PartyIndex, { against: a as PartyIndex[], id }])));
    const outgoing = [];
    if (accused.includes(ctx.self)) {
      const reveals = new Map<PartyIndex, Uint8Array>();
      for (const [c, against] of book) if (against.includes(ctx.self)) reveals.set(c as PartyIndex, hexToBytes(state.sent.find((s) => s[0] === c)![1]));
      outgoing.push({ kind: 'broadcast' as const, payload: answerPayload(reveals) });
    }
    return { next: 3, state: { ...state, complaints: book }, outgoing };
  },
};
