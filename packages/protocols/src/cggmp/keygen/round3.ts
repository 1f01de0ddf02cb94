/**
 * CGGMP21 key generation, output step (Fig. 5, "Output"): every party's Schnorr proof
 * ψⱼ = (Aⱼ, zⱼ), with Aⱼ taken from its decommitment, must prove knowledge of xⱼ for
 * Xⱼ = Σₖ Cₖ·jᵏ under the challenge bound to (sid, j, rid); a failing proof names its sender.
 * The output is the validated {@link CoreShare}.
 * @module
 */
import type { ZkVerifyJob } from '@tessera/crypto/zk/dispatch';
import { scalarBytes } from '../curve.ts';
import { hexToBytes } from '@tessera/crypto/bytes';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, RoundSpec } from '../../engine/protocol.ts';
import { validateCoreShare } from '../keyshare.ts';
import { inlineVerifier, proofBinding, verifyOrBlame, type BlameJob } from '../wire.ts';
import { evaluateCommitmentVartime, pointBytes } from '../curve.ts';
import { aggregateCommitments, stateRid, stateX, storedDecommits } from './round2.ts';
import { othersOf, polyLength, readDecommit, readResponse, type KeygenDeps, type KeygenOutput, type KeygenState } from './types.ts';

/** Round 3: Schnorr proofs of knowledge of every xⱼ. @throws {ProtocolAbort} (`invalid-proof`) from finalize. */
export const round3: RoundSpec<KeygenState, KeygenOutput, KeygenDeps> = {
  expects(_state, ctx): Expectation {
    return { broadcast: othersOf(ctx.parties, ctx.self), p2p: [], echo: [] };
  },
  parse(_kind, _from, payload) {
    readResponse(payload);
  },
  async finalize(state, inbox, ctx) {
    const t = state.threshold;
    const rid = stateRid(state);
    const stored = storedDecommits(state);
    const own = readDecommit(state.decommit, polyLength(state));
    const all = ctx.parties.map((p) => (p === ctx.self ? own : stored.get(p)!.d));
    const C = aggregateCommitments(state, all);
    const jobs: BlameJob[] = othersOf(ctx.parties, ctx.self).map((j: PartyIndex) => {
      const m = inbox.broadcast.get(j)!;
      const job: ZkVerifyJob = {
        kind: 'schnorr',
        group: 'secp256k1',
        binding: proofBinding(ctx.session, `${ctx.protocol}/sch`, j, rid),
        statement: { X: pointBytes(evaluateCommitmentVartime(C, BigInt(j))) },
        proof: { A: pointBytes(stored.get(j)!.d.A), z: readResponse(m.payload) },
      };
      return { job, from: j, messages: [{ id: m.id, round: 3 }], what: 'Π^sch of xⱼ' };
    });
    await verifyOrBlame(inlineVerifier, jobs);
    const share = validateCoreShare({
      index: ctx.self,
      threshold: t,
      parties: ctx.parties,
      commitments: C.map((c) => pointBytes(c)),
      rid,
      chainCode: hexToBytes(state.chainCode!),
      secretShare: scalarBytes(stateX(state)),
    });
    return { output: { share }, outgoing: [] };
  },
};
