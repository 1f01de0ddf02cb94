/**
 * simulateCggmp (what `tessera simulate cggmp --json` prints) and benchCggmp, with the fixture
 * primes as prime source: output shape (33-byte key, 32-byte lower-case r and s, recovery id),
 * signatures accepted by @noble/curves and OpenSSL, proofs verified on a worker pool, option
 * checks, and the benchmark's rows.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkerPool, type WorkerPool } from '@tessera/crypto/pool';
import type { ZkVerifyJob } from '@tessera/crypto/zk/dispatch';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { hexToBytes } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { benchCggmp } from '../src/cggmp/bench.ts';
import { recoverPublicKey } from '../src/cggmp/ecdsa.ts';
import { fixedPrimeSource } from '../src/cggmp/prime-source.ts';
import { simulateCggmp } from '../src/cggmp/simulate.ts';
import { poolVerifier } from '../src/cggmp/wire.ts';
import { seeded, taurusPrimePairs, verifyEcdsa } from './cggmp-fixtures.ts';

/** A pool whose verifications are counted by proof kind. */
function countingPool(): { pool: WorkerPool; kinds: string[] } {
  const inner = createWorkerPool({ size: 2 });
  const kinds: string[] = [];
  const pool: WorkerPool = {
    size: inner.size,
    findPrimes: (count, o) => inner.findPrimes(count, o),
    generatePaillierKeyPair: (o) => inner.generatePaillierKeyPair(o),
    verifyZkJobs: (jobs: readonly ZkVerifyJob[], o) => {
      kinds.push(...jobs.map((j) => j.kind));
      return inner.verifyZkJobs(jobs, o);
    },
    terminate: () => inner.terminate(),
  };
  return { pool, kinds };
}

const counted = countingPool();
afterAll(() => counted.pool.terminate());

describe('simulateCggmp', () => {
  it('2-of-2 over SHA-256: canonical hex output that noble and OpenSSL verify', async () => {
    const message = '48656c6c6f2c204347474d503231';
    const out = await simulateCggmp({ threshold: 2, parties: 2, message: message.toUpperCase(), primeSource: fixedPrimeSource(taurusPrimePairs()), rng: seeded('simulate') });
    expect(Object.keys(out).sort()).toEqual(['message', 'parties', 'publicKey', 'scheme', 'signature', 'threshold']);
    expect(out.scheme).toBe('cggmp21');
    expect(out.message).toBe(message);
    expect(out.publicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(out.signature.r).toMatch(/^[0-9a-f]{64}$/);
    expect(out.signature.s).toMatch(/^[0-9a-f]{64}$/);
    expect([0, 1, 2, 3]).toContain(out.signature.v);
    const msg = hexToBytes(message);
    const r = BigInt('0x' + out.signature.r);
    const s = BigInt('0x' + out.signature.s);
    verifyEcdsa(hexToBytes(out.publicKey), sha256(msg), r, s, msg);
    expect(recoverPublicKey(sha256(msg), { r, s, v: out.signature.v })).toEqual(hexToBytes(out.publicKey));
    expect(recoverPublicKey(keccak_256(msg), { r, s, v: out.signature.v })).not.toEqual(hexToBytes(out.publicKey));
  });

  it('verifies aux-info and presigning proofs on the worker pool when given one (2-of-3: signature still checks)', async () => {
    const message = '00ff';
    const out = await simulateCggmp({ threshold: 2, parties: 3, message, primeSource: fixedPrimeSource(taurusPrimePairs()), pool: counted.pool, rng: seeded('simulate pool') });
    const msg = hexToBytes(message);
    verifyEcdsa(hexToBytes(out.publicKey), sha256(msg), BigInt('0x' + out.signature.r), BigInt('0x' + out.signature.s), msg);
    const count = (k: string) => counted.kinds.filter((x) => x === k).length;
    // aux-info: each of 3 parties checks the other two's Π^prm and Π^mod, and every broadcast Π^fac
    // (each sender proves one per other party: 2 senders × 2 proofs)
    expect([count('piprm'), count('pimod'), count('pifac')]).toEqual([6, 6, 12]);
    // presigning between 2 signers: each checks one Π^enc, two Π^aff-g and two Π^log*
    expect([count('pienc'), count('piaffg'), count('pilogstar')]).toEqual([2, 4, 4]);
  });

  it('poolVerifier: a dead pool rejects instead of producing results that would blame', async () => {
    const pool = createWorkerPool({ size: 1 });
    await pool.terminate();
    await expect(poolVerifier(pool)([{ kind: 'nope' } as unknown as ZkVerifyJob])).rejects.toThrow(/terminated/);
  });

  it('refuses bad options before any work', async () => {
    await expect(simulateCggmp({ threshold: 3, parties: 2, message: '' })).rejects.toThrowError(FieldRangeError);
    await expect(simulateCggmp({ threshold: 2, parties: 2, message: 'xyz' })).rejects.toThrowError(FieldTypeError);
    await expect(simulateCggmp({ threshold: 2, parties: 2, message: '00', hash: 'md5' as never })).rejects.toThrowError(FieldRangeError);
  });

  it('benchCggmp returns aux-info, presign and sign rows with positive times', async () => {
    const rows = await benchCggmp({ sizes: [[2, 2]], primeSource: fixedPrimeSource(taurusPrimePairs()), rng: seeded('bench') });
    expect(rows.map((r) => r.name)).toEqual([
      'CGGMP21 aux-info n=2 per party (fixed primes; proofs verified in this thread)',
      'CGGMP21 presign 2-of-2 per party (proofs verified in this thread)',
      'CGGMP21 sign 2-of-2 per party',
    ]);
    for (const r of rows) {
      expect(r.ms).toBeGreaterThan(0);
      expect(r.anchorMs).toBeGreaterThan(0);
      expect(r.ratio).toBeCloseTo(r.ms / r.anchorMs);
    }
  });
});
