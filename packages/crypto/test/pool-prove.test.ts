/**
 * `pool.proveZkJobs` on the real Node worker pool (worker_threads + Comlink): proofs made in the
 * workers, witnesses included, verify like in-thread proofs and come back in job order; a
 * tampered witness or malformed job rejects with the prover's own error class and field
 * re-created on this side; a job that cannot be cloned rejects; the pool keeps working. With
 * in-process fake workers: jobs go out costliest first, and a worker answer that is not a prove
 * result, or a worker dying mid-call, rejects the call (never a proof).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkerPool } from '../src/pool/pool.node.ts';
import type { Remote } from 'comlink';
import { createPoolCore, type WorkerHandle } from '../src/pool/pool-core.ts';
import type { PrimeWorkerApi } from '../src/pool/types.ts';
import { CryptoError, FieldRangeError, FieldTypeError } from '../src/errors.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { verifyZkJobs } from '../src/zk/dispatch.ts';
import type { ZkProveJob } from '../src/zk/prove-dispatch.ts';
import { oneProveJobPerKind, verifyJobFor } from './zk-fixtures.ts';

const pool = createPoolCore(() => {
  throw new Error('unused');
}, 1);
const real = createWorkerPool({ size: 2 });
afterAll(() => Promise.all([real.terminate(), pool.terminate()]));

describe('proveZkJobs on worker threads', () => {
  const jobs = oneProveJobPerKind(createSeededRng('pool prove'));

  it('proves every kind in the workers; the proofs verify in this thread, in job order', async () => {
    const proofs = await real.proveZkJobs!(jobs);
    expect(proofs).toHaveLength(jobs.length);
    expect(verifyZkJobs(jobs.map((j, i) => verifyJobFor(j, proofs[i]!)))).toEqual(jobs.map((j) => ({ ok: true, kind: j.kind })));
    // the caller's jobs still hold their witnesses (only the workers' clones are wiped)
    for (const j of jobs) expect(j.witness).toBeDefined();
  });

  it('re-creates the prover error with its class and field for a tampered witness or job', async () => {
    const enc = jobs.find((j) => j.kind === 'pienc') as Extract<ZkProveJob, { kind: 'pienc' }>;
    const tampered = { ...enc, witness: { ...enc.witness, rho: enc.witness.rho + 1n } };
    const err = await real.proveZkJobs!([jobs[0]!, tampered]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CryptoError);
    expect((err as CryptoError).field).toBe('witness');
    const range = await real.proveZkJobs!([{ ...enc, witness: { ...enc.witness, k: 1n << 300n } }]).catch((e: unknown) => e);
    expect(range).toBeInstanceOf(FieldRangeError);
    expect((range as FieldRangeError).field).toBe('k');
    const missing = await real.proveZkJobs!([{ ...enc, witness: null } as unknown as ZkProveJob]).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(FieldTypeError);
    expect((missing as FieldTypeError).field).toBe('job.witness');
    await expect(real.proveZkJobs!('x' as unknown as ZkProveJob[])).rejects.toThrow(FieldTypeError);
  });

  it('rejects a job that cannot be sent to a worker, then keeps working', async () => {
    const unclonable = { ...jobs[0]!, extra: () => 1 } as unknown as ZkProveJob;
    await expect(real.proveZkJobs!([unclonable])).rejects.toThrow(/clone/i);
    const [proof] = await real.proveZkJobs!([jobs[0]!]);
    expect(verifyZkJobs([verifyJobFor(jobs[0]!, proof!)])[0]!.ok).toBe(true);
  });

  it('rejects after termination', async () => {
    await pool.terminate();
    await expect(pool.proveZkJobs([jobs[0]!])).rejects.toThrow(/terminated/);
  });
});

/** In-process fake workers whose `proveZkJobs` answers with `answer(job)` (or never, when it returns undefined). */
function fakePool(size: number, answer: (job: ZkProveJob) => unknown) {
  const seen: string[] = [];
  const crashes: ((e: Error) => void)[] = [];
  const spawn = (): WorkerHandle => {
    let crash!: (e: Error) => void;
    const stopped = new Promise<Error>((r) => (crash = r));
    crashes.push(crash);
    const api: PrimeWorkerApi = {
      findPrime: () => new Promise(() => undefined),
      cancel: () => undefined,
      verifyZkJobs: async () => [],
      proveZkJobs: (list: readonly ZkProveJob[]) => {
        seen.push(list[0]!.kind);
        const out = answer(list[0]!);
        return out === undefined ? new Promise(() => undefined) : Promise.resolve(out as never);
      },
    };
    return { api: api as unknown as Remote<PrimeWorkerApi>, stopped, setBusy: () => undefined, terminate: async () => crash(new Error('terminated')) };
  };
  return { pool: createPoolCore(spawn, size), seen, crashes };
}

describe('proveZkJobs scheduling and machinery failures (fake workers)', () => {
  const jobs = oneProveJobPerKind(createSeededRng('pool prove fake'));
  const ok = (job: ZkProveJob) => [{ ok: true, kind: job.kind, proof: { fake: job.kind } }];

  it('hands out the costliest jobs first and returns the proofs in job order', async () => {
    const { pool, seen } = fakePool(1, ok);
    const proofs = await pool.proveZkJobs(jobs);
    expect(proofs).toEqual(jobs.map((j) => ({ fake: j.kind })));
    expect(seen.slice(0, 2)).toEqual(['piprm', 'pimod']);
    await pool.terminate();
  });

  it('rejects (naming the pool) when a worker answers with something that is not a prove result', async () => {
    const { pool } = fakePool(2, () => [{ ok: true, kind: 'pienc' }]);
    const err = await pool.proveZkJobs([jobs[6]!]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CryptoError);
    expect((err as CryptoError).field).toBe('pool');
    await pool.terminate();
  });

  it('rejects when a worker dies during the call', async () => {
    const { pool, crashes } = fakePool(1, () => undefined);
    const call = pool.proveZkJobs([jobs[0]!]);
    await new Promise((r) => setTimeout(r, 0));
    crashes[0]!(new Error('worker died'));
    await expect(call).rejects.toThrow(/worker died/);
    await pool.terminate();
  });
});
