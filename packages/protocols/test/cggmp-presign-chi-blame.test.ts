/**
 * The χ blame round of CGGMP21 presigning (src/cggmp/presign/blame.ts): the identification of
 * Fig. 8 (eprint 2021/060 revised), run at presigning where Tessera checks Σ Ŝⱼ = δ·X. A signer
 * whose own round code computes a wrong χᵢ (with a matching Ŝᵢ) is named by every honest
 * signer; a tampered Π^mul* names its sender. Also two δ-round cases: a tampered Π^mul and a
 * forwarded MtA ciphertext substituted in the blame message (named: the forwarder).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendReady } from '@tessera/crypto/backend';
import { createWorkerPool } from '@tessera/crypto/pool';
import type { Json } from '../src/engine/codec.ts';
import { InternalError, ProtocolAbort } from '../src/engine/errors.ts';
import type { PartyIndex } from '../src/engine/ids.ts';
import { tamperMessages } from '../src/engine/simulator.ts';
import type { CggmpKeyShare } from '../src/cggmp/keyshare.ts';
import { CHI_BLAME_ROUND, DELTA_BLAME_ROUND } from '../src/cggmp/presign/index.ts';
import { modHex } from '../src/cggmp/wire.ts';
import { countingPoolVerifier, negate, presign } from './cggmp-blame-helpers.ts';
import { expectBlame, fixtureKeyShares } from './cggmp-fixtures.ts';

const P1 = 1 as PartyIndex;
const P3 = 3 as PartyIndex;

const pool = createWorkerPool({ size: 2 });
afterAll(() => pool.terminate());

describe('CGGMP21 presigning: χ blame round and tampered blame proofs', () => {
  let shares: CggmpKeyShare[];
  let pair: CggmpKeyShare[];

  beforeAll(async () => {
    await backendReady();
    shares = await fixtureKeyShares(2, 3, 'chi blame key');
    pair = [shares[0]!, shares[2]!];
  });

  it('a tampered Π^mul in the blame round is rejected and names its sender', async () => {
    const { res } = await presign(shares, {
      seed: 'blame bad mul',
      faulty: P3,
      faults: [
        tamperMessages({ from: P1, round: DELTA_BLAME_ROUND, kind: 'broadcast' }, (p) => {
          const o = structuredClone(p) as { mul: { z: string } };
          o.mul.z = negate(o.mul.z);
          return o as unknown as Json;
        }),
      ],
    });
    const a = expectBlame(res, [2], [1, 3], 'invalid-proof');
    expect(a.evidence.filter((e) => e.from === 1).map((e) => e.detail).join(' ')).toMatch(/Π\^mul of Hᵢ: pimul\./);
    expect(res.outcomes.get(P3)!.error).toBeInstanceOf(InternalError);
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

  it('a signer whose own round code computes a wrong χᵢ (with Ŝᵢ to match) is named by the honest signer', async () => {
    const { res, rounds } = await presign(pair, { seed: 'blame wrong chi 2', faulty: P3, wrong: 'chi' });
    expect(rounds).toContain(CHI_BLAME_ROUND);
    expect(rounds).not.toContain(DELTA_BLAME_ROUND);
    const a = expectBlame(res, [1], [3], 'invalid-proof');
    expect(a.evidence.map((e) => e.detail).join(' ')).toMatch(/no Π\^dec: the sender cannot prove its τᵢ/);
    expect(res.outcomes.get(P3)!.error).toBeInstanceOf(InternalError);
  });

  it('with 3 signers, a wrong χᵢ is named and a tampered Π^mul* (Π^aff-g of Ĥᵢ) names its sender too', async () => {
    const kinds: string[] = [];
    const { res } = await presign(shares, {
      seed: 'blame wrong chi 3',
      faulty: P3,
      wrong: 'chi',
      verifier: countingPoolVerifier(pool, kinds),
      faults: [
        tamperMessages({ from: P1, round: CHI_BLAME_ROUND, kind: 'broadcast' }, (p) => {
          const o = structuredClone(p) as { mulStar: [number, { z1: string }][] };
          o.mulStar[0]![1].z1 = negate(o.mulStar[0]![1].z1);
          return o as unknown as Json;
        }),
      ],
    });
    const a = expectBlame(res, [2], [1, 3], 'invalid-proof');
    expect(a.evidence.filter((e) => e.from === 1).map((e) => e.detail).join(' ')).toMatch(/Π\^mul\* \(Π\^aff-g\) of Ĥᵢ \(verifier 2\): piaffg\./);
    // P1 saw only P3's fault (its own message was altered after it left)
    expect(res.outcomes.get(P1)!.error).toBeInstanceOf(ProtocolAbort);
    expect((res.outcomes.get(P1)!.error as ProtocolAbort).culprits).toEqual([3]);
    expect(kinds).toContain('pidec');
  });
});
