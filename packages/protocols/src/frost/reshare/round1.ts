/**
 * Resharing, round 1 (Desmedt–Jajodia 1997; Wong–Wang–Wing, "Verifiable secret
 * redistribution", 2002, §4): each dealer i of the old committee shares its share xᵢ with a
 * polynomial gᵢ of degree t′−1, gᵢ(0) = xᵢ, broadcasting Gᵢ = (gᵢₖ·G) (echo-checked) and sending
 * gᵢ(j) to each new party j. Everyone checks Gᵢ₀ = Yᵢ, the dealer's old verifying share, in
 * public (a mismatch disqualifies the dealer); each new party checks its sub-shares against
 * Gᵢ and complains about failing dealers in round 2.
 * @module
 */
import { hex } from '../../engine/codec.ts';
import { ProtocolAbort, type Evidence } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { RoundSpec } from '../../engine/protocol.ts';
import { complaintPayload } from '../complaints.ts';
import { decodeDisqualified, encodeDisqualified, type Disqualification } from '../dkg/types.ts';
import { readShare } from '../refresh/types.ts';
import { getSuite } from '../suite.ts';
import { readDealing, subShareMatches, type ReshareDeps, type ReshareOutput, type ReshareState } from './types.ts';

/** Round 1 of resharing: sub-sharings, checked in public and privately. @throws {ProtocolAbort} (`invalid-share`) under the abort policy. */
export const round1: RoundSpec<ReshareState, ReshareOutput, ReshareDeps> = {
  expects(state, ctx) {
    const dealers = (state.dealers as PartyIndex[]).filter((p) => p !== ctx.self);
    const others = ctx.parties.filter((p) => p !== ctx.self);
    return { broadcast: dealers, p2p: state.parties.includes(ctx.self) ? dealers : [], echo: others };
  },
  parse(kind, _from, payload, state) {
    const suite = getSuite(state.suite);
    if (kind === 'broadcast') readDealing(suite, state, payload);
    else readShare(suite, payload);
  },
  finalize(state, inbox, ctx) {
    const suite = getSuite(state.suite);
    const dealers = (state.dealers as PartyIndex[]).filter((p) => p !== ctx.self);
    const dealt = dealers.map((p) => [p, readDealing(suite, state, inbox.broadcast.get(p)!.payload).map(hex)] as const);
    const disqualified: Disqualification[] = decodeDisqualified(state.disqualified);
    const bad: PartyIndex[] = [];
    for (const [p, G] of dealt) {
      const Y = state.previous.find((r) => r[0] === p)![1];
      if (G[0] !== Y) {
        bad.push(p);
        const ev: Evidence[] = [{ id: inbox.broadcast.get(p)!.id, round: 1, from: p, reason: 'invalid-share', detail: 'Gᵢ₀ is not the dealer’s old verifying share' }];
        disqualified.push({ party: p, reason: 'invalid-commitment', evidence: ev });
      }
    }
    if (bad.length > 0 && state.policy === 'abort') throw new ProtocolAbort('invalid-share', bad, disqualified.flatMap((d) => d.evidence));
    const received = state.parties.includes(ctx.self) ? dealers.map((p) => [p, readShare(suite, inbox.p2p.get(p)!.payload)] as const) : [];
    const complaints = received.filter(([p, s]) => !bad.includes(p) && !subShareMatches(suite, dealt.find((d) => d[0] === p)![1], ctx.self, s)).map(([p]) => p);
    return {
      next: 2,
      state: { ...state, dealt, received: received.map(([p, s]) => [p, hex(s)] as const), disqualified: encodeDisqualified(disqualified), myComplaints: complaints },
      outgoing: [{ kind: 'broadcast', payload: complaintPayload(complaints) }],
    };
  },
};
