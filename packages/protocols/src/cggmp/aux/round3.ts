/**
 * CGGMP21 aux-info, output step (Fig. 6, "Output"): every party checks every other party's
 * Π^mod (its Nⱼ is a Paillier–Blum modulus) and every Π^fac it made (Nⱼ has no small factor,
 * against each recipient's ring-Pedersen parameters), all bound to the coin-tossed ρ. A
 * failing proof names its prover. The output is the validated {@link AuxInfo}.
 * @module
 */
import { hexToBytes } from '@tessera/crypto/bytes';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, RoundSpec } from '../../engine/protocol.ts';
import { othersOf } from '../keygen/types.ts';
import { validateAuxInfo } from '../keyshare.ts';
import { proofBinding, verifyOrBlame, type BlameJob } from '../wire.ts';
import { auxMap, readProofs, statePrimes, type AuxDeps, type AuxOutput, type AuxState } from './types.ts';

/** Round 3: Π^mod and Π^fac of every other party. @throws {ProtocolAbort} (`invalid-proof`) from finalize. */
export const round3: RoundSpec<AuxState, AuxOutput, AuxDeps> = {
  expects(_state, ctx): Expectation {
    return { broadcast: othersOf(ctx.parties, ctx.self), p2p: [], echo: [] };
  },
  parse(_kind, from, payload, state, ctx) {
    readProofs(payload, from, auxMap(state, ctx.self), ctx.parties);
  },
  async finalize(state, inbox, ctx) {
    const auxOf = auxMap(state, ctx.self);
    const rho = hexToBytes(state.rho!);
    const jobs: BlameJob[] = [];
    for (const j of othersOf(ctx.parties, ctx.self)) {
      const m = inbox.broadcast.get(j)!;
      const { mod, fac } = readProofs(m.payload, j, auxOf, ctx.parties);
      const N = auxOf.get(j)!.N;
      const messages = [{ id: m.id, round: 3 }];
      jobs.push({ job: { kind: 'pimod', binding: proofBinding(ctx.session, 'aux/mod', j, rho), statement: { N }, proof: mod }, from: j, messages, what: 'Π^mod of Nⱼ' });
      for (const [l, proof] of fac)
        jobs.push({
          job: { kind: 'pifac', binding: proofBinding(ctx.session, 'aux/fac', j, rho, l), statement: { N0: N, rp: auxOf.get(l as PartyIndex)! }, proof },
          from: j,
          messages,
          what: `Π^fac of Nⱼ for party ${l}`,
        });
    }
    await verifyOrBlame(ctx.deps.verifier, jobs);
    const { p, q } = statePrimes(state);
    const aux = validateAuxInfo({ index: ctx.self, parties: ctx.parties, p, q, public: ctx.parties.map((k) => auxOf.get(k)!) }, { checkPrimality: false });
    return { output: { aux }, outgoing: [] };
  },
};
