/**
 * CGGMP21 presigning, round 2 → 3 (Fig. 7, round 3): party i checks, for every other signer j,
 * ψᵢ,ⱼ and ψ̂ᵢ,ⱼ (Π^aff-g: Dᵢ,ⱼ = γⱼ ⊙ Kᵢ ⊕ encᵢ(−βⱼ,ᵢ) with Fᵢ,ⱼ = encⱼ(βⱼ,ᵢ) and Γⱼ = γⱼ·G; the
 * same for D̂ᵢ,ⱼ with Wⱼ = λⱼ·Xⱼ) and ψ′ᵢ,ⱼ (Π^log*: Gⱼ encrypts log Γⱼ), naming every sender of a
 * failing proof. Then Γ = Σ Γⱼ, Δᵢ = kᵢ·Γ, αᵢ,ⱼ = decᵢ(Dᵢ,ⱼ), α̂ᵢ,ⱼ = decᵢ(D̂ᵢ,ⱼ) (centred),
 *   δᵢ = γᵢkᵢ + Σⱼ (αᵢ,ⱼ + βᵢ,ⱼ),   χᵢ = wᵢkᵢ + Σⱼ (α̂ᵢ,ⱼ + β̂ᵢ,ⱼ)   (mod q),
 * and ψ″ⱼ,ᵢ (Π^log*: Kᵢ encrypts log_Γ Δᵢ) for every j. Broadcast (echo-checked): δᵢ, Δᵢ and
 * Ŝᵢ = χᵢ·Γ. Ŝᵢ is a Tessera addition: it makes every signature share checkable in the
 * signing round (σⱼ·Γ = m·Δⱼ + r·Ŝⱼ), so a bad share names its sender without the paper's
 * extra blame proofs; Σ Ŝⱼ = δ·X is checked at the end of presigning.
 * @module
 */
import { invert } from '@tessera/crypto/modular';
import { encodePiLogStarProof } from '@tessera/crypto/zk/pilogstar';
import type { ZkProveJob } from '@tessera/crypto/zk/prove-dispatch';
import type { Json } from '../../engine/codec.ts';
import { InternalError } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, Outgoing, RoundSpec } from '../../engine/protocol.ts';
import { Fn, GROUP, Point, mulSecret, pointBytes, pointJson, scalarJson } from '../curve.ts';
import { proofBinding, proveWith, unbig, verifyOrBlame, yieldThread, type BlameJob } from '../wire.ts';
import { decryptCentred, readGamma, readRound2, signerContext, type PresignDeps, type PresignOutput, type PresignState } from './types.ts';

/** Round 2: Γⱼ and the MtA messages with their proofs. @throws {ProtocolAbort} (`invalid-proof`) from finalize. */
export const round2: RoundSpec<PresignState, PresignOutput, PresignDeps> = {
  expects(state, ctx): Expectation {
    const others = state.signers.filter((p) => p !== ctx.self) as PartyIndex[];
    return { broadcast: others, p2p: others, echo: [] };
  },
  parse(kind, from, payload, _state, ctx) {
    const aux = ctx.deps.keyShare.aux;
    if (kind === 'broadcast') readGamma(payload);
    else readRound2(payload, aux.public.get(ctx.self)!.N, aux.public.get(from)!.N, aux.public.get(ctx.self)!);
  },
  async finalize(state, inbox, ctx) {
    const sc = signerContext(ctx.deps.keyShare, state.signers);
    const self = ctx.self;
    const rpSelf = sc.rp.get(self)!;
    const Ni = sc.pk.get(self)!.n;
    const Ki = unbig(state.K, 'state.K');
    const received = new Map(state.received.map(([j, , G, id]) => [j as PartyIndex, { G: unbig(G, 'state.received.G'), id }]));
    const msgs = new Map<PartyIndex, { Gamma: ReturnType<typeof readGamma>; m: ReturnType<typeof readRound2>; ids: { id: string; round: number }[] }>();
    const jobs: BlameJob[] = [];
    for (const j of sc.others) {
      const b = inbox.broadcast.get(j)!;
      const p = inbox.p2p.get(j)!;
      const Nj = sc.pk.get(j)!.n;
      const Gamma = readGamma(b.payload);
      const m = readRound2(p.payload, Ni, Nj, rpSelf);
      const ids = [{ id: b.id, round: 2 }, { id: p.id, round: 2 }];
      msgs.set(j, { Gamma, m, ids });
      const Nj2 = Nj * Nj;
      const aff = (D: bigint, F: bigint, X: Uint8Array) => ({ N0: Ni, N1: Nj, C: Ki, D, Y: invert(F, Nj2), X, rp: rpSelf });
      jobs.push({
        job: { kind: 'piaffg', group: 'secp256k1', binding: proofBinding(ctx.session, 'presign/affg-gamma', j, self), statement: aff(m.D, m.F, pointBytes(Gamma)), proof: m.psi },
        from: j,
        messages: ids,
        what: 'Π^aff-g of Dᵢ,ⱼ (γⱼ)',
      });
      jobs.push({
        job: { kind: 'piaffg', group: 'secp256k1', binding: proofBinding(ctx.session, 'presign/affg-x', j, self), statement: aff(m.Dhat, m.Fhat, pointBytes(sc.W.get(j)!)), proof: m.psiHat },
        from: j,
        messages: ids,
        what: 'Π^aff-g of D̂ᵢ,ⱼ (wⱼ)',
      });
      jobs.push({
        job: {
          kind: 'pilogstar',
          group: 'secp256k1',
          binding: proofBinding(ctx.session, 'presign/log-gamma', j, self),
          statement: { N0: Nj, C: received.get(j)!.G, X: pointBytes(Gamma), rp: rpSelf },
          proof: m.psiPrime,
        },
        from: j,
        messages: [{ id: received.get(j)!.id, round: 1 }, ...ids],
        what: 'Π^log* of Gⱼ and Γⱼ',
      });
    }
    await verifyOrBlame(ctx.deps.verifier, jobs);

    const k = unbig(state.k, 'state.k');
    const gamma = unbig(state.gamma, 'state.gamma');
    const rho = unbig(state.rho, 'state.rho');
    const GammaSelf = Point.BASE.multiply(gamma);
    let Gamma = GammaSelf;
    for (const { Gamma: Gj } of msgs.values()) Gamma = Gamma.add(Gj);
    if (Gamma.is0()) throw new InternalError('Γ is the identity');
    const betas = new Map(state.betas.map(([j, b, bh]) => [j as PartyIndex, { beta: unbig(b, 'state.betas', true), betaHat: unbig(bh, 'state.betas', true) }]));
    let delta = Fn.mul(gamma, k);
    let chi = Fn.mul(sc.w, k);
    for (const [j, { m }] of msgs) {
      await yieldThread(); // two decryptions per event-loop turn
      const { beta, betaHat } = betas.get(j)!;
      delta = Fn.add(delta, Fn.create(decryptCentred(sc.sk, m.D) + beta));
      chi = Fn.add(chi, Fn.create(decryptCentred(sc.sk, m.Dhat) + betaHat));
    }
    const Delta = mulSecret(Gamma, k);
    const S = mulSecret(Gamma, chi);
    const outgoing: Outgoing[] = [{ kind: 'broadcast', payload: { delta: scalarJson(delta), Delta: pointJson(Delta), S: pointJson(S) } }];
    const logJobs = sc.others.map(
      (j): Extract<ZkProveJob, { kind: 'pilogstar' }> => ({
        kind: 'pilogstar',
        group: 'secp256k1',
        binding: proofBinding(ctx.session, 'presign/log-delta', self, j),
        statement: { N0: Ni, C: Ki, X: pointBytes(Delta), g: pointBytes(Gamma), rp: sc.rp.get(j)! },
        witness: { x: k, rho, factors: { p: sc.sk.p, q: sc.sk.q } },
      }),
    );
    const proofs = await proveWith(ctx.deps.prover, ctx.rng, logJobs);
    sc.others.forEach((j, n) => {
      outgoing.push({ kind: 'p2p', to: j, payload: { psi: encodePiLogStarProof(GROUP, logJobs[n]!.statement, proofs[n]!) as unknown as Json } });
    });
    return {
      next: 3,
      state: {
        ...state,
        gamma: '0',
        nu: '0',
        betas: [],
        Gamma: pointJson(Gamma),
        delta: scalarJson(delta),
        chi: scalarJson(chi),
        // kept for the blame rounds (blame.ts)
        GammaSelf: pointJson(GammaSelf),
        mta: sc.others.map((j) => {
          const p = inbox.p2p.get(j)!.payload as { D: string; F: string; psi: Json; Dhat: string; Fhat: string; psiHat: Json };
          return { j, Gamma: pointJson(msgs.get(j)!.Gamma), D: p.D, F: p.F, psi: p.psi, Dhat: p.Dhat, Fhat: p.Fhat, psiHat: p.psiHat };
        }),
      },
      outgoing,
    };
  },
};
