/**
 * Π^mul (zk/pimul.ts): completeness (with and without the prover's factors), per-field
 * soundness, binding to statement/session/prover, witness checks, modulus size, and strict
 * decoding of the canonical encoding.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CryptoError, FieldRangeError } from '../src/errors.ts';
import { add, encryptWithNonce, mulScalar, paillierPublicKey, type PaillierPublicKey } from '../src/paillier/index.ts';
import { randomBelow, randomZnStar } from '../src/rng.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { decodePiMulProof, encodePiMulProof, provePiMul, verifyPiMul, type PiMulProof, type PiMulStatement } from '../src/zk/pimul.ts';
import { BINDING, OTHER_PROVER, OTHER_SESSION, expectReject, expectStrictDecoding, taurusModuli } from './zk-fixtures.ts';

const rng = createSeededRng('zk-pimul');

describe('Π^mul (Paillier multiplication, CGGMP21 Fig. 29)', () => {
  let pk: PaillierPublicKey;
  let st: PiMulStatement;
  let x: bigint;
  let rho: bigint;
  let rhoX: bigint;
  let proof: PiMulProof;

  beforeAll(() => {
    const [k0] = taurusModuli();
    pk = paillierPublicKey(k0!.N);
    x = randomBelow(pk.n, rng);
    rho = randomZnStar(pk.n, rng);
    rhoX = randomZnStar(pk.n, rng);
    const Y = encryptWithNonce(pk, randomBelow(pk.n, rng), randomZnStar(pk.n, rng));
    st = { N: pk.n, X: encryptWithNonce(pk, x, rhoX), Y, C: add(pk, mulScalar(pk, Y, x), encryptWithNonce(pk, 0n, rho)) };
    proof = provePiMul(BINDING, st, { x, rho, rhoX }, rng);
  });

  it('is complete, and gives the same proof when the prover passes its factors (CRT)', () => {
    expect(() => verifyPiMul(BINDING, st, proof)).not.toThrow();
    const [k0, k1] = taurusModuli();
    const plain = provePiMul(BINDING, st, { x, rho, rhoX }, createSeededRng('pimul crt'));
    const crt = provePiMul(BINDING, st, { x, rho, rhoX, factors: { p: k0!.p, q: k0!.q } }, createSeededRng('pimul crt'));
    expect(crt).toEqual(plain);
    expect(() => provePiMul(BINDING, st, { x, rho, rhoX, factors: { p: k1!.p, q: k0!.q } }, rng)).toThrowError(/^witness\.factors:/);
  });

  it('fails when any field is altered', () => {
    const N2 = pk.n2;
    expectReject(() => verifyPiMul(BINDING, st, { ...proof, A: (proof.A * (1n + pk.n)) % N2 }), 'pimul.equation-product');
    expectReject(() => verifyPiMul(BINDING, st, { ...proof, B: (proof.B * (1n + pk.n)) % N2 }), 'pimul.equation');
    expectReject(() => verifyPiMul(BINDING, st, { ...proof, z: proof.z + 1n }), 'pimul.equation-product');
    expectReject(() => verifyPiMul(BINDING, st, { ...proof, u: (proof.u * 2n) % pk.n }), 'pimul.equation-product');
    expectReject(() => verifyPiMul(BINDING, st, { ...proof, v: (proof.v * 2n) % pk.n }), 'pimul.equation-x');
    expectReject(() => verifyPiMul(BINDING, st, { ...proof, z: 1n << 3000n }), 'pimul.z');
    expectReject(() => verifyPiMul(BINDING, st, { ...proof, u: 0n }), 'pimul.u');
    expectReject(() => verifyPiMul(BINDING, st, { ...proof, v: pk.n }), 'pimul.v');
    expectReject(() => verifyPiMul(BINDING, st, { ...proof, A: pk.n }), 'pimul.A');
    expectReject(() => verifyPiMul(BINDING, st, { ...proof, B: 0n }), 'pimul.B');
  });

  it('fails for another statement, key, session or prover', () => {
    const bump = (c: bigint) => (c * (1n + pk.n)) % pk.n2;
    expectReject(() => verifyPiMul(BINDING, { ...st, C: bump(st.C) }, proof), 'pimul.equation');
    expectReject(() => verifyPiMul(BINDING, { ...st, X: bump(st.X) }, proof), 'pimul.equation');
    expectReject(() => verifyPiMul(BINDING, { ...st, Y: bump(st.Y) }, proof), 'pimul.equation');
    expectReject(() => verifyPiMul(BINDING, { ...st, N: taurusModuli()[1]!.N }, proof));
    expectReject(() => verifyPiMul(OTHER_SESSION, st, proof), 'pimul.equation');
    expectReject(() => verifyPiMul(OTHER_PROVER, st, proof), 'pimul.equation');
    expectReject(() => verifyPiMul(BINDING, { ...st, N: 1000000007n * 998244353n }, proof), 'pimul.N');
    expectReject(() => verifyPiMul(BINDING, { ...st, C: 0n }, proof), 'pimul.C');
  });

  it('refuses a witness that does not satisfy the statement', () => {
    expect(() => provePiMul(BINDING, st, { x: (x + 1n) % pk.n, rho, rhoX }, rng)).toThrow(CryptoError);
    expect(() => provePiMul(BINDING, st, { x, rho: rhoX, rhoX }, rng)).toThrowError(/C ≠/);
    expect(() => provePiMul(BINDING, st, { x: pk.n, rho, rhoX }, rng)).toThrow(FieldRangeError);
    expect(() => provePiMul(BINDING, st, { x, rho: 0n, rhoX }, rng)).toThrow(FieldRangeError);
  });

  it('round-trips its canonical encoding and parses strictly', () => {
    const enc = encodePiMulProof(st, proof);
    expect(decodePiMulProof(st, JSON.parse(JSON.stringify(enc)))).toEqual(proof);
    expectStrictDecoding(enc, (v) => decodePiMulProof(st, v), ['A', 'B', 'z', 'u', 'v']);
    const len = (enc['z'] as string).replace('-', '').length;
    expect(() => decodePiMulProof(st, { ...enc, z: 'f'.repeat(len) })).toThrowError(/^z: value out of range/);
    expect(() => decodePiMulProof(st, { ...enc, u: '0'.repeat((enc['u'] as string).length) })).toThrowError(/^u: value out of range/);
  });
});
