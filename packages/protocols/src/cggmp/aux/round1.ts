/**
 * CGGMP21 aux-info, round 1 (Fig. 6, round 1): every party's commitment
 * Vᵢ = H(sid, i, Nᵢ, sᵢ, tᵢ, ψ̂ᵢ, ρᵢ, uᵢ) is collected through the echo-checked broadcast; then
 * each party reveals its decommitment (round 2, broadcast).
 * @module
 */
import { hex } from '../../engine/codec.ts';
import type { Expectation, RoundSpec } from '../../engine/protocol.ts';
import { othersOf } from '../keygen/types.ts';
import { readAuxCommitment, type AuxDeps, type AuxOutput, type AuxState } from './types.ts';

/** Round 1: commitments (echo-checked). */
export const round1: RoundSpec<AuxState, AuxOutput, AuxDeps> = {
  expects(_state, ctx): Expectation {
    const others = othersOf(ctx.parties, ctx.self);
    return { broadcast: others, p2p: [], echo: others };
  },
  parse(_kind, _from, payload) {
    readAuxCommitment(payload);
  },
  finalize(state, inbox, ctx) {
    const commitments = othersOf(ctx.parties, ctx.self).map((p) => {
      const m = inbox.broadcast.get(p)!;
      return [p, hex(readAuxCommitment(m.payload)), m.id] as const;
    });
    return { next: 2, state: { ...state, commitments }, outgoing: [{ kind: 'broadcast', payload: state.decommit }] };
  },
};
