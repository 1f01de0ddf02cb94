/**
 * The δ blame round of CGGMP21 presigning (Fig. 7, output step 2; src/cggmp/presign/blame.ts):
 * a signer whose own round code computes a wrong δᵢ (a faulty round 2 wrapped around the real
 * one, not a simulator tamper) is named by every honest signer through Π^mul / Π^dec; a signer
 * that lies about its δᵢ and then ignores the blame round is named too; a tampered Π^dec or a
 * substituted forwarded MtA value names its sender; the proofs go through the session's
 * verifier (the worker pool here); an honest run sends exactly the messages it sent before;
 * and a snapshot without the new state fields still restores and completes (and, hitting a
 * wrong δ, aborts without blaming anyone). The tampered Π^mul case is in
 * cggmp-presign-chi-blame.test.ts (with the χ round) to keep both files short.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { backendReady } from '@tessera/crypto/backend';
import { createWorkerPool } from '@tessera/crypto/pool';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { canonicalJson, parseCanonicalJson, type Json } from '../src/engine/codec.ts';
import { InternalError, ProtocolAbort } from '../src/engine/errors.ts';
import { newSessionId, type PartyIndex } from '../src/engine/ids.ts';
import type { Envelope } from '../src/engine/envelope.ts';
import { createSession, type Session } from '../src/engine/session.ts';
import { createIdentities, tamperMessages } from '../src/engine/simulator.ts';
import { Fn, readScalar, scalarJson } from '../src/cggmp/curve.ts';
import type { CggmpKeyShare } from '../src/cggmp/keyshare.ts';
import { DELTA_BLAME_ROUND, createCggmpPresignSession, restoreCggmpPresignSession, type PresignDeps, type PresignOutput, type PresignState } from '../src/cggmp/presign/index.ts';
import { modHex } from '../src/cggmp/wire.ts';
import { countingPoolVerifier, faultySpec, negate, presign, type Obj } from './cggmp-blame-helpers.ts';
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

  it('a forwarded MtA ciphertext substituted in the blame round names the forwarder', async () => {
    const N1 = shares[0]!.aux.public.get(P1)!.N;
    const { res } = await presign(shares, {
      seed: 'blame forwarded D',
      faulty: P3,
      faults: [
        tamperMessages({ from: P1, round: DELTA_BLAME_ROUND, kind: 'broadcast' }, (p) => {
          const o = structuredClone(p) as { mta: [number, string, string, Json][] };
          const N2 = N1 * N1;
          o.mta[0]![1] = modHex((BigInt('0x' + o.mta[0]![1]) * (1n + N1)) % N2, N2);
          return o as unknown as Json;
        }),
      ],
    });
    const a = expectBlame(res, [2], [1], 'invalid-proof');
    expect(a.evidence[0]!.detail).toMatch(/forwarded Π\^aff-g.*piaffg\./);
  });

  it('a presigning snapshot without the blame fields (older format) restores and completes', async () => {
    const rng = createSeededRng('blame old snapshot');
    const signers = [P1, P3];
    const ids = createIdentities(shares[0]!.core.parties, rng);
    const session = newSessionId(rng);
    const sessions = pair.map((s) => createCggmpPresignSession({ session, keyShare: s, request: { signers }, auth: ids.auth.get(s.core.index)!, rng }));
    const queue: Envelope[] = [];
    for (const s of sessions) queue.push(...(await s.start()));
    let live: Session<PresignState, PresignOutput, PresignDeps>[] = [...sessions];
    let restored = false;
    while (queue.length > 0) {
      const env = queue.shift()!;
      for (const s of live) {
        if (s.self === env.from || (env.to !== null && env.to !== s.self)) continue;
        queue.push(...(await s.receive(env)));
      }
      const first = live[0]!;
      if (!restored && first.status === 'running' && first.round === 3) {
        const snap = parseCanonicalJson(first.snapshot(), 'snapshot') as Obj;
        const state = { ...(snap.state as Obj) };
        expect(Object.keys(state)).toEqual(expect.arrayContaining(['sent', 'GammaSelf', 'mta']));
        for (const f of ['sent', 'GammaSelf', 'mta']) delete state[f];
        const old = canonicalJson({ ...snap, state });
        live = [restoreCggmpPresignSession(old, { keyShare: pair[0]!, auth: ids.auth.get(P1)!, rng }), live[1]!];
        restored = true;
      }
    }
    expect(restored).toBe(true);
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
    const queue: Envelope[] = [...(await s1.start()), ...(await s3.start())];
    let live: Session<PresignState, PresignOutput, PresignDeps>[] = [s1, s3];
    let restored = false;
    while (queue.length > 0) {
      const env = queue.shift()!;
      for (const s of live) {
        if (s.self === env.from || (env.to !== null && env.to !== s.self)) continue;
        queue.push(...(await s.receive(env)));
      }
      if (!restored && live[0]!.status === 'running' && live[0]!.round === 3) {
        const snap = parseCanonicalJson(live[0]!.snapshot(), 'snapshot') as Obj;
        const state = { ...(snap.state as Obj) };
        for (const f of ['sent', 'GammaSelf', 'mta']) delete state[f];
        live = [restoreCggmpPresignSession(canonicalJson({ ...snap, state }), { keyShare: pair[0]!, auth: ids.auth.get(P1)!, rng }), live[1]!];
        restored = true;
      }
    }
    const e = live[0]!.error;
    expect(e).toBeInstanceOf(ProtocolAbort);
    expect((e as ProtocolAbort).culprits).toEqual([]);
    expect((e as ProtocolAbort).message).toMatch(/δ·G ≠ Σ Δⱼ/);
  });

});
