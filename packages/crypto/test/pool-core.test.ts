/**
 * The platform-independent pool core with in-process fake workers: a worker that crashes
 * mid-search or mid-verification, error re-creation across the worker boundary, and
 * scheduling rules (first prime wins; verification jobs costliest first, results in job
 * order) that real workers make hard to provoke on purpose.
 */
import { describe, expect, it } from 'vitest';
import type { Remote } from 'comlink';
import { createPoolCore, reviveWorkerError, type WorkerHandle } from '../src/pool/pool-core.ts';
import type { PrimeJobRequest, PrimeJobResult, PrimeWorkerApi, ZkVerifyJob, ZkVerifyResult } from '../src/pool/types.ts';
import { AbortError, CryptoError, FieldRangeError, FieldTypeError, RngHealthError } from '../src/errors.ts';

/** A fake worker whose jobs the test settles by hand. */
function fakeWorkers() {
  const spawned: {
    handle: WorkerHandle;
    crash: (e: Error) => void;
    jobs: Map<number, (r: PrimeJobResult) => void>;
    cancelled: number[];
    verifying: { jobs: readonly ZkVerifyJob[]; answer: (r: unknown) => void; fail: (e: Error) => void }[];
  }[] = [];
  const spawn = (): WorkerHandle => {
    const jobs = new Map<number, (r: PrimeJobResult) => void>();
    const cancelled: number[] = [];
    const verifying: (typeof spawned)[number]['verifying'] = [];
    let crash!: (e: Error) => void;
    const stopped = new Promise<Error>((r) => (crash = r));
    const api: PrimeWorkerApi = {
      findPrime: (jobId: number, _req: PrimeJobRequest) => new Promise<PrimeJobResult>((r) => jobs.set(jobId, r)),
      cancel: (jobId: number) => {
        cancelled.push(jobId);
        jobs.get(jobId)?.({ kind: 'aborted' });
      },
      verifyZkJobs: (list: readonly ZkVerifyJob[]) =>
        new Promise<ZkVerifyResult[]>((answer, fail) => verifying.push({ jobs: list, answer: answer as (r: unknown) => void, fail })),
    };
    const handle: WorkerHandle = {
      api: api as unknown as Remote<PrimeWorkerApi>,
      stopped,
      setBusy: () => undefined,
      terminate: async () => crash(new Error('terminated')),
    };
    spawned.push({ handle, crash, jobs, cancelled, verifying });
    return handle;
  };
  return { spawn, spawned };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('pool core with fake workers', () => {
  it('first result wins: the other searches are cancelled before the call resolves', async () => {
    const { spawn, spawned } = fakeWorkers();
    const pool = createPoolCore(spawn, 3);
    const call = pool.findPrimes(1, { bits: 8 });
    await tick();
    expect(spawned).toHaveLength(3);
    const [jobA] = [...spawned[1]!.jobs.keys()];
    spawned[1]!.jobs.get(jobA!)!({ kind: 'prime', p: 0xc5n });
    expect(await call).toEqual([0xc5n]);
    expect(spawned[0]!.cancelled).toHaveLength(1);
    expect(spawned[2]!.cancelled).toHaveLength(1);
    expect(spawned[1]!.cancelled).toHaveLength(0);
  });

  it('a result of the wrong size is refused', async () => {
    const { spawn, spawned } = fakeWorkers();
    const pool = createPoolCore(spawn, 1);
    const call = pool.findPrimes(1, { bits: 8 });
    await tick();
    const [id] = [...spawned[0]!.jobs.keys()];
    spawned[0]!.jobs.get(id!)!({ kind: 'prime', p: 0x7fn });
    await expect(call).rejects.toBeInstanceOf(CryptoError);
  });

  it('a worker that dies mid-search rejects the call; the next call gets a fresh worker', async () => {
    const { spawn, spawned } = fakeWorkers();
    const pool = createPoolCore(spawn, 1);
    const call = pool.findPrimes(1, { bits: 8 });
    await tick();
    spawned[0]!.crash(new Error('prime worker exited (code 1)'));
    await expect(call).rejects.toThrow('exited');
    const next = pool.findPrimes(1, { bits: 8 });
    await tick();
    expect(spawned).toHaveLength(2);
    const [id] = [...spawned[1]!.jobs.keys()];
    spawned[1]!.jobs.get(id!)!({ kind: 'prime', p: 0xc1n });
    expect(await next).toEqual([0xc1n]);
  });

  it('duplicates are not counted twice', async () => {
    const { spawn, spawned } = fakeWorkers();
    const pool = createPoolCore(spawn, 1);
    const call = pool.findPrimes(2, { bits: 8 });
    const answer = async (p: bigint) => {
      await tick();
      const id = Math.max(...spawned[0]!.jobs.keys());
      spawned[0]!.jobs.get(id)!({ kind: 'prime', p });
    };
    await answer(0xc5n);
    await answer(0xc5n);
    await answer(0xd3n);
    expect(await call).toEqual([0xc5n, 0xd3n]);
  });
});

/** A stand-in job: only `kind` matters to the scheduler; `tag` tells the jobs apart. */
const job = (kind: string, tag: number) => ({ kind, binding: { sessionId: new Uint8Array([tag]), proverIndex: tag } }) as unknown as ZkVerifyJob;
const tagOf = (j: ZkVerifyJob) => j.binding.proverIndex;

describe('proof verification on fake workers', () => {
  it('hands out one job per worker call, costliest first, and returns results in job order', async () => {
    const { spawn, spawned } = fakeWorkers();
    const pool = createPoolCore(spawn, 2);
    const jobs = [job('schnorr', 0), job('pienc', 1), job('pimod', 2), job('piaffg', 3), job('piprm', 4)];
    const call = pool.verifyZkJobs(jobs);
    const seen: number[] = [];
    // answer whatever is pending, one call at a time, until the batch is done
    for (let round = 0; round < 10 && seen.length < jobs.length; round++) {
      await tick();
      for (const w of spawned) {
        const pending = w.verifying.shift();
        if (!pending) continue;
        expect(pending.jobs).toHaveLength(1);
        const t = tagOf(pending.jobs[0]!);
        seen.push(t);
        pending.answer([t === 3 ? { ok: false, kind: 'piaffg', field: 'piaffg.z1', message: 'response out of range', reason: 'invalid' } : { ok: true, kind: pending.jobs[0]!.kind }]);
      }
    }
    expect(spawned).toHaveLength(2);
    expect(seen.slice(0, 2).sort()).toEqual([2, 4]); // Π^mod and Π^prm go out first
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
    const results = await call;
    expect(results.map((r) => r.kind)).toEqual(['schnorr', 'pienc', 'pimod', 'piaffg', 'piprm']);
    expect(results[3]).toMatchObject({ ok: false, field: 'piaffg.z1' });
    expect(results.filter((r) => r.ok)).toHaveLength(4);
    expect(await pool.verifyZkJobs([])).toEqual([]);
  });

  it('a worker that dies mid-verification rejects the call (no result is made up); the pool recovers', async () => {
    const { spawn, spawned } = fakeWorkers();
    const pool = createPoolCore(spawn, 1);
    const call = pool.verifyZkJobs([job('pimod', 1), job('pienc', 2)]);
    await tick();
    spawned[0]!.crash(new Error('prime worker exited (code 1)'));
    await expect(call).rejects.toThrow('exited');
    const next = pool.verifyZkJobs([job('pienc', 3)]);
    await tick();
    expect(spawned).toHaveLength(2);
    spawned[1]!.verifying[0]!.answer([{ ok: true, kind: 'pienc' }]);
    expect(await next).toEqual([{ ok: true, kind: 'pienc' }]);
  });

  it('a failed worker call or a malformed answer rejects the call instead of becoming a result', async () => {
    const { spawn, spawned } = fakeWorkers();
    const pool = createPoolCore(spawn, 1);
    const cloneFail = pool.verifyZkJobs([job('pienc', 1)]);
    await tick();
    spawned[0]!.verifying.shift()!.fail(new Error('DataCloneError: could not be cloned'));
    await expect(cloneFail).rejects.toThrow('DataCloneError');
    for (const bad of [[], [{ kind: 'pienc' }], 'yes', [{ ok: true, kind: 'pienc' }, { ok: true, kind: 'pienc' }]]) {
      const call = pool.verifyZkJobs([job('pienc', 2)]);
      await tick();
      spawned[0]!.verifying.shift()!.answer(bad);
      await expect(call).rejects.toBeInstanceOf(CryptoError);
    }
  });

  it('refuses a non-array, stops on abort, and rejects after terminate()', async () => {
    const { spawn, spawned } = fakeWorkers();
    const pool = createPoolCore(spawn, 1);
    await expect(pool.verifyZkJobs('jobs' as unknown as ZkVerifyJob[])).rejects.toBeInstanceOf(FieldTypeError);
    const ac = new AbortController();
    const call = pool.verifyZkJobs([job('pimod', 1), job('pienc', 2)], { signal: ac.signal });
    await tick();
    ac.abort();
    await expect(call).rejects.toBeInstanceOf(AbortError);
    spawned[0]!.verifying.shift()!.answer([{ ok: true, kind: 'pimod' }]);
    await tick();
    expect(spawned[0]!.verifying).toHaveLength(0); // the second job was never sent
    await pool.terminate();
    await expect(pool.verifyZkJobs([job('pienc', 3)])).rejects.toBeInstanceOf(AbortError);
  });
});

describe('reviveWorkerError', () => {
  it('re-creates our error classes with their fields', () => {
    const r = reviveWorkerError({ name: 'FieldRangeError', message: 'bits: too small', field: 'bits' });
    expect(r).toBeInstanceOf(FieldRangeError);
    expect((r as FieldRangeError).field).toBe('bits');
    expect(r.message).toBe('bits: too small');
    expect(reviveWorkerError({ name: 'FieldTypeError', message: 'kind: bad', field: 'kind' })).toBeInstanceOf(FieldTypeError);
    expect(reviveWorkerError({ name: 'AbortError', message: 'x' })).toBeInstanceOf(AbortError);
    expect(reviveWorkerError({ name: 'CryptoError', message: 'no' })).toBeInstanceOf(CryptoError);
    const h = reviveWorkerError({ name: 'RngHealthError', message: 'RNG health test failed (repetition-count): 6 identical bytes' });
    expect(h).toBeInstanceOf(RngHealthError);
    expect((h as RngHealthError).test).toBe('repetition-count');
    const other = reviveWorkerError({ name: 'WeirdError', message: 'boom' });
    expect(other.name).toBe('WeirdError');
    expect(other.message).toBe('boom');
  });
});
