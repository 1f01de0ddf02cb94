/**
 * Dealer-less key generation, phase "candidates" (eprint 2019/1136 §4.1, "generating p and q";
 * Boneh–Franklin's distributed sieving replaced by batches): for each of the K candidates of a
 * batch every party i draws additive shares pᵢ, qᵢ of p = Σ pᵢ and q = Σ qᵢ with
 *
 *   p₁ = 3·2^(ℓ−2) + 3 + 4·r₁,  pᵢ = 4·rᵢ (i > 1),  rᵢ uniform in [0, 2^(ℓ−4−⌈log₂ n⌉)),
 *
 * so p ≡ 3 (mod 4) (the Boneh–Franklin test needs p ≡ q ≡ 3 mod 4) and 3·2^(ℓ−2) ≤ p < 2^ℓ
 * (N = p·q has exactly 2ℓ bits, p and q are balanced). Party i Shamir-shares pᵢ and qᵢ over F_P
 * with degree t and deals a sharing of 0 of degree 2t, sending party j its shares (p2p).
 * This round collects them: party i holds p(i) = Σⱼ pⱼ(i), q(i), z(i) and broadcasts its share
 * of N, n(i) = p(i)·q(i) + z(i) mod P, a point of a random degree-2t polynomial with constant p·q.
 * @module
 */
import { bigIntToHex, bitLength } from '@tessera/crypto/bytes';
import { readUnsigned } from '@tessera/crypto/zk/codec';
import { expectObject, type Json, type JsonObject } from '../../engine/codec.ts';
import type { PartyIndex } from '../../engine/ids.ts';
import type { Outgoing, RoundContext, RoundSpec, Transition } from '../../engine/protocol.ts';
import { advance, expectBatch, expectList, others, paramsOf } from './common.ts';
import { RandomPool, evaluateMod, randomFieldPolynomial } from './field.ts';
import { batchSizeOf, type DkgParameters } from './params.ts';
import type { DkgDeps, DkgOutput, DkgState } from './types.ts';

/** Payload of the candidate shares party i sends party j. */
interface CandidateShares {
  readonly p: readonly bigint[];
  readonly q: readonly bigint[];
  readonly z: readonly bigint[];
}

/**
 * Draws the next batch (state.batch + 1, or 0 from `init`) and sends every party its shares.
 * @throws {AbortError} @throws {InternalError} as `advance`.
 */
export function startBatch(state: DkgState, ctx: RoundContext<DkgDeps>, params: DkgParameters, batch: number): Transition<DkgState, DkgOutput> {
  const K = batchSizeOf(params, batch);
  const n = ctx.parties.length;
  const { P, t, fieldBytes } = params;
  const offset = ctx.self === 1 ? (3n << BigInt(params.primeBits - 2)) + 3n : 0n;
  const pBits = bitLength(P);
  const rBits = bitLength(params.shareRange) - 1;
  const pool = new RandomPool(RandomPool.bytesBits(rBits, 2 * K) + RandomPool.bytesBelow(pBits, 4 * t * K), ctx.rng);
  const own = { p: [] as string[], q: [] as string[] };
  const self = { p: [] as string[], q: [] as string[], z: [] as string[] };
  const out = new Map<number, { p: string[]; q: string[]; z: string[] }>();
  for (const j of others(ctx)) out.set(j, { p: [], q: [], z: [] });
  for (let k = 0; k < K; k++) {
    const pi = offset + 4n * pool.bits(rBits);
    const qi = offset + 4n * pool.bits(rBits);
    own.p.push(bigIntToHex(pi));
    own.q.push(bigIntToHex(qi));
    const fp = randomFieldPolynomial(pi, t, P, pool, pBits);
    const fq = randomFieldPolynomial(qi, t, P, pool, pBits);
    const fz = randomFieldPolynomial(0n, 2 * t, P, pool, pBits);
    for (let j = 1; j <= n; j++) {
      const sp = bigIntToHex(evaluateMod(fp, j, P), fieldBytes);
      const sq = bigIntToHex(evaluateMod(fq, j, P), fieldBytes);
      const sz = bigIntToHex(evaluateMod(fz, j, P), fieldBytes);
      const target = j === ctx.self ? self : out.get(j)!;
      target.p.push(sp);
      target.q.push(sq);
      target.z.push(sz);
    }
  }
  const outgoing: Outgoing[] = [...out].map(([j, s]) => ({ kind: 'p2p', to: j as PartyIndex, payload: { batch, p: s.p, q: s.q, z: s.z } }));
  const stats = { ...state.stats, batches: state.stats.batches + 1 };
  return advance(state, ctx, 'candidates', { batch, own, self, selfN: null, moduli: null, tested: null, responses: null, stats }, outgoing);
}

/** Strict reader of a candidate-shares payload. */
export function readCandidateShares(payload: Json, state: DkgState, params: DkgParameters): CandidateShares {
  const o = expectObject(payload, 'candidates', ['batch', 'p', 'q', 'z']) as JsonObject;
  expectBatch(o, state, 'candidates');
  const K = batchSizeOf(params, state.batch);
  const read = (name: 'p' | 'q' | 'z') =>
    expectList(o[name], `candidates.${name}`, K).map((x, k) => readUnsigned(`candidates.${name}[${k}]`, x, params.fieldBytes, 0n, params.P));
  return { p: read('p'), q: read('q'), z: read('z') };
}

/** Phase "candidates": collect the shares, broadcast the shares of N. */
export const candidatesRound: RoundSpec<DkgState, DkgOutput, DkgDeps> = {
  expects(_state, ctx) {
    return { broadcast: [], p2p: others(ctx), echo: [] };
  },
  parse(_kind, _from, payload, state, ctx) {
    readCandidateShares(payload, state, paramsOf(state, ctx.parties.length));
  },
  finalize(state, inbox, ctx) {
    const params = paramsOf(state, ctx.parties.length);
    const { P } = params;
    const received = others(ctx).map((j) => readCandidateShares(inbox.p2p.get(j)!.payload, state, params));
    const self = state.self!;
    const nShares: string[] = [];
    for (let k = 0; k < self.p.length; k++) {
      let p = BigInt('0x' + self.p[k]!);
      let q = BigInt('0x' + self.q[k]!);
      let z = BigInt('0x' + self.z[k]!);
      for (const r of received) {
        p += r.p[k]!;
        q += r.q[k]!;
        z += r.z[k]!;
      }
      nShares.push(bigIntToHex((((p % P) * (q % P)) % P + z) % P, params.fieldBytes));
    }
    return advance(state, ctx, 'modulus', { self: null, selfN: nShares }, [{ kind: 'broadcast', payload: { batch: state.batch, n: nShares } }]);
  },
};
