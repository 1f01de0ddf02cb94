import { beforeAll, describe, expect, it } from 'vitest';
import { modPow } from '../src/backend/index.ts';
import { CryptoError } from '../src/errors.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import {
  decodeDleqProof,
  decodeDleqZnProof,
  dleqZnResponseBound,
  encodeDleqProof,
  encodeDleqZnProof,
  proveDleq,
  proveDleqZn,
  verifyDleq,
  verifyDleqZn,
  type DleqProof,
  type DleqZnStatement,
} from '../src/zk/dleq.ts';
import { ed25519Group, secp256k1Group, type PrimeOrderGroup } from '../src/zk/group.ts';
import { BINDING, OTHER_PROVER, OTHER_SESSION, expectReject, expectStrictDecoding, taurusModuli } from './zk-fixtures.ts';

const rng = createSeededRng('zk-dleq');

describe.each([secp256k1Group, ed25519Group] as PrimeOrderGroup[])('Chaum–Pedersen on $name', (group) => {
  const x = 0xdeadbeefn ** 5n % group.order;
  const G = group.generator();
  const H = group.multiply(G, 0xabcdef123n);
  const st = { h: group.encode(H), X: group.encode(group.multiply(G, x)), Y: group.encode(group.multiply(H, x)) };
  const proof = proveDleq(group, BINDING, st, x, rng);

  it('is complete, with the default and with an explicit first base', () => {
    expect(() => verifyDleq(group, BINDING, st, proof)).not.toThrow();
    const g2 = group.multiply(G, 7n);
    const st2 = { g: group.encode(g2), h: st.h, X: group.encode(group.multiply(g2, x)), Y: st.Y };
    expect(() => verifyDleq(group, BINDING, st2, proveDleq(group, BINDING, st2, x, rng))).not.toThrow();
  });

  it('fails when e or z is altered, for another statement, session or prover', () => {
    expectReject(() => verifyDleq(group, BINDING, st, { ...proof, e: (proof.e + 1n) % group.order }), 'dleq.challenge');
    expectReject(() => verifyDleq(group, BINDING, st, { ...proof, z: (proof.z + 1n) % group.order }), 'dleq.challenge');
    expectReject(() => verifyDleq(group, BINDING, st, { ...proof, z: group.order }), 'dleq.z');
    const wrongY = group.encode(group.multiply(H, x + 1n));
    expectReject(() => verifyDleq(group, BINDING, { ...st, Y: wrongY }, proof), 'dleq.challenge');
    expectReject(() => verifyDleq(group, BINDING, { ...st, h: group.encode(G) }, proof), 'dleq.challenge');
    expectReject(() => verifyDleq(group, OTHER_SESSION, st, proof), 'dleq.challenge');
    expectReject(() => verifyDleq(group, OTHER_PROVER, st, proof), 'dleq.challenge');
    expect(() => proveDleq(group, BINDING, { ...st, Y: wrongY }, x, rng)).toThrow(CryptoError);
  });

  it('round-trips its encoding and parses strictly', () => {
    const enc = encodeDleqProof(group, proof);
    expect(decodeDleqProof(group, JSON.parse(JSON.stringify(enc)))).toEqual(proof);
    expectStrictDecoding(enc, (v) => decodeDleqProof(group, v), ['e', 'z']);
  });
});

describe('Chaum–Pedersen in Z*_{N²} (threshold Paillier decryption shares)', () => {
  let st: DleqZnStatement;
  let x: bigint;
  let proof: DleqProof;

  beforeAll(() => {
    const { N } = taurusModuli()[0]!;
    const N2 = N * N;
    // Shoup-style bases: v = r² and c̃ = c^4 are squares; x plays Δ·sᵢ.
    const v = (0x1234567n ** 40n) ** 2n % N2;
    const c = (0x7654321n ** 37n) ** 4n % N2;
    x = (1n << 2000n) + 0x5555n;
    st = { N, g: v, h: c, X: modPow(v, x, N2), Y: modPow(c, x, N2), secretBits: 2048 };
    proof = proveDleqZn(BINDING, st, x, rng);
  });

  it('is complete', () => {
    expect(() => verifyDleqZn(BINDING, st, proof)).not.toThrow();
    expect(proof.z < dleqZnResponseBound(st.secretBits)).toBe(true);
  });

  it('fails when e or z is altered, for another statement, session or prover', () => {
    expectReject(() => verifyDleqZn(BINDING, st, { ...proof, e: proof.e ^ 1n }), 'dleq-zn.challenge');
    expectReject(() => verifyDleqZn(BINDING, st, { ...proof, z: proof.z + 1n }), 'dleq-zn.challenge');
    expectReject(() => verifyDleqZn(BINDING, st, { ...proof, z: -1n }), 'dleq-zn.z');
    expectReject(() => verifyDleqZn(BINDING, st, { ...proof, z: dleqZnResponseBound(st.secretBits) }), 'dleq-zn.z');
    expectReject(() => verifyDleqZn(BINDING, st, { ...proof, e: 1n << 128n }), 'dleq-zn.e');
    const N2 = st.N * st.N;
    expectReject(() => verifyDleqZn(BINDING, { ...st, Y: (st.Y * st.h) % N2 }, proof), 'dleq-zn.challenge');
    expectReject(() => verifyDleqZn(BINDING, { ...st, X: (st.X * st.g) % N2 }, proof), 'dleq-zn.challenge');
    expectReject(() => verifyDleqZn(BINDING, { ...st, secretBits: 2049 }, proof), 'dleq-zn.challenge');
    expectReject(() => verifyDleqZn(OTHER_SESSION, st, proof), 'dleq-zn.challenge');
    expectReject(() => verifyDleqZn(OTHER_PROVER, st, proof), 'dleq-zn.challenge');
  });

  it('refuses moduli below 2048 bits and elements outside Z*_{N²}', () => {
    const small = 1000000007n * 998244353n;
    expectReject(() => verifyDleqZn(BINDING, { ...st, N: small }, proof), 'dleq-zn.N');
    expectReject(() => verifyDleqZn(BINDING, { ...st, g: 0n }, proof), 'dleq-zn.g');
    expectReject(() => verifyDleqZn(BINDING, { ...st, h: st.N }, proof), 'dleq-zn.h');
    expectReject(() => verifyDleqZn(BINDING, { ...st, X: st.N * st.N }, proof), 'dleq-zn.X');
    expectReject(() => verifyDleqZn(BINDING, { ...st, secretBits: 0 }, proof), 'dleq-zn.secretBits');
  });

  it('round-trips its encoding and parses strictly', () => {
    const enc = encodeDleqZnProof(st.secretBits, proof);
    expect(decodeDleqZnProof(st.secretBits, JSON.parse(JSON.stringify(enc)))).toEqual(proof);
    expectStrictDecoding(enc, (v) => decodeDleqZnProof(st.secretBits, v), ['e', 'z']);
    expect(() => decodeDleqZnProof(st.secretBits - 8, enc)).toThrowError(/^z:/);
  });
});
