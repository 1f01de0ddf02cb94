/**
 * CGGMP21 presigning, round 1 → 2 (Fig. 7, round 2): the signers' Kⱼ, Gⱼ arrive through the
 * echo-checked broadcast and each ψ⁰ⱼ,ᵢ (Π^enc: Kⱼ encrypts some kⱼ ∈ ±2^ℓ, against our
 * ring-Pedersen parameters) point to point; a failing Π^enc names its sender. Then, for every
 * other signer j, party i runs both MtA conversions on Kⱼ:
 *   Dⱼ,ᵢ = γᵢ ⊙ Kⱼ ⊕ encⱼ(−βᵢ,ⱼ; sᵢ,ⱼ),  Fⱼ,ᵢ = encᵢ(βᵢ,ⱼ; rᵢ,ⱼ),
 *   D̂ⱼ,ᵢ = wᵢ ⊙ Kⱼ ⊕ encⱼ(−β̂ᵢ,ⱼ; ŝᵢ,ⱼ),  F̂ⱼ,ᵢ = encᵢ(β̂ᵢ,ⱼ; r̂ᵢ,ⱼ),
 * with βᵢ,ⱼ, β̂ᵢ,ⱼ ← ±2^ℓ′, and proves them with Π^aff-g (ψⱼ,ᵢ for Γᵢ = γᵢ·G, ψ̂ⱼ,ᵢ for Wᵢ = wᵢ·G;
 * docs/proofs.md: y = −β, Y = F⁻¹ with nonce r⁻¹) and Gᵢ with Π^log* (ψ′ⱼ,ᵢ: Gᵢ encrypts log Γᵢ),
 * all against j's ring-Pedersen parameters. Γᵢ is broadcast; the rest goes to j alone. In the
 * threshold setting wᵢ = λᵢ·xᵢ over the signing set (Wᵢ = λᵢ·Xᵢ is public).
 * @module
 */
import { mulScalar, add } from '@tessera/crypto/paillier';
import { randomZnStar } from '@tessera/crypto/rng';
import { encodePiAffGProof, type PiAffGProof } from '@tessera/crypto/zk/piaffg';
import { encodePiLogStarProof, type PiLogStarProof } from '@tessera/crypto/zk/pilogstar';
import type { ZkProveJob } from '@tessera/crypto/zk/prove-dispatch';
import { CGGMP21_PARAMS } from '@tessera/crypto/zk/params';
import { invert } from '@tessera/crypto/modular';
import type { Json } from '../../engine/codec.ts';
import { InternalError } from '../../engine/errors.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Expectation, Outgoing, RoundSpec } from '../../engine/protocol.ts';
import { CURVE_ORDER, GROUP, mulBase, pointBytes, pointJson } from '../curve.ts';
import { modHex, proofBinding, proveWith, signedBig, unbig, verifyOrBlame, yieldThread, type BlameJob } from '../wire.ts';
import { encryptSigned, invertSecret, sampleSignedBits, readEncProof, readRound1, signerContext, type PresignDeps, type PresignOutput, type PresignState } from './types.ts';

/** Round 1: Kⱼ, Gⱼ (echo) and Π^enc; then the MtA messages. @throws {ProtocolAbort} (`invalid-proof`) from finalize. */
export const round1: RoundSpec<PresignState, PresignOutput, PresignDeps> = {
  expects(state, ctx): Expectation {
    const others = state.signers.filter((p) => p !== ctx.self) as PartyIndex[];
    return { broadcast: others, p2p: others, echo: others };
  },
  parse(kind, from, payload, _state, ctx) {
    const aux = ctx.deps.keyShare.aux;
    const Nj = aux.public.get(from)!.N;
    if (kind === 'broadcast') readRound1(payload, Nj);
    else readEncProof(payload, Nj, aux.public.get(ctx.self)!);
  },
  async finalize(state, inbox, ctx) {
    const sc = signerContext(ctx.deps.keyShare, state.signers);
    const self = ctx.self;
    const rpSelf = sc.rp.get(self)!;
    const received = sc.others.map((j) => {
      const m = inbox.broadcast.get(j)!;
      const { K, G } = readRound1(m.payload, sc.pk.get(j)!.n);
      return { j, K, G, id: m.id };
    });
    const jobs: BlameJob[] = received.map(({ j, K, id }) => {
      const p2p = inbox.p2p.get(j)!;
      return {
        job: { kind: 'pienc', binding: proofBinding(ctx.session, 'presign/enc', j, self), statement: { N0: sc.pk.get(j)!.n, K, rp: rpSelf }, proof: readEncProof(p2p.payload, sc.pk.get(j)!.n, rpSelf) },
        from: j,
        messages: [{ id, round: 1 }, { id: p2p.id, round: 1 }],
        what: 'Π^enc of Kⱼ',
      };
    });
    await verifyOrBlame(ctx.deps.verifier, jobs);

    const gamma = unbig(state.gamma, 'state.gamma');
    const nu = unbig(state.nu, 'state.nu');
    const Gi = unbig(state.G, 'state.G');
    const Gamma = mulBase(gamma);
    const Wi = sc.W.get(self)!;
    const pki = sc.pk.get(self)!;
    const Ni = pki.n;
    const ellPrime = CGGMP21_PARAMS.ellPrime;
    // γᵢ and wᵢ are scalars below q: the public bound |q| limits the ladder of γᵢ ⊙ Kⱼ to 256 bits
    const scalarBits = CURVE_ORDER.toString(2).length;
    // our own factors: the provers' encryptions under Nᵢ run through CRT
    const own = { p: sc.sk.p, q: sc.sk.q };
    const outgoing: Outgoing[] = [{ kind: 'broadcast', payload: { Gamma: pointJson(Gamma) } }];
    const betas: [number, string, string][] = [];
    const sent: [number, string, string][] = [];
    // Every proof of this round goes to the prover in ONE call (a pool spreads them over its
    // workers); the messages are assembled once they are back.
    const proveJobs: ZkProveJob[] = [];
    const pending: { j: PartyIndex; Nj: bigint; g: { beta: bigint; D: bigint; F: bigint; job: number }; h: { beta: bigint; D: bigint; F: bigint; job: number }; log: number }[] = [];
    for (const { j, K: Kj } of received) {
      const pkj = sc.pk.get(j)!;
      const Nj = pkj.n;
      const rpj = sc.rp.get(j)!;
      const mta = (x: bigint, X: Uint8Array, tag: string) => {
        const beta = sampleSignedBits(ellPrime, ctx.rng);
        const s = randomZnStar(Nj, ctx.rng);
        const r = randomZnStar(Ni, ctx.rng);
        const D = add(pkj, mulScalar(pkj, Kj, x, scalarBits), encryptSigned(pkj, -beta, s));
        const F = encryptSigned(pki, beta, r, sc.sk);
        const statement = { N0: Nj, N1: Ni, C: Kj, D, Y: invert(F, Ni * Ni), X, rp: rpj };
        proveJobs.push({
          kind: 'piaffg',
          group: 'secp256k1',
          binding: proofBinding(ctx.session, tag, self, j),
          statement,
          witness: { x, y: -beta, rho: s, rhoY: invertSecret(r, Ni, ctx.rng), factorsN1: own },
        });
        return { beta, D, F, job: proveJobs.length - 1 };
      };
      // one MtA (an encryption under j's key without CRT, tens of ms) per event-loop turn
      await yieldThread();
      const g = mta(gamma, pointBytes(Gamma), 'presign/affg-gamma');
      await yieldThread();
      const h = mta(sc.w, pointBytes(Wi), 'presign/affg-x');
      proveJobs.push({
        kind: 'pilogstar',
        group: 'secp256k1',
        binding: proofBinding(ctx.session, 'presign/log-gamma', self, j),
        statement: { N0: Ni, C: Gi, X: pointBytes(Gamma), rp: rpj },
        witness: { x: gamma, rho: nu, factors: own },
      });
      pending.push({ j, Nj, g, h, log: proveJobs.length - 1 });
    }
    const proofs = await proveWith(ctx.deps.prover, ctx.rng, proveJobs);
    const encoded = (n: number): Json => {
      const job = proveJobs[n]!;
      if (job.kind === 'piaffg') return encodePiAffGProof(GROUP, job.statement, proofs[n] as PiAffGProof) as unknown as Json;
      if (job.kind === 'pilogstar') return encodePiLogStarProof(GROUP, job.statement, proofs[n] as PiLogStarProof) as unknown as Json;
      throw new InternalError('unexpected proof kind');
    };
    for (const { j, Nj, g, h, log } of pending) {
      betas.push([j, signedBig(g.beta), signedBig(h.beta)]);
      sent.push([j, modHex(g.F, Ni * Ni, 'F'), modHex(h.F, Ni * Ni, 'Fhat')]);
      outgoing.push({
        kind: 'p2p',
        to: j,
        payload: {
          D: modHex(g.D, Nj * Nj, 'D'),
          F: modHex(g.F, Ni * Ni, 'F'),
          Dhat: modHex(h.D, Nj * Nj, 'Dhat'),
          Fhat: modHex(h.F, Ni * Ni, 'Fhat'),
          psi: encoded(g.job),
          psiHat: encoded(h.job),
          psiPrime: encoded(log),
        },
      });
    }
    return {
      next: 2,
      state: { ...state, received: received.map(({ j, K, G, id }) => [j, K.toString(16), G.toString(16), id] as const), betas, sent },
      outgoing,
    };
  },
};
