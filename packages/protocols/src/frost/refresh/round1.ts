/**
 * Share refresh, round 1 (Herzberg–Jarecki–Krawczyk–Yung, "Proactive secret sharing", 1995,
 * §3.3; the zero-sharing of frost-rs `refresh`): every party i has dealt a random polynomial
 * δᵢ of degree t−1 with δᵢ(0) = 0, broadcasting Aᵢₖ = aᵢₖ·G (k ≥ 1, echo-checked) and sending
 * δᵢ(j) to each j. Each party checks δⱼ(i)·G = Σₖ Aⱼₖ·iᵏ and complains about senders whose
 * share fails; complaint lists are broadcast in round 2.
 * @module
 */
import { hex } from '../../engine/codec.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { RoundSpec } from '../../engine/protocol.ts';
import { complaintPayload } from '../complaints.ts';
import { getSuite } from '../suite.ts';
import { readShare, readZeroCommitments, zeroShareMatches, type RefreshDeps, type RefreshOutput, type RefreshState } from './types.ts';

/** Round 1 of refresh: zero-sharings, checked; complaints follow. */
export const round1: RoundSpec<RefreshState, RefreshOutput, RefreshDeps> = {
  expects(_state, ctx) {
    const others = ctx.parties.filter((p) => p !== ctx.self);
    return { broadcast: others, p2p: others, echo: others };
  },
  parse(kind, _from, payload, state, ctx) {
    const suite = getSuite(state.suite);
    if (kind === 'broadcast') readZeroCommitments(suite, ctx.deps.keyShare.threshold, payload);
    else readShare(suite, payload);
  },
  finalize(state, inbox, ctx) {
    const suite = getSuite(state.suite);
    const t = ctx.deps.keyShare.threshold;
    const others = ctx.parties.filter((p) => p !== ctx.self);
    const dealt = others.map((p) => [p, readZeroCommitments(suite, t, inbox.broadcast.get(p)!.payload, false).map(hex)] as const);
    const received = others.map((p) => [p, readShare(suite, inbox.p2p.get(p)!.payload)] as const);
    const complaints: PartyIndex[] = received.filter(([p, s]) => !zeroShareMatches(suite, dealt.find((d) => d[0] === p)![1], ctx.self, s)).map(([p]) => p);
    return {
      next: 2,
      state: { ...state, dealt, received: received.map(([p, s]) => [p, hex(s)] as const), myComplaints: complaints },
      outgoing: [{ kind: 'broadcast', payload: complaintPayload(complaints) }],
    };
  },
};
