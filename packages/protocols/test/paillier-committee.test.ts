/**
 * The committee files and functions the CLI uses: `public.json` with the epoch record signed by
 * every member (tampering rejected), share files checked against the signed record, and
 * `committeeDecrypt` verifying every decryption share's proof, excluding and naming invalid
 * share files, and failing with the culprits when fewer than T remain.
 */
import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { FieldRangeError } from '@tessera/crypto/errors';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { randomBytes } from '@tessera/crypto/rng';
import type { JsonObject } from '../src/engine/codec.ts';
import type { PartyIndex } from '../src/engine/ids.ts';
import {
  EpochSignatureError,
  InsufficientSharesError,
  assembleCommittee,
  committeeDecrypt,
  createCommittee,
  parsePartyShare,
} from '../src/paillier/committee.ts';
import { createEpochRecord, epochSigningMessage, parseCommitteePublic, signEpochRecord } from '../src/paillier/epoch.ts';
import { dealtKey, encryptUnder } from './paillier-fixtures.ts';

const rng = createSeededRng('paillier committee tests');
const ids = Array.from({ length: 3 }, () => randomBytes(32, rng));
const key = dealtKey(3, 2);
const committee = assembleCommittee(key, {
  mode: 'dealer',
  epoch: 1,
  createdAt: '2025-01-31T12:00:00.000Z',
  identitySecretKeys: ids,
  writeIdentitySecrets: true,
});
/** Files as the CLI would read them back from disk. */
const publicJson = JSON.parse(JSON.stringify(committee.publicJson)) as JsonObject;
const party = (i: number) => JSON.parse(JSON.stringify(committee.partyJson.get(i as PartyIndex))) as Record<string, unknown>;
const m = 31_415_926_535n;
const c = encryptUnder(key.publicKey, m);

describe('committee files', () => {
  it('public.json carries n as hex and the signed epoch record', () => {
    expect(publicJson.n).toBe(key.publicKey.N.toString(16));
    const signed = parseCommitteePublic(publicJson);
    expect(signed.record.publicKey.N).toBe(key.publicKey.N);
    expect(signed.record.epoch).toBe(1);
    expect(signed.record.mode).toBe('dealer');
    expect(signed.record.createdAt).toBe('2025-01-31T12:00:00.000Z');
  });

  it('rejects a record with any changed field: every signature fails', () => {
    const epoch = { ...(publicJson.epoch as JsonObject), createdAt: '2025-01-31T12:00:01.000Z' };
    try {
      parseCommitteePublic({ ...publicJson, epoch });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EpochSignatureError);
      expect((err as EpochSignatureError).culprits).toEqual([1, 2, 3]);
    }
    const e2 = { ...(publicJson.epoch as JsonObject), epoch: 2 };
    expect(() => parseCommitteePublic({ ...publicJson, epoch: e2 })).toThrow(EpochSignatureError);
  });

  it('names the party whose signature is altered or missing', () => {
    const sigs = (publicJson.signatures as JsonObject[]).map((s) => ({ ...s }));
    const sig = sigs[1]!.signature as string;
    sigs[1] = { index: 2, signature: (sig[0] === '0' ? '1' : '0') + sig.slice(1) };
    try {
      parseCommitteePublic({ ...publicJson, signatures: sigs });
      expect.unreachable();
    } catch (err) {
      expect((err as EpochSignatureError).culprits).toEqual([2]);
    }
    expect(() => parseCommitteePublic({ ...publicJson, signatures: sigs.slice(0, 2) })).toThrow(/signatures/);
  });

  it('rejects a record whose verification key is off the polynomial (algebraic check, before the signatures)', () => {
    const epoch = publicJson.epoch as JsonObject;
    const vks = [...(epoch.verificationKeys as string[])];
    vks[2] = vks[0]!;
    expect(() => parseCommitteePublic({ ...publicJson, epoch: { ...epoch, verificationKeys: vks } })).toThrow(/verificationKeys\[2\]/);
  });

  it('rejects top-level n differing from the record, unknown fields, wrong kinds', () => {
    expect(() => parseCommitteePublic({ ...publicJson, n: '0' + (publicJson.n as string).slice(1) })).toThrow(/public\.n/);
    expect(() => parseCommitteePublic({ ...publicJson, extra: true })).toThrow(/unknown field/);
    expect(() => parseCommitteePublic({ ...publicJson, kind: 'x' })).toThrow(/public\.kind/);
    expect(() => parseCommitteePublic({ ...publicJson, epoch: { ...(publicJson.epoch as JsonObject), mode: 'trusted' } })).toThrow(/mode/);
    expect(() => parseCommitteePublic({ ...publicJson, epoch: { ...(publicJson.epoch as JsonObject), createdAt: 'yesterday' } })).toThrow(/createdAt/);
  });

  it('reads share files against the signed epoch and rejects tampered ones', () => {
    const signed = parseCommitteePublic(publicJson);
    const f = parsePartyShare(party(2), signed);
    expect(f.share.index).toBe(2);
    expect(f.identitySecretKey).toBeDefined();
    const s = party(2);
    const share = s.share as string;
    expect(() => parsePartyShare({ ...s, share: share.slice(0, -1) + (share.endsWith('0') ? '1' : '0') }, signed)).toThrow(/party\.share/);
    expect(() => parsePartyShare({ ...s, epochId: '00'.repeat(32) }, signed)).toThrow(/another epoch/);
    expect(() => parsePartyShare({ ...s, identityKey: party(1).identityKey }, signed)).toThrow(/identity key differs/);
    expect(() => parsePartyShare({ ...s, identitySecretKey: party(1).identitySecretKey }, signed)).toThrow(/does not match/);
    expect(() => parsePartyShare({ ...s, index: 3 }, signed)).toThrow(/identity key differs/);
    expect(() => parsePartyShare({ ...s, more: 1 }, signed)).toThrow(/unknown field/);
  });

  it('members sign only records matching their share and identity key', () => {
    const signed = parseCommitteePublic(publicJson);
    const share = key.shares.get(1 as PartyIndex)!;
    expect(() => signEpochRecord(signed.record, share, ids[1]!)).toThrow(/identity key/);
    const other = dealtKey(3, 2, 2);
    const otherRecord = createEpochRecord({
      epoch: 1,
      mode: 'dealer',
      publicKey: other.publicKey,
      identityKeys: ids.map((k) => ed25519.getPublicKey(k)),
      createdAt: '2025-01-31T12:00:00Z',
    });
    expect(() => signEpochRecord(otherRecord, share, ids[0]!)).toThrow(/does not belong/);
    expect(epochSigningMessage(otherRecord)).not.toEqual(epochSigningMessage(signed.record));
  });
});

describe('committeeDecrypt', () => {
  it('decrypts with all parties and with any two, verifying every proof', () => {
    const all = committeeDecrypt({ publicJson, shares: [1, 2, 3].map(party), c, rng });
    expect(all).toMatchObject({ plaintext: m, valid: [1, 2, 3], invalid: [], proofs: 'verified' });
    const two = committeeDecrypt({ publicJson, shares: [party(3), party(1)], c: '0x' + c.toString(16), rng });
    expect(two.plaintext).toBe(m);
    expect(two.valid).toEqual([1, 3]);
  });

  it('excludes a tampered share file, names it, and still decrypts with T valid ones', () => {
    const bad = party(2);
    bad.share = (bad.share as string).replace(/.$/, (d) => (d === 'f' ? 'e' : 'f'));
    const res = committeeDecrypt({ publicJson, shares: [party(1), bad, party(3)], c, rng });
    expect(res.plaintext).toBe(m);
    expect(res.valid).toEqual([1, 3]);
    expect(res.invalid.map((x) => x.index)).toEqual([2]);
    expect(res.invalid[0]!.reason).toMatch(/verification key/);
  });

  it('fails with InsufficientSharesError naming the culprits when fewer than T are valid', () => {
    const bad = party(3);
    bad.epochId = '11'.repeat(32);
    try {
      committeeDecrypt({ publicJson, shares: [party(1), bad], c, rng });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InsufficientSharesError);
      expect((err as InsufficientSharesError).culprits).toEqual([3]);
    }
    expect(() => committeeDecrypt({ publicJson, shares: [party(1)], c, rng })).toThrow(InsufficientSharesError);
  });

  it('reports a duplicated share file once', () => {
    const res = committeeDecrypt({ publicJson, shares: [party(1), party(1), party(2)], c, rng });
    expect(res.invalid).toEqual([{ index: 1, reason: expect.stringMatching(/duplicate/) }]);
  });

  it('refuses a tampered public.json and an invalid ciphertext before using any share', () => {
    const epoch = { ...(publicJson.epoch as JsonObject), threshold: 3 };
    expect(() => committeeDecrypt({ publicJson: { ...publicJson, epoch }, shares: [1, 2, 3].map(party), c })).toThrow(EpochSignatureError);
    expect(() => committeeDecrypt({ publicJson, shares: [1, 2].map(party), c: key.publicKey.N2 })).toThrow(FieldRangeError);
    expect(() => committeeDecrypt({ publicJson, shares: [1, 2].map(party), c: 'xyz' })).toThrow(/c: expected a hex/);
  });
});

describe('createCommittee (dealer mode, small insecure size)', () => {
  it('creates public.json and party files that decrypt', async () => {
    const progress: string[] = [];
    const out = await createCommittee({
      mode: 'dealer',
      parties: 4,
      threshold: 3,
      bits: 256,
      rng: createSeededRng('create committee'),
      allowInsecureSize: true,
      onProgress: (p) => progress.push(p.phase),
    });
    expect(progress).toContain('primes');
    expect(progress.at(-1)).toBe('signing');
    expect([...out.partyJson.keys()]).toEqual([1, 2, 3, 4]);
    const pub = JSON.parse(JSON.stringify(out.publicJson));
    const files = [...out.partyJson.values()].map((f) => JSON.parse(JSON.stringify(f)));
    const signed = parseCommitteePublic(pub, { allowInsecureSize: true });
    const cc = encryptUnder(signed.record.publicKey, 1234n);
    const res = committeeDecrypt({ publicJson: pub, shares: files.slice(1), c: cc, allowInsecureSize: true });
    expect(res).toMatchObject({ plaintext: 1234n, valid: [2, 3, 4], proofs: 'skipped-insecure-size' });
    expect(() => committeeDecrypt({ publicJson: pub, shares: files.slice(1), c: cc })).toThrow(/public\.epoch\.N/);
  });

  it('uses given identity keys and does not write their secrets', async () => {
    const keys = Array.from({ length: 2 }, () => randomBytes(32, rng));
    const out = await createCommittee({ mode: 'dealer', parties: 2, threshold: 2, bits: 128, rng, allowInsecureSize: true, identitySecretKeys: keys });
    const f = out.partyJson.get(1 as PartyIndex)!;
    expect(f.identitySecretKey).toBeUndefined();
    expect(f.identityKey).toBe(Buffer.from(ed25519.getPublicKey(keys[0]!)).toString('hex'));
  });

  it('validates its options', async () => {
    await expect(createCommittee({ mode: 'dealer', parties: 3, threshold: 4, bits: 256, allowInsecureSize: true })).rejects.toThrow(/threshold/);
    await expect(createCommittee({ mode: 'dealer', parties: 3, threshold: 2, bits: 256 })).rejects.toThrow(/bits/);
    await expect(createCommittee({ mode: 'both' as 'dealer', parties: 3, threshold: 2, bits: 256 })).rejects.toThrow(/mode/);
    await expect(
      createCommittee({ mode: 'dealer', parties: 2, threshold: 2, bits: 128, allowInsecureSize: true, identitySecretKeys: [new Uint8Array(32)] }),
    ).rejects.toThrow(/identitySecretKeys/);
  });
});
