/**
 * `simulateFrost` (the `tessera simulate frost` back end): output format per suite, BIP340 /
 * RFC 8032 verification of its results, the key surviving refresh and resharing, option
 * checking; and the shape of `benchFrost` rows on the smallest size (no timing asserted).
 */
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '@tessera/crypto/bytes';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { schnorr, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { simulateFrost } from '../src/frost/simulate.ts';
import { benchFrost } from '../src/frost/bench.ts';

const verify = {
  secp256k1: (sig: string, msg: string, pk: string) => secp256k1_FROST.verify(hexToBytes(sig), hexToBytes(msg), hexToBytes(pk)),
  taproot: (sig: string, msg: string, pk: string) => schnorr.verify(hexToBytes(sig), hexToBytes(msg), hexToBytes(pk)),
  ed25519: (sig: string, msg: string, pk: string) => ed25519.verify(hexToBytes(sig), hexToBytes(msg), hexToBytes(pk)),
};
const lengths = { secp256k1: [33, 65], taproot: [32, 64], ed25519: [32, 64] };

describe('simulateFrost', () => {
  it.each(['secp256k1', 'taproot', 'ed25519'] as const)('%s: DKG, refresh, reshare 2-of-3 → 3-of-4, sign', async (suite) => {
    const r = await simulateFrost({ suite, threshold: 2, parties: 3, message: 'DEADbeef', refresh: true, reshare: { threshold: 3, parties: 4 }, rng: createSeededRng(`simulate ${suite}`) });
    expect(Object.keys(r).sort()).toEqual(['message', 'parties', 'publicKey', 'signature', 'signers', 'suite', 'threshold']);
    expect(r).toMatchObject({ suite, threshold: 3, parties: 4, message: 'deadbeef', signers: [1, 2, 3] });
    expect(r.publicKey).toMatch(/^[0-9a-f]+$/);
    expect(r.publicKey.length / 2).toBe(lengths[suite][0]);
    expect(r.signature.length / 2).toBe(lengths[suite][1]);
    expect(verify[suite](r.signature, r.message, r.publicKey)).toBe(true);
    expect(verify[suite](r.signature, '00', r.publicKey)).toBe(false);
  });
  it('plain DKG and signing, shrinking committee by resharing', async () => {
    const r = await simulateFrost({ suite: 'taproot', threshold: 3, parties: 4, message: '', reshare: { threshold: 2, parties: 2 }, rng: createSeededRng('shrink') });
    expect(r).toMatchObject({ threshold: 2, parties: 2, signers: [1, 2], message: '' });
    expect(verify.taproot(r.signature, r.message, r.publicKey)).toBe(true);
  });
  it('rejects bad options naming the field', async () => {
    await expect(simulateFrost({ suite: 'p256' as never, threshold: 2, parties: 3, message: '' })).rejects.toThrow(/suite/);
    await expect(simulateFrost({ suite: 'ed25519', threshold: 4, parties: 3, message: '' })).rejects.toThrow(/threshold/);
    await expect(simulateFrost({ suite: 'ed25519', threshold: 1, parties: 3, message: '' })).rejects.toThrow(RangeError);
    await expect(simulateFrost({ suite: 'ed25519', threshold: 2, parties: 3, message: 'xyz' })).rejects.toThrow(/message/);
    await expect(simulateFrost({ suite: 'ed25519', threshold: 2, parties: 3, message: '', reshare: { threshold: 3, parties: 2 } })).rejects.toThrow(/reshare/);
  });
});

describe('benchFrost', () => {
  it('returns a DKG and a signing row per size, engine next to the noble anchor', async () => {
    const rows = await benchFrost({ sizes: [[2, 3]], rng: createSeededRng('bench') });
    expect(rows.map((r) => r.name)).toEqual(['FROST secp256k1 DKG 2-of-3 (engine)', 'FROST secp256k1 sign 2-of-3 (engine)']);
    for (const r of rows) {
      expect(r.ms).toBeGreaterThan(0);
      expect(r.anchorMs).toBeGreaterThan(0);
      expect(r.ratio).toBeCloseTo(r.ms / r.anchorMs, 10);
      expect(r.anchor).toMatch(/noble/);
    }
  });
});
