/**
 * FROST DKG through the engine: honest runs for every suite produce shares of one key that
 * signs (BIP340 for Taproot, RFC 8032 for Ed25519); complaints and disqualification name the
 * right culprit for every kind of tampering; frost-rs DKG vectors through noble's DKG rounds;
 * the Taproot tweak matches frost-rs/noble; snapshot and restore mid-ceremony.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '@tessera/crypto/bytes';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import type { DKG_Round1, DKG_Secret, Key } from '@noble/curves/abstract/frost.js';
import { schnorr, schnorr_FROST } from '@noble/curves/secp256k1.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Json } from '../src/engine/codec.ts';
import { ProtocolAbort } from '../src/engine/errors.ts';
import { newSessionId, partyRange, type PartyIndex } from '../src/engine/ids.ts';
import { createIdentities, dropMessages, equivocate, runSimulation, tamperMessages } from '../src/engine/simulator.ts';
import { createFrostDkgSession, restoreFrostDkgSession, type DkgOutput } from '../src/frost/dkg/index.ts';
import { encodeKeyShare, parseKeyShare, publicKey } from '../src/frost/keyshare.ts';
import { evaluateCommitmentVartime } from '../src/frost/poly.ts';
import { applyTaprootTweak, getSuite, type SuiteName } from '../src/frost/suite.ts';
import { loadVector, outputsOf, runDkg, runSign } from './helpers.ts';

const P = (n: number) => n as PartyIndex;
const msg = new TextEncoder().encode('tessera dkg test');

function flipHex(h: string): string {
  return h.slice(0, -1) + (h.at(-1) === '0' ? '1' : '0');
}

describe.each(['secp256k1', 'taproot', 'ed25519'] as SuiteName[])('DKG %s', (suite) => {
  it('2-of-3: all parties agree on the key and any 2 can sign', async () => {
    const outs = outputsOf(await runDkg(suite, 2, 3));
    const keys = new Set(outs.map((o) => bytesToHex(publicKey(o.keyShare))));
    expect(keys.size).toBe(1);
    for (const o of outs) {
      expect(o.qualified).toEqual([1, 2, 3]);
      expect(o.disqualified).toEqual([]);
      // Round-trips through the strict storage encoding, with every verifying share checked.
      expect(encodeKeyShare(parseKeyShare(encodeKeyShare(o.keyShare), { checkAllVerifyingShares: true }))).toBe(encodeKeyShare(o.keyShare));
    }
    const [sig] = outputsOf(await runSign([outs[0]!.keyShare, outs[2]!.keyShare], msg));
    expect(getSuite(suite).verify(sig!.signature, msg, outs[0]!.keyShare.commitments[0]!)).toBe(true);
    if (suite === 'taproot') {
      expect(sig!.publicKey).toHaveLength(32);
      expect(schnorr.verify(sig!.signature, msg, sig!.publicKey)).toBe(true);
    }
    if (suite === 'ed25519') expect(ed25519.verify(sig!.signature, msg, sig!.publicKey)).toBe(true);
  });
});

describe('DKG misbehaviour', () => {
  const suite: SuiteName = 'secp256k1';
  const abortOf = (res: Awaited<ReturnType<typeof runDkg>>, p: number) => {
    const o = res.outcomes.get(P(p))!;
    expect(o.status).toBe('aborted');
    expect(o.error).toBeInstanceOf(ProtocolAbort);
    return o.error as ProtocolAbort;
  };

  it('3-of-5 honest run', async () => {
    const outs = outputsOf(await runDkg(suite, 3, 5));
    expect(new Set(outs.map((o) => bytesToHex(publicKey(o.keyShare)))).size).toBe(1);
  });

  it('an invalid proof of knowledge disqualifies its sender, the rest finish with a working key', async () => {
    const badProof = tamperMessages({ from: P(3), round: 1, kind: 'broadcast' }, (p) => ({ ...(p as object), proof: flipHex((p as { proof: string }).proof) }) as Json);
    const res = await runDkg(suite, 2, 4, { faults: [badProof] });
    const honest = [1, 2, 4].map((p) => res.outcomes.get(P(p))!);
    for (const o of honest) {
      expect(o.status).toBe('done');
      expect(o.output!.qualified).toEqual([1, 2, 4]);
      expect(o.output!.disqualified.map((d) => [d.party, d.reason])).toEqual([[3, 'invalid-proof']]);
    }
    const [sig] = outputsOf(await runSign([honest[0]!.output!.keyShare, honest[2]!.output!.keyShare], msg));
    expect(getSuite(suite).verify(sig!.signature, msg, honest[0]!.output!.keyShare.commitments[0]!)).toBe(true);
  });

  it('with the abort policy, an invalid proof aborts naming its sender', async () => {
    const badProof = tamperMessages({ from: P(2), round: 1, kind: 'broadcast' }, (p) => ({ ...(p as object), proof: flipHex((p as { proof: string }).proof) }) as Json);
    const res = await runDkg(suite, 2, 3, { faults: [badProof], policy: 'abort' });
    for (const p of [1, 3]) expect([abortOf(res, p).reason, abortOf(res, p).culprits]).toEqual(['invalid-proof', [2]]);
  });

  it('a bad share answered correctly resolves the complaint: nobody is disqualified', async () => {
    // Party 2's share to party 1 is corrupted in transit; party 2's public answer is honest.
    const corrupt = tamperMessages({ from: P(2), to: P(1), round: 2, kind: 'p2p' }, (p) => ({ share: flipHex((p as { share: string }).share) }));
    const res = await runDkg(suite, 2, 3, { faults: [corrupt] });
    const outs = outputsOf(res);
    for (const o of outs) expect(o.disqualified).toEqual([]);
    expect(new Set(outs.map((o) => bytesToHex(publicKey(o.keyShare)))).size).toBe(1);
    const [sig] = outputsOf(await runSign([outs[0]!.keyShare, outs[1]!.keyShare], msg));
    expect(getSuite(suite).verify(sig!.signature, msg, outs[0]!.keyShare.commitments[0]!)).toBe(true);
  });

  it('a dealer that sends a bad share and answers the complaint badly is disqualified and named by all', async () => {
    const badShare = tamperMessages({ from: P(2), to: P(1), round: 2, kind: 'p2p' }, (p) => ({ share: flipHex((p as { share: string }).share) }));
    const badAnswer = tamperMessages({ from: P(2), round: 4, kind: 'broadcast' }, (p) => ({
      reveals: (p as { reveals: [number, string][] }).reveals.map(([c, s]) => [c, flipHex(s)]),
    }));
    const res = await runDkg(suite, 2, 4, { faults: [badShare, badAnswer] });
    for (const p of [1, 3, 4]) {
      const o = res.outcomes.get(P(p))!;
      expect(o.status).toBe('done');
      expect(o.output!.qualified).toEqual([1, 3, 4]);
      const d = o.output!.disqualified;
      expect(d.map((x) => [x.party, x.reason])).toEqual([[2, 'failed-answer']]);
      expect(d[0]!.evidence.map((e) => e.reason)).toEqual(['complaint', 'failed-answer']);
    }
    const outs = [1, 3, 4].map((p) => res.outcomes.get(P(p))!.output!);
    expect(new Set(outs.map((o) => bytesToHex(publicKey(o.keyShare)))).size).toBe(1);
    const [sig] = outputsOf(await runSign([outs[0]!.keyShare, outs[2]!.keyShare], msg));
    expect(getSuite(suite).verify(sig!.signature, msg, outs[0]!.keyShare.commitments[0]!)).toBe(true);
  });

  it('with the abort policy, a failed answer aborts naming the dealer', async () => {
    const badShare = tamperMessages({ from: P(3), to: P(2), round: 2, kind: 'p2p' }, (p) => ({ share: flipHex((p as { share: string }).share) }));
    const silentAnswer = tamperMessages({ from: P(3), round: 4, kind: 'broadcast' }, () => ({ reveals: [] }));
    const res = await runDkg(suite, 2, 3, { faults: [badShare, silentAnswer], policy: 'abort' });
    for (const p of [1, 2]) expect([abortOf(res, p).reason, abortOf(res, p).culprits]).toEqual(['disqualified', [3]]);
  });

  it('a false complaint does not frame the honest dealer: its answer verifies, only the stalling complainer is named', async () => {
    // Party 3 broadcasts a complaint about honest party 1 (and, being corrupt, then stops).
    const lie = tamperMessages({ from: P(3), round: 3, kind: 'broadcast' }, () => ({ complaints: [1] }));
    const res = await runDkg(suite, 2, 3, { faults: [lie] });
    for (const p of [1, 2]) {
      const e = abortOf(res, p);
      expect([e.reason, e.culprits]).toEqual(['timeout', [3]]);
      expect(res.outcomes.get(P(p))!.error!.message).not.toMatch(/disqualified/);
    }
  });

  it('equivocating commitments are caught by the echo and blamed on the sender', async () => {
    const eq = equivocate({ from: P(1), round: 1, kind: 'broadcast' }, [P(3)], (p) => ({ ...(p as object), proof: flipHex((p as { proof: string }).proof) }) as Json);
    const res = await runDkg(suite, 2, 3, { faults: [eq] });
    for (const p of [2, 3]) expect([abortOf(res, p).reason, abortOf(res, p).culprits]).toEqual(['equivocation', [1]]);
  });

  it('a malformed share aborts naming its sender; a silent party times out', async () => {
    const junk = tamperMessages({ from: P(2), to: P(3), round: 2, kind: 'p2p' }, () => ({ share: 'zz' }));
    const res = await runDkg(suite, 2, 3, { faults: [junk] });
    expect([abortOf(res, 3).reason, abortOf(res, 3).culprits]).toEqual(['invalid-message', [2]]);
    const res2 = await runDkg(suite, 2, 3, { faults: [dropMessages({ from: P(3), kind: 'broadcast', round: 1 })] });
    expect([abortOf(res2, 1).reason, abortOf(res2, 1).culprits]).toEqual(['timeout', [3]]);
  });

  it('a session restored from a mid-ceremony snapshot finishes with the same key', async () => {
    const rng = createSeededRng('dkg snapshot');
    const parties = partyRange(3);
    const ids = createIdentities(parties, rng);
    const session = newSessionId(rng);
    const mk = (p: PartyIndex) => createFrostDkgSession({ session, self: p, parties, config: { suite, threshold: 2 }, auth: ids.auth.get(p)!, rng });
    const sessions = parties.map(mk);
    const first = new Map<PartyIndex, Awaited<ReturnType<(typeof sessions)[0]['start']>>>();
    for (const s of sessions) first.set(s.self, await s.start());
    // Party 1 gets everyone's round-1 broadcasts, then is snapshotted and "reloaded".
    for (const e of [...first.get(P(2))!, ...first.get(P(3))!]) await sessions[0]!.receive(e);
    const snap = sessions[0]!.snapshot();
    const restored = restoreFrostDkgSession(snap, { auth: ids.auth.get(P(1))!, rng });
    const res = await runSimulation([restored, sessions[1]!, sessions[2]!], {
      identities: ids,
      rng,
      started: new Map([[P(1), restored.resend()], [P(2), first.get(P(2))!], [P(3), first.get(P(3))!]]),
    });
    const outs = outputsOf(res) as DkgOutput[];
    expect(new Set(outs.map((o) => bytesToHex(publicKey(o.keyShare)))).size).toBe(1);
  });
});

describe('frost-rs DKG vectors through noble DKG rounds', () => {
  const cases: [string, SuiteName][] = [['secp256k1', 'secp256k1'], ['ed25519', 'ed25519'], ['secp256k1-tr', 'taproot']];
  it.each(cases)('%s: shares, signing shares, verifying shares and key match', (dir, suiteName) => {
    const v = loadVector(`frost/zcash-frost/${dir}/vectors_dkg.json`);
    const suite = getSuite(suiteName);
    // The -tr vectors use frost-rs' Taproot DKG encoding, which is noble's schnorr_FROST.
    const F = suiteName === 'taproot' ? schnorr_FROST : suite.dkg();
    const ids = ['1', '2', '3'];
    const r1 = new Map(ids.map((i) => [i, { identifier: F.Identifier.fromNumber(+i), commitment: v.inputs[i].vss_commitments.map(hexToBytes), proofOfKnowledge: hexToBytes(v.inputs[i].proof_of_knowledge) } as DKG_Round1]));
    for (const i of ids) {
      const p = v.inputs[i];
      const secret = { identifier: BigInt(i), coefficients: [suite.Fn.fromBytes(hexToBytes(p.signing_key)), suite.Fn.fromBytes(hexToBytes(p.coefficient))], commitment: p.vss_commitments.map(hexToBytes), signers: { min: 2, max: 3 }, step: 1 } as DKG_Secret;
      const others = ids.filter((j) => j !== i).map((j) => r1.get(j)!);
      const out = F.DKG.round2(secret, others);
      for (const j of ids.filter((j) => j !== i)) expect(bytesToHex(out[F.Identifier.fromNumber(+j)]!.signingShare)).toBe(v.inputs[j].signing_shares[i]);
      const r2 = ids.filter((j) => j !== i).map((j) => ({ identifier: F.Identifier.fromNumber(+j), signingShare: hexToBytes(p.signing_shares[j]) }));
      const key = F.DKG.round3(secret, others, r2 as never);
      expect(bytesToHex(key.secret.signingShare)).toBe(p.signing_share);
      expect(bytesToHex(key.public.commitments[0]!)).toBe(v.inputs.verifying_key);
      expect(bytesToHex(key.public.verifyingShares[F.Identifier.fromNumber(+i)]!)).toBe(p.verifying_share);
      // Negative: a tampered proof of knowledge is rejected.
      const badOthers = others.map((o, k) => (k === 0 ? { ...o, proofOfKnowledge: o.proofOfKnowledge.map((b, m) => (m === 40 ? b ^ 1 : b)) } : o));
      const fresh = { identifier: BigInt(i), coefficients: [suite.Fn.fromBytes(hexToBytes(p.signing_key)), suite.Fn.fromBytes(hexToBytes(p.coefficient))], commitment: p.vss_commitments.map(hexToBytes), signers: { min: 2, max: 3 }, step: 1 } as DKG_Secret;
      expect(() => F.DKG.round2(fresh, badOthers as never)).toThrow();
    }
  });

  it('our Taproot tweak over the untweaked DKG sum equals the frost-rs secp256k1-tr key', () => {
    const v = loadVector('frost/zcash-frost/secp256k1-tr/vectors_dkg.json');
    const suite = getSuite('taproot');
    const { Fn, Point } = suite;
    const ids = [1, 2, 3];
    const C = [0, 1].map((k) => ids.map((j) => Point.fromBytes(hexToBytes(v.inputs[j].vss_commitments[k]))).reduce((a, b) => a.add(b)));
    for (const i of ids) {
      const p = v.inputs[i];
      const own = Fn.add(Fn.fromBytes(hexToBytes(p.signing_key)), Fn.mul(Fn.fromBytes(hexToBytes(p.coefficient)), BigInt(i)));
      const x = ids.filter((j) => j !== i).reduce((acc, j) => Fn.add(acc, Fn.fromBytes(hexToBytes(p.signing_shares[j]))), own);
      const verifyingShares: Record<string, Uint8Array> = {};
      for (const j of ids) verifyingShares[suite.identifier(P(j))] = evaluateCommitmentVartime(suite, C, BigInt(j)).toBytes(true);
      const key = { public: { signers: { min: 2, max: 3 }, commitments: C.map((c) => c.toBytes(true)), verifyingShares }, secret: { identifier: suite.identifier(P(i)), signingShare: Fn.toBytes(x) } } as unknown as Key;
      const tweaked = applyTaprootTweak(key);
      expect(bytesToHex(tweaked.secret.signingShare)).toBe(p.signing_share);
      expect(bytesToHex(tweaked.public.commitments[0]!)).toBe(v.inputs.verifying_key);
      expect(bytesToHex(tweaked.public.verifyingShares[suite.identifier(P(i))]!)).toBe(p.verifying_share);
      // Negative: the untweaked key is not the frost-rs key.
      expect(bytesToHex(key.public.commitments[0]!)).not.toBe(v.inputs.verifying_key);
    }
  });
});
