/**
 * Key lifecycle through the engine: trusted-dealer distribution with per-recipient share
 * verification, proactive refresh (same key; old and new shares do not combine), resharing
 * (t, n) → (t′, n′) with parties leaving and joining (same key; newcomers verify), and the
 * misbehaviour paths of each, which name the right culprit and leave honest parties' stored
 * shares untouched.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@tessera/crypto/bytes';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import type { Json } from '../src/engine/codec.ts';
import { ProtocolAbort } from '../src/engine/errors.ts';
import { newSessionId, partyList, partyRange, type PartyIndex } from '../src/engine/ids.ts';
import { createIdentities, runSimulation, tamperMessages, type Fault } from '../src/engine/simulator.ts';
import { createFrostDealerSession } from '../src/frost/dealer/index.ts';
import { encodeKeyShare, publicKey, toFrostSecret, type KeyShare } from '../src/frost/keyshare.ts';
import { createFrostRefreshSession } from '../src/frost/refresh/index.ts';
import { createFrostReshareSession, reshareConfigFor, reshareParties } from '../src/frost/reshare/index.ts';
import { getSuite, type SuiteName } from '../src/frost/suite.ts';
import { outputsOf, runDkg, runSign } from './helpers.ts';

const P = (n: number) => n as PartyIndex;
const msg = new TextEncoder().encode('lifecycle');
const flipHex = (h: string) => h.slice(0, -1) + (h.at(-1) === '0' ? '1' : '0');

async function dealerRun(suite: SuiteName, t: number, n: number, faults: Fault[] = [], secret?: Uint8Array) {
  const rng = createSeededRng(`dealer ${suite}`);
  const parties = partyRange(n);
  const ids = createIdentities(parties, rng);
  const session = newSessionId(rng);
  const sessions = parties.map((p) => createFrostDealerSession({ session, self: p, parties, config: { suite, threshold: t, dealer: P(1), ...(p === 1 && secret ? { secret } : {}) }, auth: ids.auth.get(p)!, rng }));
  return runSimulation(sessions, { identities: ids, rng, faults });
}

async function refreshRun(shares: readonly KeyShare[], faults: Fault[] = [], seed = 'refresh') {
  const rng = createSeededRng(seed);
  const ids = createIdentities(shares[0]!.parties, rng);
  const session = newSessionId(rng);
  const sessions = shares.map((s) => createFrostRefreshSession({ session, keyShare: s, auth: ids.auth.get(s.index)!, rng }));
  return runSimulation(sessions, { identities: ids, rng, faults });
}

async function reshareRun(old: readonly KeyShare[], dealers: number[], threshold: number, parties: number[], faults: Fault[] = []) {
  const rng = createSeededRng(`reshare ${dealers} ${parties}`);
  const config = reshareConfigFor(old[0]!, { dealers: partyList(dealers), threshold, parties: partyList(parties) });
  const all = reshareParties(config);
  const ids = createIdentities(all, rng);
  const session = newSessionId(rng);
  const sessions = all.map((p) => createFrostReshareSession({ session, self: p, config, auth: ids.auth.get(p)!, rng, ...(dealers.includes(p) ? { keyShare: old.find((s) => s.index === p)! } : {}) }));
  return runSimulation(sessions, { identities: ids, rng, faults });
}

async function signs(shares: readonly KeyShare[]): Promise<boolean> {
  const [out] = outputsOf(await runSign(shares, msg, { seed: `sign ${shares.map((s) => s.index)}` }));
  return getSuite(shares[0]!.suite).verify(out!.signature, msg, shares[0]!.commitments[0]!);
}

describe('trusted dealer', () => {
  it.each(['secp256k1', 'taproot', 'ed25519'] as SuiteName[])('%s: every recipient verifies its share; any t sign', async (suite) => {
    const outs = outputsOf(await dealerRun(suite, 2, 3));
    expect(new Set(outs.map((s) => bytesToHex(publicKey(s)))).size).toBe(1);
    expect(await signs([outs[1]!, outs[2]!])).toBe(true);
  });
  it('shares an imported secret (Taproot key is the BIP341-tweaked one)', async () => {
    const suite = getSuite('secp256k1');
    const secret = suite.Fn.toBytes(12345n);
    const outs = outputsOf(await dealerRun('secp256k1', 2, 3, [], secret));
    expect(bytesToHex(publicKey(outs[0]!))).toBe(bytesToHex(suite.Point.BASE.multiply(12345n).toBytes(true)));
    expect(bytesToHex(suite.frost.combineSecret([toFrostSecret(outs[0]!), toFrostSecret(outs[2]!)], { min: 2, max: 3 }))).toBe(bytesToHex(secret));
  });
  it('a recipient given a bad share aborts naming the dealer', async () => {
    const res = await dealerRun('ed25519', 2, 3, [tamperMessages({ from: P(1), to: P(3), kind: 'p2p' }, (p) => ({ share: flipHex((p as { share: string }).share) }))]);
    const o = res.outcomes.get(P(3))!;
    expect(o.error).toBeInstanceOf(ProtocolAbort);
    expect([(o.error as ProtocolAbort).reason, (o.error as ProtocolAbort).culprits]).toEqual(['invalid-share', [1]]);
    expect(res.outcomes.get(P(2))!.status).toBe('done');
  });
});

describe.each(['secp256k1', 'taproot', 'ed25519'] as SuiteName[])('refresh and resharing, %s', (suite) => {
  it('refresh keeps the key; refreshed shares sign; old and new shares do not combine', async () => {
    const old = outputsOf(await runDkg(suite, 2, 3)).map((o) => o.keyShare);
    const before = old.map(encodeKeyShare);
    const fresh = outputsOf(await refreshRun(old)).map((o) => o.keyShare);
    expect(old.map(encodeKeyShare)).toEqual(before); // inputs untouched
    for (const s of fresh) expect(bytesToHex(publicKey(s))).toBe(bytesToHex(publicKey(old[0]!)));
    for (const k of [0, 1, 2]) expect(bytesToHex(fresh[k]!.signingShare)).not.toBe(bytesToHex(old[k]!.signingShare));
    expect(await signs([fresh[0]!, fresh[2]!])).toBe(true);
    const F = getSuite(suite).frost;
    const signers = { min: 2, max: 3 };
    const secret = bytesToHex(F.combineSecret([toFrostSecret(old[0]!), toFrostSecret(old[1]!)], signers));
    expect(bytesToHex(F.combineSecret([toFrostSecret(fresh[0]!), toFrostSecret(fresh[1]!)], signers))).toBe(secret);
    expect(bytesToHex(F.combineSecret([toFrostSecret(old[0]!), toFrostSecret(fresh[1]!)], signers))).not.toBe(secret);
  });

  it('reshare 2-of-3 → 3-of-4: party 1 leaves, 4 and 5 join; the key stays and the new committee signs', async () => {
    const old = outputsOf(await runDkg(suite, 2, 3)).map((o) => o.keyShare);
    const res = await reshareRun([old[1]!, old[2]!], [2, 3], 3, [2, 3, 4, 5]);
    const outs = outputsOf(res);
    const fresh = outs.map((o) => o.keyShare).filter((s): s is KeyShare => s !== null);
    expect(fresh.map((s) => s.index)).toEqual([2, 3, 4, 5]);
    for (const s of fresh) {
      expect(bytesToHex(publicKey(s))).toBe(bytesToHex(publicKey(old[0]!)));
      expect(s.threshold).toBe(3);
      expect(s.parties).toEqual([2, 3, 4, 5]);
    }
    expect(await signs([fresh[0]!, fresh[2]!, fresh[3]!])).toBe(true);
    // Two new shares are below the new threshold: they do not give the key.
    const F = getSuite(suite).frost;
    const secret = bytesToHex(F.combineSecret([toFrostSecret(fresh[0]!), toFrostSecret(fresh[1]!), toFrostSecret(fresh[2]!)], { min: 3, max: 4 }));
    expect(bytesToHex(F.combineSecret([toFrostSecret(fresh[0]!), toFrostSecret(fresh[1]!)], { min: 2, max: 4 }))).not.toBe(secret);
  });
});

describe('refresh and resharing misbehaviour', () => {
  it('refresh: a bad zero-share with a bad answer gets the dealer named; honest stored shares are untouched', async () => {
    const old = outputsOf(await runDkg('secp256k1', 2, 3)).map((o) => o.keyShare);
    const before = old.map(encodeKeyShare);
    const res = await refreshRun(old, [
      tamperMessages({ from: P(2), to: P(1), round: 1, kind: 'p2p' }, (p) => ({ share: flipHex((p as { share: string }).share) })),
      tamperMessages({ from: P(2), round: 3, kind: 'broadcast' }, () => ({ reveals: [] })),
    ]);
    for (const p of [1, 3]) {
      const o = res.outcomes.get(P(p))!;
      expect(o.status).toBe('done');
      expect(o.output!.disqualified.map((d) => d.party)).toEqual([2]);
    }
    expect(old.map(encodeKeyShare)).toEqual(before);
    const fresh = [1, 3].map((p) => res.outcomes.get(P(p))!.output!.keyShare);
    expect(await signs(fresh)).toBe(true);
  });

  it('refresh: malformed commitments abort naming the sender, leaving stored shares untouched', async () => {
    const old = outputsOf(await runDkg('ed25519', 2, 3)).map((o) => o.keyShare);
    const before = old.map(encodeKeyShare);
    const res = await refreshRun(old, [tamperMessages({ from: P(3), round: 1, kind: 'broadcast' }, () => ({ commitments: ['00'] }) as Json)]);
    for (const p of [1, 2]) {
      const e = res.outcomes.get(P(p))!.error as ProtocolAbort;
      expect([e.reason, e.culprits]).toEqual(['invalid-message', [3]]);
    }
    expect(old.map(encodeKeyShare)).toEqual(before);
  });

  it('reshare: a dealer whose commitment does not match its old verifying share is disqualified', async () => {
    const old = outputsOf(await runDkg('secp256k1', 2, 3)).map((o) => o.keyShare);
    const G = getSuite('secp256k1').Point.BASE.multiply(7n).toBytes(true);
    const fake = tamperMessages({ from: P(1), round: 1, kind: 'broadcast' }, (p) => {
      const o = p as { digest: string; commitments: string[] };
      return { digest: o.digest, commitments: [bytesToHex(G), ...o.commitments.slice(1)] };
    });
    const res = await reshareRun(old, [1, 2, 3], 2, [1, 2, 3], [fake]);
    for (const p of [2, 3]) {
      const o = res.outcomes.get(P(p))!;
      expect(o.status).toBe('done');
      expect(o.output!.dealers).toEqual([2, 3]);
      expect(o.output!.disqualified.map((d) => [d.party, d.reason])).toEqual([[1, 'invalid-commitment']]);
      expect(bytesToHex(publicKey(o.output!.keyShare!))).toBe(bytesToHex(publicKey(old[0]!)));
    }
  });

  it('reshare: with fewer than t honest dealers left, it aborts naming the culprit', async () => {
    const old = outputsOf(await runDkg('secp256k1', 2, 3)).map((o) => o.keyShare);
    const res = await reshareRun([old[0]!, old[1]!], [1, 2], 2, [1, 2, 4], [
      tamperMessages({ from: P(2), to: P(4), round: 1, kind: 'p2p' }, (p) => ({ share: flipHex((p as { share: string }).share) })),
      tamperMessages({ from: P(2), round: 3, kind: 'broadcast' }, (p) => ({ reveals: (p as { reveals: [number, string][] }).reveals.map(([c, s]) => [c, flipHex(s)]) })),
    ]);
    for (const p of [1, 4]) {
      const e = res.outcomes.get(P(p))!.error as ProtocolAbort;
      expect([e.reason, e.culprits]).toEqual(['too-few-qualified', [2]]);
    }
  });

  it('reshare: a participant with another configuration is caught', async () => {
    const old = outputsOf(await runDkg('secp256k1', 2, 3)).map((o) => o.keyShare);
    const res = await reshareRun(old, [1, 2, 3], 2, [1, 2, 3], [tamperMessages({ from: P(3), round: 1, kind: 'broadcast' }, (p) => ({ ...(p as object), digest: '00'.repeat(32) }) as Json)]);
    for (const p of [1, 2]) {
      const e = res.outcomes.get(P(p))!.error as ProtocolAbort;
      expect([e.reason, e.culprits]).toEqual(['invalid-message', [3]]);
    }
  });
});
