/**
 * Paillier scheme (g = N + 1): round trips, homomorphic identities (property tests on fixed
 * keys built from known primes), re-randomization, the key owner's CRT encryption, and
 * negative tests for every key, plaintext, nonce and ciphertext validation.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoError, FieldRangeError, FieldTypeError } from '../src/errors.ts';
import { backendReady, getBackend, ladderSquarings, modPow, modPowVartime } from '../src/backend/index.ts';
import { fixedWindowBits } from '../src/backend/multiexp.ts';
import { randomZnStar } from '../src/rng.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import {
  PAILLIER_MAX_BITS,
  add,
  addPlaintext,
  decrypt,
  disposePaillierSecretKey,
  encrypt,
  encryptWithNonce,
  encryptWithNonceAndSecretKey,
  encryptWithSecretKey,
  mulScalar,
  mulScalarVartime,
  paillierPublicKey,
  paillierSecretKeyFromPrimes,
  rerandomize,
  validateCiphertext,
  validateNonce,
  validatePlaintext,
} from '../src/paillier/index.ts';
import type { PaillierSecretKey } from '../src/paillier/index.ts';

/** Two 256-bit Blum primes with their top two bits set (made with OpenSSL, checked below), N of 512 bits. */
const P256 = 0xfeed2fc87264c12cb8a39d51e3bba3ec30a73f6aeb025700b1b08aed66ba4c27n;
const Q256 = 0xfb60291a239a462efae3f3417887a22eda9a406ae231bfbe6c81000aaf6bdb03n;

/** Milagro keygen.txt record 1: two 1024-bit primes, N of 2048 bits. */
function milagroKey(): PaillierSecretKey {
  const text = readFileSync(new URL('../../../vectors/paillier/milagro-crypto-c/keygen.txt', import.meta.url), 'utf8');
  const block = text.split(/\r?\n\s*\r?\n/)[1]!;
  const field = (k: string) => BigInt('0x' + new RegExp(`^${k} = ([0-9a-f]+),?$`, 'm').exec(block)![1]!);
  return paillierSecretKeyFromPrimes(field('P'), field('Q'));
}

const sk = milagroKey();
const pk = sk.publicKey;
const skSmall = paillierSecretKeyFromPrimes(P256, Q256, { allowInsecureSize: true });
const pkSmall = skSmall.publicKey;

/** Textbook decryption L(c^λ mod N²)·μ mod N, written independently of the CRT path. */
function textbookDecrypt(key: PaillierSecretKey, c: bigint): bigint {
  const { n, n2 } = key.publicKey;
  return (((modPowVartime(c, key.lambda, n2) - 1n) / n) * key.mu) % n;
}

const below = (n: bigint) => fc.bigInt({ min: 0n, max: n - 1n });
const RUNS_2048 = { numRuns: 8 };
const RUNS_512 = { numRuns: 60 };

describe('fixture keys', () => {
  it('are what the tests assume', () => {
    expect(pk.bits).toBe(2048);
    expect(pk.g).toBe(pk.n + 1n);
    expect(pk.n2).toBe(pk.n * pk.n);
    expect(pkSmall.bits).toBe(512);
  });
});

describe('encryption and CRT decryption', () => {
  it('round-trips on the 2048-bit key, including 0 and N − 1', () => {
    for (const m of [0n, 1n, pk.n - 1n]) expect(decrypt(sk, encrypt(pk, m))).toBe(m);
    fc.assert(
      fc.property(below(pk.n), (m) => {
        const c = encrypt(pk, m);
        expect(decrypt(sk, c)).toBe(m);
        expect(textbookDecrypt(sk, c)).toBe(m);
      }),
      RUNS_2048,
    );
  });
  it('round-trips on the 512-bit key (more runs)', () => {
    fc.assert(
      fc.property(below(pkSmall.n), (m) => {
        expect(decrypt(skSmall, encrypt(pkSmall, m))).toBe(m);
      }),
      RUNS_512,
    );
  });
  it('encrypt draws r from Z*_N with the given RNG and matches encryptWithNonce', () => {
    const m = 123456789n;
    const r = randomZnStar(pk.n, createSeededRng('paillier nonce'));
    expect(encrypt(pk, m, createSeededRng('paillier nonce'))).toBe(encryptWithNonce(pk, m, r));
  });
  it('encryptWithNonce is (1 + mN)·r^N mod N²', () => {
    const m = 0xdeadbeefn;
    const r = 0x1234567n;
    expect(encryptWithNonce(pk, m, r)).toBe(((1n + m * pk.n) * modPowVartime(r, pk.n, pk.n2)) % pk.n2);
  });
  it('the key owner’s CRT encryption equals the public one for the same r', () => {
    fc.assert(
      fc.property(below(pk.n), fc.bigInt({ min: 1n, max: pk.n - 1n }), (m, r) => {
        fc.pre(r % sk.p !== 0n && r % sk.q !== 0n);
        expect(encryptWithNonceAndSecretKey(sk, m, r)).toBe(encryptWithNonce(pk, m, r));
      }),
      RUNS_2048,
    );
    const c = encryptWithSecretKey(sk, 77n);
    expect(decrypt(sk, c)).toBe(77n);
  });
  it('two encryptions of the same plaintext differ', () => {
    expect(encrypt(pk, 5n)).not.toBe(encrypt(pk, 5n));
  });
});

describe('homomorphic operations', () => {
  it('add: Dec(E(a)·E(b)) = a + b mod N, including wrap-around', () => {
    const n = pkSmall.n;
    expect(decrypt(skSmall, add(pkSmall, encrypt(pkSmall, n - 1n), encrypt(pkSmall, 2n)))).toBe(1n);
    fc.assert(
      fc.property(below(n), below(n), (a, b) => {
        expect(decrypt(skSmall, add(pkSmall, encrypt(pkSmall, a), encrypt(pkSmall, b)))).toBe((a + b) % n);
      }),
      RUNS_512,
    );
    const [a, b] = [pk.n - 10n, 25n];
    expect(decrypt(sk, add(pk, encrypt(pk, a), encrypt(pk, b)))).toBe(15n);
  });
  it('addPlaintext: Dec(E(a)·g^k) = a + k mod N for any integer k', () => {
    const n = pkSmall.n;
    fc.assert(
      fc.property(below(n), fc.bigInt({ min: -(n * 2n), max: n * 2n }), (a, k) => {
        const m = (((a + k) % n) + n) % n;
        expect(decrypt(skSmall, addPlaintext(pkSmall, encrypt(pkSmall, a), k))).toBe(m);
      }),
      RUNS_512,
    );
  });
  it('mulScalar: Dec(E(m)^k) = k·m mod N; negative and oversized k are reduced mod N', () => {
    const n = pkSmall.n;
    fc.assert(
      fc.property(below(n), fc.bigInt({ min: -(n * 3n), max: n * 3n }), (m, k) => {
        const c = encrypt(pkSmall, m);
        const expected = (((k * m) % n) + n) % n;
        expect(decrypt(skSmall, mulScalar(pkSmall, c, k))).toBe(expected);
        expect(mulScalarVartime(pkSmall, c, k)).toBe(mulScalar(pkSmall, c, k));
      }),
      RUNS_512,
    );
    const c = encrypt(pk, 1000n);
    expect(decrypt(sk, mulScalar(pk, c, -3n))).toBe(pk.n - 3000n);
    expect(mulScalar(pk, c, 0n)).toBe(1n);
    expect(mulScalar(pk, c, pk.n)).toBe(1n);
  });
  it('linear combination on the 2048-bit key: Dec(E(a)^x · E(b)) = a·x + b mod N', () => {
    fc.assert(
      fc.property(below(pk.n), below(pk.n), below(pk.n), (a, x, b) => {
        const c = add(pk, mulScalar(pk, encrypt(pk, a), x), encrypt(pk, b));
        expect(decrypt(sk, c)).toBe((a * x + b) % pk.n);
      }),
      { numRuns: 4 },
    );
  });
  it('rerandomize keeps the plaintext and changes the ciphertext', () => {
    fc.assert(
      fc.property(below(pkSmall.n), (m) => {
        const c = encrypt(pkSmall, m);
        const c2 = rerandomize(pkSmall, c);
        expect(c2).not.toBe(c);
        expect(decrypt(skSmall, c2)).toBe(m);
      }),
      RUNS_512,
    );
    const c = encrypt(pk, 42n);
    const c2 = rerandomize(pk, c);
    expect(c2).not.toBe(c);
    expect(decrypt(sk, c2)).toBe(42n);
    // With a fixed RNG, rerandomize multiplies by r^N for the r that RNG yields.
    const r = randomZnStar(pk.n, createSeededRng('rerandomize'));
    expect(rerandomize(pk, c, createSeededRng('rerandomize'))).toBe((c * modPowVartime(r, pk.n, pk.n2)) % pk.n2);
  });
});

/** Squarings the active backend's secret ladder runs over `bits` bits (see backend.test.ts). */
function expectedSquarings(bits: number): number {
  if (getBackend().name === 'bigint') return Math.ceil(bits / 4) * 4;
  const w = fixedWindowBits(bits);
  return (Math.ceil(bits / w) - 1) * w;
}

/** Squarings counted while `f` runs. */
function squaringsOf(f: () => unknown): number {
  const before = ladderSquarings()!;
  f();
  return (ladderSquarings()! - before) >>> 0;
}

describe('public exponent bounds on the secret ladders', () => {
  it('decryption runs each CRT half over |p| bits (p − 1), not over the 2|p| bits of p²', async () => {
    await backendReady();
    const c = encrypt(pk, 123456789n);
    expect(squaringsOf(() => expect(decrypt(sk, c)).toBe(123456789n))).toBe(2 * expectedSquarings(1024));
    // the unbounded ladder over p² would cost twice as many
    expect(squaringsOf(() => modPow(c % sk.p2, sk.p - 1n, sk.p2))).toBe(expectedSquarings(2048));
  });

  it('the key owner’s encryption runs each half over |N| bits; mulScalar over |N| or the declared kBits', async () => {
    await backendReady();
    const r = randomZnStar(pk.n, createSeededRng('bounds'));
    expect(squaringsOf(() => encryptWithNonceAndSecretKey(sk, 5n, r))).toBe(2 * expectedSquarings(2048));
    const c = encrypt(pk, 77n);
    expect(squaringsOf(() => mulScalar(pk, c, 3n))).toBe(expectedSquarings(2048));
    expect(squaringsOf(() => mulScalar(pk, c, 3n, 256))).toBe(expectedSquarings(256));
    expect(squaringsOf(() => mulScalar(pk, c, (1n << 256n) - 1n, 256))).toBe(expectedSquarings(256));
  });

  it('mulScalar with kBits equals the unbounded result and refuses k outside [0, 2^kBits)', () => {
    fc.assert(
      fc.property(below(pkSmall.n), fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (m, k) => {
        const c = encrypt(pkSmall, m);
        expect(mulScalar(pkSmall, c, k, 256)).toBe(mulScalar(pkSmall, c, k));
      }),
      { numRuns: 20 },
    );
    const c = encrypt(pk, 9n);
    expect(decrypt(sk, mulScalar(pk, c, 1000n, 10))).toBe(9000n);
    for (const k of [1n << 256n, -1n, pk.n - 1n]) expect(() => mulScalar(pk, c, k, 256)).toThrowError(/^k:/);
    for (const bits of [0, 2049, 1.5]) expect(() => mulScalar(pk, c, 1n, bits)).toThrowError(/^kBits:/);
  });
});

describe('public key validation', () => {
  it('accepts an odd N of 2048 bits and the stated bit length', () => {
    expect(paillierPublicKey(pk.n, { bits: 2048 }).n).toBe(pk.n);
  });
  it('rejects an even N', () => {
    expect(() => paillierPublicKey(pk.n + 1n)).toThrow(FieldRangeError);
    expect(() => paillierPublicKey(pk.n + 1n)).toThrow(/^n: modulus must be odd/);
  });
  it('rejects N ≤ 1 and non-bigints', () => {
    expect(() => paillierPublicKey(1n, { allowInsecureSize: true })).toThrow(FieldRangeError);
    expect(() => paillierPublicKey(-15n, { allowInsecureSize: true })).toThrow(FieldRangeError);
    expect(() => paillierPublicKey(15 as unknown as bigint)).toThrow(FieldTypeError);
  });
  it('rejects N not of the stated bit length', () => {
    expect(() => paillierPublicKey(pk.n, { bits: 2047 })).toThrow(/2048 bits, expected 2047/);
    expect(() => paillierPublicKey(pk.n, { bits: 3072 })).toThrow(FieldRangeError);
  });
  it('rejects N below 2048 bits unless allowInsecureSize', () => {
    expect(() => paillierPublicKey(pkSmall.n)).toThrow(/512 bits; at least 2048/);
    expect(() => paillierPublicKey(pk.n >> 1n | 1n)).toThrow(FieldRangeError);
    expect(paillierPublicKey(pkSmall.n, { allowInsecureSize: true }).bits).toBe(512);
  });
  it('rejects N above the maximum size', () => {
    expect(() => paillierPublicKey((1n << BigInt(PAILLIER_MAX_BITS)) + 1n)).toThrow(FieldRangeError);
  });
  it('names the field given', () => {
    expect(() => paillierPublicKey(4n, { allowInsecureSize: true, field: 'party[2].N' })).toThrow(/^party\[2\]\.N: /);
  });
});

describe('secret key validation', () => {
  it('computes the CRT constants and λ, μ consistently', () => {
    for (const key of [sk, skSmall]) {
      const { p, q } = key;
      expect(key.publicKey.n).toBe(p * q);
      expect(key.phi).toBe((p - 1n) * (q - 1n));
      expect(key.phi % key.lambda).toBe(0n);
      expect((key.lambda * key.mu) % key.publicKey.n).toBe(1n);
      expect((key.hp * (p - 1n) * q) % p).toBe(1n);
      expect((key.hq * (q - 1n) * p) % q).toBe(1n);
      expect((key.qInvP * q) % p).toBe(1n);
      expect(key.crt.m).toBe(key.publicKey.n2);
      expect(key.crtN.m).toBe(key.publicKey.n);
      expect(key.p2).toBe(p * p);
      expect(key.q2).toBe(q * q);
    }
  });
  it('the small fixture primes are Blum primes with the top two bits set', () => {
    for (const x of [P256, Q256]) {
      expect(x % 4n).toBe(3n);
      expect(x >> 254n).toBe(3n);
    }
  });
  it('rejects p = q', () => {
    expect(() => paillierSecretKeyFromPrimes(P256, P256, { allowInsecureSize: true })).toThrow(CryptoError);
    expect(() => paillierSecretKeyFromPrimes(P256, P256, { allowInsecureSize: true })).toThrow(/distinct/);
  });
  it('rejects a composite factor', () => {
    const composite = P256 * 3n;
    expect(() => paillierSecretKeyFromPrimes(composite, Q256, { allowInsecureSize: true })).toThrow(/^p: not a prime/);
    expect(() => paillierSecretKeyFromPrimes(P256, composite, { allowInsecureSize: true })).toThrow(/^q: not a prime/);
  });
  it('rejects even factors and factors ≤ 2', () => {
    expect(() => paillierSecretKeyFromPrimes(P256 + 1n, Q256, { allowInsecureSize: true })).toThrow(/^p: prime factor must be odd/);
    expect(() => paillierSecretKeyFromPrimes(P256, 2n, { allowInsecureSize: true })).toThrow(/^q: prime factor must be greater than 2/);
    expect(() => paillierSecretKeyFromPrimes(P256, 1 as unknown as bigint)).toThrow(FieldTypeError);
  });
  it('rejects gcd(N, φ(N)) ≠ 1 (q ≡ 1 mod p)', () => {
    // 3 divides 7 − 1: N = 21, φ = 12.
    expect(() => paillierSecretKeyFromPrimes(3n, 7n, { allowInsecureSize: true })).toThrow(/gcd\(N, φ\(N\)\) ≠ 1/);
  });
  it('rejects a small modulus without allowInsecureSize', () => {
    expect(() => paillierSecretKeyFromPrimes(P256, Q256)).toThrow(/^n: modulus has 512 bits/);
  });
  it('skips the primality test only when asked', () => {
    const composite = P256 * P256;
    const key = paillierSecretKeyFromPrimes(composite, Q256, { allowInsecureSize: true, checkPrimality: false });
    expect(key.publicKey.n).toBe(composite * Q256);
  });
  it('hides the secret fields from util.inspect (console.log)', () => {
    const text = inspect(skSmall, { depth: 5 });
    expect(text).toMatch(/^PaillierSecretKey \{ bits: 512, /);
    expect(text).not.toContain(skSmall.p.toString());
    expect(text).not.toContain(skSmall.p.toString(16));
    expect(() => JSON.stringify(skSmall)).toThrow(TypeError);
  });
  it('dispose drops the secret values and later use throws', () => {
    const key = paillierSecretKeyFromPrimes(P256, Q256, { allowInsecureSize: true });
    const c = encrypt(key.publicKey, 9n);
    expect(decrypt(key, c)).toBe(9n);
    disposePaillierSecretKey(key);
    expect(key.p).toBe(0n);
    expect(key.lambda).toBe(0n);
    expect(() => decrypt(key, c)).toThrow(/secret key was disposed/);
    expect(() => encryptWithSecretKey(key, 1n)).toThrow(CryptoError);
  });
});

describe('plaintext, nonce and ciphertext validation', () => {
  const c = encrypt(pkSmall, 5n);
  it('rejects m ≥ N and m < 0 naming the field', () => {
    expect(() => validatePlaintext(pkSmall, pkSmall.n)).toThrow(/^m: plaintext must be less than N/);
    expect(() => validatePlaintext(pkSmall, -1n, 'x')).toThrow(/^x: plaintext must be non-negative/);
    expect(() => encrypt(pkSmall, pkSmall.n)).toThrow(FieldRangeError);
    expect(() => encrypt(pkSmall, -1n)).toThrow(FieldRangeError);
    expect(() => encryptWithNonce(pkSmall, pkSmall.n + 5n, 3n)).toThrow(FieldRangeError);
    expect(() => encryptWithSecretKey(skSmall, pkSmall.n)).toThrow(FieldRangeError);
    expect(() => encrypt(pkSmall, 5 as unknown as bigint)).toThrow(FieldTypeError);
    expect(() => validatePlaintext(pkSmall, pkSmall.n - 1n)).not.toThrow();
  });
  it('rejects r outside Z*_N', () => {
    expect(() => encryptWithNonce(pkSmall, 1n, 0n)).toThrow(/^r: /);
    expect(() => encryptWithNonce(pkSmall, 1n, pkSmall.n)).toThrow(FieldRangeError);
    expect(() => encryptWithNonce(pkSmall, 1n, P256)).toThrow(CryptoError);
    expect(() => validateNonce(pkSmall, Q256 * 2n)).toThrow(/^r: randomness is not coprime to N/);
  });
  it('rejects c = 0, c < 0 and c ≥ N²', () => {
    for (const bad of [0n, -c, pkSmall.n2, pkSmall.n2 + c]) {
      expect(() => validateCiphertext(pkSmall, bad)).toThrow(FieldRangeError);
      expect(() => decrypt(skSmall, bad)).toThrow(FieldRangeError);
      expect(() => add(pkSmall, c, bad)).toThrow(/^c2: /);
      expect(() => add(pkSmall, bad, c)).toThrow(/^c1: /);
      expect(() => addPlaintext(pkSmall, bad, 1n)).toThrow(FieldRangeError);
      expect(() => mulScalar(pkSmall, bad, 2n)).toThrow(FieldRangeError);
      expect(() => mulScalarVartime(pkSmall, bad, 2n)).toThrow(FieldRangeError);
      expect(() => rerandomize(pkSmall, bad)).toThrow(FieldRangeError);
    }
    expect(() => validateCiphertext(pkSmall, 0n, 'msg.K')).toThrow(/^msg\.K: ciphertext must be positive/);
  });
  it('rejects gcd(c, N) ≠ 1', () => {
    for (const bad of [P256, Q256 * 12345n, pkSmall.n, (c * P256) % pkSmall.n2]) {
      expect(() => validateCiphertext(pkSmall, bad, 'c')).toThrow(CryptoError);
      expect(() => validateCiphertext(pkSmall, bad, 'c')).toThrow(/^c: ciphertext is not coprime to N/);
      expect(() => decrypt(skSmall, bad)).toThrow(CryptoError);
      expect(() => mulScalar(pkSmall, bad, 2n)).toThrow(CryptoError);
      expect(() => mulScalarVartime(pkSmall, bad, 2n)).toThrow(CryptoError);
      expect(() => rerandomize(pkSmall, bad)).toThrow(CryptoError);
    }
    expect(() => validateCiphertext(pkSmall, c)).not.toThrow();
  });
  it('rejects non-bigint ciphertexts and scalars', () => {
    expect(() => validateCiphertext(pkSmall, '5' as unknown as bigint)).toThrow(FieldTypeError);
    expect(() => mulScalar(pkSmall, c, 2 as unknown as bigint)).toThrow(/^k: /);
    expect(() => addPlaintext(pkSmall, c, 2 as unknown as bigint)).toThrow(FieldTypeError);
  });
});
