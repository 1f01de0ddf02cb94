/**
 * CGGMP21 aux-info, round 2 (Fig. 6, round 3, first half): each decommitment must open Vⱼ,
 * carry a modulus Nⱼ of at least 2048 bits with ring-Pedersen sⱼ, tⱼ ∈ Z*_Nⱼ \ {1} and a valid
 * Π^prm (ψ̂ⱼ, s ∈ ⟨t⟩ with 80 binary repetitions); the sender of anything else is blamed.
 * Then ρ = ⊕ ρⱼ, and the party proves its own modulus: ψᵢ = Π^mod (Paillier–Blum) bound to ρ,
 * and for every other party l, φᵢ,ₗ = Π^fac (no small factor) against l's (N̂ₗ, sₗ, tₗ). All
 * of them go out in one broadcast (round 3), so everyone can check every proof.
 * @module
 */
import { bitLength } from '@tessera/crypto/bytes';
import { hex, type Json } from '../../engine/codec.ts';
import { ProtocolAbort, type Evidence } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, RoundSpec } from '../../engine/protocol.ts';
import { encodePiFacProof, type PiFacProof } from '@tessera/crypto/zk/pifac';
import { encodePiModProof } from '@tessera/crypto/zk/pimod';
import type { ZkProveJob } from '@tessera/crypto/zk/prove-dispatch';
import { validateRingPedersenParams } from '@tessera/crypto/zk/ring-pedersen';
import { MIN_MODULUS_BITS } from '@tessera/crypto/zk/params';
import { CryptoError } from '@tessera/crypto/errors';
import { othersOf } from '../keygen/types.ts';
import { proofBinding, proveWith, verifyOrBlame, xorAll, type BlameJob } from '../wire.ts';
import { auxCommitmentOf, readAuxDecommit, statePrimes, type AuxDeps, type AuxOutput, type AuxState } from './types.ts';

/** Round 2: decommitments, moduli and Π^prm; then Π^mod and Π^fac. @throws {ProtocolAbort} from finalize. */
export const round2: RoundSpec<AuxState, AuxOutput, AuxDeps> = {
  expects(_state, ctx): Expectation {
    return { broadcast: othersOf(ctx.parties, ctx.self), p2p: [], echo: [] };
  },
  parse(_kind, _from, payload) {
    readAuxDecommit(payload);
  },
  async finalize(state, inbox, ctx) {
    const bad = new Set<PartyIndex>();
    const evidence: Evidence[] = [];
    const blame = (p: PartyIndex, id: string, round: number, detail: string) => {
      bad.add(p);
      evidence.push({ id, round, from: p, reason: 'invalid-message', detail });
    };
    const decs = new Map<PartyIndex, ReturnType<typeof readAuxDecommit>>();
    for (const [p, V, r1id] of state.commitments) {
      const party = p as PartyIndex;
      const m = inbox.broadcast.get(party)!;
      const d = readAuxDecommit(m.payload);
      decs.set(party, d);
      if (hex(auxCommitmentOf(ctx, party, d)) !== V) {
        blame(party, r1id, 1, 'commitment Vⱼ of round 1');
        blame(party, m.id, 2, 'decommitment does not open Vⱼ');
        continue;
      }
      const bits = bitLength(d.aux.N);
      if (bits < MIN_MODULUS_BITS) {
        blame(party, m.id, 2, `modulus Nⱼ has ${bits} bits; at least ${MIN_MODULUS_BITS} are required`);
        continue;
      }
      try {
        validateRingPedersenParams(d.aux, MIN_MODULUS_BITS, 'aux');
      } catch (e) {
        if (!(e instanceof CryptoError)) throw e;
        blame(party, m.id, 2, `ring-Pedersen parameters: ${e.message}`);
      }
    }
    if (bad.size > 0) throw new ProtocolAbort('invalid-message', [...bad], evidence);
    const own = readAuxDecommit(state.decommit, 'state.decommit');
    const allN = [own.aux.N, ...[...decs.values()].map((d) => d.aux.N)];
    for (const [p, d] of decs)
      if (allN.filter((N) => N === d.aux.N).length > 1) blame(p, inbox.broadcast.get(p)!.id, 2, 'modulus Nⱼ repeats another party\'s modulus');
    if (bad.size > 0) throw new ProtocolAbort('invalid-message', [...bad], evidence);
    const jobs: BlameJob[] = [...decs].map(([p, d]) => ({
      job: { kind: 'piprm', binding: proofBinding(ctx.session, 'aux/prm', p), statement: d.aux, proof: d.prmProof },
      from: p,
      messages: [{ id: inbox.broadcast.get(p)!.id, round: 2 }],
      what: 'Π^prm of (Nⱼ, sⱼ, tⱼ)',
    }));
    await verifyOrBlame(ctx.deps.verifier, jobs);
    const rho = xorAll([own.rho, ...[...decs.values()].map((d) => d.rho)], 32);
    const { p, q } = statePrimes(state);
    const N = own.aux.N;
    // Π^mod and every Π^fac in one prover call (a pool spreads them over its workers)
    const others = othersOf(ctx.parties, ctx.self);
    const facJobs = others.map(
      (l): Extract<ZkProveJob, { kind: 'pifac' }> => ({
        kind: 'pifac',
        binding: proofBinding(ctx.session, 'aux/fac', ctx.self, rho, l),
        statement: { N0: N, rp: decs.get(l)!.aux },
        witness: { p, q },
      }),
    );
    const modJob: Extract<ZkProveJob, { kind: 'pimod' }> = { kind: 'pimod', binding: proofBinding(ctx.session, 'aux/mod', ctx.self, rho), statement: { N }, witness: { p, q } };
    const [mod, ...facProofs] = await proveWith(ctx.deps.prover, ctx.rng, [modJob, ...facJobs] as const);
    const fac: Json[] = others.map((l, k) => [l, encodePiFacProof(facJobs[k]!.statement, facProofs[k] as PiFacProof) as unknown as Json]);
    const decommits = [...decs.keys()].map((party) => [party, inbox.broadcast.get(party)!.payload, inbox.broadcast.get(party)!.id] as const);
    return {
      next: 3,
      state: { ...state, decommits, rho: hex(rho) },
      outgoing: [{ kind: 'broadcast', payload: { mod: encodePiModProof({ N }, mod) as unknown as Json, fac } }],
    };
  },
};
