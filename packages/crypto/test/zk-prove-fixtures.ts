/**
 * Fixtures of the proving-dispatch tests (zk-prove-dispatch.test.ts, pool-prove.test.ts): one
 * valid prove job per proof kind on the Taurus fixture moduli (statement + witness, plain data),
 * and the verification job that checks a proof made from it.
 */
import { modPow } from '../src/backend/index.ts';
import { add, encryptWithNonce, mulScalar, paillierPublicKey } from '../src/paillier/index.ts';
import { randomBelow, randomZnStar, type RandomSource } from '../src/rng.ts';
import type { ZkVerifyJob } from '../src/zk/dispatch.ts';
import { ed25519Group, secp256k1Group } from '../src/zk/group.ts';
import { CGGMP21_PARAMS } from '../src/zk/params.ts';
import type { ZkProof, ZkProveJob } from '../src/zk/prove-dispatch.ts';
import { generateRingPedersen } from '../src/zk/ring-pedersen.ts';
import { BINDING, taurusModuli } from './zk-fixtures.ts';

/** One valid prove job per kind (same statements as `oneJobPerKind`, with their witnesses). */
export function oneProveJobPerKind(rng: RandomSource): ZkProveJob[] {
  const [k0, k1, k2] = taurusModuli();
  const g = secp256k1Group;
  const G = g.generator();
  const x = randomBelow(g.order, rng);
  const X = g.encode(g.multiply(G, x));
  const H = g.multiply(G, 77n);
  const dleqSt = { h: g.encode(H), X, Y: g.encode(g.multiply(H, x)) };
  const ex = randomBelow(ed25519Group.order, rng);
  const eX = ed25519Group.encode(ed25519Group.multiply(ed25519Group.generator(), ex));
  const N0 = k0!.N;
  const pk0 = paillierPublicKey(N0);
  const pk1 = paillierPublicKey(k1!.N);
  const { params: rp, secret } = generateRingPedersen(k2!.p, k2!.q, rng);
  const N2 = N0 * N0;
  const v = (3n ** 1001n) ** 2n % N2;
  const c = (5n ** 999n) ** 4n % N2;
  const share = (1n << 1500n) + 17n;
  const znSt = { N: N0, g: v, h: c, X: modPow(v, share, N2), Y: modPow(c, share, N2), secretBits: 1600 };
  const k = randomBelow(CGGMP21_PARAMS.q, rng);
  const rho = randomZnStar(N0, rng);
  const K = encryptWithNonce(pk0, k, rho);
  const rhoY = randomZnStar(pk1.n, rng);
  const y = 1234567n;
  const rhoD = randomZnStar(N0, rng);
  const D = add(pk0, mulScalar(pk0, K, x), encryptWithNonce(pk0, y, rhoD));
  const affSt = { N0, N1: pk1.n, C: K, D, Y: encryptWithNonce(pk1, y, rhoY), X, rp };
  const logSt = { N0, C: K, X: g.encode(g.multiply(G, k)), rp };
  const rhoX = randomZnStar(N0, rng);
  const rhoC = randomZnStar(N0, rng);
  const yDec = randomBelow(N0, rng);
  const rhoDec = randomZnStar(N0, rng);
  const decSt = { N0, C: encryptWithNonce(pk0, yDec, rhoDec), x: yDec % CGGMP21_PARAMS.q, rp };
  const mulSt = { N: N0, X: encryptWithNonce(pk0, y, rhoX), Y: K, C: add(pk0, mulScalar(pk0, K, y), encryptWithNonce(pk0, 0n, rhoC)) };
  const f0 = { p: k0!.p, q: k0!.q };
  return [
    { kind: 'schnorr', group: 'ed25519', binding: BINDING, statement: { X: eX }, witness: { x: ex } },
    { kind: 'dleq', group: 'secp256k1', binding: BINDING, statement: dleqSt, witness: { x } },
    { kind: 'dleq-zn', binding: BINDING, statement: znSt, witness: { x: share } },
    { kind: 'pimod', binding: BINDING, statement: { N: N0 }, witness: f0 },
    { kind: 'piprm', binding: BINDING, statement: rp, witness: secret },
    { kind: 'pifac', binding: BINDING, statement: { N0, rp }, witness: f0 },
    { kind: 'pienc', binding: BINDING, statement: { N0, K, rp }, witness: { k, rho, factors: f0 } },
    { kind: 'piaffg', group: 'secp256k1', binding: BINDING, statement: affSt, witness: { x, y, rho: rhoD, rhoY, factorsN1: { p: k1!.p, q: k1!.q } } },
    { kind: 'pilogstar', group: 'secp256k1', binding: BINDING, statement: logSt, witness: { x: k, rho, factors: f0 } },
    { kind: 'pimul', binding: BINDING, statement: mulSt, witness: { x: y, rho: rhoC, rhoX, factors: f0 } },
    { kind: 'pidec', binding: BINDING, statement: decSt, witness: { y: yDec, rho: rhoDec, factors: f0 } },
  ];
}

/** The verification job for a proof made from `job`. */
export function verifyJobFor(job: ZkProveJob, proof: ZkProof): ZkVerifyJob {
  const { witness: _witness, ...rest } = job;
  return { ...rest, proof } as unknown as ZkVerifyJob;
}
