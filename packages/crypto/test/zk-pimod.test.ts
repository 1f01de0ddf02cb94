import { beforeAll, describe, expect, it } from 'vitest';
import { FieldRangeError } from '../src/errors.ts';
import { jacobi } from '../src/modular.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { CGGMP21_PARAMS } from '../src/zk/params.ts';
import { decodePiModProof, encodePiModProof, provePiMod, verifyPiMod, type PiModProof } from '../src/zk/pimod.ts';
import {
  BINDING,
  OTHER_PROVER,
  OTHER_SESSION,
  expectReject,
  expectStrictDecoding,
  taurusModuli,
  taurusSafePrimes,
  type ModulusFixture,
} from './zk-fixtures.ts';

const rng = createSeededRng('zk-pimod');

/** Replaces entry i of a list. */
function withAt<T>(list: readonly T[], i: number, v: T): T[] {
  const c = [...list];
  c[i] = v;
  return c;
}

describe('Π^mod (Paillier–Blum modulus, CGGMP21 Fig. 16)', () => {
  let key: ModulusFixture;
  let st: { N: bigint };
  let proof: PiModProof;

  beforeAll(() => {
    key = taurusModuli()[0]!;
    st = { N: key.N };
    proof = provePiMod(BINDING, st, { p: key.p, q: key.q }, rng);
  });

  it('is complete with m = 80 repetitions and a w of Jacobi symbol −1', () => {
    expect(CGGMP21_PARAMS.modRounds).toBe(80);
    expect(proof.x).toHaveLength(80);
    expect(jacobi(proof.w, st.N)).toBe(-1);
    expect(() => verifyPiMod(BINDING, st, proof)).not.toThrow();
    // All four (a, b) combinations occur across 80 random challenges.
    const combos = new Set(proof.a.map((a, i) => `${a}${proof.b[i]}`));
    expect(combos.size).toBe(4);
  });

  it('fails when any field is altered', () => {
    const N = st.N;
    // w: another element with Jacobi symbol −1 changes every challenge y_i.
    expectReject(() => verifyPiMod(BINDING, st, { ...proof, w: (proof.w * 4n) % N }), 'pimod.nth-root[0]');
    expectReject(() => verifyPiMod(BINDING, st, { ...proof, w: N - 1n }), 'pimod.w');
    expectReject(() => verifyPiMod(BINDING, st, { ...proof, x: withAt(proof.x, 0, proof.x[0]! + 1n) }), 'pimod.fourth-root[0]');
    expectReject(() => verifyPiMod(BINDING, st, { ...proof, z: withAt(proof.z, 0, proof.z[0]! + 1n) }), 'pimod.nth-root[0]');
    expectReject(() => verifyPiMod(BINDING, st, { ...proof, a: withAt(proof.a, 0, !proof.a[0]) }), 'pimod.fourth-root[0]');
    expectReject(() => verifyPiMod(BINDING, st, { ...proof, b: withAt(proof.b, 0, !proof.b[0]) }), 'pimod.fourth-root[0]');
    expectReject(() => verifyPiMod(BINDING, st, { ...proof, x: withAt(proof.x, 0, 0n) }), 'pimod.x[0]');
    expectReject(() => verifyPiMod(BINDING, st, { ...proof, z: withAt(proof.z, 79, N) }), 'pimod.z[79]');
    expectReject(() => verifyPiMod(BINDING, st, { ...proof, x: proof.x.slice(1) }), 'pimod.x');
    expectReject(() => verifyPiMod(BINDING, st, { ...proof, a: proof.a.slice(1) }), 'pimod.a');
    const swapped = [proof.z[1]!, proof.z[0]!, ...proof.z.slice(2)];
    expectReject(() => verifyPiMod(BINDING, st, { ...proof, z: swapped }), 'pimod.nth-root[0]');
  });

  it('fails for another modulus, session, prover or repetition count', () => {
    expectReject(() => verifyPiMod(BINDING, { N: taurusModuli()[1]!.N }, proof));
    expectReject(() => verifyPiMod(OTHER_SESSION, st, proof), 'pimod.nth-root[0]');
    expectReject(() => verifyPiMod(OTHER_PROVER, st, proof), 'pimod.nth-root[0]');
    expectReject(() => verifyPiMod(BINDING, st, proof, { ...CGGMP21_PARAMS, modRounds: 81 }), 'pimod.x');
  });

  it('refuses primes, even numbers and moduli below 2048 bits', () => {
    const [p] = taurusSafePrimes();
    const q = (1n << 2203n) - 1n; // a Mersenne prime above 2048 bits
    expectReject(() => verifyPiMod(BINDING, { N: q }, proof), 'pimod.N');
    expectReject(() => verifyPiMod(BINDING, { N: st.N + 1n }, proof), 'pimod.N');
    expectReject(() => verifyPiMod(BINDING, { N: p! * 1000003n }, proof), 'pimod.N');
  });

  it('refuses to prove for factors that are not Blum primes', () => {
    const key2 = taurusModuli()[1]!;
    expect(() => provePiMod(BINDING, { N: key.p * key2.p }, { p: key.p, q: key2.q }, rng)).toThrow(FieldRangeError);
    expect(() => provePiMod(BINDING, { N: 7n * 13n }, { p: 7n, q: 13n }, rng)).toThrow(FieldRangeError);
  });

  it('round-trips its canonical encoding and parses strictly', () => {
    const enc = encodePiModProof(st, proof);
    const parsed = decodePiModProof(st, JSON.parse(JSON.stringify(enc)));
    expect(parsed).toEqual(proof);
    expect(() => verifyPiMod(BINDING, st, parsed)).not.toThrow();
    expectStrictDecoding(enc, (v) => decodePiModProof(st, v), ['w', 'x', 'z']);
    const zero = '0'.repeat((enc['w'] as string).length);
    expect(() => decodePiModProof(st, { ...enc, w: zero })).toThrowError(/^w: value out of range/);
    expect(() => decodePiModProof(st, { ...enc, x: withAt(enc['x'] as string[], 3, zero) })).toThrowError(/^x\[3\]: value out of range/);
    expect(() => decodePiModProof(st, { ...enc, a: withAt(enc['a'] as boolean[], 5, 1 as unknown as boolean) })).toThrowError(/^a\[5\]:/);
    expect(() => decodePiModProof(st, { ...enc, b: (enc['b'] as boolean[]).slice(1) })).toThrowError(/^b: expected 80 entries/);
  });
});
