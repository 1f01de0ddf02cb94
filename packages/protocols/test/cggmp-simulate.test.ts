/**
 * simulateCggmp (what `tessera simulate cggmp --json` prints) and benchCggmp, with the fixture
 * primes as prime source: output shape (33-byte key, 32-byte lower-case r and s, recovery id),
 * signatures accepted by @noble/curves and OpenSSL, option checks, and the benchmark's rows.
 */
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { hexToBytes } from '@tessera/crypto/bytes';
import { FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { benchCggmp } from '../src/cggmp/bench.ts';
import { recoverPublicKey } from '../src/cggmp/ecdsa.ts';
import { fixedPrimeSource } from '../src/cggmp/prime-source.ts';
import { simulateCggmp } from '../src/cggmp/simulate.ts';
import { seeded, taurusPrimePairs, verifyEcdsa } from './cggmp-fixtures.ts';

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

  it('refuses bad options before any work', async () => {
    await expect(simulateCggmp({ threshold: 3, parties: 2, message: '' })).rejects.toThrowError(FieldRangeError);
    await expect(simulateCggmp({ threshold: 2, parties: 2, message: 'xyz' })).rejects.toThrowError(FieldTypeError);
    await expect(simulateCggmp({ threshold: 2, parties: 2, message: '00', hash: 'md5' as never })).rejects.toThrowError(FieldRangeError);
  });

  it('benchCggmp returns aux-info, presign and sign rows with positive times', async () => {
    const rows = await benchCggmp({ sizes: [[2, 2]], primeSource: fixedPrimeSource(taurusPrimePairs()), rng: seeded('bench') });
    expect(rows.map((r) => r.name)).toEqual(['CGGMP21 aux-info n=2 per party (fixed primes)', 'CGGMP21 presign 2-of-2 per party', 'CGGMP21 sign 2-of-2 per party']);
    for (const r of rows) {
      expect(r.ms).toBeGreaterThan(0);
      expect(r.anchorMs).toBeGreaterThan(0);
      expect(r.ratio).toBeCloseTo(r.ms / r.anchorMs);
    }
  });
});
