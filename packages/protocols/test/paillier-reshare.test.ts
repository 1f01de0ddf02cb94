/**
 * Resharing a threshold Paillier key to a new committee under the same N: the new shares
 * decrypt (with proofs at 2048 bits) with any T′ of n′, not with fewer; a dealer whose
 * commitment or share is altered is named; the committee function writes an epoch + 1 record
 * signed by the new members that old share files do not open.
 */
import { describe, expect, it } from 'vitest';
import { FieldRangeError } from '@tessera/crypto/errors';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { randomBytes } from '@tessera/crypto/rng';
import type { JsonObject } from '../src/engine/codec.ts';
import type { PartyIndex } from '../src/engine/ids.ts';
import { assembleCommittee, committeeDecrypt, createCommittee, reshareCommittee } from '../src/paillier/committee.ts';
import { InsufficientSharesError, combineDecryptionShares, createDecryptionShare, decryptionShareValue, verifyAndCombine } from '../src/paillier/decrypt/share.ts';
import { parseCommitteePublic } from '../src/paillier/epoch.ts';
import {
  ReshareError,
  assembleReshare,
  dealReshare,
  reshareKey,
  reshareParameters,
  verifyReshareCommitments,
} from '../src/paillier/reshare.ts';
import { dealtKey, encryptUnder } from './paillier-fixtures.ts';

const rng = createSeededRng('paillier reshare');

describe('resharing a dealer key (2-of-3 → 3-of-4, 2048-bit N)', () => {
  const old = dealtKey(3, 2);
  const oldShares = [...old.shares.values()];
  const { publicKey: pk, shares } = reshareKey(oldShares.slice(1), 4, 3, { rng });
  const m = 99_999_999_999n;
  const c = encryptUnder(old.publicKey, m);

  it('keeps N and v, has Δ′ = 4!, θ′ = Δ′·Δ·θ', () => {
    expect(pk.N).toBe(old.publicKey.N);
    expect(pk.v).toBe(old.publicKey.v);
    expect(pk.delta).toBe(24n);
    expect(pk.theta).toBe((24n * 6n) % pk.N);
  });

  it('any 3 new parties decrypt with proofs; 2 do not', () => {
    const ds = [1, 2, 4].map((j) => createDecryptionShare(shares.get(j as PartyIndex)!, c, new Uint8Array(0), rng));
    expect(verifyAndCombine(pk, c, ds).plaintext).toBe(m);
    expect(() => verifyAndCombine(pk, c, ds.slice(0, 2))).toThrow(InsufficientSharesError);
    const all = [1, 2, 3, 4].map((j) => ({ index: j as PartyIndex, ci: decryptionShareValue(shares.get(j as PartyIndex)!, c) }));
    expect(combineDecryptionShares(pk, [all[0]!, all[2]!, all[3]!])).toBe(m);
  });

  it('names a dealer whose commitment C₀ does not match its old verification key', () => {
    const params = reshareParameters(old.publicKey, [1, 3], 4, 3);
    const good = dealReshare(old.shares.get(1 as PartyIndex)!, params, rng);
    const bad = dealReshare(old.shares.get(3 as PartyIndex)!, params, rng);
    const forged = { ...bad, commitments: [(bad.commitments[0]! * old.publicKey.v) % old.publicKey.N2, ...bad.commitments.slice(1)] };
    expect(() => verifyReshareCommitments(old.publicKey, params, 3, forged.commitments)).toThrow(ReshareError);
    try {
      assembleReshare(old.publicKey, params, [good, forged]);
      expect.unreachable();
    } catch (err) {
      expect((err as ReshareError).culprits).toEqual([3]);
    }
  });

  it('names a dealer that sends a new party a share off its commitments, or deals nothing', () => {
    const params = reshareParameters(old.publicKey, [1, 2], 4, 3);
    const d1 = dealReshare(old.shares.get(1 as PartyIndex)!, params, rng);
    const d2 = dealReshare(old.shares.get(2 as PartyIndex)!, params, rng);
    const shares2 = new Map(d2.shares);
    shares2.set(4 as PartyIndex, shares2.get(4 as PartyIndex)! + 1n);
    expect(() => assembleReshare(old.publicKey, params, [d1, { ...d2, shares: shares2 }])).toThrow(/dealer 2's share for party 4/);
    expect(() => assembleReshare(old.publicKey, params, [d1])).toThrow(ReshareError);
  });

  it('refuses a dealer set of the wrong size or outside the committee', () => {
    expect(() => reshareParameters(old.publicKey, [1], 4, 3)).toThrow(FieldRangeError);
    expect(() => reshareParameters(old.publicKey, [1, 4], 4, 3)).toThrow(/not in the old committee/);
    expect(() => reshareParameters(old.publicKey, [1, 2], 4, 5)).toThrow(FieldRangeError);
  });
});

describe('reshareCommittee', () => {
  it('writes an epoch + 1 record signed by the new members; old files do not open it', async () => {
    const key = dealtKey(3, 2);
    const oldIds = Array.from({ length: 3 }, () => randomBytes(32, rng));
    const oldC = assembleCommittee(key, { mode: 'dealer', epoch: 4, createdAt: '2025-03-01T00:00:00Z', identitySecretKeys: oldIds, writeIdentitySecrets: true });
    const oldPub = JSON.parse(JSON.stringify(oldC.publicJson)) as JsonObject;
    const oldFiles = [...oldC.partyJson.values()].map((f) => JSON.parse(JSON.stringify(f)));
    const next = reshareCommittee({ publicJson: oldPub, shares: [oldFiles[0], oldFiles[2]], parties: 3, threshold: 2, rng, createdAt: '2025-03-02T00:00:00Z' });
    const pub = JSON.parse(JSON.stringify(next.publicJson));
    const signed = parseCommitteePublic(pub);
    expect(signed.record.epoch).toBe(5);
    expect(signed.record.mode).toBe('reshare');
    expect(signed.record.publicKey.N).toBe(key.publicKey.N);
    const files = [...next.partyJson.values()].map((f) => JSON.parse(JSON.stringify(f)));
    const c = encryptUnder(key.publicKey, 4242n);
    expect(committeeDecrypt({ publicJson: pub, shares: [files[1], files[2]], c, rng }).plaintext).toBe(4242n);
    const mixed = committeeDecrypt({ publicJson: pub, shares: [oldFiles[0], files[1], files[2]], c, rng });
    expect(mixed.invalid.map((x) => x.index)).toEqual([1]);
    expect(mixed.invalid[0]!.reason).toMatch(/another epoch/);
    expect(() => reshareCommittee({ publicJson: oldPub, shares: [oldFiles[0]], parties: 3, threshold: 2, rng })).toThrow(InsufficientSharesError);
  });

  it('reshares a small dealer-less key (3-of-5 → 2-of-3)', async () => {
    const created = await createCommittee({ mode: 'dkg', parties: 5, threshold: 3, bits: 128, rng: createSeededRng('dkg five'), allowInsecureSize: true, createdAt: '2025-03-01T00:00:00Z' });
    const pub = JSON.parse(JSON.stringify(created.publicJson));
    const files = [...created.partyJson.values()].map((f) => JSON.parse(JSON.stringify(f)));
    const next = reshareCommittee({ publicJson: pub, shares: files.slice(2), parties: 3, threshold: 2, rng, allowInsecureSize: true });
    const npub = JSON.parse(JSON.stringify(next.publicJson));
    const N = BigInt('0x' + npub.n);
    const c = encryptUnder({ N, bits: 128 } as never, 31n);
    const nfiles = [...next.partyJson.values()].map((f) => JSON.parse(JSON.stringify(f)));
    expect(committeeDecrypt({ publicJson: npub, shares: [nfiles[0], nfiles[2]], c, allowInsecureSize: true }).plaintext).toBe(31n);
  });
});
