/**
 * The platform-independent pool core with in-process fake workers: a worker that crashes
 * mid-search, error re-creation across the worker boundary, and scheduling rules that real
 * workers make hard to provoke on purpose.
 */
import { describe, expect, it } from 'vitest';
import type { Remote } from 'comlink';
import { createPoolCore, reviveWorkerError, type WorkerHandle } from '../src/pool/pool-core.ts';
import type { PrimeJobRequest, PrimeJobResult, PrimeWorkerApi } from '../src/pool/types.ts';
import { AbortError, CryptoError, FieldRangeError, FieldTypeError, RngHealthError } from '../src/errors.ts';

/** A fake worker whose jobs the test settles by hand. */
function fakeWorkers() {
  const spawned: { handle: WorkerHandle; crash: (e: Error) => void; jobs: Map<number, (r: PrimeJobResult) => void>; cancelled: number[] }[] = [];
  const spawn = (): WorkerHandle => {
    const jobs = new Map<number, (r: PrimeJobResult) => void>();
    const cancelled: number[] = [];
    let crash!: (e: Error) => void;
    const stopped = new Promise<Error>((r) => (crash = r));
    const api: PrimeWorkerApi = {
      findPrime: (jobId: number, _req: PrimeJobRequest) => new Promise<PrimeJobResult>((r) => jobs.set(jobId, r)),
      cancel: (jobId: number) => {
        cancelled.push(jobId);
        jobs.get(jobId)?.({ kind: 'aborted' });
      },
    };
    const handle: WorkerHandle = {
      api: api as unknown as Remote<PrimeWorkerApi>,
      stopped,
      setBusy: () => undefined,
      terminate: async () => crash(new Error('terminated')),
    };
    spawned.push({ handle, crash, jobs, cancelled });
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
