/**
 * `pool.proveZkJobs` on the real Node worker pool (worker_threads + Comlink): proofs made in the
 * workers, witnesses included, verify like in-thread proofs and come back in job order; a
 * tampered witness or malformed job rejects with the prover's own error class and field
 * re-created on this side; a job that cannot be cloned rejects; the pool keeps working.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkerPool } from '../src/pool/pool.node.ts';
import { createPoolCore } from '../src/pool/pool-core.ts';
import { CryptoError, FieldRangeError, FieldTypeError } from '../src/errors.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { verifyZkJobs } from '../src/zk/dispatch.ts';
import type { ZkProveJob } from '../src/zk/prove-dispatch.ts';
import { oneProveJobPerKind, verifyJobFor } from './zk-prove-fixtures.ts';

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
