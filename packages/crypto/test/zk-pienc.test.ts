import { beforeAll, describe, expect, it } from 'vitest';
import { FieldRangeError, CryptoError } from '../src/errors.ts';
import { encryptWithNonce, paillierPublicKey, type PaillierPublicKey } from '../src/paillier/index.ts';
import { randomBelow, randomZnStar } from '../src/rng.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { CGGMP21_PARAMS } from '../src/zk/params.ts';
import { decodePiEncProof, encodePiEncProof, provePiEnc, verifyPiEnc, type PiEncProof, type PiEncStatement } from '../src/zk/pienc.ts';
import { generateRingPedersen } from '../src/zk/ring-pedersen.ts';
import { BINDING, OTHER_PROVER, OTHER_SESSION, expectReject, expectStrictDecoding, taurusModuli } from './zk-fixtures.ts';

const rng = createSeededRng('zk-pienc');

describe('Π^enc (encryption in range, CGGMP21 Fig. 14)', () => {
  let pk: PaillierPublicKey;
  let st: PiEncStatement;
  let k: bigint;
  let rho: bigint;
  let proof: PiEncProof;

  beforeAll(() => {
    const [k0, , k2] = taurusModuli();
    pk = paillierPublicKey(k0!.N);
    const { params: rp } = generateRingPedersen(k2!.p, k2!.q, rng);
    k = randomBelow(CGGMP21_PARAMS.q, rng);
    rho = randomZnStar(pk.n, rng);
    st = { N0: pk.n, K: encryptWithNonce(pk, k, rho), rp };
    proof = provePiEnc(BINDING, st, { k, rho }, rng);
  });

  it('gives the same proof when the prover passes its factors (CRT encryptions), and refuses wrong ones', () => {
    const [k0, k1] = taurusModuli();
    const plain = provePiEnc(BINDING, st, { k, rho }, createSeededRng('pienc crt'));
    const crt = provePiEnc(BINDING, st, { k, rho, factors: { p: k0!.p, q: k0!.q } }, createSeededRng('pienc crt'));
    expect(crt).toEqual(plain);
    expect(() => verifyPiEnc(BINDING, st, crt)).not.toThrow();
    expect(() => provePiEnc(BINDING, st, { k, rho, factors: { p: k1!.p, q: k0!.q } }, rng)).toThrowError(/^witness\.factors:/);
  });

  it('is complete, also for a negative plaintext and for k = ±2^ℓ', () => {
    expect(() => verifyPiEnc(BINDING, st, proof)).not.toThrow();
    for (const kk of [-12345n, 1n << 256n, -(1n << 256n)]) {
      const r = randomZnStar(pk.n, rng);
      const s2 = { ...st, K: encryptWithNonce(pk, ((kk % pk.n) + pk.n) % pk.n, r) };
      expect(() => verifyPiEnc(BINDING, s2, provePiEnc(BINDING, s2, { k: kk, rho: r }, rng))).not.toThrow();
    }
  });

  it('fails when any field is altered', () => {
    const { N: Nh, t } = st.rp;
    const N2 = pk.n2;
    expectReject(() => verifyPiEnc(BINDING, st, { ...proof, S: (proof.S * t) % Nh }), 'pienc.equation');
    expectReject(() => verifyPiEnc(BINDING, st, { ...proof, A: (proof.A * (1n + pk.n)) % N2 }), 'pienc.equation-paillier');
    expectReject(() => verifyPiEnc(BINDING, st, { ...proof, C: (proof.C * t) % Nh }), 'pienc.equation');
    expectReject(() => verifyPiEnc(BINDING, st, { ...proof, z1: proof.z1 + 1n }), 'pienc.equation-paillier');
    expectReject(() => verifyPiEnc(BINDING, st, { ...proof, z2: (proof.z2 * 2n) % pk.n }), 'pienc.equation-paillier');
    expectReject(() => verifyPiEnc(BINDING, st, { ...proof, z3: proof.z3 + 1n }), 'pienc.equation-rp');
    expectReject(() => verifyPiEnc(BINDING, st, { ...proof, z1: (1n << 768n) + 1n }), 'pienc.z1');
    expectReject(() => verifyPiEnc(BINDING, st, { ...proof, z2: 0n }), 'pienc.z2');
    expectReject(() => verifyPiEnc(BINDING, st, { ...proof, A: pk.n }), 'pienc.A');
  });

  it('fails for another ciphertext, key, ring-Pedersen parameters, session or prover', () => {
    expectReject(() => verifyPiEnc(BINDING, { ...st, K: (st.K * (1n + pk.n)) % pk.n2 }, proof), 'pienc.equation');
    expectReject(() => verifyPiEnc(BINDING, { ...st, N0: taurusModuli()[1]!.N }, proof));
    expectReject(() => verifyPiEnc(BINDING, { ...st, rp: { ...st.rp, t: (st.rp.t * 4n) % st.rp.N } }, proof), 'pienc.equation');
    expectReject(() => verifyPiEnc(OTHER_SESSION, st, proof), 'pienc.equation');
    expectReject(() => verifyPiEnc(OTHER_PROVER, st, proof), 'pienc.equation');
  });

  it('cannot prove a plaintext outside ±2^ℓ, and an honest-algorithm proof for one fails the range check', () => {
    const big = 1n << 900n;
    const r = randomZnStar(pk.n, rng);
    const s2 = { ...st, K: encryptWithNonce(pk, big, r) };
    expect(() => provePiEnc(BINDING, s2, { k: big, rho: r }, rng)).toThrow(FieldRangeError);
    expect(() => provePiEnc(BINDING, st, { k: k + 1n, rho }, rng)).toThrow(CryptoError);
    // Prove the out-of-range plaintext under parameters with a huge ℓ, then verify under the real ones.
    const loose = { ...CGGMP21_PARAMS, ell: 1000, ellPrime: 1280, epsilon: 1000 };
    const cheat = provePiEnc(BINDING, s2, { k: big, rho: r }, rng, loose);
    expectReject(() => verifyPiEnc(BINDING, s2, cheat), 'pienc.z1');
  });

  it('refuses moduli below 2048 bits', () => {
    expectReject(() => verifyPiEnc(BINDING, { ...st, N0: 1000000007n * 998244353n }, proof), 'pienc.N0');
    expectReject(() => verifyPiEnc(BINDING, { ...st, rp: { N: 1000000007n * 998244353n, s: 4n, t: 9n } }, proof), 'pienc.rp.N');
  });

  it('round-trips its canonical encoding and parses strictly', () => {
    const enc = encodePiEncProof(st, proof);
    expect(decodePiEncProof(st, JSON.parse(JSON.stringify(enc)))).toEqual(proof);
    expectStrictDecoding(enc, (v) => decodePiEncProof(st, v), ['S', 'A', 'C', 'z1', 'z2', 'z3']);
    const len = (enc['z1'] as string).replace('-', '').length;
    expect(() => decodePiEncProof(st, { ...enc, z1: '1' + '0'.repeat(len - 1) })).toThrowError(/^z1: value out of range/);
  });
});
