import { beforeAll, describe, expect, it } from 'vitest';
import { CryptoError, FieldRangeError } from '../src/errors.ts';
import { encryptWithNonce, paillierPublicKey, type PaillierPublicKey } from '../src/paillier/index.ts';
import { randomBelow, randomZnStar } from '../src/rng.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { ed25519Group, secp256k1Group, type PrimeOrderGroup } from '../src/zk/group.ts';
import {
  decodePiLogStarProof,
  encodePiLogStarProof,
  provePiLogStar,
  verifyPiLogStar,
  type PiLogStarProof,
  type PiLogStarStatement,
} from '../src/zk/pilogstar.ts';
import { generateRingPedersen, type RingPedersenParams } from '../src/zk/ring-pedersen.ts';
import { BINDING, OTHER_PROVER, OTHER_SESSION, expectReject, expectStrictDecoding, flipByte, taurusModuli } from './zk-fixtures.ts';

const rng = createSeededRng('zk-pilogstar');
let pk: PaillierPublicKey;
let rp: RingPedersenParams;

beforeAll(() => {
  const [k0, , , k3] = taurusModuli();
  pk = paillierPublicKey(k0!.N);
  rp = generateRingPedersen(k3!.p, k3!.q, rng).params;
});

describe.each([secp256k1Group, ed25519Group] as PrimeOrderGroup[])('Π^log* on $name (CGGMP21 Fig. 25)', (group) => {
  let st: PiLogStarStatement;
  let x: bigint;
  let rho: bigint;
  let proof: PiLogStarProof;

  beforeAll(() => {
    // A base other than the generator, as in presigning (Γ).
    const Gamma = group.multiply(group.generator(), randomBelow(group.order, rng));
    x = randomBelow(group.order, rng);
    rho = randomZnStar(pk.n, rng);
    st = { N0: pk.n, C: encryptWithNonce(pk, x, rho), X: group.encode(group.multiply(Gamma, x)), g: group.encode(Gamma), rp };
    proof = provePiLogStar(group, BINDING, st, { x, rho }, rng);
  });

  it('gives the same proof when the prover passes its factors (CRT encryptions), and refuses wrong ones', () => {
    const [k0, k1] = taurusModuli();
    const plain = provePiLogStar(group, BINDING, st, { x, rho }, createSeededRng('pilogstar crt'));
    const crt = provePiLogStar(group, BINDING, st, { x, rho, factors: { p: k0!.p, q: k0!.q } }, createSeededRng('pilogstar crt'));
    expect(crt).toEqual(plain);
    expect(() => verifyPiLogStar(group, BINDING, st, crt)).not.toThrow();
    expect(() => provePiLogStar(group, BINDING, st, { x, rho, factors: { p: k0!.p, q: k1!.q } }, rng)).toThrowError(/^witness\.factors:/);
  });

  it('is complete (explicit base and default generator)', () => {
    expect(() => verifyPiLogStar(group, BINDING, st, proof)).not.toThrow();
    const { g: _g, ...noBase } = st;
    const st2 = { ...noBase, X: group.encode(group.multiply(group.generator(), x)) };
    expect(() => verifyPiLogStar(group, BINDING, st2, provePiLogStar(group, BINDING, st2, { x, rho }, rng))).not.toThrow();
  });

  it('fails when any field is altered', () => {
    const { N: Nh, t } = rp;
    expectReject(() => verifyPiLogStar(group, BINDING, st, { ...proof, S: (proof.S * t) % Nh }), 'pilogstar.equation');
    expectReject(() => verifyPiLogStar(group, BINDING, st, { ...proof, A: (proof.A * (1n + pk.n)) % pk.n2 }), 'pilogstar.equation-paillier');
    const otherY = group.encode(group.multiply(group.generator(), 99n));
    expectReject(() => verifyPiLogStar(group, BINDING, st, { ...proof, Y: otherY }), 'pilogstar.equation');
    expectReject(() => verifyPiLogStar(group, BINDING, st, { ...proof, Y: flipByte(proof.Y, 5) }), 'pilogstar');
    expectReject(() => verifyPiLogStar(group, BINDING, st, { ...proof, D: (proof.D * t) % Nh }), 'pilogstar.equation');
    expectReject(() => verifyPiLogStar(group, BINDING, st, { ...proof, z1: proof.z1 + 1n }), 'pilogstar.equation-paillier');
    expectReject(() => verifyPiLogStar(group, BINDING, st, { ...proof, z2: (proof.z2 * 3n) % pk.n }), 'pilogstar.equation-paillier');
    expectReject(() => verifyPiLogStar(group, BINDING, st, { ...proof, z3: proof.z3 - 1n }), 'pilogstar.equation-rp');
    expectReject(() => verifyPiLogStar(group, BINDING, st, { ...proof, z1: -(1n << 768n) - 1n }), 'pilogstar.z1');
  });

  it('fails for another statement, session or prover', () => {
    const X2 = group.encode(group.multiply(group.decode('g', st.g!), x + 1n));
    expectReject(() => verifyPiLogStar(group, BINDING, { ...st, X: X2 }, proof), 'pilogstar.equation');
    expectReject(() => verifyPiLogStar(group, BINDING, { ...st, g: group.encode(group.generator()) }, proof), 'pilogstar.equation');
    expectReject(() => verifyPiLogStar(group, BINDING, { ...st, C: (st.C * (1n + pk.n)) % pk.n2 }, proof), 'pilogstar.equation');
    expectReject(() => verifyPiLogStar(group, OTHER_SESSION, st, proof), 'pilogstar.equation');
    expectReject(() => verifyPiLogStar(group, OTHER_PROVER, st, proof), 'pilogstar.equation');
    expect(() => provePiLogStar(group, BINDING, { ...st, X: X2 }, { x, rho }, rng)).toThrow(CryptoError);
    expect(() => provePiLogStar(group, BINDING, st, { x: 1n << 300n, rho }, rng)).toThrow(FieldRangeError);
  });

  it('round-trips its canonical encoding and parses strictly', () => {
    const enc = encodePiLogStarProof(group, st, proof);
    expect(decodePiLogStarProof(group, st, JSON.parse(JSON.stringify(enc)))).toEqual(proof);
    expectStrictDecoding(enc, (v) => decodePiLogStarProof(group, st, v), ['S', 'A', 'Y', 'D', 'z1', 'z2', 'z3']);
  });
});

describe('Π^log* statement checks', () => {
  it('refuses moduli below 2048 bits and an identity / invalid X', () => {
    const group = secp256k1Group;
    const x = 5n;
    const rho = randomZnStar(pk.n, rng);
    const st = { N0: pk.n, C: encryptWithNonce(pk, x, rho), X: group.encode(group.multiply(group.generator(), x)), rp };
    const proof = provePiLogStar(group, BINDING, st, { x, rho }, rng);
    expect(() => verifyPiLogStar(group, BINDING, st, proof)).not.toThrow();
    expectReject(() => verifyPiLogStar(group, BINDING, { ...st, N0: 1000000007n * 998244353n }, proof), 'pilogstar.N0');
    expectReject(() => verifyPiLogStar(group, BINDING, { ...st, X: new Uint8Array(33) }, proof), 'pilogstar.X');
    expectReject(() => verifyPiLogStar(group, BINDING, { ...st, C: 0n }, proof), 'pilogstar.C');
  });
});
