/**
 * Threshold Paillier with a dealer (Shoup 2000 / Damgård–Jurik 2001, s = 1) on 2048-bit moduli
 * from fixture safe primes: any T shares decrypt; a tampered decryption share or proof is
 * excluded and its sender named; fewer than T valid shares is an InsufficientSharesError; the
 * proof is bound to key, context, ciphertext and prover; the public-key and key-share checks
 * reject tampered values.
 */
import { describe, expect, it } from 'vitest';
import { CryptoError, FieldRangeError } from '@tessera/crypto/errors';
import { createSeededRng } from '@tessera/crypto/testing/seeded-rng';
import { modPow } from '@tessera/crypto/backend';
import { jacobi } from '@tessera/crypto/modular';
import { dealThresholdPaillier, generateDealerKey } from '../src/paillier/dealer.ts';
import {
  InsufficientSharesError,
  combineDecryptionShares,
  createDecryptionShare,
  decryptionShareValue,
  verifyAndCombine,
  verifyDecryptionShare,
  type DecryptionShare,
} from '../src/paillier/decrypt/share.ts';
import { encodeDecryptionShare, parseDecryptionShare } from '../src/paillier/decrypt/encoding.ts';
import { publicKeyFields, validateThresholdKeyShare, validateThresholdPublicKey } from '../src/paillier/key.ts';
import { factorial, lagrangeIntegerCoefficient } from '../src/paillier/math.ts';
import type { PartyIndex } from '../src/engine/ids.ts';
import { SAFE_PRIME_PAIRS, dealtKey, encryptUnder } from './paillier-fixtures.ts';

const rng = createSeededRng('paillier dealer tests');

function subsets<T>(xs: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (xs.length < k) return [];
  const [h, ...rest] = xs;
  return [...subsets(rest, k - 1).map((s) => [h!, ...s]), ...subsets(rest, k)];
}

describe('integer Lagrange coefficients (Shoup lemma: Δ·λ is an integer)', () => {
  it('are integers for every subset of 1..5 and interpolate a polynomial at 0', () => {
    const delta = factorial(5);
    const f = (x: bigint) => 7n + 3n * x + 11n * x * x;
    for (const S of subsets([1, 2, 3, 4, 5], 3)) {
      const sum = S.reduce((acc, i) => acc + lagrangeIntegerCoefficient(delta, S, i, 0) * f(BigInt(i)), 0n);
      expect(sum).toBe(delta * 7n);
    }
  });
  it('refuses a Δ too small for the indices', () => {
    expect(() => lagrangeIntegerCoefficient(1n, [1, 3], 1, 0)).toThrow(CryptoError);
  });
});

describe('dealer key, 2-of-3, 2048-bit N', () => {
  const { publicKey: pk, shares } = dealtKey(3, 2);
  const m = 0x1234_5678_9abc_def0_1234n;
  const c = encryptUnder(pk, m);
  const ds = new Map<number, DecryptionShare>();
  for (const [i, s] of shares) ds.set(i, createDecryptionShare(s, c, new Uint8Array(0), rng));

  it('has N of 2048 bits, θ = 1 and Δ = 3!', () => {
    expect(pk.bits).toBe(2048);
    expect(pk.theta).toBe(1n);
    expect(pk.delta).toBe(6n);
  });

  it('every decryption share verifies and every 2- or 3-subset decrypts', () => {
    for (const d of ds.values()) verifyDecryptionShare(pk, c, d);
    for (const k of [2, 3])
      for (const S of subsets([1, 2, 3] as PartyIndex[], k)) expect(combineDecryptionShares(pk, S.map((i) => ds.get(i)!))).toBe(m);
  });

  it('decrypts 0 and N − 1', () => {
    for (const x of [0n, pk.N - 1n]) {
      const cx = encryptUnder(pk, x);
      const list = [1, 3].map((i) => createDecryptionShare(shares.get(i as PartyIndex)!, cx, new Uint8Array(0), rng));
      expect(verifyAndCombine(pk, cx, list).plaintext).toBe(x);
    }
  });

  it('excludes a tampered share cᵢ and names its sender, decrypting with the others', () => {
    const bad = { ...ds.get(2)!, ci: (ds.get(2)!.ci * 4n) % pk.N2 };
    const res = verifyAndCombine(pk, c, [ds.get(1)!, bad, ds.get(3)!]);
    expect(res.plaintext).toBe(m);
    expect(res.valid).toEqual([1, 3]);
    expect(res.invalid.map((x) => x.index)).toEqual([2]);
    expect(res.invalid[0]!.reason).toMatch(/dleq-zn\.challenge/);
  });

  it('rejects a share whose proof fields were altered (e and z each)', () => {
    const d = ds.get(1)!;
    expect(() => verifyDecryptionShare(pk, c, { ...d, proof: { ...d.proof, e: d.proof.e ^ 1n } })).toThrow(/dleq-zn\.challenge/);
    expect(() => verifyDecryptionShare(pk, c, { ...d, proof: { ...d.proof, z: d.proof.z + 1n } })).toThrow(/dleq-zn\.challenge/);
  });

  it('accepts −cᵢ, which cannot change the result (the proof is on cᵢ², the combination uses even powers)', () => {
    const d = ds.get(1)!;
    const neg = { ...d, ci: pk.N2 - d.ci };
    // (−cᵢ)² = cᵢ², so the proof verifies, but combining with it still yields m: the sign cannot change the result.
    verifyDecryptionShare(pk, c, neg);
    expect(combineDecryptionShares(pk, [neg, ds.get(2)!])).toBe(m);
  });

  it('binds the proof to the prover index, the ciphertext and the context', () => {
    const d = ds.get(1)!;
    expect(() => verifyDecryptionShare(pk, c, { ...d, index: 2 as PartyIndex })).toThrow(CryptoError);
    const c2 = encryptUnder(pk, 5n);
    expect(() => verifyDecryptionShare(pk, c2, d)).toThrow(CryptoError);
    expect(() => verifyDecryptionShare(pk, c, d, new Uint8Array([1]))).toThrow(/dleq-zn\.challenge/);
    const withCtx = createDecryptionShare(shares.get(1 as PartyIndex)!, c, new Uint8Array([1]), rng);
    verifyDecryptionShare(pk, c, withCtx, new Uint8Array([1]));
    expect(() => verifyDecryptionShare(pk, c, withCtx)).toThrow(/dleq-zn\.challenge/);
  });

  it('fewer than T valid shares is an InsufficientSharesError naming the culprits', () => {
    const bad = { ...ds.get(3)!, ci: ds.get(1)!.ci };
    let err: unknown;
    try {
      verifyAndCombine(pk, c, [ds.get(1)!, bad]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InsufficientSharesError);
    expect((err as InsufficientSharesError).culprits).toEqual([3]);
    expect((err as InsufficientSharesError).valid).toBe(1);
    expect(() => verifyAndCombine(pk, c, [ds.get(2)!])).toThrow(InsufficientSharesError);
  });

  it('counts a duplicate share from one party once and reports the second', () => {
    const res = verifyAndCombine(pk, c, [ds.get(1)!, ds.get(1)!, ds.get(2)!]);
    expect(res.plaintext).toBe(m);
    expect(res.invalid).toEqual([{ index: 1, reason: expect.stringMatching(/duplicate/) }]);
  });

  it('refuses ciphertexts that are not units of Z*_{N²}', () => {
    const s = shares.get(1 as PartyIndex)!;
    expect(() => createDecryptionShare(s, 0n)).toThrow(FieldRangeError);
    expect(() => createDecryptionShare(s, pk.N2)).toThrow(FieldRangeError);
    expect(() => createDecryptionShare(s, SAFE_PRIME_PAIRS[0]![0])).toThrow(/coprime/);
  });

  it('encodes decryption shares canonically and parses them strictly', () => {
    const json = encodeDecryptionShare(pk, ds.get(2)!);
    const back = parseDecryptionShare(pk, JSON.parse(JSON.stringify(json)));
    expect(back).toEqual(ds.get(2));
    expect(() => parseDecryptionShare(pk, { ...json, extra: 1 })).toThrow(/unknown field/);
    expect(() => parseDecryptionShare(pk, { ...json, index: 4 })).toThrow(/share\.index/);
    expect(() => parseDecryptionShare(pk, { ...json, ci: (json.ci as string).slice(2) })).toThrow(/share\.ci/);
    expect(() => parseDecryptionShare(pk, { ...json, version: 2 })).toThrow(/version/);
    expect(() => parseDecryptionShare(pk, { ...json, proof: { ...(json.proof as object), z: '00' } })).toThrow(/z/);
  });

  it('a party checks its share against its verification key on receipt', () => {
    const s = shares.get(2 as PartyIndex)!;
    validateThresholdKeyShare(pk, 2, s.s);
    expect(() => validateThresholdKeyShare(pk, 2, s.s + 1n)).toThrow(/verification key of party 2/);
    expect(() => validateThresholdKeyShare(pk, 3, s.s)).toThrow(CryptoError);
    expect(() => validateThresholdKeyShare(pk, 4, s.s)).toThrow(FieldRangeError);
  });

  it('public-key validation rejects a verification key off the polynomial, a non-square v, a non-unit θ', () => {
    const f = publicKeyFields(pk);
    validateThresholdPublicKey(f);
    const vks = [...f.verificationKeys];
    vks[2] = (vks[2]! * modPow(pk.v, 6n, pk.N2)) % pk.N2;
    expect(() => validateThresholdPublicKey({ ...f, verificationKeys: vks })).toThrow(/verificationKeys\[2\]/);
    const vks2 = [...f.verificationKeys];
    vks2[0] = (vks2[0]! * pk.v) % pk.N2;
    // With T = 2, parties 1 and 2 define the line; changing party 1's key puts party 3 off it.
    expect(() => validateThresholdPublicKey({ ...f, verificationKeys: vks2 })).toThrow(/verificationKeys\[2\]/);
    let nonSquare = 2n;
    while (jacobi(nonSquare, pk.N) !== -1) nonSquare++;
    expect(() => validateThresholdPublicKey({ ...f, v: nonSquare })).toThrow(/Jacobi/);
    expect(() => validateThresholdPublicKey({ ...f, theta: SAFE_PRIME_PAIRS[0]![0] })).toThrow(/theta/);
    expect(() => validateThresholdPublicKey({ ...f, N: f.N + 2n })).toThrow(CryptoError);
  });

  it('public-key validation rejects a shared exponent that is not ≡ 0 mod the order of v', () => {
    // Shares of d + 1 instead of d: every verification key is multiplied by v^Δ.
    const f = publicKeyFields(pk);
    const shift = modPow(pk.v, pk.delta, pk.N2);
    const vks = f.verificationKeys.map((x) => (x * shift) % pk.N2);
    expect(() => validateThresholdPublicKey({ ...f, verificationKeys: vks })).toThrow(/not ≡ 0/);
  });

  it('refuses keys below 2048 bits unless allowInsecureSize', () => {
    const f = publicKeyFields(pk);
    expect(() => validateThresholdPublicKey({ ...f, N: 1001n })).toThrow(FieldRangeError);
  });
});

describe('dealer edge cases', () => {
  it('T = n = 3: only all three decrypt', () => {
    const { publicKey: pk, shares } = dealtKey(3, 3, 1);
    const c = encryptUnder(pk, 99n);
    const list = [...shares.values()].map((s) => createDecryptionShare(s, c, new Uint8Array(0), rng));
    expect(verifyAndCombine(pk, c, list).plaintext).toBe(99n);
    expect(() => verifyAndCombine(pk, c, list.slice(0, 2))).toThrow(InsufficientSharesError);
  });

  it('T = 1 of 2: each party decrypts alone', () => {
    const { publicKey: pk, shares } = dealtKey(2, 1, 1);
    const c = encryptUnder(pk, 42n);
    for (const s of shares.values()) expect(combineDecryptionShares(pk, [{ index: s.index, ci: decryptionShareValue(s, c) }])).toBe(42n);
  });

  it('refuses primes that are not safe, and p = q', () => {
    const [p, q] = SAFE_PRIME_PAIRS[0]!;
    expect(() => dealThresholdPaillier({ p, q: p, parties: 2, threshold: 2 })).toThrow(/differ/);
    expect(() => dealThresholdPaillier({ p: p + 2n, q, parties: 2, threshold: 2 })).toThrow(/safe prime/);
    expect(() => dealThresholdPaillier({ p, q, parties: 2, threshold: 3 })).toThrow(FieldRangeError);
  });

  it('generates a small insecure key end to end (shares combine; proofs refuse N < 2048 bits)', async () => {
    const { publicKey: pk, shares } = await generateDealerKey({ bits: 128, parties: 4, threshold: 3, rng, allowInsecureSize: true });
    expect(pk.bits).toBe(128);
    const c = encryptUnder(pk, 7n);
    const list = [2, 3, 4].map((i) => ({ index: i as PartyIndex, ci: decryptionShareValue(shares.get(i as PartyIndex)!, c) }));
    expect(combineDecryptionShares(pk, list)).toBe(7n);
    expect(() => createDecryptionShare(shares.get(1 as PartyIndex)!, c)).toThrow(/2048/);
    await expect(generateDealerKey({ bits: 128, parties: 2, threshold: 2 })).rejects.toThrow(FieldRangeError);
    await expect(generateDealerKey({ bits: 129, parties: 2, threshold: 2, allowInsecureSize: true })).rejects.toThrow(/even/);
  });
});
