/**
 * Identifiable abort in CGGMP21 presigning and signing: every tampering the simulator injects
 * by a corrupt signer (wrong ciphertext, bad Π^enc, wrong MtA ciphertext caught by Π^aff-g,
 * wrong Δ caught by Π^log*, equivocation caught by the echo check, a bad signature share)
 * names exactly that signer at every honest party; a wrong δ leads to the δ blame round
 * (cggmp-presign-blame.test.ts), which names its sender.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { backendReady } from '@tessera/crypto/backend';
import type { Json } from '../src/engine/codec.ts';
import type { PartyIndex } from '../src/engine/ids.ts';
import { equivocate, tamperMessages } from '../src/engine/simulator.ts';
import { Fn, Point, pointJson, readPoint, readScalar, scalarJson } from '../src/cggmp/curve.ts';
import { modHex } from '../src/cggmp/wire.ts';
import type { CggmpKeyShare } from '../src/cggmp/keyshare.ts';
import type { Presignature } from '../src/cggmp/presign/index.ts';
import { expectBlame, fixtureKeyShares, presignaturesOf, runPresign, runSign } from './cggmp-fixtures.ts';

const P1 = 1 as PartyIndex;
const P2 = 2 as PartyIndex;
const P3 = 3 as PartyIndex;

type Obj = Record<string, Json>;

/** c·(1 + N) mod N²: another valid ciphertext (of the plaintext plus one). */
function shiftCiphertext(hex: string, N: bigint): string {
  const N2 = N * N;
  return modHex((BigInt('0x' + hex) * (1n + N)) % N2, N2);
}

describe('CGGMP21 identifiable abort', () => {
  let shares: CggmpKeyShare[];
  let signing: CggmpKeyShare[];
  const N = (p: PartyIndex) => shares[0]!.aux.public.get(p)!.N;

  beforeAll(async () => {
    await backendReady();
    shares = await fixtureKeyShares(2, 3, 'abort key');
    signing = [shares[0]!, shares[2]!];
  });

  it('a wrong ciphertext Kⱼ (consistently broadcast) fails Π^enc and names its sender', async () => {
    const res = await runPresign(signing, {
      seed: 'wrong K',
      faults: [tamperMessages({ from: P3, round: 1, kind: 'broadcast' }, (p) => ({ ...(p as Obj), K: shiftCiphertext((p as Obj).K as string, N(P3)) }))],
    });
    const a = expectBlame(res, [1], [3], 'invalid-proof');
    expect(a.evidence[0]!.detail).toMatch(/Π\^enc.*pienc\.equation/);
  });

  it('a bad Π^enc proof names its sender', async () => {
    const res = await runPresign(signing, {
      seed: 'bad enc',
      faults: [
        tamperMessages({ from: P3, to: P1, round: 1, kind: 'p2p' }, (p) => {
          const o = structuredClone(p) as { psi0: { z1: string } };
          o.psi0.z1 = o.psi0.z1.startsWith('-') ? o.psi0.z1.slice(1) : '-' + o.psi0.z1;
          return o as unknown as Json;
        }),
      ],
    });
    expectBlame(res, [1], [3], 'invalid-proof');
  });

  it('a wrong MtA ciphertext Dᵢ,ⱼ fails Π^aff-g and names its sender', async () => {
    const res = await runPresign(signing, {
      seed: 'wrong D',
      faults: [tamperMessages({ from: P3, to: P1, round: 2, kind: 'p2p' }, (p) => ({ ...(p as Obj), D: shiftCiphertext((p as Obj).D as string, N(P1)) }))],
    });
    const a = expectBlame(res, [1], [3], 'invalid-proof');
    expect(a.evidence.map((e) => e.detail).join(' ')).toMatch(/Π\^aff-g of Dᵢ,ⱼ \(γⱼ\): piaffg\.equation-affine/);
  });

  it('a wrong Δⱼ fails Π^log* and names its sender', async () => {
    const res = await runPresign(signing, {
      seed: 'wrong Delta',
      faults: [
        tamperMessages({ from: P3, round: 3, kind: 'broadcast' }, (p) => ({ ...(p as Obj), Delta: pointJson(readPoint((p as Obj).Delta, 'Delta').add(Point.BASE)) })),
      ],
    });
    const a = expectBlame(res, [1], [3], 'invalid-proof');
    expect(a.evidence.map((e) => e.detail).join(' ')).toMatch(/Π\^log\* of Kⱼ and Δⱼ/);
  });

  it('equivocating Kⱼ, Gⱼ in round 1 is caught by the echo check and names the sender', async () => {
    const res = await runPresign(shares, {
      seed: 'equivocate K',
      faults: [equivocate({ from: P3, round: 1, kind: 'broadcast' }, [P2], (p) => ({ ...(p as Obj), K: shiftCiphertext((p as Obj).K as string, N(P3)) }))],
    });
    expectBlame(res, [1, 2], [3], 'equivocation');
  });

  it('a wrong δⱼ sends the honest signers into the δ blame round, which names its sender', async () => {
    // consistent tamper: the sender's own session keeps its true δ, never answers the blame
    // round, and is named for that (cggmp-presign-blame.test.ts covers the proofs themselves)
    const res = await runPresign(signing, {
      seed: 'wrong delta',
      faults: [tamperMessages({ from: P3, round: 3, kind: 'broadcast' }, (p) => ({ ...(p as Obj), delta: scalarJson(Fn.add(readScalar((p as Obj).delta, 'delta', true), 1n)) }))],
    });
    expectBlame(res, [1], [3], 'timeout');
  });

  describe('signing', () => {
    let presigs: Map<PartyIndex, Presignature>;
    beforeAll(async () => {
      presigs = presignaturesOf(await runPresign(signing, { seed: 'abort presign' }));
    });

    it('a wrong signature share σⱼ names its sender', async () => {
      const res = await runSign(signing, presigs, sha256(new Uint8Array([1, 2, 3])), {
        faults: [tamperMessages({ from: P3, round: 1, kind: 'broadcast' }, (p) => ({ sigma: scalarJson(Fn.add(readScalar((p as Obj).sigma, 'sigma', true), 1n)) }))],
      });
      const a = expectBlame(res, [1], [3], 'invalid-signature-share');
      expect(a.evidence[0]!.detail).toMatch(/σⱼ·Γ ≠ m·Δⱼ \+ r·Ŝⱼ/);
    });
  });
});
