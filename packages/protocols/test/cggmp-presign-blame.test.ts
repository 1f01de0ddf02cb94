/**
 * The δ blame round of CGGMP21 presigning (Fig. 7, output step 2; src/cggmp/presign/blame.ts):
 * a signer whose own round code computes a wrong δᵢ (a faulty round 2 wrapped around the real
 * one, not a simulator tamper) is named by every honest signer through Π^mul / Π^dec; a signer
 * that lies about its δᵢ and then ignores the blame round is named too; a tampered Π^dec names
 * its sender; the proofs go through the session's
 * verifier (the worker pool here); an honest run sends exactly the messages it sent before;
 * a snapshot without the new state fields still restores and completes (and, hitting a wrong
 * δ, aborts without blaming anyone), and a session restored inside the blame round finishes it. The tampered Π^mul case is in
 * cggmp-presign-chi-blame.test.ts (with the χ round) to keep both files short.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { backendReady } from '@tessera/crypto/backend';
import { createWorkerPool } from '@tessera/crypto/pool';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import type { Json } from '../src/engine/codec.ts';
import { InternalError, ProtocolAbort } from '../src/engine/errors.ts';
import { newSessionId, type PartyIndex } from '../src/engine/ids.ts';
import { createSession } from '../src/engine/session.ts';
import { createIdentities, tamperMessages } from '../src/engine/simulator.ts';
import { Fn, readScalar, scalarJson } from '../src/cggmp/curve.ts';
import type { CggmpKeyShare } from '../src/cggmp/keyshare.ts';
import { DELTA_BLAME_ROUND, createCggmpPresignSession } from '../src/cggmp/presign/index.ts';
import { asOlderState, countingPoolVerifier, driveWithRestore, faultySpec, negate, presign, type Obj } from './cggmp-blame-helpers.ts';
import { expectBlame, fixtureKeyShares, presignaturesOf, runSign, verifyEcdsa } from './cggmp-fixtures.ts';

const P1 = 1 as PartyIndex;
const P2 = 2 as PartyIndex;
const P3 = 3 as PartyIndex;

const pool = createWorkerPool({ size: 2 });
afterAll(() => pool.terminate());

describe('CGGMP21 presigning: δ blame round (Fig. 7, output step 2)', () => {
  let shares: CggmpKeyShare[];
  let pair: CggmpKeyShare[];

  beforeAll(async () => {
    await backendReady();
    shares = await fixtureKeyShares(2, 3, 'blame key');
    pair = [shares[0]!, shares[2]!];
  });

  it('an honest run sends no blame message (same deliveries as before) and its presignatures sign', async () => {
    const { res, rounds } = await presign(pair, { seed: 'blame honest' });
    const ps = presignaturesOf(res);
    // two signers: rounds 1 and 3 have a broadcast, a p2p message and an echo per party, round 2 no echo
    expect(Math.max(...rounds)).toBe(3);
    expect(res.deliveries).toBe(2 * 3 + 2 * 2 + 2 * 3);
    const digest = sha256(new TextEncoder().encode('blame honest'));
    const sig = await runSign(pair, ps, digest, { seed: 'blame honest sign' });
    const out = sig.outcomes.get(P1)!;
    expect(out.status, String(out.error)).toBe('done');
    verifyEcdsa(pair[0]!.core.publicKey, digest, out.output!.signature.r, out.output!.signature.s);
  });

  it('a signer whose own round code computes a wrong δᵢ is named by the honest signer (2 signers)', async () => {
    const { res, rounds } = await presign(pair, { seed: 'blame wrong delta 2', faulty: P3 });
    expect(rounds).toContain(DELTA_BLAME_ROUND);
    const a = expectBlame(res, [1], [3], 'invalid-proof');
    expect(a.evidence.map((e) => e.detail).join(' ')).toMatch(/no Π\^dec/);
    expect(a.evidence.map((e) => e.round)).toEqual(expect.arrayContaining([3, DELTA_BLAME_ROUND]));
    const own = res.outcomes.get(P3)!;
    expect(own.status).toBe('aborted');
    expect(own.error).toBeInstanceOf(InternalError);
  });

  it('a wrong δᵢ in a 3-signer run is named by both honest signers, with every proof verified on the worker pool', async () => {
    const kinds: string[] = [];
    const { res } = await presign(shares, { seed: 'blame wrong delta 3', faulty: P2, verifier: countingPoolVerifier(pool, kinds) });
    expectBlame(res, [1, 3], [2], 'invalid-proof');
    // each honest signer: 2 senders × 2 forwarded Π^aff-g, then Π^mul of both and the Π^dec of the one who could prove
    expect(kinds.filter((k) => k === 'pimul')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'pidec')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'piaffg').length).toBeGreaterThanOrEqual(8);
  });

  it('a signer that broadcasts a δᵢ other than the one it computed skips the blame round and is named for it', async () => {
    // the simulator's consistent tamper: the liar's own session believes its true δᵢ, finds the
    // check satisfied and never answers the blame round the honest signer has entered
    const { res, rounds } = await presign(pair, {
      seed: 'blame lying delta',
      faults: [tamperMessages({ from: P3, round: 3, kind: 'broadcast' }, (p) => ({ ...(p as Obj), delta: scalarJson(Fn.add(readScalar((p as Obj).delta, 'delta', true), 1n)) }))],
    });
    expect(rounds).toContain(DELTA_BLAME_ROUND);
    expectBlame(res, [1], [3], 'timeout');
  });

  it('a tampered Π^dec in the blame round is rejected and names its sender', async () => {
    const { res } = await presign(shares, {
      seed: 'blame bad dec',
      faulty: P3,
      faults: [
        tamperMessages({ from: P1, round: DELTA_BLAME_ROUND, kind: 'broadcast' }, (p) => {
          const o = structuredClone(p) as { dec: [number, { z1: string }][] };
          o.dec[0]![1].z1 = negate(o.dec[0]![1].z1);
          return o as unknown as Json;
        }),
      ],
    });
    const a = expectBlame(res, [2], [1, 3], 'invalid-proof');
    expect(a.evidence.filter((e) => e.from === 1).map((e) => e.detail).join(' ')).toMatch(/Π\^dec of δᵢ \(verifier 2\): pidec\./);
  });

  it('a presigning snapshot without the blame fields (older format) restores and completes', async () => {
    const rng = createSeededRng('blame old snapshot');
    const signers = [P1, P3];
    const ids = createIdentities(shares[0]!.core.parties, rng);
    const session = newSessionId(rng);
    const sessions = pair.map((s) => createCggmpPresignSession({ session, keyShare: s, request: { signers }, auth: ids.auth.get(s.core.index)!, rng }));
    let fields: string[] = [];
    const { live, restored } = await driveWithRestore(sessions, {
      at: 3,
      keyShare: pair[0]!,
      auth: ids.auth.get(P1)!,
      edit: (state) => {
        fields = Object.keys(state);
        return asOlderState(state);
      },
    });
    expect(restored).toBe(true);
    expect(fields).toEqual(expect.arrayContaining(['sent', 'GammaSelf', 'mta']));
    for (const s of live) expect(s.status, String(s.error)).toBe('done');
    expect(live[0]!.output!.presignature.R.equals(live[1]!.output!.presignature.R)).toBe(true);
  });

  it('a restored older-format session hitting a wrong δ aborts without blaming anyone (no MtA values to prove with)', async () => {
    const rng = createSeededRng('blame old snapshot wrong delta');
    const signers = [P1, P3];
    const ids = createIdentities(shares[0]!.core.parties, rng);
    const session = newSessionId(rng);
    const s1 = createCggmpPresignSession({ session, keyShare: pair[0]!, request: { signers }, auth: ids.auth.get(P1)!, rng });
    const s3 = createSession(faultySpec('delta'), { session, self: P3, parties: signers, auth: ids.auth.get(P3)!, deps: { keyShare: pair[1]!, request: { signers } }, rng });
    const { live } = await driveWithRestore([s1, s3], { at: 3, keyShare: pair[0]!, auth: ids.auth.get(P1)!, edit: asOlderState });
    const e = live[0]!.error;
    expect(e).toBeInstanceOf(ProtocolAbort);
    expect((e as ProtocolAbort).culprits).toEqual([]);
    expect((e as ProtocolAbort).message).toMatch(/δ·G ≠ Σ Δⱼ/);
  });

  it('a session snapshotted inside the blame round resumes and still names the culprit', async () => {
    const rng = createSeededRng('blame snapshot in round 4');
    const signers = [P1, P3];
    const ids = createIdentities(shares[0]!.core.parties, rng);
    const session = newSessionId(rng);
    const s1 = createCggmpPresignSession({ session, keyShare: pair[0]!, request: { signers }, auth: ids.auth.get(P1)!, rng });
    const s3 = createSession(faultySpec('delta'), { session, self: P3, parties: signers, auth: ids.auth.get(P3)!, deps: { keyShare: pair[1]!, request: { signers } }, rng });
    const { live, restored } = await driveWithRestore([s1, s3], { at: DELTA_BLAME_ROUND, keyShare: pair[0]!, auth: ids.auth.get(P1)! });
    expect(restored).toBe(true);
    const e = live[0]!.error;
    expect(e, String(e)).toBeInstanceOf(ProtocolAbort);
    expect((e as ProtocolAbort).culprits).toEqual([3]);
    expect((e as ProtocolAbort).reason).toBe('invalid-proof');
  });
});
