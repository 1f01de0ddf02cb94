import { beforeAll, describe, expect, it } from 'vitest';
import { CryptoError, FieldRangeError } from '../src/errors.ts';
import { invert } from '../src/modular.ts';
import {
  add,
  decrypt,
  encryptWithNonce,
  mulScalar,
  paillierSecretKeyFromPrimes,
  type PaillierPublicKey,
  type PaillierSecretKey,
} from '../src/paillier/index.ts';
import { randomBelow, randomInRange, randomZnStar } from '../src/rng.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { secp256k1Group as group } from '../src/zk/group.ts';
import { CGGMP21_PARAMS } from '../src/zk/params.ts';
import {
  decodePiAffGProof,
  encodePiAffGProof,
  provePiAffG,
  verifyPiAffG,
  type PiAffGProof,
  type PiAffGStatement,
  type PiAffGWitness,
} from '../src/zk/piaffg.ts';
import { generateRingPedersen } from '../src/zk/ring-pedersen.ts';
import { BINDING, OTHER_PROVER, OTHER_SESSION, expectReject, expectStrictDecoding, flipByte, taurusModuli } from './zk-fixtures.ts';

const rng = createSeededRng('zk-piaffg');
const modN = (v: bigint, n: bigint) => ((v % n) + n) % n;

describe('Π^aff-g (affine operation with group commitment, CGGMP21 Fig. 15)', () => {
  let sk0: PaillierSecretKey; // the verifier's key (C, D)
  let pk0: PaillierPublicKey;
  let pk1: PaillierPublicKey; // the prover's key (Y)
  let st: PiAffGStatement;
  let w: PiAffGWitness;
  let proof: PiAffGProof;

  beforeAll(() => {
    const [k0, k1, k2] = taurusModuli();
    sk0 = paillierSecretKeyFromPrimes(k0!.p, k0!.q);
    pk0 = sk0.publicKey;
    pk1 = paillierSecretKeyFromPrimes(k1!.p, k1!.q).publicKey;
    const { params: rp } = generateRingPedersen(k2!.p, k2!.q, rng);
    // CGGMP21 presigning: C = K_j = Enc_j(k_j), x = γ_i, y = −β_{i,j}.
    const kj = randomBelow(CGGMP21_PARAMS.q, rng);
    const C = encryptWithNonce(pk0, kj, randomZnStar(pk0.n, rng));
    const x = randomBelow(CGGMP21_PARAMS.q, rng);
    const beta = randomInRange(-(1n << 1280n), 1n << 1280n, rng);
    const y = -beta;
    const rho = randomZnStar(pk0.n, rng);
    const rhoY = randomZnStar(pk1.n, rng);
    const D = add(pk0, mulScalar(pk0, C, x), encryptWithNonce(pk0, modN(y, pk0.n), rho));
    const Y = encryptWithNonce(pk1, modN(y, pk1.n), rhoY);
    st = { N0: pk0.n, N1: pk1.n, C, D, Y, X: group.encode(group.multiply(group.generator(), x)), rp };
    w = { x, y, rho, rhoY };
    proof = provePiAffG(group, BINDING, st, w, rng);
    // Sanity: D decrypts to x·k_j + y mod N0.
    expect(decrypt(sk0, D)).toBe(modN(x * kj + y, pk0.n));
  });

  it('is complete', () => {
    expect(() => verifyPiAffG(group, BINDING, st, proof)).not.toThrow();
  });

  it('gives the same proof when the prover passes the factors of N1 (CRT encryptions), and refuses wrong ones', () => {
    const [k0, k1] = taurusModuli();
    const plain = provePiAffG(group, BINDING, st, w, createSeededRng('piaffg crt'));
    const crt = provePiAffG(group, BINDING, st, { ...w, factorsN1: { p: k1!.p, q: k1!.q } }, createSeededRng('piaffg crt'));
    expect(crt).toEqual(plain);
    expect(() => verifyPiAffG(group, BINDING, st, crt)).not.toThrow();
    expect(() => provePiAffG(group, BINDING, st, { ...w, factorsN1: { p: k0!.p, q: k0!.q } }, rng)).toThrowError(/^witness\.factorsN1:/);
  });

  it('supports the presigning form Y = F^(−1) for F = Enc_i(β) (y = −β, nonce r^(−1))', () => {
    const beta = 123456789n;
    const r = randomZnStar(pk1.n, rng);
    const F = encryptWithNonce(pk1, beta, r);
    const Y = invert(F, pk1.n2);
    const rho = randomZnStar(pk0.n, rng);
    const D = add(pk0, mulScalar(pk0, st.C, w.x), encryptWithNonce(pk0, modN(-beta, pk0.n), rho));
    const st2 = { ...st, D, Y };
    const p2 = provePiAffG(group, BINDING, st2, { x: w.x, y: -beta, rho, rhoY: invert(r, pk1.n) }, rng);
    expect(() => verifyPiAffG(group, BINDING, st2, p2)).not.toThrow();
  });

  it('fails when any field is altered', () => {
    const { N: Nh, t } = st.rp;
    const g0 = 1n + pk0.n;
    const g1 = 1n + pk1.n;
    const cases: [Partial<PiAffGProof>, string][] = [
      [{ A: (proof.A * g0) % pk0.n2 }, 'piaffg.equation-affine'],
      [{ Bx: group.encode(group.multiply(group.generator(), 7n)) }, 'piaffg.equation'],
      [{ Bx: flipByte(proof.Bx, 9) }, 'piaffg'],
      [{ By: (proof.By * g1) % pk1.n2 }, 'piaffg.equation'],
      [{ E: (proof.E * t) % Nh }, 'piaffg.equation'],
      [{ S: (proof.S * t) % Nh }, 'piaffg.equation'],
      [{ F: (proof.F * t) % Nh }, 'piaffg.equation'],
      [{ T: (proof.T * t) % Nh }, 'piaffg.equation'],
      [{ z1: proof.z1 + 1n }, 'piaffg.equation-affine'],
      [{ z2: proof.z2 + 1n }, 'piaffg.equation-affine'],
      [{ z3: proof.z3 + 1n }, 'piaffg.equation-rp-x'],
      [{ z4: proof.z4 + 1n }, 'piaffg.equation-rp-y'],
      [{ w: (proof.w * 2n) % pk0.n }, 'piaffg.equation-affine'],
      [{ wY: (proof.wY * 2n) % pk1.n }, 'piaffg.equation-paillier'],
      [{ z1: (1n << 768n) + 1n }, 'piaffg.z1'],
      [{ z2: -(1n << 1792n) - 1n }, 'piaffg.z2'],
      [{ w: pk0.n }, 'piaffg.w'],
      [{ By: 0n }, 'piaffg.By'],
    ];
    for (const [change, field] of cases) expectReject(() => verifyPiAffG(group, BINDING, st, { ...proof, ...change }), field);
  });

  it('fails for another statement, session or prover', () => {
    const g0 = 1n + pk0.n;
    expectReject(() => verifyPiAffG(group, BINDING, { ...st, D: (st.D * g0) % pk0.n2 }, proof), 'piaffg.equation');
    expectReject(() => verifyPiAffG(group, BINDING, { ...st, C: (st.C * g0) % pk0.n2 }, proof), 'piaffg.equation');
    expectReject(() => verifyPiAffG(group, BINDING, { ...st, Y: (st.Y * (1n + pk1.n)) % pk1.n2 }, proof), 'piaffg.equation');
    const X2 = group.encode(group.multiply(group.generator(), w.x + 1n));
    expectReject(() => verifyPiAffG(group, BINDING, { ...st, X: X2 }, proof), 'piaffg.equation');
    expectReject(() => verifyPiAffG(group, BINDING, { ...st, N0: st.N1, N1: st.N0 }, proof));
    expectReject(() => verifyPiAffG(group, OTHER_SESSION, st, proof), 'piaffg.equation');
    expectReject(() => verifyPiAffG(group, OTHER_PROVER, st, proof), 'piaffg.equation');
  });

  it('refuses inconsistent or out-of-range witnesses', () => {
    expect(() => provePiAffG(group, BINDING, st, { ...w, y: w.y + 1n }, rng)).toThrow(CryptoError);
    expect(() => provePiAffG(group, BINDING, st, { ...w, x: w.x + 1n }, rng)).toThrow(CryptoError);
    expect(() => provePiAffG(group, BINDING, st, { ...w, y: (1n << 1280n) + 1n }, rng)).toThrow(FieldRangeError);
    expect(() => provePiAffG(group, BINDING, st, { ...w, x: -(1n << 257n) }, rng)).toThrow(FieldRangeError);
  });

  it('refuses moduli below 2048 bits', () => {
    const small = 1000000007n * 998244353n;
    expectReject(() => verifyPiAffG(group, BINDING, { ...st, N0: small }, proof), 'piaffg.N0');
    expectReject(() => verifyPiAffG(group, BINDING, { ...st, N1: small }, proof), 'piaffg.N1');
    expectReject(() => verifyPiAffG(group, BINDING, { ...st, rp: { N: small, s: 4n, t: 9n } }, proof), 'piaffg.rp.N');
  });

  it('round-trips its canonical encoding and parses strictly', () => {
    const enc = encodePiAffGProof(group, st, proof);
    expect(decodePiAffGProof(group, st, JSON.parse(JSON.stringify(enc)))).toEqual(proof);
    expectStrictDecoding(enc, (v) => decodePiAffGProof(group, st, v), ['A', 'Bx', 'By', 'E', 'S', 'F', 'T', 'z1', 'z2', 'z3', 'z4', 'w', 'wY']);
  });
});
