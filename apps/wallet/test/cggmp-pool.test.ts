/**
 * The CGGMP driver's default path (no injected prime source): each key generation and signing
 * starts a worker pool, searches the safe primes there with progress that reaches the wallet
 * as `progress` events (round 4 of 6 with a fraction: the lobby's progress bar), verifies the
 * received proofs on the pool, and terminates the pool afterwards. The pool here is a stand-in
 * with the WorkerPool interface that hands out fixture primes (a real 2 × 1024-bit safe-prime
 * search takes ~30 s per party on this machine) and verifies proof jobs in this thread with the
 * same `verifyZkJobs` the workers run. A pool whose search fails makes the key generation fail
 * with a typed error on the lobby.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexToBytes } from '@tessera/crypto/bytes';
import type { PoolPrimeOptions, WorkerPool } from '@tessera/crypto/pool';
import { verifyZkJobs } from '@tessera/crypto/zk/dispatch';
import type { PaillierPrimes } from '@tessera/transport/cggmp';
import { createCggmpDriver } from '../src/core/cggmp-driver.ts';
import { PASS, closeAll, links, startTestSignal, testCore, until, type TestCore, type TestSignal } from './helpers.ts';
import { fixturePrimes, nobleVerify, opensslVerify } from './cggmp-support.ts';

let signal: TestSignal;
beforeAll(async () => {
  signal = await startTestSignal();
});
afterAll(async () => {
  await signal.stop();
});

interface PoolLog {
  started: number;
  terminated: number;
  searches: PoolPrimeOptions[];
  verifiedJobs: number;
}

/** A WorkerPool stand-in: `findPrimes` returns `pair` after two progress reports; proofs are verified in-thread. */
function standInPool(pair: PaillierPrimes | 'fail', log: PoolLog): WorkerPool {
  log.started++;
  return {
    size: 2,
    async findPrimes(count, opts) {
      log.searches.push(opts);
      opts.onProgress?.({ candidates: 300, tested: 20, expected: 1000, found: 0, count });
      await new Promise((r) => setTimeout(r, 5));
      opts.onProgress?.({ candidates: 700, tested: 50, expected: 1000, found: 1, count });
      if (pair === 'fail') throw new Error('prime worker failed: out of memory');
      return [pair.p, pair.q];
    },
    async generatePaillierKeyPair() {
      throw new Error('not used');
    },
    async verifyZkJobs(jobs) {
      log.verifiedJobs += jobs.length;
      return verifyZkJobs(jobs);
    },
    async terminate() {
      log.terminated++;
    },
  };
}

describe('wallet core: CGGMP driver on the worker pool', () => {
  it('prime search progress reaches the events, proofs are verified on the pool, the pool ends with each ceremony', async () => {
    const pairs = fixturePrimes();
    const logs: PoolLog[] = [0, 1].map(() => ({ started: 0, terminated: 0, searches: [], verifiedJobs: 0 }));
    const cores: TestCore[] = [];
    try {
      for (let k = 0; k < 2; k++) {
        const driver = createCggmpDriver({ createPool: () => standInPool(pairs[k]!, logs[k]!) });
        const c = await testCore(signal, `ecdsa-pool-${k + 1}`, { schemes: [driver] });
        await c.core.createVault({ passphrase: PASS });
        cores.push(c);
      }
      const [c1, c2] = cores as [TestCore, TestCore];
      const lobby = await c1.core.startCreate({ label: 'pool', scheme: 'cggmp', suite: 'secp256k1', threshold: 2, parties: 2 });
      const fractions: number[] = [];
      c1.core.subscribe((e) => {
        if (e.type === 'progress' && e.ceremony === 'keygen' && e.progress.fraction !== undefined && e.progress.fraction < 1) fractions.push(e.progress.fraction);
      });
      const join = await c2.core.joinFromLink(links(lobby).get(2)!);
      const [a1] = await Promise.all([lobby.done, join.done]);
      // the search ran on the pool (two 1024-bit safe primes), with progress as round 4 of 6
      for (const log of logs) {
        expect(log.searches).toHaveLength(1);
        expect(log.searches[0]).toMatchObject({ bits: 1024, kind: 'safe' });
        expect(log.verifiedJobs).toBeGreaterThan(0);
        expect(log.terminated).toBe(log.started);
      }
      expect(fractions).toEqual([0.3, 0.7]);
      const prog = c1.events.filter((e) => e.type === 'progress' && e.ceremony === 'keygen' && e.progress.fraction === 0.3);
      expect(prog[0]).toMatchObject({ id: lobby.id, progress: { round: 4, rounds: 6 } });

      // signing verifies the presigning proofs on a pool of its own, ended afterwards
      const before = logs.map((l) => ({ ...l }));
      const message = new TextEncoder().encode('pool-verified presigning');
      const req = await c1.core.requestSignature(a1.id, message);
      await until(async () => (await c2.core.inbox()).some((r) => r.id === req.id), 20_000, 'request delivered');
      await c2.core.approve(req.id);
      await until(async () => (await c1.core.inbox()).find((r) => r.id === req.id)?.status === 'ready', 20_000, 'ready');
      const done = await c1.core.finalize(req.id);
      expect(done).toMatchObject({ status: 'done', verified: true });
      expect(nobleVerify(a1.groupKey, message, hexToBytes(done.signature!))).toBe(true);
      expect(opensslVerify(a1.groupKey, message, hexToBytes(done.signature!))).toBe(true);
      await until(async () => (await c2.core.inbox()).find((r) => r.id === req.id)?.status === 'done', 20_000, 'done at the approver');
      for (let k = 0; k < 2; k++) {
        expect(logs[k]!.started).toBe(before[k]!.started + 1);
        expect(logs[k]!.verifiedJobs).toBeGreaterThan(before[k]!.verifiedJobs);
        expect(logs[k]!.searches).toHaveLength(1);
        expect(logs[k]!.terminated).toBe(logs[k]!.started);
      }
    } finally {
      await closeAll(cores);
    }
  }, 120_000);

  it('a failing prime search fails the key generation with a typed error and ends the pool', async () => {
    const pairs = fixturePrimes();
    const logs: PoolLog[] = [0, 1].map(() => ({ started: 0, terminated: 0, searches: [], verifiedJobs: 0 }));
    const cores: TestCore[] = [];
    try {
      for (let k = 0; k < 2; k++) {
        const driver = createCggmpDriver({ createPool: () => standInPool(k === 0 ? 'fail' : pairs[k]!, logs[k]!) });
        const c = await testCore(signal, `ecdsa-pool-fail-${k + 1}`, { schemes: [driver], timeoutMs: 8_000 });
        await c.core.createVault({ passphrase: PASS });
        cores.push(c);
      }
      const [c1, c2] = cores as [TestCore, TestCore];
      const lobby = await c1.core.startCreate({ label: 'pool fail', scheme: 'cggmp', suite: 'secp256k1', threshold: 2, parties: 2 });
      const join = await c2.core.joinFromLink(links(lobby).get(2)!);
      await expect(lobby.done).rejects.toMatchObject({ name: 'WalletError' });
      expect(lobby.view().stage).toBe('failed');
      expect(lobby.view().error?.message).toContain('prime worker failed');
      expect(logs[0]!.terminated).toBe(logs[0]!.started);
      // the other party times out naming the silent party 1
      await expect(join.done).rejects.toMatchObject({ code: 'protocol-abort', culprit: 1 });
      expect(await c1.core.accounts()).toEqual([]);
    } finally {
      await closeAll(cores);
    }
  }, 120_000);
});
