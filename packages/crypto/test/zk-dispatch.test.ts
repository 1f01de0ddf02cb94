import { beforeAll, describe, expect, it } from 'vitest';
import { modPow } from '../src/backend/index.ts';
import { add, encryptWithNonce, mulScalar, paillierPublicKey } from '../src/paillier/index.ts';
import { randomBelow, randomZnStar } from '../src/rng.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { ZK_PROOF_KINDS, verifyZkJob, verifyZkJobs, type ZkVerifyJob } from '../src/zk/dispatch.ts';
import { proveDleq, proveDleqZn } from '../src/zk/dleq.ts';
import { ed25519Group, secp256k1Group } from '../src/zk/group.ts';
import { CGGMP21_PARAMS } from '../src/zk/params.ts';
import { provePiAffG } from '../src/zk/piaffg.ts';
import { provePiEnc } from '../src/zk/pienc.ts';
import { provePiFac } from '../src/zk/pifac.ts';
import { provePiLogStar } from '../src/zk/pilogstar.ts';
import { provePiMod } from '../src/zk/pimod.ts';
import { provePiPrm } from '../src/zk/piprm.ts';
import { generateRingPedersen } from '../src/zk/ring-pedersen.ts';
import { proveSchnorr } from '../src/zk/schnorr.ts';
import { BINDING, OTHER_PROVER, taurusModuli } from './zk-fixtures.ts';

const rng = createSeededRng('zk-dispatch');

/** One valid job per kind, built once. */
let jobs: ZkVerifyJob[];

beforeAll(() => {
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

  jobs = [
    { kind: 'schnorr', group: 'ed25519', binding: BINDING, statement: { X: eX }, proof: proveSchnorr(ed25519Group, BINDING, { X: eX }, ex, rng) },
    { kind: 'dleq', group: 'secp256k1', binding: BINDING, statement: dleqSt, proof: proveDleq(g, BINDING, dleqSt, x, rng) },
    { kind: 'dleq-zn', binding: BINDING, statement: znSt, proof: proveDleqZn(BINDING, znSt, share, rng) },
    { kind: 'pimod', binding: BINDING, statement: { N: N0 }, proof: provePiMod(BINDING, { N: N0 }, k0!, rng) },
    { kind: 'piprm', binding: BINDING, statement: rp, proof: provePiPrm(BINDING, rp, secret, rng) },
    { kind: 'pifac', binding: BINDING, statement: { N0, rp }, proof: provePiFac(BINDING, { N0, rp }, k0!, rng) },
    { kind: 'pienc', binding: BINDING, statement: { N0, K, rp }, proof: provePiEnc(BINDING, { N0, K, rp }, { k, rho }, rng) },
    { kind: 'piaffg', group: 'secp256k1', binding: BINDING, statement: affSt, proof: provePiAffG(g, BINDING, affSt, { x, y, rho: rhoD, rhoY }, rng) },
    { kind: 'pilogstar', group: 'secp256k1', binding: BINDING, statement: logSt, proof: provePiLogStar(g, BINDING, logSt, { x: k, rho }, rng) },
  ];
});

describe('verifyZkJob (worker-pool dispatch)', () => {
  it('covers every proof kind, and verifies structured clones of the jobs (as a worker receives them)', () => {
    expect(jobs.map((j) => j.kind).sort()).toEqual([...ZK_PROOF_KINDS].sort());
    const results = verifyZkJobs(structuredClone(jobs));
    expect(results).toEqual(jobs.map((j) => ({ ok: true, kind: j.kind })));
  });

  it('reports a failed check with the field that failed, without throwing', () => {
    for (const job of jobs) {
      const wrong = structuredClone({ ...job, binding: OTHER_PROVER }) as ZkVerifyJob;
      const r = verifyZkJob(wrong);
      expect(r.ok, job.kind).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe('invalid');
        expect(r.field ?? '', job.kind).toMatch(new RegExp('^' + job.kind.replace('-', '\\-') + '\\.'));
      }
    }
  });

  it('reports malformed jobs (unknown kind or group, missing data) as such', () => {
    const bad1 = verifyZkJob({ ...jobs[0]!, kind: 'nope' } as unknown as ZkVerifyJob);
    expect(bad1).toMatchObject({ ok: false, reason: 'malformed', field: 'kind' });
    const bad2 = verifyZkJob({ ...jobs[1]!, group: 'p256' } as unknown as ZkVerifyJob);
    expect(bad2).toMatchObject({ ok: false, reason: 'malformed', field: 'group' });
    const bad3 = verifyZkJob(null as unknown as ZkVerifyJob);
    expect(bad3).toMatchObject({ ok: false, reason: 'malformed' });
    const bad4 = verifyZkJob({ ...jobs[3]!, binding: { sessionId: new Uint8Array(0), proverIndex: 3 } } as ZkVerifyJob);
    expect(bad4).toMatchObject({ ok: false, reason: 'malformed', field: 'sessionId' });
  });
});
