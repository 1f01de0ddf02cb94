/**
 * Dealer-less threshold Paillier key generation (eprint 2019/1136 after Boneh–Franklin and
 * Nishide–Sakurai) at small, insecure sizes: the Boneh–Franklin test accepts biprimes and
 * rejects other moduli; trial division; parameter checks; full runs whose key decrypts with any
 * T shares; a tampered share of N, verification key or epoch signature aborts naming its sender;
 * and a key shaped like the DKG's (θ ≠ 1, integer shares) at 2048 bits decrypts with proofs.
 */
import { describe, expect, it } from 'vitest';
import { CryptoError, FieldRangeError } from '@tessera/crypto/errors';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { bitLength } from '@tessera/crypto/bytes';
import { modPow } from '@tessera/crypto/backend';
import { isProbablePrime } from '@tessera/crypto/primality';
import { generatePrime } from '@tessera/crypto/primes';
import { jacobi } from '@tessera/crypto/modular';
import { randomBelow, randomZnStar } from '@tessera/crypto/rng';
import type { Json, JsonObject } from '../src/engine/codec.ts';
import { ProtocolAbort } from '../src/engine/errors.ts';
import type { PartyIndex } from '../src/engine/ids.ts';
import type { Delivery, Fault, FaultContext } from '../src/engine/simulator.ts';
import type { Envelope } from '../src/engine/envelope.ts';
import { committeeDecrypt, createCommittee } from '../src/paillier/committee.ts';
import { combineDecryptionShares, decryptionShareValue, verifyAndCombine, createDecryptionShare } from '../src/paillier/decrypt/share.ts';
import { biprimeCheck, ownTestResponse } from '../src/paillier/dkg/biprime.ts';
import { LocalDkgError, freshIdentitySecretKeys, runDkgInMemory } from '../src/paillier/dkg/local.ts';
import { dkgParameters, passesTrialDivisionVartime } from '../src/paillier/dkg/params.ts';
import { validateThresholdKeyShare, validateThresholdPublicKey } from '../src/paillier/key.ts';
import { evaluatePolynomial, factorial } from '../src/paillier/math.ts';
import { SAFE_PRIME_PAIRS, encryptUnder } from './paillier-fixtures.ts';

const createdAt = '2025-02-01T00:00:00.000Z';

/** Additive shares of p and q for n parties in the protocol's form (p₁ ≡ 3, pᵢ ≡ 0 mod 4). */
function additiveShares(x: bigint, n: number, rng: ReturnType<typeof createSeededRng>): bigint[] {
  const rest = Array.from({ length: n - 1 }, () => 4n * randomBelow(1n << 20n, rng));
  return [x - rest.reduce((a, b) => a + b, 0n), ...rest];
}

/** Runs the Boneh–Franklin test on N = p·q with shares, for `tests` random g with (g/N) = 1. */
function bfPasses(p: bigint, q: bigint, tests: number, seed: string): boolean[] {
  const rng = createSeededRng(seed);
  const N = p * q;
  const ps = additiveShares(p, 3, rng);
  const qs = additiveShares(q, 3, rng);
  const out: boolean[] = [];
  while (out.length < tests) {
    const g = randomZnStar(N, rng);
    if (jacobi(g, N) !== 1) continue;
    out.push(biprimeCheck(N, ps.map((pi, k) => ownTestResponse(N, g, pi, qs[k]!, k + 1))));
  }
  return out;
}

describe('Boneh–Franklin biprimality test', () => {
  it('accepts a product of two Blum primes for every test value', async () => {
    const rng = createSeededRng('bf primes');
    const p = await generatePrime({ bits: 64, kind: 'blum', rng });
    const q = await generatePrime({ bits: 64, kind: 'blum', rng });
    expect(bfPasses(p, q, 40, 'bf good').every(Boolean)).toBe(true);
  });

  it('rejects N = p·r·s (q = r·s composite, ≡ 3 mod 4) within a few test values', async () => {
    const rng = createSeededRng('bf composite');
    const p = await generatePrime({ bits: 64, kind: 'blum', rng });
    let r: bigint;
    let s: bigint;
    do {
      r = await generatePrime({ bits: 32, rng });
      s = await generatePrime({ bits: 32, kind: 'blum', rng });
    } while ((r * s) % 4n !== 3n);
    const results = bfPasses(p, r * s, 20, 'bf bad');
    expect(results.filter((x) => !x).length).toBeGreaterThan(0);
  });
});

describe('trial division and parameters', () => {
  const params = dkgParameters({ bits: 128, threshold: 2, allowInsecureSize: true }, 3);

  it('N with a factor below the sieve bound fails, a product of large primes passes', async () => {
    const rng = createSeededRng('sieve');
    const p = await generatePrime({ bits: 64, rng });
    const q = await generatePrime({ bits: 64, rng });
    expect(passesTrialDivisionVartime(p * q, params)).toBe(true);
    expect(passesTrialDivisionVartime(1999n * p, params)).toBe(false);
    expect(passesTrialDivisionVartime(3n * q, params)).toBe(false);
  });

  it('derives a prime field above 2^bits, positive shares and a share bound', () => {
    expect(isProbablePrime(params.P)).toBe(true);
    expect(params.P > 1n << 128n).toBe(true);
    expect(params.shift > 0n).toBe(true);
    expect(params.shareBits).toBeGreaterThan(2 * 128);
    expect(params.lambdaAll.reduce((a, l, k) => a + l * BigInt((k + 1) ** 2), 0n)).toBe(0n); // Δλ interpolates x² at 0
  });

  it('refuses n < 2T − 1, T < 2, small or odd sizes, a sieve bound not above n', () => {
    expect(() => dkgParameters({ bits: 128, threshold: 3, allowInsecureSize: true }, 4)).toThrow(/2T − 1/);
    expect(() => dkgParameters({ bits: 128, threshold: 1, allowInsecureSize: true }, 3)).toThrow(FieldRangeError);
    expect(() => dkgParameters({ bits: 128, threshold: 2 }, 3)).toThrow(/config\.bits/);
    expect(() => dkgParameters({ bits: 129, threshold: 2, allowInsecureSize: true }, 3)).toThrow(/even/);
    expect(() => dkgParameters({ bits: 128, threshold: 2, sieveBound: 3, allowInsecureSize: true }, 3)).toThrow(/sieveBound/);
    expect(() => dkgParameters({ bits: 128, threshold: 2, allowInsecureSize: true }, 2)).toThrow(/parties/);
  });
});

async function dkg(n: number, T: number, bits: number, seed: string, faults: Fault[] = []) {
  const rng = createSeededRng(seed);
  return runDkgInMemory({
    parties: n,
    config: { bits, threshold: T, allowInsecureSize: true, createdAt },
    identitySecretKeys: freshIdentitySecretKeys(n, rng),
    rng,
    faults,
  });
}

describe('dealer-less key generation (insecure sizes)', () => {
  it('3 parties, T = 2, 256-bit N: one signed record, a key any 2 decrypt with', async () => {
    const out = await dkg(3, 2, 256, 'dkg try 256');
    const ids = new Set([...out.values()].map((o) => Buffer.from(o.signed.id).toString('hex')));
    expect(ids.size).toBe(1);
    const pk = out.get(1 as PartyIndex)!.signed.record.publicKey;
    expect(pk.bits).toBe(256);
    expect(out.get(1 as PartyIndex)!.signed.record.mode).toBe('dkg');
    expect(isProbablePrime(pk.N)).toBe(false);
    expect(pk.theta).not.toBe(1n);
    const m = 123_456_789_012_345n;
    const c = encryptUnder(pk, m);
    const shares = [...out.values()].map((o) => ({ index: o.keyShare.index, ci: decryptionShareValue(o.keyShare, c) }));
    for (const pair of [[0, 1], [0, 2], [1, 2]]) expect(combineDecryptionShares(pk, pair.map((k) => shares[k]!))).toBe(m);
    expect(() => combineDecryptionShares(pk, shares.slice(0, 1))).toThrow(FieldRangeError);
    // Every share is positive and inside the public bound; a changed share no longer matches its key.
    for (const o of out.values()) {
      expect(o.keyShare.s > 0n && bitLength(o.keyShare.s) <= pk.shareBits).toBe(true);
      expect(() => validateThresholdKeyShare(pk, o.keyShare.index, o.keyShare.s + 1n)).toThrow(CryptoError);
    }
    expect(out.get(2 as PartyIndex)!.stats.candidates).toBeGreaterThan(0);
  });

  it('5 parties, T = 3: any 3 decrypt, 2 do not', async () => {
    const out = await dkg(5, 3, 128, 'dkg five');
    const pk = out.get(1 as PartyIndex)!.signed.record.publicKey;
    const c = encryptUnder(pk, 77n);
    const s = (i: number) => ({ index: i as PartyIndex, ci: decryptionShareValue(out.get(i as PartyIndex)!.keyShare, c) });
    expect(combineDecryptionShares(pk, [s(1), s(3), s(5)])).toBe(77n);
    expect(combineDecryptionShares(pk, [s(2), s(4), s(5)])).toBe(77n);
    expect(() => combineDecryptionShares(pk, [s(2), s(4)])).toThrow(FieldRangeError);
  });

  it('createCommittee in dkg mode writes files that committeeDecrypt uses', async () => {
    const steps = new Set<string>();
    const out = await createCommittee({
      mode: 'dkg',
      parties: 3,
      threshold: 2,
      bits: 128,
      rng: createSeededRng('committee dkg'),
      allowInsecureSize: true,
      createdAt,
      onProgress: (p) => steps.add(p.phase === 'dkg' ? p.step : p.phase),
    });
    expect([...steps]).toEqual(expect.arrayContaining(['modulus', 'biprime', 'key', 'signing']));
    const pub = JSON.parse(JSON.stringify(out.publicJson));
    expect((pub.epoch as JsonObject).mode).toBe('dkg');
    const files = [...out.partyJson.values()].map((f) => JSON.parse(JSON.stringify(f)));
    const N = BigInt('0x' + pub.n);
    const c = encryptUnder({ N, bits: 128 } as never, 5n);
    const res = committeeDecrypt({ publicJson: pub, shares: [files[0], files[2]], c, allowInsecureSize: true });
    expect(res).toMatchObject({ plaintext: 5n, valid: [1, 3], proofs: 'skipped-insecure-size' });
  });
});

/** A corrupt sender: replaces matching broadcasts (consistently, so echo checks see one version). */
function corruptBroadcast(from: number, has: string, mutate: (payload: JsonObject) => Json): Fault {
  const cache = new Map<Envelope, Envelope>();
  return (d: Delivery, ctx: FaultContext) => {
    const p = d.env.payload as JsonObject | null;
    if (d.env.from !== from || d.env.kind !== 'broadcast' || p === null || typeof p !== 'object' || !(has in p)) return [d];
    let env = cache.get(d.env);
    if (!env) {
      env = ctx.reseal(d.env, mutate(p), true);
      cache.set(d.env, env);
    }
    return [{ ...d, env }];
  };
}

function flip(h: string): string {
  return h.slice(0, -1) + (h.endsWith('0') ? '1' : '0');
}

async function abortsOf(run: Promise<unknown>): Promise<Map<PartyIndex, ProtocolAbort>> {
  try {
    await run;
  } catch (err) {
    expect(err).toBeInstanceOf(LocalDkgError);
    const out = new Map<PartyIndex, ProtocolAbort>();
    for (const [p, e] of (err as LocalDkgError).errors) if (e instanceof ProtocolAbort) out.set(p, e);
    return out;
  }
  throw new Error('the key generation did not fail');
}

describe('dealer-less key generation: misbehaviour is detected and named', () => {
  it('a share of N off the polynomial (n = 5, T = 2) names its sender', async () => {
    const aborts = await abortsOf(dkg(5, 2, 128, 'dkg tamper n', [corruptBroadcast(3, 'n', (p) => ({ ...p, n: [flip((p.n as string[])[0]!), ...(p.n as string[]).slice(1)] }))]));
    for (const p of [1, 2, 4, 5] as PartyIndex[]) {
      expect(aborts.get(p)?.reason).toBe('invalid-share');
      expect(aborts.get(p)?.culprits).toEqual([3]);
    }
  });

  it('a wrong verification key (n = 4, T = 2) names its sender', async () => {
    const aborts = await abortsOf(dkg(4, 2, 128, 'dkg tamper vk', [corruptBroadcast(2, 'vk', (p) => ({ ...p, vk: flip(p.vk as string) }))]));
    for (const p of [1, 3, 4] as PartyIndex[]) expect(aborts.get(p)?.culprits).toEqual([2]);
  });

  it('a bad epoch signature names its signer', async () => {
    const aborts = await abortsOf(dkg(3, 2, 128, 'dkg tamper sig', [corruptBroadcast(3, 'signature', (p) => ({ ...p, signature: flip(p.signature as string) }))]));
    for (const p of [1, 2] as PartyIndex[]) {
      expect(aborts.get(p)?.reason).toBe('invalid-message');
      expect(aborts.get(p)?.culprits).toEqual([3]);
    }
  });

  it('a party reporting another N in the θ round is named', async () => {
    const aborts = await abortsOf(dkg(3, 2, 128, 'dkg tamper theta', [corruptBroadcast(1, 'theta', (p) => ({ ...p, n: flip(p.n as string) }))]));
    for (const p of [2, 3] as PartyIndex[]) expect(aborts.get(p)?.culprits).toEqual([1]);
  });

  it('refuses an identity secret key that is not the configured one', async () => {
    const rng = createSeededRng('dkg identity');
    const keys = freshIdentitySecretKeys(3, rng);
    const { createPaillierDkgSession } = await import('../src/paillier/dkg/index.ts');
    const { createEd25519Auth } = await import('../src/engine/auth.ts');
    const { ed25519 } = await import('@noble/curves/ed25519.js');
    const pubs = new Map(keys.map((k, i) => [(i + 1) as PartyIndex, ed25519.getPublicKey(k)]));
    const s = createPaillierDkgSession({
      session: 'ab'.repeat(16) as never,
      self: 1 as PartyIndex,
      parties: [1, 2, 3] as PartyIndex[],
      config: { bits: 128, threshold: 2, allowInsecureSize: true, createdAt, identityKeys: [...pubs.values()] },
      identitySecretKey: keys[1]!,
      auth: createEd25519Auth(keys[0]!, pubs),
      rng,
    });
    await s.start();
    expect(s.status).toBe('aborted');
    expect(s.error!.message).toMatch(/identitySecretKey/);
  });
});

describe('a key shaped like the dealer-less one, at 2048 bits, decrypts with proofs', () => {
  it('integer shares of D = Δ⁴·φ(N)·β with θ = D mod N and a positivity shift', () => {
    const rng = createSeededRng('dkg-shaped key');
    const [p, q] = SAFE_PRIME_PAIRS[3]!;
    const N = p * q;
    const N2 = N * N;
    const n = 3;
    const delta = factorial(n);
    const D = delta ** 4n * (p - 1n) * (q - 1n) * (1n + randomBelow(N - 1n, rng));
    const K = 1n << 4200n;
    const coefficients = [D, randomBelow(1n << 4190n, rng) + K];
    const s = [1, 2, 3].map((i) => evaluatePolynomial(coefficients, i));
    const r = randomZnStar(N2, rng);
    const v = (r * r) % N2;
    const shareBits = bitLength(s.reduce((a, b) => (a > b ? a : b)));
    const pk = validateThresholdPublicKey({ N, parties: n, threshold: 2, v, verificationKeys: s.map((x) => modPow(v, delta * x, N2)), theta: D % N, shareBits });
    expect(pk.theta).not.toBe(1n);
    const m = 2n ** 200n + 12345n;
    const c = encryptUnder(pk, m);
    const ds = [1, 3].map((i) => createDecryptionShare(validateThresholdKeyShare(pk, i, s[i - 1]!), c, new Uint8Array(0), rng));
    expect(verifyAndCombine(pk, c, ds).plaintext).toBe(m);
    expect(() => verifyAndCombine(pk, c, [ds[0]!, { ...ds[1]!, ci: (ds[1]!.ci * v) % N2 }])).toThrow(/culprit|party 3/);
  });
});

describe('dealer-less key generation: snapshots', () => {
  it('a party restored from a snapshot in the middle of the search finishes with the others', async () => {
    const { createPaillierDkgSession, restorePaillierDkgSession } = await import('../src/paillier/dkg/index.ts');
    const { createEd25519Auth } = await import('../src/engine/auth.ts');
    const { ed25519 } = await import('@noble/curves/ed25519.js');
    const rng = createSeededRng('dkg snapshot');
    const keys = freshIdentitySecretKeys(3, rng);
    const pubs = new Map(keys.map((k, i) => [(i + 1) as PartyIndex, ed25519.getPublicKey(k)]));
    const parties = [1, 2, 3] as PartyIndex[];
    const config = { bits: 128, threshold: 2, allowInsecureSize: true, createdAt, identityKeys: [...pubs.values()] };
    const auth = (p: PartyIndex) => createEd25519Auth(keys[p - 1]!, pubs);
    const session = 'cd'.repeat(16) as never;
    const sessions = new Map(parties.map((p) => [p, createPaillierDkgSession({ session, self: p, parties, config, identitySecretKey: keys[p - 1]!, auth: auth(p), rng })]));
    const queue: Envelope[] = [];
    for (const s of sessions.values()) queue.push(...(await s.start()));
    let delivered = 0;
    let restored = false;
    while (queue.length > 0) {
      const env = queue.shift()!;
      const targets = env.kind === 'p2p' ? [env.to!] : parties.filter((p) => p !== env.from);
      for (const t of targets) queue.push(...(await sessions.get(t)!.receive(env)));
      if (++delivered === 40 && !restored) {
        const snap = sessions.get(2 as PartyIndex)!.snapshot();
        sessions.set(2 as PartyIndex, restorePaillierDkgSession(snap, { identitySecretKey: keys[1]!, auth: auth(2 as PartyIndex), rng }));
        restored = true;
      }
    }
    expect(restored).toBe(true);
    const outs = [...sessions.values()].map((s) => s.output);
    expect(outs.every((o) => o !== undefined)).toBe(true);
    expect(new Set(outs.map((o) => Buffer.from(o!.signed.id).toString('hex'))).size).toBe(1);
  });
});

describe('dealer-less key generation: configuration errors name the field', () => {
  it('createCommittee refuses n < 2T − 1, T = 1, small N and a bad time before running', async () => {
    const base = { mode: 'dkg' as const, parties: 3, bits: 128, allowInsecureSize: true, createdAt };
    await expect(createCommittee({ ...base, threshold: 3 })).rejects.toThrow(/config\.threshold/);
    await expect(createCommittee({ ...base, threshold: 1 })).rejects.toThrow(/config\.threshold/);
    await expect(createCommittee({ ...base, threshold: 2, allowInsecureSize: false })).rejects.toThrow(/config\.bits/);
    await expect(createCommittee({ ...base, threshold: 2, createdAt: 'now' })).rejects.toThrow(/createdAt/);
    await expect(createCommittee({ ...base, parties: 2, threshold: 2 })).rejects.toThrow(/parties/);
  });
});
