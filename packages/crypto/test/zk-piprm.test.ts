import { beforeAll, describe, expect, it } from 'vitest';
import { modPow } from '../src/backend/index.ts';
import { CryptoError, FieldRangeError } from '../src/errors.ts';
import { invert as invertMod } from '../src/modular.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { CGGMP21_PARAMS } from '../src/zk/params.ts';
import { decodePiPrmProof, encodePiPrmProof, provePiPrm, verifyPiPrm, type PiPrmProof } from '../src/zk/piprm.ts';
import {
  generateRingPedersen,
  validateRingPedersenParams,
  type RingPedersenParams,
  type RingPedersenSecret,
} from '../src/zk/ring-pedersen.ts';
import { BINDING, OTHER_PROVER, OTHER_SESSION, expectReject, expectStrictDecoding, taurusModuli, taurusRingPedersen } from './zk-fixtures.ts';

const rng = createSeededRng('zk-piprm');

function withAt<T>(list: readonly T[], i: number, v: T): T[] {
  const c = [...list];
  c[i] = v;
  return c;
}

describe('ring-Pedersen parameters', () => {
  it('are generated as t = τ², s = t^λ and pass the structural checks', () => {
    const { p, q } = taurusModuli()[1]!;
    const { params, secret } = generateRingPedersen(p, q, rng);
    expect(params.N).toBe(p * q);
    expect(modPow(params.t, secret.lambda, params.N)).toBe(params.s);
    // t is a square modulo both factors.
    expect(modPow(params.t, (p - 1n) / 2n, p)).toBe(1n);
    expect(modPow(params.t, (q - 1n) / 2n, q)).toBe(1n);
    expect(() => validateRingPedersenParams(params)).not.toThrow();
    expect(() => generateRingPedersen(p, p, rng)).toThrow(FieldRangeError);
  });

  it('accept the parameters of an independent implementation (Taurus multi-party-sig fixtures)', () => {
    for (const rp of taurusRingPedersen()) {
      expect(() => validateRingPedersenParams(rp)).not.toThrow();
      expect(modPow(rp.t, (rp.p - 1n) / 2n, rp.p)).toBe(1n);
      expect(modPow(rp.t, (rp.q - 1n) / 2n, rp.q)).toBe(1n);
    }
  });

  it('refuse small moduli, non-units and degenerate values, naming the field', () => {
    const rp = taurusRingPedersen()[0]!;
    expectReject(() => validateRingPedersenParams({ N: 1000000007n * 998244353n, s: 4n, t: 9n }), 'rp.N');
    expectReject(() => validateRingPedersenParams({ ...rp, N: rp.N * 2n }), 'rp.N');
    expectReject(() => validateRingPedersenParams({ ...rp, s: rp.p }), 'rp.s');
    expectReject(() => validateRingPedersenParams({ ...rp, t: 0n }), 'rp.t');
    expectReject(() => validateRingPedersenParams({ ...rp, t: rp.N }), 'rp.t');
    expectReject(() => validateRingPedersenParams({ ...rp, s: 1n }), 'rp.s');
    expectReject(() => validateRingPedersenParams({ ...rp, t: 1n }), 'rp.t');
  });
});

describe('Π^prm (ring-Pedersen parameters, CGGMP21 Fig. 17)', () => {
  let st: RingPedersenParams;
  let secret: RingPedersenSecret;
  let proof: PiPrmProof;

  beforeAll(() => {
    const { p, q } = taurusModuli()[2]!;
    ({ params: st, secret } = generateRingPedersen(p, q, rng));
    proof = provePiPrm(BINDING, st, secret, rng);
  });

  it('is complete with 80 binary-challenge repetitions', () => {
    expect(CGGMP21_PARAMS.prmRounds).toBeGreaterThanOrEqual(80);
    expect(proof.A).toHaveLength(80);
    expect(() => verifyPiPrm(BINDING, st, proof)).not.toThrow();
  });

  it('fails when any field is altered', () => {
    const N = st.N;
    expectReject(() => verifyPiPrm(BINDING, st, { ...proof, A: withAt(proof.A, 0, (proof.A[0]! * st.t) % N) }));
    expectReject(() => verifyPiPrm(BINDING, st, { ...proof, z: withAt(proof.z, 0, proof.z[0]! + 1n) }), 'piprm.equation[0]');
    expectReject(() => verifyPiPrm(BINDING, st, { ...proof, z: withAt(proof.z, 5, N) }), 'piprm.z[5]');
    expectReject(() => verifyPiPrm(BINDING, st, { ...proof, A: withAt(proof.A, 2, 0n) }), 'piprm.A[2]');
    expectReject(() => verifyPiPrm(BINDING, st, { ...proof, A: proof.A.slice(1) }), 'piprm.A');
    expectReject(() => verifyPiPrm(BINDING, st, { ...proof, z: [...proof.z, 1n] }), 'piprm.z');
  });

  it('fails for other parameters, session, prover or repetition count', () => {
    expectReject(() => verifyPiPrm(BINDING, { ...st, s: (st.s * st.t) % st.N }, proof));
    expectReject(() => verifyPiPrm(BINDING, { N: st.N, s: st.t, t: st.s }, proof));
    expectReject(() => verifyPiPrm(OTHER_SESSION, st, proof), 'piprm.equation');
    expectReject(() => verifyPiPrm(OTHER_PROVER, st, proof), 'piprm.equation');
    expectReject(() => verifyPiPrm(BINDING, st, proof, { ...CGGMP21_PARAMS, prmRounds: 128 }), 'piprm.A');
    expect(() => verifyPiPrm(BINDING, st, proof, { ...CGGMP21_PARAMS, prmRounds: 79 })).toThrowError(/^params.prmRounds/);
  });

  it('catches a prover without λ that guesses the challenges, and refuses a wrong witness', () => {
    expect(() => provePiPrm(BINDING, st, { ...secret, lambda: secret.lambda + 1n }, rng)).toThrow(CryptoError);
    // A prover without λ can only guess each e_i in advance: A_i = t^{a_i}·s^{−g_i}, z_i = a_i
    // passes repetition i iff e_i = g_i, so 80 guesses all hold with probability 2^-80.
    const sInv = invertMod(st.s, st.N);
    const a = proof.z.map((_, i) => BigInt(i + 1) * 0x1234567n);
    const guesses = a.map((_, i) => i % 3 === 0);
    const A = a.map((ai, i) => (modPow(st.t, ai, st.N) * (guesses[i] ? sInv : 1n)) % st.N);
    expectReject(() => verifyPiPrm(BINDING, st, { A, z: a }), 'piprm.equation');
  });

  it('refuses moduli below 2048 bits', () => {
    expectReject(() => verifyPiPrm(BINDING, { N: 1000000007n * 998244353n, s: 4n, t: 9n }, proof), 'piprm.N');
  });

  it('round-trips its canonical encoding and parses strictly', () => {
    const enc = encodePiPrmProof(st, proof);
    expect(decodePiPrmProof(st, JSON.parse(JSON.stringify(enc)))).toEqual(proof);
    expectStrictDecoding(enc, (v) => decodePiPrmProof(st, v), ['A', 'z']);
    const n = st.N.toString(16).padStart((enc['A'] as string[])[0]!.length, '0');
    expect(() => decodePiPrmProof(st, { ...enc, z: withAt(enc['z'] as string[], 1, n) })).toThrowError(/^z\[1\]: value out of range/);
  });
});
