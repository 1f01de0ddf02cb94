/**
 * CGGMP21 key generation, round 1 (Fig. 5, round 1, threshold variant): every party's
 * commitment Vᵢ = H(sid, i, t, ridᵢ, cᵢ, Fᵢ, Aᵢ, uᵢ) is collected through the echo-checked
 * broadcast, so all parties hold the same commitments before anything is revealed. Then each
 * party reveals its decommitment (broadcast) and sends fᵢ(j) to each party j (point to point).
 * @module
 */
import { hex } from '../../engine/codec.ts';
import { InternalError } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, Outgoing, RoundSpec } from '../../engine/protocol.ts';
import { othersOf, readCommitment, type KeygenDeps, type KeygenOutput, type KeygenState } from './types.ts';

/** Round 1: commitments (echo-checked). */
export const round1: RoundSpec<KeygenState, KeygenOutput, KeygenDeps> = {
  expects(_state, ctx): Expectation {
    const others = othersOf(ctx.parties, ctx.self);
    return { broadcast: others, p2p: [], echo: others };
  },
  parse(_kind, _from, payload) {
    readCommitment(payload);
  },
  finalize(state, inbox, ctx) {
    const commitments = othersOf(ctx.parties, ctx.self).map((p) => {
      const m = inbox.broadcast.get(p)!;
      return [p, hex(readCommitment(m.payload)), m.id] as const;
    });
    if (state.shares === null) throw new InternalError('keygen shares already sent');
    const outgoing: Outgoing[] = [{ kind: 'broadcast', payload: state.decommit }];
    for (const [j, share] of state.shares) outgoing.push({ kind: 'p2p', to: j as PartyIndex, payload: { share } });
    return { next: 2, state: { ...state, shares: null, commitments }, outgoing };
  },
};
