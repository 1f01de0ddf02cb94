import { beforeAll, describe, expect, it } from 'vitest';
import { modMul } from '../src/backend/index.ts';
import { bitLength } from '../src/bytes.ts';
import { FieldRangeError } from '../src/errors.ts';
import { isqrt } from '../src/modular.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { Transcript, type TranscriptBinding } from '../src/transcript.ts';
import { lengthFor } from '../src/zk/codec.ts';
import { pow2, powSignedVartime, ringPedersenCommitVartime, sampleSigned } from '../src/zk/math.ts';
import { CGGMP21_PARAMS, absorbParams } from '../src/zk/params.ts';
import { decodePiFacProof, encodePiFacProof, provePiFac, verifyPiFac, type PiFacProof, type PiFacStatement } from '../src/zk/pifac.ts';
import { generateRingPedersen } from '../src/zk/ring-pedersen.ts';
import { BINDING, OTHER_PROVER, OTHER_SESSION, expectReject, expectStrictDecoding, taurusModuli } from './zk-fixtures.ts';

const rng = createSeededRng('zk-pifac');

/**
 * Runs the prover's algorithm of Fig. 28 for ANY factorization a·b = N0 (no relation check),
 * deriving e from the transcript layout documented in pifac.ts, i.e. what a cheater with a
 * small factor would send.
 */
function cheatingPiFac(binding: TranscriptBinding, st: PiFacStatement, a: bigint, b: bigint): PiFacProof {
  const { ell, epsilon } = CGGMP21_PARAMS;
  const { N0, rp } = st;
  const Nh = rp.N;
  const sqrtN0 = isqrt(N0);
  const alpha = sampleSigned(ell + epsilon, sqrtN0, rng);
  const beta = sampleSigned(ell + epsilon, sqrtN0, rng);
  const mu = sampleSigned(ell, Nh, rng);
  const nu = sampleSigned(ell, Nh, rng);
  const sigma = sampleSigned(ell, N0 * Nh, rng);
  const r = sampleSigned(ell + epsilon, N0 * Nh, rng);
  const x = sampleSigned(ell + epsilon, Nh, rng);
  const y = sampleSigned(ell + epsilon, Nh, rng);
  const P = ringPedersenCommitVartime(rp, a, mu);
  const Q = ringPedersenCommitVartime(rp, b, nu);
  const A = ringPedersenCommitVartime(rp, alpha, x);
  const B = ringPedersenCommitVartime(rp, beta, y);
  const T = modMul(powSignedVartime(Q, alpha, Nh), powSignedVartime(rp.t, r, Nh), Nh);
  const len = Math.ceil(bitLength(Nh) / 8);
  const t = new Transcript('tessera/zk/pifac/v1', binding);
  absorbParams(t, CGGMP21_PARAMS);
  t.appendBigInt('N0', N0, Math.ceil(bitLength(N0) / 8));
  for (const [label, v] of [['Nhat', Nh], ['s', rp.s], ['t', rp.t], ['P', P], ['Q', Q], ['A', A], ['B', B], ['T', T]] as const)
    t.appendBigInt(label, v, len);
  t.appendSignedBigInt('sigma', sigma, lengthFor(pow2(ell) * N0 * Nh));
  const e = t.challengeSigned('e', CGGMP21_PARAMS.q);
  return { P, Q, A, B, T, sigma, z1: alpha + e * a, z2: beta + e * b, w1: x + e * mu, w2: y + e * nu, v: r + e * (sigma - nu * a) };
}

describe('Π^fac (no small factor, CGGMP21 Fig. 28)', () => {
  let st: PiFacStatement;
  let witness: { p: bigint; q: bigint };
  let proof: PiFacProof;

  beforeAll(() => {
    const [k0, , , , k4] = taurusModuli();
    const { params: rp } = generateRingPedersen(k4!.p, k4!.q, rng);
    st = { N0: k0!.N, rp };
    witness = { p: k0!.p, q: k0!.q };
    proof = provePiFac(BINDING, st, witness, rng);
  });

  it('is complete', () => {
    expect(() => verifyPiFac(BINDING, st, proof)).not.toThrow();
  });

  it('matches the transcript layout documented in its header (independent re-derivation)', () => {
    const honestByHand = cheatingPiFac(BINDING, st, witness.p, witness.q);
    expect(() => verifyPiFac(BINDING, st, honestByHand)).not.toThrow();
  });

  it('fails when any field is altered', () => {
    const Nh = st.rp.N;
    const times = (v: bigint) => (v * st.rp.t) % Nh;
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, P: times(proof.P) }), 'pifac.equation');
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, Q: times(proof.Q) }), 'pifac.equation');
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, A: times(proof.A) }), 'pifac.equation-p');
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, B: times(proof.B) }), 'pifac.equation');
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, T: times(proof.T) }), 'pifac.equation');
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, sigma: proof.sigma + 1n }), 'pifac.equation');
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, z1: proof.z1 + 1n }), 'pifac.equation-p');
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, z2: proof.z2 + 1n }), 'pifac.equation-q');
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, w1: proof.w1 + 1n }), 'pifac.equation-p');
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, w2: proof.w2 + 1n }), 'pifac.equation-q');
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, v: proof.v + 1n }), 'pifac.equation-t');
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, P: 0n }), 'pifac.P');
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, T: Nh }), 'pifac.T');
    const zBound = pow2(CGGMP21_PARAMS.ell + CGGMP21_PARAMS.epsilon) * isqrt(st.N0);
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, z1: zBound + 1n }), 'pifac.z1');
    expectReject(() => verifyPiFac(BINDING, st, { ...proof, z2: -zBound - 1n }), 'pifac.z2');
  });

  it('fails for another modulus, other ring-Pedersen parameters, session or prover', () => {
    const other = taurusModuli()[1]!.N;
    expectReject(() => verifyPiFac(BINDING, { ...st, N0: other }, proof), 'pifac.equation');
    expectReject(() => verifyPiFac(BINDING, { ...st, rp: { ...st.rp, s: (st.rp.s * st.rp.t) % st.rp.N } }, proof), 'pifac.equation');
    expectReject(() => verifyPiFac(OTHER_SESSION, st, proof), 'pifac.equation');
    expectReject(() => verifyPiFac(OTHER_PROVER, st, proof), 'pifac.equation');
  });

  it('catches a modulus with a small factor (BitForge-style N0 = 65537·b) at the range check', () => {
    const a = 65537n;
    const b = pow2(2031) + 1n;
    const bad = { N0: a * b, rp: st.rp };
    expect(bitLength(bad.N0)).toBeGreaterThanOrEqual(2048);
    expect(() => provePiFac(BINDING, bad, { p: a, q: b }, rng)).toThrow(FieldRangeError);
    const cheat = cheatingPiFac(BINDING, bad, a, b);
    expectReject(() => verifyPiFac(BINDING, bad, cheat), 'pifac.z2');
  });

  it('refuses moduli below 2048 bits', () => {
    expectReject(() => verifyPiFac(BINDING, { ...st, N0: 1000000007n * 998244353n }, proof), 'pifac.N0');
    expectReject(() => verifyPiFac(BINDING, { ...st, rp: { N: 1000000007n * 998244353n, s: 4n, t: 9n } }, proof), 'pifac.rp.N');
  });

  it('round-trips its canonical encoding and parses strictly', () => {
    const enc = encodePiFacProof(st, proof);
    const parsed = decodePiFacProof(st, JSON.parse(JSON.stringify(enc)));
    expect(parsed).toEqual(proof);
    expectStrictDecoding(enc, (v) => decodePiFacProof(st, v), ['P', 'Q', 'A', 'B', 'T', 'sigma', 'z1', 'z2', 'w1', 'w2', 'v']);
    const zLen = (enc['z1'] as string).replace('-', '').length;
    expect(() => decodePiFacProof(st, { ...enc, z1: 'f'.repeat(zLen) })).toThrowError(/^z1: value out of range/);
    expect(() => decodePiFacProof(st, { ...enc, z1: '-' + '0'.repeat(zLen) })).toThrowError(/^z1: negative zero/);
  });
});
