import { describe, expect, it } from 'vitest';
import { CryptoError, FieldRangeError } from '../src/errors.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { ed25519Group, groupByName, secp256k1Group, type PrimeOrderGroup } from '../src/zk/group.ts';
import {
  decodeSchnorrProof,
  encodeSchnorrProof,
  proveSchnorr,
  schnorrCommit,
  schnorrRespond,
  verifySchnorr,
} from '../src/zk/schnorr.ts';
import { BINDING, OTHER_PROVER, OTHER_SESSION, expectReject, expectStrictDecoding, flipByte } from './zk-fixtures.ts';

const rng = createSeededRng('zk-schnorr');

describe.each([secp256k1Group, ed25519Group] as PrimeOrderGroup[])('Π^sch on $name', (group) => {
  const x = 0x1234567890abcdefn * 0xfedcba987654321n;
  const X = group.encode(group.multiply(group.generator(), x));
  const statement = { X };
  const proof = proveSchnorr(group, BINDING, statement, x, rng);

  it('is complete, also with the commitment and response made in separate steps', () => {
    expect(() => verifySchnorr(group, BINDING, statement, proof)).not.toThrow();
    const { commitment, nonce } = schnorrCommit(group, rng);
    const split = schnorrRespond(group, BINDING, statement, commitment, nonce, x);
    expect(split.A).toEqual(commitment.A);
    expect(() => verifySchnorr(group, BINDING, statement, split)).not.toThrow();
  });

  it('fails when any field is altered', () => {
    expectReject(() => verifySchnorr(group, BINDING, statement, { ...proof, z: (proof.z + 1n) % group.order }), 'schnorr.equation');
    const otherA = group.encode(group.multiply(group.generator(), 5n));
    expectReject(() => verifySchnorr(group, BINDING, statement, { ...proof, A: otherA }), 'schnorr.equation');
    expectReject(() => verifySchnorr(group, BINDING, statement, { ...proof, A: flipByte(proof.A) }));
    expectReject(() => verifySchnorr(group, BINDING, statement, { ...proof, z: group.order }), 'schnorr.z');
    expectReject(() => verifySchnorr(group, BINDING, statement, { ...proof, z: -1n }), 'schnorr.z');
  });

  it('fails for another statement, session or prover', () => {
    const X2 = group.encode(group.multiply(group.generator(), x + 1n));
    expectReject(() => verifySchnorr(group, BINDING, { X: X2 }, proof), 'schnorr.equation');
    expectReject(() => verifySchnorr(group, OTHER_SESSION, statement, proof), 'schnorr.equation');
    expectReject(() => verifySchnorr(group, OTHER_PROVER, statement, proof), 'schnorr.equation');
  });

  it('refuses a witness that does not match and an out-of-range witness', () => {
    expect(() => proveSchnorr(group, BINDING, statement, x + 1n, rng)).toThrow(CryptoError);
    expect(() => proveSchnorr(group, BINDING, statement, group.order, rng)).toThrow(FieldRangeError);
  });

  it('round-trips its canonical encoding and parses strictly', () => {
    const enc = encodeSchnorrProof(group, proof);
    expect(JSON.parse(JSON.stringify(enc))).toEqual(enc);
    expect(decodeSchnorrProof(group, JSON.parse(JSON.stringify(enc)))).toEqual(proof);
    expectStrictDecoding(enc, (v) => decodeSchnorrProof(group, v), ['A', 'z']);
    const big = 'f'.repeat(group.scalarBytes * 2);
    expect(() => decodeSchnorrProof(group, { ...enc, z: big })).toThrowError(/^z: value out of range/);
  });
});

describe('group bindings', () => {
  it('refuse the identity, non-canonical and off-curve encodings, and unknown names', () => {
    expect(groupByName('secp256k1')).toBe(secp256k1Group);
    expect(() => groupByName('p256')).toThrowError(/^group:/);
    const G = secp256k1Group.encode(secp256k1Group.generator());
    const badPrefix = G.slice();
    badPrefix[0] = 0x05;
    expectReject(() => secp256k1Group.decode('X', badPrefix), 'X');
    // x = 5: 5³ + 7 = 132 is not a square mod p, so no point has this x-coordinate.
    const offCurve = new Uint8Array(33);
    offCurve[0] = 2;
    offCurve[32] = 5;
    expectReject(() => secp256k1Group.decode('X', offCurve), 'X');
    expectReject(() => secp256k1Group.decode('X', G.subarray(1)), 'X');
    expect(() => secp256k1Group.encode(secp256k1Group.multiply(secp256k1Group.generator(), 0n))).toThrow(CryptoError);
    const identity = new Uint8Array(32);
    identity[0] = 1;
    expectReject(() => ed25519Group.decode('X', identity), 'X');
    // A point of order 8 (small torsion) must be refused even though it is on the curve.
    const torsion = Uint8Array.from(Buffer.from('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', 'hex'));
    expectReject(() => ed25519Group.decode('X', torsion), 'X');
    // y = p (non-canonical encoding of y = 0).
    const nonCanonical = Uint8Array.from(Buffer.from('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'hex'));
    expectReject(() => ed25519Group.decode('X', nonCanonical), 'X');
  });
});
