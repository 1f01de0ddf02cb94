/**
 * CGGMP21 presigning, output (Fig. 7, "Output"): party i checks every ψ″ᵢ,ⱼ (Π^log*: Kⱼ encrypts
 * log_Γ Δⱼ), naming every sender of a failing proof; then δ = Σ δⱼ must satisfy δ·G = Σ Δⱼ and
 * (Tessera's share-check values) Σ Ŝⱼ = δ·X. If the δ check fails, every signer moves to the
 * blame round of Fig. 7 (output, step 2; blame.ts: Π^mul and Π^dec over the MtA ciphertexts),
 * which names whoever announced an unsupported δⱼ; all honest signers take that branch
 * together, since the δⱼ are echo-checked. A failing Σ Ŝⱼ = δ·X check moves everyone to the χ
 * blame round (blame.ts), the identification of Fig. 8 run here, where Ŝⱼ is checked.
 * Otherwise
 * R = δ⁻¹·Γ and the output is the {@link Presignature} (kᵢ, χᵢ, R, and every Δⱼ, Ŝⱼ).
 * @module
 */
import { hex } from '../../engine/codec.ts';
import { ProtocolAbort } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, RoundSpec } from '../../engine/protocol.ts';
import { Fn, Point, mulBase, pointBytes, pointJson, readPoint, readScalar, scalarJson, type CurvePoint } from '../curve.ts';
import { keyId } from '../keyshare.ts';
import { proofBinding, unbig, verifyOrBlame, type BlameJob } from '../wire.ts';
import { CHI_BLAME_ROUND, DELTA_BLAME_ROUND, chiBlamePayload, deltaBlamePayload } from './blame.ts';
import { validatePresignature } from './presignature.ts';
import { readLogProof, readRound3, required, signerContext, type PresignDeps, type PresignOutput, type PresignState } from './types.ts';

/** Round 3: δⱼ, Δⱼ, Ŝⱼ (echo) and Π^log* of Δⱼ. @throws {ProtocolAbort} (`invalid-proof`, `invalid-share`) from finalize. */
export const round3: RoundSpec<PresignState, PresignOutput, PresignDeps> = {
  expects(state, ctx): Expectation {
    const others = state.signers.filter((p) => p !== ctx.self) as PartyIndex[];
    return { broadcast: others, p2p: others, echo: others };
  },
  parse(kind, from, payload, _state, ctx) {
    const aux = ctx.deps.keyShare.aux;
    if (kind === 'broadcast') readRound3(payload);
    else readLogProof(payload, aux.public.get(from)!.N, aux.public.get(ctx.self)!);
  },
  async finalize(state, inbox, ctx) {
    const sc = signerContext(ctx.deps.keyShare, state.signers);
    const self = ctx.self;
    const rpSelf = sc.rp.get(self)!;
    const Gamma = readPoint(required(state.Gamma, 'state.Gamma'), 'state.Gamma');
    const Ks = new Map(state.received.map(([j, K, , id]) => [j as PartyIndex, { K: unbig(K, 'state.received.K'), id }]));
    const values = new Map<PartyIndex, { delta: bigint; Delta: CurvePoint; S: CurvePoint }>();
    const jobs: BlameJob[] = [];
    for (const j of sc.others) {
      const b = inbox.broadcast.get(j)!;
      const p = inbox.p2p.get(j)!;
      const v = readRound3(b.payload);
      values.set(j, v);
      jobs.push({
        job: {
          kind: 'pilogstar',
          group: 'secp256k1',
          binding: proofBinding(ctx.session, 'presign/log-delta', j, self),
          statement: { N0: sc.pk.get(j)!.n, C: Ks.get(j)!.K, X: pointBytes(v.Delta), g: pointBytes(Gamma), rp: rpSelf },
          proof: readLogProof(p.payload, sc.pk.get(j)!.n, rpSelf),
        },
        from: j,
        messages: [{ id: Ks.get(j)!.id, round: 1 }, { id: b.id, round: 3 }, { id: p.id, round: 3 }],
        what: 'Π^log* of Kⱼ and Δⱼ',
      });
    }
    await verifyOrBlame(ctx.deps.verifier, jobs);
    const k = unbig(state.k, 'state.k');
    const own = {
      delta: readScalar(state.delta, 'state.delta', true),
      Delta: Gamma.multiply(k),
      S: Gamma.multiply(readScalar(required(state.chi, 'state.chi'), 'state.chi', true)),
    };
    values.set(self, own);
    let delta = 0n;
    let sumDelta = Point.ZERO;
    let sumS = Point.ZERO;
    for (const v of values.values()) {
      delta = Fn.add(delta, v.delta);
      sumDelta = sumDelta.add(v.Delta);
      sumS = sumS.add(v.S);
    }
    const evidence = sc.others.map((j) => ({ id: inbox.broadcast.get(j)!.id, round: 3, from: j, reason: 'invalid-share' as const, detail: 'δⱼ, Δⱼ, Ŝⱼ of a failed consistency check' }));
    if (delta === 0n || !mulBase(delta).equals(sumDelta)) {
      // Fig. 7 output, step 2: identify who announced a δⱼ its ciphertexts do not support.
      if (state.mta === undefined || state.sent === undefined || state.GammaSelf === undefined)
        throw new ProtocolAbort('invalid-share', [], evidence, 'presigning aborted: δ·G ≠ Σ Δⱼ (no culprit: session restored from a snapshot without the MtA values the blame round needs)');
      const { payload, provable } = await deltaBlamePayload(state, sc, ctx);
      return {
        next: DELTA_BLAME_ROUND,
        state: {
          ...state,
          deltas: sc.others.map((j) => [j, scalarJson(values.get(j)!.delta), inbox.broadcast.get(j)!.id] as const),
          selfFault: !provable,
        },
        outgoing: [{ kind: 'broadcast', payload }],
      };
    }
    if (!sc.X.multiply(delta).equals(sumS)) {
      // Fig. 8's identification, moved to presigning: prove χᵢ through a test share τᵢ.
      if (state.mta === undefined || state.sent === undefined)
        throw new ProtocolAbort('invalid-share', [], evidence, 'presigning aborted: Σ Ŝⱼ ≠ δ·X (no culprit: session restored from a snapshot without the MtA values the blame round needs)');
      const { payload, provable } = await chiBlamePayload(state, sc, ctx);
      return {
        next: CHI_BLAME_ROUND,
        state: {
          ...state,
          shares: sc.others.map((j) => [j, pointJson(values.get(j)!.Delta), pointJson(values.get(j)!.S), inbox.broadcast.get(j)!.id] as const),
          selfFault: !provable,
        },
        outgoing: [{ kind: 'broadcast', payload }],
      };
    }
    const chi = readScalar(state.chi, 'state.chi');
    const presignature = validatePresignature({
      id: hex(ctx.hash('presignature-id', self, pointBytes(Gamma), pointBytes(own.Delta))),
      keyId: keyId(ctx.deps.keyShare.core),
      index: self,
      signers: sc.signers,
      Gamma,
      delta,
      k,
      chi,
      Delta: sc.signers.map((j) => values.get(j)!.Delta),
      S: sc.signers.map((j) => values.get(j)!.S),
    });
    return { output: { presignature }, outgoing: [] };
  },
};
