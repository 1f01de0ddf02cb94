/**
 * CGGMP21 threshold key generation (Fig. 5, threshold variant): shares that interpolate to the
 * public key, strict key-share encodings, and blame for every kind of tampering the simulator
 * can inject (bad decommitment, bad Feldman share, bad Schnorr proof, equivocated commitment).
 */
import { describe, expect, it } from 'vitest';
import { FieldRangeError, FieldTypeError, CryptoError } from '@tessera/crypto/errors';
import { hexToBytes } from '@tessera/crypto/bytes';
import { equivocate, tamperMessages } from '../src/engine/simulator.ts';
import { canonicalJson, type Json } from '../src/engine/codec.ts';
import type { PartyIndex } from '../src/engine/ids.ts';
import { Fn, Point, lagrangeAtZero, mulBase, scalarJson } from '../src/cggmp/curve.ts';
import { encodeCoreShare, parseCoreShare, validateCoreShare } from '../src/cggmp/keyshare.ts';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { sha256 } from '@noble/hashes/sha2.js';
import { backendReady } from '@tessera/crypto/backend';
import { newSessionId } from '../src/engine/ids.ts';
import { createIdentities, runSimulation, type Fault } from '../src/engine/simulator.ts';
import type { Envelope } from '../src/engine/envelope.ts';
import { createCggmpKeygenSession, restoreCggmpKeygenSession } from '../src/cggmp/keygen/index.ts';
import { createCggmpRefreshSession } from '../src/cggmp/refresh/index.ts';
import { validateKeyShare, type CoreShare } from '../src/cggmp/keyshare.ts';
import { coreShares, expectBlame, fixtureAux, presignaturesOf, runKeygen, runPresign, runSign, verifyEcdsa } from './cggmp-fixtures.ts';

async function runRefresh(shares: readonly CoreShare[], seed: string, faults: Fault[] = []) {
  const rng = createSeededRng(seed);
  const ids = createIdentities(shares[0]!.parties, rng);
  const session = newSessionId(rng);
  return runSimulation(shares.map((s) => createCggmpRefreshSession({ session, keyShare: s, auth: ids.auth.get(s.index)!, rng })), { identities: ids, rng, faults });
}

function interpolate(shares: { index: number; x: bigint }[]): bigint {
  const xs = shares.map((s) => BigInt(s.index));
  return shares.reduce((acc, s) => Fn.add(acc, Fn.mul(lagrangeAtZero(xs, BigInt(s.index)), s.x)), 0n);
}

describe('CGGMP21 key generation', () => {
  it('2-of-3: all parties agree on X, rid and chain code, and any 2 shares interpolate to the secret of X', async () => {
    const shares = coreShares(await runKeygen(2, 3));
    const X = Point.fromBytes(shares[0]!.publicKey);
    for (const s of shares) {
      expect(s.publicKey).toEqual(shares[0]!.publicKey);
      expect(s.rid).toEqual(shares[0]!.rid);
      expect(s.chainCode).toEqual(shares[0]!.chainCode);
      expect(s.threshold).toBe(2);
      for (const o of shares) expect(s.publicShares.get(o.index)).toEqual(mulBase(o.x).toBytes(true));
    }
    for (const pair of [[0, 1], [0, 2], [1, 2]]) {
      const x = interpolate(pair.map((k) => shares[k]!));
      expect(mulBase(x).equals(X)).toBe(true);
    }
    // one share alone is not the key
    expect(mulBase(shares[0]!.x).equals(X)).toBe(false);
  });

  it('2-of-2 (the 2PC wallet committee) and 3-of-3 work the same way', async () => {
    for (const [t, n] of [[2, 2], [3, 3]] as const) {
      const shares = coreShares(await runKeygen(t, n, { seed: `kg ${t}/${n}` }));
      const x = interpolate(shares);
      expect(mulBase(x).equals(Point.fromBytes(shares[0]!.publicKey))).toBe(true);
    }
  });

  it('core shares round-trip through the canonical encoding; tampered encodings are refused', async () => {
    const [s] = coreShares(await runKeygen(2, 3, { seed: 'encoding' }));
    const text = encodeCoreShare(s!);
    const back = parseCoreShare(text);
    expect(back.x).toBe(s!.x);
    expect(encodeCoreShare(back)).toBe(text);
    const o = JSON.parse(text);
    const bad = (m: (o: any) => void) => {
      const c = structuredClone(o);
      m(c);
      return canonicalJson(c);
    };
    expect(() => parseCoreShare(bad((c) => (c.x = scalarJson(Fn.add(s!.x, 1n)))))).toThrowError(CryptoError);
    expect(() => parseCoreShare(bad((c) => (c.version = 2)))).toThrowError(FieldRangeError);
    expect(() => parseCoreShare(bad((c) => (c.extra = 1)))).toThrowError(FieldTypeError);
    expect(() => parseCoreShare(bad((c) => (c.commitments = c.commitments.slice(1))))).toThrowError(FieldRangeError);
    expect(() => parseCoreShare(bad((c) => (c.commitments[1] = '02' + '00'.repeat(32))))).toThrow();
    expect(() =>
      validateCoreShare({ index: 4, threshold: 2, parties: [1, 2, 3], commitments: s!.commitments, rid: s!.rid, chainCode: s!.chainCode, secretShare: hexToBytes(o.x) }),
    ).toThrowError(FieldRangeError);
  });

  it('a decommitment that does not open the round-1 commitment names its sender', async () => {
    const res = await runKeygen(2, 3, {
      seed: 'bad decommit',
      faults: [tamperMessages({ from: 2 as PartyIndex, round: 2, kind: 'broadcast' }, (p) => ({ ...(p as Record<string, Json>), u: '11'.repeat(32) }))],
    });
    const a = expectBlame(res, [1, 3], [2], 'invalid-message');
    expect(a.evidence.some((e) => e.round === 1) && a.evidence.some((e) => e.round === 2)).toBe(true);
  });

  it('a share that fails the Feldman check names its dealer (only its recipient sees it)', async () => {
    const res = await runKeygen(2, 3, {
      seed: 'bad share',
      faults: [tamperMessages({ from: 3 as PartyIndex, to: 1 as PartyIndex, round: 2, kind: 'p2p' }, () => ({ share: scalarJson(12345n) }))],
    });
    expectBlame(res, [1], [3], 'invalid-share');
  });

  it('a bad Schnorr proof of the final share names its sender', async () => {
    const res = await runKeygen(2, 3, {
      seed: 'bad schnorr',
      faults: [tamperMessages({ from: 1 as PartyIndex, round: 3, kind: 'broadcast' }, () => ({ z: scalarJson(7n) }))],
    });
    const a = expectBlame(res, [2, 3], [1], 'invalid-proof');
    expect(a.evidence[0]!.detail).toMatch(/schnorr/);
  });

  it('equivocating the round-1 commitment is caught by the echo check and names the sender', async () => {
    const res = await runKeygen(2, 3, {
      seed: 'equivocation',
      faults: [equivocate({ from: 2 as PartyIndex, round: 1, kind: 'broadcast' }, [3 as PartyIndex], () => ({ V: 'ab'.repeat(32) }))],
    });
    expectBlame(res, [1, 3], [2], 'equivocation');
  });

  it('a key generation session resumes from a snapshot taken after round 1', async () => {
    const rng = createSeededRng('keygen snapshot');
    const parties = [1, 2, 3] as PartyIndex[];
    const ids = createIdentities(parties, rng);
    const session = newSessionId(rng);
    const sessions = parties.map((p) => createCggmpKeygenSession({ session, self: p, parties, config: { threshold: 2 }, auth: ids.auth.get(p)!, rng }));
    const started = new Map<PartyIndex, Envelope[]>();
    for (const s of sessions) started.set(s.self, await s.start());
    const restored = restoreCggmpKeygenSession(sessions[1]!.snapshot(), { auth: ids.auth.get(2 as PartyIndex)!, rng });
    const res = await runSimulation([sessions[0]!, restored, sessions[2]!], { identities: ids, rng, started });
    const shares = coreShares(res);
    expect(mulBase(interpolate([shares[0]!, shares[1]!])).equals(Point.fromBytes(shares[2]!.publicKey))).toBe(true);
  });

  describe('refresh', () => {
    it('2-of-3: new shares of the same key (public key and chain code kept); old and new shares do not mix', async () => {
      const old = coreShares(await runKeygen(2, 3, { seed: 'refresh base' }));
      const fresh = coreShares(await runRefresh(old, 'refresh'));
      const X = Point.fromBytes(old[0]!.publicKey);
      for (const [k, s] of fresh.entries()) {
        expect(s.publicKey).toEqual(old[0]!.publicKey);
        expect(s.chainCode).toEqual(old[0]!.chainCode);
        expect(s.x).not.toBe(old[k]!.x);
      }
      expect(mulBase(interpolate([fresh[0]!, fresh[2]!])).equals(X)).toBe(true);
      expect(mulBase(interpolate([old[0]!, fresh[2]!])).equals(X)).toBe(false);
    });

    it('a refresh share that fails the Feldman check (with zero constant) names its dealer', async () => {
      const old = coreShares(await runKeygen(2, 3, { seed: 'refresh base 2' }));
      const res = await runRefresh(old, 'refresh bad share', [
        tamperMessages({ from: 2 as PartyIndex, to: 3 as PartyIndex, round: 2, kind: 'p2p' }, () => ({ share: scalarJson(99n) })),
      ]);
      expectBlame(res, [3], [2], 'invalid-share');
    });

    it('refreshed 2-of-3 shares sign (with the aux-info fixture)', async () => {
      await backendReady();
      const old = coreShares(await runKeygen(2, 3, { seed: 'refresh then sign' }));
      const fresh = coreShares(await runRefresh(old, 'refresh then sign r'));
      const aux = fixtureAux();
      const signing = [validateKeyShare(fresh[1]!, aux[1]!), validateKeyShare(fresh[2]!, aux[2]!)];
      const ps = presignaturesOf(await runPresign(signing, { seed: 'refreshed presign' }));
      const msg = new TextEncoder().encode('after refresh');
      const out = (await runSign(signing, ps, sha256(msg))).outcomes.get(2 as PartyIndex)!;
      expect(out.status, String(out.error)).toBe('done');
      verifyEcdsa(old[0]!.publicKey, sha256(msg), out.output!.signature.r, out.output!.signature.s, msg);
    });
  });
});
