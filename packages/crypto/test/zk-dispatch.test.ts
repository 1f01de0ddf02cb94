/**
 * `verifyZkJob` / `verifyZkJobs` (zk/dispatch.ts): every proof kind verifies from plain,
 * structured-cloned data; failed checks come back with the field that failed; malformed jobs
 * come back as such; nothing throws.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { ZK_PROOF_KINDS, verifyZkJob, verifyZkJobs, type ZkVerifyJob } from '../src/zk/dispatch.ts';
import { OTHER_PROVER, oneJobPerKind } from './zk-fixtures.ts';

const rng = createSeededRng('zk-dispatch');

/** One valid job per kind, built once. */
let jobs: ZkVerifyJob[];

beforeAll(() => {
  jobs = oneJobPerKind(rng);
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
