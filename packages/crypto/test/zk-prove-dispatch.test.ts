/**
 * `proveZkJob` / `proveZkJobs` / `proveZkJobsSettled` (zk/prove-dispatch.ts): every proof kind is
 * proved from plain, structured-cloned data and the proof verifies like an in-thread proof; a
 * tampered witness or malformed job is refused with a typed error naming the field (thrown
 * in-thread, carried as a value across a worker boundary); used witnesses are wiped.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CryptoError, FieldRangeError, FieldTypeError } from '../src/errors.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { verifyZkJob, verifyZkJobs } from '../src/zk/dispatch.ts';
import { ZK_PROVE_KINDS, proveZkJob, proveZkJobs, proveZkJobsSettled, wipeProveJob, type ZkProveJob } from '../src/zk/prove-dispatch.ts';
import { provePiEnc } from '../src/zk/pienc.ts';
import { OTHER_PROVER, oneProveJobPerKind, verifyJobFor } from './zk-fixtures.ts';

let jobs: ZkProveJob[];
beforeAll(() => {
  jobs = oneProveJobPerKind(createSeededRng('zk-prove-dispatch'));
});

const find = <K extends ZkProveJob['kind']>(kind: K) => jobs.find((j) => j.kind === kind) as Extract<ZkProveJob, { kind: K }>;

describe('proveZkJobs (plain-data proving)', () => {
  it('covers every proof kind; proofs from structured clones verify, like in-thread proofs', () => {
    expect(jobs.map((j) => j.kind).sort()).toEqual([...ZK_PROVE_KINDS].sort());
    const proofs = proveZkJobs(structuredClone(jobs), createSeededRng('prove 1'));
    expect(verifyZkJobs(jobs.map((j, i) => verifyJobFor(j, proofs[i]!)))).toEqual(jobs.map((j) => ({ ok: true, kind: j.kind })));
    // the same statement proved directly: both verify, and a proof is bound to its prover
    const enc = find('pienc');
    const direct = provePiEnc(enc.binding, enc.statement, enc.witness, createSeededRng('prove 2'));
    expect(verifyZkJob(verifyJobFor(enc, direct)).ok).toBe(true);
    const moved = verifyZkJob({ ...verifyJobFor(enc, proofs[jobs.indexOf(enc)]!), binding: OTHER_PROVER } as never);
    expect(moved.ok).toBe(false);
  });

  it('settled proving carries proofs as values and wipes every witness it used', () => {
    const copy = structuredClone([find('pienc'), find('pilogstar')]);
    const out = proveZkJobsSettled(copy, createSeededRng('prove 3'));
    expect(out.map((r) => r.ok)).toEqual([true, true]);
    for (const j of copy) expect((j as { witness?: unknown }).witness).toBeUndefined();
    const bytes = { kind: 'schnorr', witness: { x: 1n, seed: new Uint8Array([1, 2, 3]) } };
    const seed = bytes.witness.seed;
    wipeProveJob(bytes);
    expect([...seed]).toEqual([0, 0, 0]);
    expect(bytes).toEqual({ kind: 'schnorr' });
  });

  it('refuses a tampered witness with a typed error naming the field (thrown in-thread, a value when settled)', () => {
    const enc = find('pienc');
    const bad = { ...enc, witness: { ...enc.witness, k: enc.witness.k + 1n } };
    expect(() => proveZkJob(bad)).toThrow(CryptoError);
    try {
      proveZkJob(bad);
    } catch (e) {
      expect((e as CryptoError).field).toBe('witness');
    }
    const [r] = proveZkJobsSettled([structuredClone(bad)]);
    expect(r).toMatchObject({ ok: false, kind: 'pienc', name: 'CryptoError', field: 'witness' });

    const mod = find('pimod');
    expect(() => proveZkJob({ ...mod, witness: { p: mod.witness.p, q: mod.witness.q + 2n } })).toThrow(FieldRangeError);
    const aff = find('piaffg');
    const badFactors = { ...aff, witness: { ...aff.witness, factorsN1: { p: 3n, q: 5n } } };
    const [f] = proveZkJobsSettled([badFactors]);
    expect(f).toMatchObject({ ok: false, name: 'CryptoError', field: 'witness.factorsN1' });
  });

  it('refuses malformed jobs naming the field', () => {
    const enc = find('pienc');
    expect(() => proveZkJob({ ...enc, kind: 'nope' } as unknown as ZkProveJob)).toThrow(FieldRangeError);
    expect(() => proveZkJob({ ...enc, witness: undefined } as unknown as ZkProveJob)).toThrow(FieldTypeError);
    expect(() => proveZkJob({ ...find('piaffg'), group: 'p256' } as unknown as ZkProveJob)).toThrow(/group/);
    expect(() => proveZkJobs('x' as unknown as ZkProveJob[])).toThrow(FieldTypeError);
    const [r] = proveZkJobsSettled([{ ...enc, witness: null } as unknown as ZkProveJob]);
    expect(r).toMatchObject({ ok: false, name: 'FieldTypeError', field: 'job.witness' });
    expect(proveZkJobsSettled(null as unknown as ZkProveJob[])[0]).toMatchObject({ ok: false, field: 'jobs' });
  });
});
