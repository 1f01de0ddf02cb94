/**
 * Dealer-less key generation, phases "key1" and "key2": sharing the decryption exponent over the
 * integers (eprint 2019/1136 §4.4 after Nishide–Sakurai 2010, with a degree reduction so that
 * any T = t + 1 parties decrypt, where TNO's product sharing would need 2t + 1).
 *
 * Party i holds additive shares of φ(N) = N + 1 − p − q: φ₁ = N + 1 − p₁ − q₁, φᵢ = −pᵢ − qᵢ.
 * - start (→ key1): party i draws βᵢ ← [0, N) and deals integer Shamir sharings of degree t of
 *   φᵢ and βᵢ (f(0) = Δ·x, coefficients uniform in [0, A), statistical hiding 2^−σ, see params.ts),
 *   plus a random mask ρᵢⱼ ← [0, N) for every other party j (p2p).
 * - key1 (→ key2): party i adds up Φ(i) = Σⱼ fⱼ(i) and B(i) = Σⱼ gⱼ(i), shares of degree t of
 *   Δφ and Δβ; H(i) = Φ(i)·B(i) is a point of a degree-2t polynomial H with H(0) = Δ²φβ.
 *   Degree reduction: wᵢ = Δλ₀ᵢ·H(i) with the integer Lagrange coefficients of all n ≥ 2t + 1
 *   parties, so Σᵢ wᵢ = Δ·H(0); party i deals an integer sharing uᵢ of wᵢ of degree t
 *   (uᵢ(0) = Δ·wᵢ, p2p), and broadcasts θᵢ = Δ·wᵢ + ζᵢ mod N with ζᵢ = Σⱼ ρⱼᵢ − Σⱼ ρᵢⱼ, so that
 *   Σ θᵢ = D mod N and nothing else about the wᵢ is revealed (Σ ζᵢ = 0).
 * - key2 (→ verify): sᵢ = Σⱼ uⱼ(i) + K·i, a point of S(X) = Σⱼ uⱼ(X) + K·X, an integer polynomial
 *   of degree t with S(0) = Δ·Σ wⱼ = Δ⁴·φ(N)·β =: D. The public shift K·X (K above every |Σⱼ uⱼ(i)|)
 *   makes every share positive without changing D (the proof of a decryption share needs
 *   0 ≤ Δ·sᵢ < 2^b); it needs t ≥ 1, hence T ≥ 2. θ = Σ θᵢ mod N = D mod N is public; since
 *   D ≡ 0 (mod φ(N)), c^D = 1 + (m·θ mod N)·N, which the combination divides out.
 * The θ round is echo-checked and carries each party's N, so all parties agree on both.
 * @module
 */
import { modPow } from '@tessera/crypto/backend';
import { bigIntToBytes, bigIntToHex, bitLength } from '@tessera/crypto/bytes';
import { FieldRangeError } from '@tessera/crypto/errors';
import { gcd } from '@tessera/crypto/modular';
import { randomBelow } from '@tessera/crypto/rng';
import { hexSigned, lengthFor, readSigned, readUnsigned } from '@tessera/crypto/zk/codec';
import { InternalError } from '../../engine/errors.ts';
import { expectObject, type Json, type JsonObject } from '../../engine/codec.ts';
import type { Outgoing, RoundContext, RoundSpec, Transition } from '../../engine/protocol.ts';
import { advance, hashToInteger, modulusBytesOf, others, paramsOf, report } from './common.ts';
import { evaluateInteger, randomIntegerPolynomial } from './field.ts';
import type { DkgParameters } from './params.ts';
import type { DkgDeps, DkgOutput, DkgState } from './types.ts';

function signed(field: string, x: bigint, bound: bigint): string {
  return hexSigned(field, x, lengthFor(bound));
}

function readSignedShare(field: string, v: Json | undefined, bound: bigint): bigint {
  return readSigned(field, v, lengthFor(bound), bound);
}

function chosenN(state: DkgState): bigint {
  return BigInt('0x' + state.chosen!.N);
}

function keyHex(state: DkgState, name: string): string {
  return (state.key as JsonObject)[name] as string;
}

function signedFromState(state: DkgState, name: string): bigint {
  const h = keyHex(state, name);
  return h.startsWith('-') ? -BigInt('0x' + h.slice(1)) : BigInt('0x' + h);
}

/**
 * Fixes candidate k of the batch as N and starts the key sharing (→ phase key1).
 * @throws {AbortError} @throws {InternalError} as `advance`.
 */
export function startKeySharing(state: DkgState, ctx: RoundContext<DkgDeps>, params: DkgParameters, k: number): Transition<DkgState, DkgOutput> {
  const N = BigInt('0x' + state.moduli![k]!);
  const p = BigInt('0x' + state.own!.p[k]!);
  const q = BigInt('0x' + state.own!.q[k]!);
  const phi = ctx.self === 1 ? N + 1n - p - q : -(p + q);
  const beta = randomBelow(N, ctx.rng);
  const { delta, t } = params;
  const fPhi = randomIntegerPolynomial(phi, delta, t, params.phiCoefficientRange, ctx.rng);
  const fBeta = randomIntegerPolynomial(beta, delta, t, params.betaCoefficientRange, ctx.rng);
  const mb = modulusBytesOf(state);
  const masks: string[] = [];
  const outgoing: Outgoing[] = [];
  for (const j of ctx.parties) {
    if (j === ctx.self) {
      masks.push('');
      continue;
    }
    const rho = randomBelow(N, ctx.rng);
    masks.push(bigIntToHex(rho, mb));
    outgoing.push({
      kind: 'p2p',
      to: j,
      payload: {
        phi: signed('phi', evaluateInteger(fPhi, j), params.phiShareBound),
        beta: signed('beta', evaluateInteger(fBeta, j), params.betaShareBound),
        mask: bigIntToHex(rho, mb),
      },
    });
  }
  const key: JsonObject = {
    selfPhi: signed('phi', evaluateInteger(fPhi, ctx.self), params.phiShareBound),
    selfBeta: signed('beta', evaluateInteger(fBeta, ctx.self), params.betaShareBound),
    masks,
  };
  const next: DkgState = { ...state, chosen: { N: bigIntToHex(N), p: bigIntToHex(p), q: bigIntToHex(q) }, own: null, moduli: null, tested: null, responses: null, key };
  report(ctx, next, 'key', params);
  return advance(next, ctx, 'key1', {}, outgoing);
}

function readKey1(payload: Json, state: DkgState, params: DkgParameters): { phi: bigint; beta: bigint; mask: bigint } {
  const o = expectObject(payload, 'key1', ['phi', 'beta', 'mask']) as JsonObject;
  return {
    phi: readSignedShare('key1.phi', o.phi, params.phiShareBound),
    beta: readSignedShare('key1.beta', o.beta, params.betaShareBound),
    mask: readUnsigned('key1.mask', o.mask, modulusBytesOf(state), 0n, chosenN(state)),
  };
}

/** Phase "key1": products, degree reduction, masked opening of θ. */
export const key1Round: RoundSpec<DkgState, DkgOutput, DkgDeps> = {
  expects(_state, ctx) {
    return { broadcast: [], p2p: others(ctx), echo: [] };
  },
  parse(_kind, _from, payload, state, ctx) {
    readKey1(payload, state, paramsOf(state, ctx.parties.length));
  },
  finalize(state, inbox, ctx) {
    const params = paramsOf(state, ctx.parties.length);
    const N = chosenN(state);
    let Phi = signedFromState(state, 'selfPhi');
    let B = signedFromState(state, 'selfBeta');
    let zeta = 0n;
    const masks = (state.key as JsonObject).masks as string[];
    for (const j of others(ctx)) {
      const m = readKey1(inbox.p2p.get(j)!.payload, state, params);
      Phi += m.phi;
      B += m.beta;
      zeta += m.mask - BigInt('0x' + masks[j - 1]!);
    }
    const w = params.lambdaAll[ctx.self - 1]! * Phi * B;
    const fU = randomIntegerPolynomial(w, params.delta, params.t, params.wCoefficientRange, ctx.rng);
    const mb = modulusBytesOf(state);
    const thetaShare = (((params.delta * w + zeta) % N) + N) % N;
    const outgoing: Outgoing[] = others(ctx).map((j) => ({ kind: 'p2p', to: j, payload: { u: signed('u', evaluateInteger(fU, j), params.uShareBound) } }));
    outgoing.push({ kind: 'broadcast', payload: { n: bigIntToHex(N, mb), theta: bigIntToHex(thetaShare, mb) } });
    const key: JsonObject = { selfU: signed('u', evaluateInteger(fU, ctx.self), params.uShareBound), thetaShare: bigIntToHex(thetaShare, mb) };
    return advance(state, ctx, 'key2', { key }, outgoing);
  },
};

/** The base v of the verification keys: the square of a session-bound hash value in Z*_{N²}. */
export function verificationBase(ctx: RoundContext<DkgDeps>, N: bigint): bigint {
  const N2 = N * N;
  const nb = Math.ceil(bitLength(N) / 8);
  for (let ctr = 0; ; ctr++) {
    const x = hashToInteger(ctx, bitLength(N2), 'verification-base', bigIntToBytes(N, nb), ctr) % N2;
    if (x > 1n && gcd(x, N) === 1n) return (x * x) % N2;
  }
}

/** Phase "key2": own key share, θ, own verification key (→ verify). */
export const key2Round: RoundSpec<DkgState, DkgOutput, DkgDeps> = {
  expects(_state, ctx) {
    const o = others(ctx);
    return { broadcast: o, p2p: o, echo: o };
  },
  parse(kind, _from, payload, state, ctx) {
    const params = paramsOf(state, ctx.parties.length);
    if (kind === 'p2p') {
      const o = expectObject(payload, 'key2', ['u']) as JsonObject;
      readSignedShare('key2.u', o.u, params.uShareBound);
      return;
    }
    readTheta(payload, state);
  },
  finalize(state, inbox, ctx) {
    const params = paramsOf(state, ctx.parties.length);
    const N = chosenN(state);
    let S = signedFromState(state, 'selfU');
    let theta = BigInt('0x' + keyHex(state, 'thetaShare'));
    for (const j of others(ctx)) {
      S += readSignedShare('key2.u', (inbox.p2p.get(j)!.payload as JsonObject).u, params.uShareBound);
      theta += readTheta(inbox.broadcast.get(j)!.payload, state);
    }
    theta %= N;
    const s = S + params.shift * BigInt(ctx.self);
    if (s <= 0n || bitLength(s) > params.shareBits) throw new InternalError('key share outside its public bound');
    if (gcd(theta, N) !== 1n) throw new InternalError('θ is not a unit modulo N (probability about 2^−(bits/2)); run the key generation again');
    const v = verificationBase(ctx, N);
    const N2 = N * N;
    const eb = Math.ceil(bitLength(N2) / 8);
    const vk = modPow(v, params.delta * s, N2);
    const key: JsonObject = { s: bigIntToHex(s), theta: bigIntToHex(theta), v: bigIntToHex(v, eb), vk: bigIntToHex(vk, eb) };
    report(ctx, state, 'verification', params);
    return advance(state, ctx, 'verify', { key }, [{ kind: 'broadcast', payload: { vk: bigIntToHex(vk, eb) } }]);
  },
};

/** Reads a θ broadcast, checking the sender's N is ours. */
function readTheta(payload: Json, state: DkgState): bigint {
  const o = expectObject(payload, 'key2', ['n', 'theta']) as JsonObject;
  const mb = modulusBytesOf(state);
  const N = chosenN(state);
  if (readUnsigned('key2.n', o.n, mb, 0n, 1n << BigInt(8 * mb)) !== N) throw new FieldRangeError('key2.n', 'the sender opened a different N');
  return readUnsigned('key2.theta', o.theta, mb, 0n, N);
}

