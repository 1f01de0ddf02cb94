/**
 * The Node worker pool (`@tessera/crypto/pool`, worker_threads + Comlink): parallel prime
 * search and proof verification with real workers, cancellation, progress, error
 * propagation, shutdown and process exit. The browser variant shares `pool-core.ts` and is
 * exercised by the Playwright suite.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createWorkerPool } from '../src/pool/pool.node.ts';
import type { PoolProgress } from '../src/pool/types.ts';
import { isProbablePrime } from '../src/primality.ts';
import { AbortError, FieldRangeError } from '../src/errors.ts';
import { decrypt, encrypt } from '../src/paillier/index.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { verifyZkJobs, type ZkVerifyJob } from '../src/zk/dispatch.ts';
import { oneJobPerKind } from './zk-fixtures.ts';

const pool = createWorkerPool({ size: 2 });
afterAll(() => pool.terminate());

const bitLen = (n: bigint) => n.toString(2).length;

describe('findPrimes on worker threads', () => {
  it('uses the requested size and validates it', () => {
    expect(pool.size).toBe(2);
    expect(() => createWorkerPool({ size: 0 })).toThrow(FieldRangeError);
    expect(() => createWorkerPool({ size: 1.5 })).toThrow(TypeError);
  });

  it.each([
    ['random', 256],
    ['random', 512],
    ['blum', 256],
    ['safe', 128],
  ] as const)('returns a %s prime of exactly %i bits', async (kind, bits) => {
    const [p] = await pool.findPrimes(1, { bits, kind });
    expect(typeof p).toBe('bigint');
    expect(bitLen(p!)).toBe(bits);
    expect(p! >> BigInt(bits - 2)).toBe(3n); // top two bits set
    expect(isProbablePrime(p!)).toBe(true);
    if (kind === 'blum') expect(p! % 4n).toBe(3n);
    if (kind === 'safe') expect(isProbablePrime((p! - 1n) / 2n)).toBe(true);
  });

  it('returns distinct primes, also when count exceeds the number of workers', async () => {
    const two = await pool.findPrimes(2, { bits: 256 });
    expect(two).toHaveLength(2);
    expect(two[0]).not.toBe(two[1]);
    const three = await pool.findPrimes(3, { bits: 128, kind: 'blum' });
    expect(new Set(three).size).toBe(3);
    for (const p of three) {
      expect(bitLen(p)).toBe(128);
      expect(isProbablePrime(p)).toBe(true);
    }
  });

  it('rejects when too few distinct primes of that size exist', async () => {
    // 16-bit Blum primes with the top two bits set: several hundred, fewer than asked.
    await expect(pool.findPrimes(1000, { bits: 16, kind: 'blum' })).rejects.toThrow(/distinct/);
  });

  it('reports progress summed over workers, ending with every prime found', async () => {
    const seen: PoolProgress[] = [];
    await pool.findPrimes(2, { bits: 384, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(0);
    const last = seen.at(-1)!;
    expect(last.found).toBe(2);
    expect(last.count).toBe(2);
    expect(last.candidates).toBeGreaterThan(0);
    expect(last.expected).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.candidates).toBeGreaterThanOrEqual(seen[i - 1]!.candidates);
      expect(seen[i]!.found).toBeGreaterThanOrEqual(seen[i - 1]!.found);
    }
  });
});

describe('proof verification on worker threads', () => {
  it('gives the in-thread results, in job order, including a tampered proof reported with its field', async () => {
    const jobs = oneJobPerKind(createSeededRng('pool verify'));
    const pienc = jobs.find((j) => j.kind === 'pienc')! as Extract<ZkVerifyJob, { kind: 'pienc' }>;
    const pimod = jobs.find((j) => j.kind === 'pimod')! as Extract<ZkVerifyJob, { kind: 'pimod' }>;
    const tampered: ZkVerifyJob[] = [
      { ...pienc, proof: { ...pienc.proof, z1: pienc.proof.z1 + 1n } },
      { ...pimod, proof: { ...pimod.proof, x: pimod.proof.x.map((v, i) => (i === 5 ? v + 1n : v)) } },
      { ...pienc, kind: 'nope' } as unknown as ZkVerifyJob,
    ];
    const all = [...jobs, ...tampered];
    const inThread = verifyZkJobs(all);
    const inPool = await pool.verifyZkJobs(all);
    expect(inPool).toEqual(inThread);
    expect(inPool.slice(0, jobs.length).every((r) => r.ok)).toBe(true);
    const [enc, mod, unknown] = inPool.slice(jobs.length);
    expect(enc).toMatchObject({ ok: false, kind: 'pienc', reason: 'invalid' });
    expect(enc!.ok === false && enc!.field).toMatch(/^pienc\./);
    expect(mod).toMatchObject({ ok: false, kind: 'pimod', reason: 'invalid', field: 'pimod.fourth-root[5]' });
    expect(unknown).toMatchObject({ ok: false, reason: 'malformed', field: 'kind' });
  });

  it('rejects a job that cannot be sent to a worker instead of reporting it as a bad proof', async () => {
    const [first] = oneJobPerKind(createSeededRng('pool verify clone'));
    const unclonable = { ...first!, extra: () => 1 } as unknown as ZkVerifyJob;
    await expect(pool.verifyZkJobs([unclonable])).rejects.toThrow(/clone/i);
    expect(await pool.verifyZkJobs([first!])).toEqual([{ ok: true, kind: first!.kind }]);
  });
});

describe('Paillier key generation on the pool', () => {
  it('builds a working key from two primes found in parallel', async () => {
    const seen: PoolProgress[] = [];
    const sk = await pool.generatePaillierKeyPair({ bits: 512, primes: 'blum', allowInsecureSize: true, onProgress: (p) => seen.push(p) });
    expect(sk.publicKey.n).toBe(sk.p * sk.q);
    expect(bitLen(sk.publicKey.n)).toBe(512);
    expect(sk.p % 4n).toBe(3n);
    expect(sk.q % 4n).toBe(3n);
    expect(decrypt(sk, encrypt(sk.publicKey, 123456789n))).toBe(123456789n);
    expect(seen.at(-1)?.found).toBe(2);
  });

  it('passes the key-generation checks through (below 2048 bits needs allowInsecureSize)', async () => {
    await expect(pool.generatePaillierKeyPair({ bits: 512 })).rejects.toThrow(RangeError);
  });
});

describe('cancellation', () => {
  it('rejects at once for an already aborted signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(pool.findPrimes(1, { bits: 256, signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it('aborts a running search on every worker, and the workers are reusable after', async () => {
    const ac = new AbortController();
    let progressCalls = 0;
    // A 4096-bit safe prime takes far longer than this test: it must be stopped mid-search.
    const search = pool.findPrimes(1, {
      bits: 4096,
      kind: 'safe',
      signal: ac.signal,
      onProgress: () => {
        if (++progressCalls === 1) ac.abort();
      },
    });
    await expect(search).rejects.toBeInstanceOf(AbortError);
    expect(progressCalls).toBeGreaterThan(0);
    const [p] = await pool.findPrimes(1, { bits: 256 });
    expect(isProbablePrime(p!)).toBe(true);
  });

  it('an abort while queued behind another call rejects that call only', async () => {
    const first = pool.findPrimes(2, { bits: 256 });
    const ac = new AbortController();
    const second = pool.findPrimes(1, { bits: 256, signal: ac.signal });
    ac.abort();
    await expect(second).rejects.toBeInstanceOf(AbortError);
    expect(await first).toHaveLength(2);
  });
});

describe('errors from workers', () => {
  it('come back as rejections with their class and field, and the pool stays usable', async () => {
    const err = await pool.findPrimes(1, { bits: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as FieldRangeError).field).toBe('bits');
    const [p] = await pool.findPrimes(1, { bits: 128 });
    expect(bitLen(p!)).toBe(128);
  });

  it('argument errors on this side are thrown before any worker runs', async () => {
    await expect(pool.findPrimes(0, { bits: 128 })).rejects.toThrow(RangeError);
    await expect(pool.findPrimes(1.5, { bits: 128 })).rejects.toThrow(TypeError);
  });
});

describe('shutdown', () => {
  it('terminate() rejects the running search with AbortError and every later call', async () => {
    const own = createWorkerPool({ size: 2 });
    const search = own.findPrimes(1, { bits: 4096, kind: 'safe' });
    await new Promise((r) => setTimeout(r, 300));
    await own.terminate();
    await expect(search).rejects.toBeInstanceOf(AbortError);
    await expect(own.findPrimes(1, { bits: 128 })).rejects.toBeInstanceOf(AbortError);
    await own.terminate(); // idempotent
  });

  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const poolUrl = new URL('../src/pool/pool.node.ts', import.meta.url).href;
  const runChild = (body: string) =>
    spawnSync(process.execPath, ['--import', tsxLoader, '--input-type=module', '-e', `import { createWorkerPool } from ${JSON.stringify(poolUrl)};\n${body}`], {
      cwd: tmpdir(), // the pool must not depend on the working directory
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('a process that used the pool and terminated it exits by itself', () => {
    const r = runChild(`const pool = createWorkerPool({ size: 2 });
const [p] = await pool.findPrimes(1, { bits: 256 });
await pool.terminate();
console.log(p.toString(2).length);`);
    expect(r.error).toBeUndefined(); // no timeout
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('256');
    expect(r.status).toBe(0);
  });

  it('an idle pool does not keep the process alive even without terminate()', () => {
    const r = runChild(`const pool = createWorkerPool({ size: 2 });
const [p] = await pool.findPrimes(1, { bits: 128, kind: 'safe', onProgress: () => {} });
console.log(p.toString(2).length);`);
    expect(r.error).toBeUndefined();
    expect(r.stdout.trim()).toBe('128');
    expect(r.status).toBe(0);
  });
});
