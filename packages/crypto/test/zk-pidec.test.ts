/**
 * Π^dec (zk/pidec.ts): completeness (plaintexts of the size of N0, negative plaintexts, with and
 * without the prover's factors), per-field soundness, binding to statement/session/prover, witness
 * checks, modulus sizes, and strict decoding of the canonical encoding.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CryptoError, FieldRangeError } from '../src/errors.ts';
import { mod } from '../src/modular.ts';
import { encryptWithNonce, paillierPublicKey, type PaillierPublicKey } from '../src/paillier/index.ts';
import { randomBelow, randomZnStar } from '../src/rng.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { CGGMP21_PARAMS } from '../src/zk/params.ts';
import { decodePiDecProof, encodePiDecProof, provePiDec, verifyPiDec, type PiDecProof, type PiDecStatement } from '../src/zk/pidec.ts';
import { generateRingPedersen } from '../src/zk/ring-pedersen.ts';
import { BINDING, OTHER_PROVER, OTHER_SESSION, expectReject, expectStrictDecoding, taurusModuli } from './zk-fixtures.ts';

const rng = createSeededRng('zk-pidec');
const q = CGGMP21_PARAMS.q;

describe('Π^dec (Paillier decryption modulo q, CGGMP21 Fig. 30)', () => {
  let pk: PaillierPublicKey;
  let st: PiDecStatement;
  let y: bigint;
  let rho: bigint;
  let proof: PiDecProof;

  beforeAll(() => {
    const [k0, , k2] = taurusModuli();
    pk = paillierPublicKey(k0!.N);
    const { params: rp } = generateRingPedersen(k2!.p, k2!.q, rng);
    y = randomBelow(pk.n, rng);
    rho = randomZnStar(pk.n, rng);
    st = { N0: pk.n, C: encryptWithNonce(pk, y, rho), x: mod(y, q), rp };
    proof = provePiDec(BINDING, st, { y, rho }, rng);
  });

  it('is complete for a full-size plaintext, a negative one, and with the prover’s factors (same proof)', () => {
    expect(() => verifyPiDec(BINDING, st, proof)).not.toThrow();
    const yNeg = -randomBelow(pk.n, rng);
    const r = randomZnStar(pk.n, rng);
    const s2 = { ...st, C: encryptWithNonce(pk, mod(yNeg, pk.n), r), x: mod(yNeg, q) };
    expect(() => verifyPiDec(BINDING, s2, provePiDec(BINDING, s2, { y: yNeg, rho: r }, rng))).not.toThrow();
    const [k0, k1] = taurusModuli();
    const plain = provePiDec(BINDING, st, { y, rho }, createSeededRng('pidec crt'));
    const crt = provePiDec(BINDING, st, { y, rho, factors: { p: k0!.p, q: k0!.q } }, createSeededRng('pidec crt'));
    expect(crt).toEqual(plain);
    expect(() => provePiDec(BINDING, st, { y, rho, factors: { p: k1!.p, q: k0!.q } }, rng)).toThrowError(/^witness\.factors:/);
  });

  it('fails when any field is altered', () => {
    const { N: Nh, t } = st.rp;
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, S: (proof.S * t) % Nh }), 'pidec.equation');
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, T: (proof.T * t) % Nh }), 'pidec.equation');
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, A: (proof.A * (1n + pk.n)) % pk.n2 }), 'pidec.equation-paillier');
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, gamma: (proof.gamma + 1n) % q }), 'pidec.equation');
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, z1: proof.z1 + 1n }), 'pidec.equation-paillier');
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, z2: proof.z2 + 1n }), 'pidec.equation-rp');
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, w: (proof.w * 2n) % pk.n }), 'pidec.equation-paillier');
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, z1: 1n << 3000n }), 'pidec.z1');
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, z2: 1n << 4000n }), 'pidec.z2');
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, gamma: q }), 'pidec.gamma');
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, w: 0n }), 'pidec.w');
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, A: pk.n }), 'pidec.A');
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, S: 0n }), 'pidec.S');
  });

  it('checks the mod-q relation itself: z1 + N0 keeps the Paillier equation but not γ + e·x', () => {
    // (1 + N0)^(z1 + N0) = (1 + N0)^z1, so only the mod-q check can catch z1 + N0 (N0 ≢ 0 mod q).
    expectReject(() => verifyPiDec(BINDING, st, { ...proof, z1: proof.z1 + pk.n }), 'pidec.equation-mod-q');
  });

  it('fails for another x, ciphertext, key, ring-Pedersen parameters, session or prover', () => {
    expectReject(() => verifyPiDec(BINDING, { ...st, x: (st.x + 1n) % q }, proof), 'pidec.equation');
    expectReject(() => verifyPiDec(BINDING, { ...st, C: (st.C * (1n + pk.n)) % pk.n2 }, proof), 'pidec.equation');
    expectReject(() => verifyPiDec(BINDING, { ...st, N0: taurusModuli()[1]!.N }, proof));
    expectReject(() => verifyPiDec(BINDING, { ...st, rp: { ...st.rp, t: (st.rp.t * 4n) % st.rp.N } }, proof), 'pidec.equation');
    expectReject(() => verifyPiDec(OTHER_SESSION, st, proof), 'pidec.equation');
    expectReject(() => verifyPiDec(OTHER_PROVER, st, proof), 'pidec.equation');
    expectReject(() => verifyPiDec(BINDING, { ...st, x: q }, proof), 'pidec.x');
    expectReject(() => verifyPiDec(BINDING, { ...st, N0: 1000000007n * 998244353n }, proof), 'pidec.N0');
    expectReject(() => verifyPiDec(BINDING, { ...st, rp: { N: 1000000007n * 998244353n, s: 4n, t: 9n } }, proof), 'pidec.rp.N');
  });

  it('refuses a witness that does not satisfy the statement', () => {
    expect(() => provePiDec(BINDING, { ...st, x: (st.x + 1n) % q }, { y, rho }, rng)).toThrowError(/y ≢ x/);
    expect(() => provePiDec(BINDING, st, { y: y + 1n, rho }, rng)).toThrow(CryptoError);
    expect(() => provePiDec(BINDING, st, { y: pk.n, rho }, rng)).toThrow(FieldRangeError);
    expect(() => provePiDec(BINDING, st, { y, rho: 0n }, rng)).toThrow(FieldRangeError);
  });

  it('round-trips its canonical encoding and parses strictly', () => {
    const enc = encodePiDecProof(st, proof);
    expect(decodePiDecProof(st, JSON.parse(JSON.stringify(enc)))).toEqual(proof);
    expectStrictDecoding(enc, (v) => decodePiDecProof(st, v), ['S', 'T', 'A', 'gamma', 'z1', 'z2', 'w']);
    const len = (enc['z1'] as string).replace('-', '').length;
    expect(() => decodePiDecProof(st, { ...enc, z1: 'f'.repeat(len) })).toThrowError(/^z1: value out of range/);
    expect(() => decodePiDecProof(st, { ...enc, gamma: 'f'.repeat((enc['gamma'] as string).length) })).toThrowError(/^gamma: value out of range/);
  });
});
