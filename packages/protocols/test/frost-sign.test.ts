/**
 * FROST signing through the engine: nonce safety (the ledger refuses a second use, a restored
 * old snapshot fails closed, hedged nonces differ even with a repeating RNG), designated
 * aggregator mode, the locked signing set, and every kind of tampering naming the right
 * culprit while honest parties' stored shares stay untouched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '@tessera/crypto/bytes';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import type { Json } from '../src/engine/codec.ts';
import { NonceReuseError, ProtocolAbort } from '../src/engine/errors.ts';
import { newSessionId, type PartyIndex } from '../src/engine/ids.ts';
import { createIdentities, equivocate, runSimulation, tamperMessages } from '../src/engine/simulator.ts';
import { encodeKeyShare, keyId, type KeyShare } from '../src/frost/keyshare.ts';
import { createMemoryNonceLedger, hedgedNonceSource } from '../src/frost/nonce-ledger.ts';
import { createFrostSignSession, restoreFrostSignSession } from '../src/frost/sign/index.ts';
import { getSuite } from '../src/frost/suite.ts';
import { outputsOf, runDkg, runSign } from './helpers.ts';

const P = (n: number) => n as PartyIndex;
const msg = new TextEncoder().encode('sign me');
const flipHex = (h: string) => h.slice(0, -1) + (h.at(-1) === '0' ? '1' : '0');

let shares: KeyShare[] = [];
beforeAll(async () => {
  shares = outputsOf(await runDkg('secp256k1', 2, 3, { seed: 'sign tests' })).map((o) => o.keyShare);
});

function aborted(res: Awaited<ReturnType<typeof runSign>>, p: number): ProtocolAbort {
  const o = res.outcomes.get(P(p))!;
  expect(o.status).toBe('aborted');
  expect(o.error).toBeInstanceOf(ProtocolAbort);
  return o.error as ProtocolAbort;
}

describe('nonce safety', () => {
  it('the ledger refuses to consume a nonce twice', async () => {
    const ledger = createMemoryNonceLedger();
    await ledger.consume('k', 'n1');
    await expect(ledger.consume('k', 'n1')).rejects.toBeInstanceOf(NonceReuseError);
    await ledger.consume('other key', 'n1');
    expect(await ledger.nextCounter('k')).toBe(1n);
    expect(await ledger.nextCounter('k')).toBe(2n);
  });

  it('a session restored from a snapshot taken after commit can never sign again with that nonce', async () => {
    const rng = createSeededRng('restore');
    const ids = createIdentities(shares[0]!.parties, rng);
    const session = newSessionId(rng);
    const ledger1 = createMemoryNonceLedger();
    const mk = (s: KeyShare, ledger = createMemoryNonceLedger(), seed = 'a') =>
      createFrostSignSession({ session, keyShare: s, request: { message: msg, signers: [P(1), P(2)] }, ledger, auth: ids.auth.get(s.index)!, rng: createSeededRng(seed + s.index) });
    const s1 = mk(shares[0]!, ledger1);
    const s2 = mk(shares[1]!);
    const out1 = await s1.start();
    const snapshot = s1.snapshot(); // holds the secret nonce pair, before any share exists
    const res = await runSimulation([s1, s2], { identities: ids, rng, started: new Map([[P(1), out1], [P(2), await s2.start()]]) });
    expect(outputsOf(res)).toHaveLength(2);
    expect(ledger1.consumed(keyId(shares[0]!)).size).toBe(1);

    // A co-signer (or an attacker replaying the session) now offers different commitments.
    const s2b = mk(shares[1]!, createMemoryNonceLedger(), 'b');
    const restored = restoreFrostSignSession(snapshot, { keyShare: shares[0]!, ledger: ledger1, auth: ids.auth.get(P(1))! });
    const res2 = await runSimulation([restored, s2b], { identities: ids, rng, started: new Map([[P(1), restored.resend()], [P(2), await s2b.start()]]) });
    const o = res2.outcomes.get(P(1))!;
    expect(o.status).toBe('aborted');
    expect(o.error).toBeInstanceOf(NonceReuseError);
    expect(aborted(res2, 2).culprits).toEqual([1]); // party 2 saw party 1 fall silent

    // Control: with a fresh ledger the restored session would have produced a second share.
    const s2c = mk(shares[1]!, createMemoryNonceLedger(), 'c');
    const unguarded = restoreFrostSignSession(snapshot, { keyShare: shares[0]!, ledger: createMemoryNonceLedger(), auth: ids.auth.get(P(1))! });
    const res3 = await runSimulation([unguarded, s2c], { identities: ids, rng, started: new Map([[P(1), unguarded.resend()], [P(2), await s2c.start()]]) });
    expect(res3.outcomes.get(P(1))!.status).toBe('done');
  });

  it('hedged nonces differ across signings even when the RNG repeats', () => {
    const seed = new Uint8Array(32).fill(7);
    const session = newSessionId(createSeededRng('s'));
    const a = hedgedNonceSource({ seed, counter: 1n, session, party: P(1), message: msg, rng: createSeededRng('same') })();
    const b = hedgedNonceSource({ seed, counter: 2n, session, party: P(1), message: msg, rng: createSeededRng('same') })();
    const c = hedgedNonceSource({ seed, counter: 1n, session, party: P(1), message: msg, rng: createSeededRng('same') })();
    expect(bytesToHex(a)).not.toBe(bytesToHex(b));
    expect(bytesToHex(a)).toBe(bytesToHex(c)); // same inputs, same output: the counter is what must never repeat
    expect(() => hedgedNonceSource({ seed, counter: 0n, session, party: P(1), message: msg })).toThrow(RangeError);
  });

  it('signing with hedged nonces works and consumes a counter per signing', async () => {
    const rng = createSeededRng('hedged');
    const ids = createIdentities(shares[0]!.parties, rng);
    const ledgers = new Map(shares.map((s) => [s.index, createMemoryNonceLedger()]));
    const commits: string[] = [];
    for (let k = 0; k < 2; k++) {
      const session = newSessionId(rng);
      const ss = [shares[0]!, shares[2]!].map((s) =>
        createFrostSignSession({ session, keyShare: s, request: { message: msg, signers: [P(1), P(3)] }, ledger: ledgers.get(s.index)!, auth: ids.auth.get(s.index)!, rng: createSeededRng('broken rng'), nonceSeed: new Uint8Array(32).fill(s.index) }),
      );
      const res = await runSimulation(ss, { identities: ids, rng });
      const [out] = outputsOf(res);
      expect(getSuite('secp256k1').verify(out!.signature, msg, shares[0]!.commitments[0]!)).toBe(true);
      commits.push(bytesToHex(out!.signature.slice(0, 33)));
    }
    expect(commits[0]).not.toBe(commits[1]);
    expect(await ledgers.get(P(1))!.nextCounter(keyId(shares[0]!))).toBe(3n);
  });
});

describe('signing set and aggregator', () => {
  it('a designated aggregator verifies, aggregates and broadcasts the signature', async () => {
    const outs = outputsOf(await runSign([shares[0]!, shares[1]!, shares[2]!], msg, { aggregator: P(2) }));
    expect(new Set(outs.map((o) => bytesToHex(o.signature))).size).toBe(1);
    expect(getSuite('secp256k1').verify(outs[0]!.signature, msg, shares[0]!.commitments[0]!)).toBe(true);
  });

  it('an aggregator broadcasting a bad signature is named by the others', async () => {
    const res = await runSign([shares[0]!, shares[1]!, shares[2]!], msg, {
      aggregator: P(2),
      faults: [tamperMessages({ from: P(2), round: 3 }, (p) => ({ signature: flipHex((p as { signature: string }).signature) }))],
    });
    for (const p of [1, 3]) expect([aborted(res, p).reason, aborted(res, p).culprits]).toEqual(['invalid-message', [2]]);
  });

  it('a share from a committee member outside the signing set is rejected as evidence', async () => {
    const rng = createSeededRng('outsider');
    const ids = createIdentities(shares[0]!.parties, rng);
    const session = newSessionId(rng);
    const signers = [P(1), P(2)];
    const ss = [shares[0]!, shares[1]!].map((s) => createFrostSignSession({ session, keyShare: s, request: { message: msg, signers }, ledger: createMemoryNonceLedger(), auth: ids.auth.get(s.index)!, rng }));
    const out1 = await ss[0]!.start();
    const forged = { ...out1[0]!, from: P(3) };
    await ss[1]!.start();
    await ss[1]!.receive(forged);
    expect(ss[1]!.evidence.at(-1)!.reason).toBe('unexpected-sender');
    expect(ss[1]!.status).toBe('running');
  });
});

describe('tampering during signing names the culprit and leaves stored shares untouched', () => {
  const cases: [string, (p: PartyIndex) => ReturnType<typeof tamperMessages>, string][] = [
    ['a commitment that is not a curve point', (p) => tamperMessages({ from: p, round: 1, kind: 'broadcast' }, () => ({ hiding: '02' + '00'.repeat(32), binding: '02' + '00'.repeat(32) })), 'invalid-message'],
    ['a commitment swapped for another valid one', (p) => tamperMessages({ from: p, round: 1, kind: 'broadcast' }, (x) => ({ hiding: (x as { binding: string }).binding, binding: (x as { hiding: string }).hiding })), 'invalid-signature-share'],
    ['equivocating commitments', (p) => equivocate({ from: p, round: 1, kind: 'broadcast' }, [P(3)], (x) => ({ hiding: (x as { binding: string }).binding, binding: (x as { hiding: string }).hiding })), 'equivocation'],
    ['a wrong signature share', (p) => tamperMessages({ from: p, round: 2 }, (x) => ({ share: flipHex((x as { share: string }).share) })), 'invalid-signature-share'],
    ['a malformed signature share', (p) => tamperMessages({ from: p, round: 2 }, () => ({ share: 'ff'.repeat(32) }) as Json), 'invalid-message'],
  ];
  it.each(cases)('%s', async (_name, fault, reason) => {
    const before = shares.map(encodeKeyShare);
    const res = await runSign([shares[0]!, shares[1]!, shares[2]!], msg, { faults: [fault(P(2))] });
    for (const p of [1, 3]) {
      const e = res.outcomes.get(P(p))!.error as ProtocolAbort;
      expect([e.reason, e.culprits]).toEqual([reason, [2]]);
    }
    expect(shares.map(encodeKeyShare)).toEqual(before);
  });
});
