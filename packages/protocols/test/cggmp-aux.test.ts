/**
 * CGGMP21 aux-info (Fig. 6): a 3-party run with the Taurus safe-prime fixtures (every party
 * verifies every Π^prm, Π^mod and Π^fac), the v1 storage fixture, moduli below 2048 bits
 * refused, and blame for bad Π^prm, Π^mod and Π^fac, also with the proofs verified on a worker
 * pool. One full 3-party run is shared by the tests (beforeAll); the negative runs use 2 parties
 * to keep the file's time down.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerPool } from '@tessera/crypto/pool';
import { backendReady } from '@tessera/crypto/backend';
import { CryptoError, FieldRangeError } from '@tessera/crypto/errors';
import { generatePrime } from '@tessera/crypto/primes';
import { canonicalJson, hex, type Json } from '../src/engine/codec.ts';
import { sessionHash } from '../src/engine/hash.ts';
import { newSessionId, partyRange, type PartyIndex, type SessionId } from '../src/engine/ids.ts';
import { createIdentities, runSimulation, tamperMessages, type Fault, type SimulationResult } from '../src/engine/simulator.ts';
import { AUX_PROTOCOL, auxCommitmentOf, auxDecommitJson, createCggmpAuxSession, type AuxDecommitment, type AuxOutput } from '../src/cggmp/aux/index.ts';
import { auxDecommitFor } from '../src/cggmp/aux/index.ts';
import { encodeAuxInfo, parseAuxInfo, type AuxInfo } from '../src/cggmp/keyshare.ts';
import { checkPrimes, fixedPrimeSource } from '../src/cggmp/prime-source.ts';
import { poolVerifier, type ZkVerifier } from '../src/cggmp/wire.ts';
import { expectBlame, seeded, taurusPrimePairs } from './cggmp-fixtures.ts';

const pairs = taurusPrimePairs();
const pool = createWorkerPool({ size: 2 });
afterAll(() => pool.terminate());

async function runAux(n: number, seed: string, faults: (session: SessionId) => Fault[] = () => [], verifier?: ZkVerifier): Promise<SimulationResult<AuxOutput>> {
  const rng = seeded(seed);
  const parties = partyRange(n);
  const ids = createIdentities(parties, rng);
  const session = newSessionId(rng);
  const sessions = parties.map((p, k) =>
    createCggmpAuxSession({ session, self: p, parties, primeSource: fixedPrimeSource([pairs[k]!]), auth: ids.auth.get(p)!, rng, ...(verifier ? { verifier } : {}) }),
  );
  return runSimulation(sessions, { identities: ids, rng, faults: faults(session) });
}

/** Faults making `party` a consistent sender of `forged` (commitment and decommitment). */
function forgeDecommit(session: SessionId, party: PartyIndex, forged: AuxDecommitment): Fault[] {
  const ctx = { hash: (tag: string, ...parts: Parameters<typeof sessionHash>[2][]) => sessionHash(`${AUX_PROTOCOL}/${tag}`, session, ...parts) };
  return [
    tamperMessages({ from: party, round: 1, kind: 'broadcast' }, () => ({ V: hex(auxCommitmentOf(ctx, party, forged)) })),
    tamperMessages({ from: party, round: 2, kind: 'broadcast' }, () => auxDecommitJson(forged)),
  ];
}

describe('CGGMP21 aux-info', () => {
  let auxes: AuxInfo[];
  beforeAll(async () => {
    await backendReady();
    const res = await runAux(3, 'aux 3 parties');
    auxes = [...res.outcomes.values()].map((o) => {
      expect(o.status, String(o.error)).toBe('done');
      return o.output!.aux;
    });
  });

  it('3 parties: all hold the same (Nⱼ, sⱼ, tⱼ) of ≥ 2048 bits, each its own factors; encodings round-trip', () => {
    for (const a of auxes) {
      expect(a.parties).toEqual([1, 2, 3]);
      const own = a.public.get(a.index)!;
      expect(a.p * a.q).toBe(own.N);
      for (const j of a.parties) {
        expect(a.public.get(j)).toEqual(auxes[0]!.public.get(j));
        expect(a.public.get(j)!.N.toString(2).length).toBeGreaterThanOrEqual(2048);
      }
      const text = encodeAuxInfo(a);
      expect(encodeAuxInfo(parseAuxInfo(text, { checkPrimality: false }))).toBe(text);
    }
  });

  it('the v1 storage fixture keeps parsing; a tampered one is refused', () => {
    const fx = JSON.parse(readFileSync(new URL('./fixtures/cggmp-aux-v1.json', import.meta.url), 'utf8')) as { aux: Json[] };
    const parsed = fx.aux.map((a) => parseAuxInfo(canonicalJson(a)));
    expect(parsed.map((a) => a.index)).toEqual([1, 2, 3]);
    const bad = structuredClone(fx.aux[0]) as { p: string; public: string[][] };
    bad.p = bad.p.slice(0, -1) + (bad.p.endsWith('1') ? '3' : '1');
    expect(() => parseAuxInfo(canonicalJson(bad as unknown as Json))).toThrowError(CryptoError);
    const small = structuredClone(fx.aux[1]) as { public: string[][] };
    small.public[0]![0] = 'f'.repeat(255);
    expect(() => parseAuxInfo(canonicalJson(small as unknown as Json))).toThrowError(CryptoError);
  });

  it('the prime source check refuses equal, non-Blum and too small factors', () => {
    const { p, q } = pairs[0]!;
    expect(() => checkPrimes({ p, q: p })).toThrowError(CryptoError);
    expect(() => checkPrimes({ p: 1000003n, q: 1000033n })).toThrowError(FieldRangeError);
    expect(checkPrimes({ p, q }).p).toBe(p);
  });

  it('a modulus below 2048 bits is refused and its sender named (consistent forged commitment)', async () => {
    const rng = seeded('small primes');
    const p = await generatePrime({ bits: 512, kind: 'blum', rng });
    let q = p;
    while (q === p) q = await generatePrime({ bits: 512, kind: 'blum', rng });
    const res = await runAux(2, 'aux small modulus', (session) => forgeDecommit(session, 2 as PartyIndex, auxDecommitFor(session, 2 as PartyIndex, p, q, rng)));
    const a = expectBlame(res, [1], [2], 'invalid-message');
    expect(a.evidence.map((e) => e.detail).join(' ')).toMatch(/at least 2048/);
  });

  it('an invalid Π^prm names its sender', async () => {
    const rng = seeded('bad prm');
    const res = await runAux(2, 'aux bad prm', (session) => {
      const d = auxDecommitFor(session, 2 as PartyIndex, pairs[1]!.p, pairs[1]!.q, rng);
      const prm = structuredClone(d.prm) as { z: string[] };
      prm.z[5] = prm.z[6]!;
      return forgeDecommit(session, 2 as PartyIndex, { ...d, prm: prm as unknown as Json });
    });
    const a = expectBlame(res, [1], [2], 'invalid-proof');
    expect(a.evidence[0]!.detail).toMatch(/piprm\.equation\[5\]/);
  });

  it.each([
    ['in this thread', undefined],
    ['on a worker pool', 'pool'],
  ] as const)('an invalid Π^mod and an invalid Π^fac each name their prover (verified %s)', async (_where, mode) => {
    const res = await runAux(2, 'aux bad mod and fac', () => [
      tamperMessages({ from: 1 as PartyIndex, round: 3, kind: 'broadcast' }, (payload) => {
        const o = structuredClone(payload) as { mod: { x: string[] } };
        o.mod.x[3] = o.mod.x[4]!;
        return o as unknown as Json;
      }),
      tamperMessages({ from: 2 as PartyIndex, round: 3, kind: 'broadcast' }, (payload) => {
        const o = structuredClone(payload) as { fac: [number, { z1: string }][] };
        const z1 = o.fac[0]![1].z1;
        o.fac[0]![1].z1 = z1.startsWith('-') ? z1.slice(1) : '-' + z1;
        return o as unknown as Json;
      }),
    ], mode === 'pool' ? poolVerifier(pool) : undefined);
    const blamed1 = expectBlame(res, [2], [1], 'invalid-proof');
    expect(blamed1.evidence[0]!.detail).toMatch(/pimod\.fourth-root\[3\]/);
    const blamed2 = expectBlame(res, [1], [2], 'invalid-proof');
    expect(blamed2.evidence[0]!.detail).toMatch(/pifac/);
  });
});
