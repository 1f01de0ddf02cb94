/**
 * Paillier key generation: sizes and prime kinds (small insecure sizes with a seeded RNG,
 * one 2048-bit key), the `findPrimes` hook (fed with the cggmp21 Blum prime fixtures for a
 * 3072-bit key), retries on unusable primes, cancellation, and option validation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AbortError, CryptoError, FieldRangeError, FieldTypeError } from '../src/errors.ts';
import { isProbablePrime } from '../src/primality.ts';
import type { GeneratePrimeOptions } from '../src/primes.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { decrypt, encrypt, generatePaillierKeyPair, mulScalar } from '../src/paillier/index.ts';
import type { PaillierSecretKey } from '../src/paillier/index.ts';

/** cggmp21's pregenerated 1536-bit Blum primes (vectors/paillier/cggmp21). */
function cggmpPrimes(): bigint[] {
  const json = JSON.parse(
    readFileSync(new URL('../../../vectors/paillier/cggmp21/pregenerated_primes.json', import.meta.url), 'utf8'),
  ) as { bitsize: number; primes: { radix: number; value: string }[] };
  expect(json.bitsize).toBe(1536);
  return json.primes.map((p) => {
    expect(p.radix).toBe(16);
    return BigInt('0x' + p.value);
  });
}

const bitLen = (x: bigint) => x.toString(2).length;

function checkKey(sk: PaillierSecretKey, bits: number): void {
  const { p, q, publicKey } = sk;
  expect(publicKey.bits).toBe(bits);
  expect(bitLen(publicKey.n)).toBe(bits);
  expect(p * q).toBe(publicKey.n);
  expect(p).not.toBe(q);
  for (const x of [p, q]) {
    expect(bitLen(x)).toBe(bits / 2);
    expect(x >> BigInt(bits / 2 - 2)).toBe(3n);
    expect(isProbablePrime(x)).toBe(true);
  }
  const m = publicKey.n - 12345n;
  expect(decrypt(sk, encrypt(publicKey, m))).toBe(m);
}

describe('generatePaillierKeyPair', () => {
  it('makes 512- and 1024-bit keys with allowInsecureSize (seeded RNG)', async () => {
    for (const bits of [512, 1024]) {
      const sk = await generatePaillierKeyPair({ bits, allowInsecureSize: true, rng: createSeededRng(`paillier keygen ${bits}`) });
      checkKey(sk, bits);
    }
  });
  it('is deterministic given the RNG', async () => {
    const a = await generatePaillierKeyPair({ bits: 512, allowInsecureSize: true, rng: createSeededRng('same seed') });
    const b = await generatePaillierKeyPair({ bits: 512, allowInsecureSize: true, rng: createSeededRng('same seed') });
    expect(a.publicKey.n).toBe(b.publicKey.n);
    const c = await generatePaillierKeyPair({ bits: 512, allowInsecureSize: true, rng: createSeededRng('other seed') });
    expect(c.publicKey.n).not.toBe(a.publicKey.n);
  });
  it('makes Blum-prime keys (p ≡ q ≡ 3 mod 4)', async () => {
    const sk = await generatePaillierKeyPair({ bits: 512, primes: 'blum', allowInsecureSize: true, rng: createSeededRng('blum') });
    checkKey(sk, 512);
    expect(sk.p % 4n).toBe(3n);
    expect(sk.q % 4n).toBe(3n);
  });
  it('makes safe-prime keys (p = 2p′ + 1)', async () => {
    const sk = await generatePaillierKeyPair({ bits: 256, primes: 'safe', allowInsecureSize: true, rng: createSeededRng('safe') });
    checkKey(sk, 256);
    for (const x of [sk.p, sk.q]) expect(isProbablePrime((x - 1n) / 2n)).toBe(true);
  });
  it('makes a 2048-bit key with random primes by default', async () => {
    const sk = await generatePaillierKeyPair();
    checkKey(sk, 2048);
  });
  it('reports progress', async () => {
    let calls = 0;
    await generatePaillierKeyPair({ bits: 512, allowInsecureSize: true, rng: createSeededRng('progress'), onProgress: () => calls++ });
    expect(calls).toBeGreaterThan(0);
  });
});

describe('generatePaillierKeyPair with findPrimes', () => {
  it('builds a 3072-bit key from the cggmp21 Blum primes through the hook', async () => {
    const primes = cggmpPrimes();
    const requests: { count: number; opts: GeneratePrimeOptions }[] = [];
    const sk = await generatePaillierKeyPair({
      bits: 3072,
      primes: 'blum',
      findPrimes: async (count, opts) => {
        requests.push({ count, opts });
        return primes.slice(0, count);
      },
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.count).toBe(2);
    expect(requests[0]!.opts.bits).toBe(1536);
    expect(requests[0]!.opts.kind).toBe('blum');
    expect(sk.p).toBe(primes[0]);
    expect(sk.q).toBe(primes[1]);
    expect(sk.publicKey.bits).toBe(3072);
    const c = mulScalar(sk.publicKey, encrypt(sk.publicKey, 1000n), 7n);
    expect(decrypt(sk, c)).toBe(7000n);
  });
  it('asks again when the hook returns the same prime twice, or primes whose product is short', async () => {
    const primes = cggmpPrimes();
    const answers = [
      [primes[4]!, primes[4]!], // p = q
      [primes[2]!, primes[3]!], // N of 3071 bits (these two lack the second-highest bit)
      [primes[4]!, primes[7]!],
    ];
    let calls = 0;
    const sk = await generatePaillierKeyPair({ bits: 3072, findPrimes: async () => answers[calls++]! });
    expect((primes[2]! * primes[3]!).toString(2)).toHaveLength(3071);
    expect(calls).toBe(3);
    expect(sk.p).toBe(primes[4]);
    expect(sk.q).toBe(primes[7]);
  });
  it('rejects hook results that are not two primes of the right size', async () => {
    const primes = cggmpPrimes();
    const run = (out: unknown[]) =>
      generatePaillierKeyPair({ bits: 3072, findPrimes: async () => out as bigint[] });
    await expect(run([primes[0]!])).rejects.toThrow(CryptoError);
    await expect(run([primes[0]!, primes[1]! >> 1n])).rejects.toThrow(/not a 1536-bit prime/);
    await expect(run([primes[0]!, 5])).rejects.toThrow(/^findPrimes: /);
    // A 2048-bit request cannot be served with 1536-bit primes.
    await expect(generatePaillierKeyPair({ bits: 2048, findPrimes: async () => primes.slice(0, 2) })).rejects.toThrow(CryptoError);
  });
  it('passes cancellation to the hook and stops on abort', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      generatePaillierKeyPair({ bits: 3072, signal: controller.signal, findPrimes: async () => cggmpPrimes().slice(0, 2) }),
    ).rejects.toThrow(AbortError);
    await expect(generatePaillierKeyPair({ bits: 512, allowInsecureSize: true, signal: controller.signal })).rejects.toThrow(
      AbortError,
    );
  });
});

describe('generatePaillierKeyPair option validation', () => {
  it('refuses sizes below 2048 bits without allowInsecureSize', async () => {
    await expect(generatePaillierKeyPair({ bits: 1024 })).rejects.toThrow(FieldRangeError);
    await expect(generatePaillierKeyPair({ bits: 1024 })).rejects.toThrow(/^bits: at least 2048/);
  });
  it('refuses odd, tiny, huge and non-integer sizes', async () => {
    await expect(generatePaillierKeyPair({ bits: 2049 })).rejects.toThrow(/^bits: modulus size must be even/);
    await expect(generatePaillierKeyPair({ bits: 32, allowInsecureSize: true })).rejects.toThrow(FieldRangeError);
    await expect(generatePaillierKeyPair({ bits: 1 << 20 })).rejects.toThrow(FieldRangeError);
    await expect(generatePaillierKeyPair({ bits: 2048.5 })).rejects.toThrow(FieldTypeError);
  });
  it('refuses an unknown prime kind', async () => {
    await expect(generatePaillierKeyPair({ primes: 'strong' as 'safe' })).rejects.toThrow(/^primes: unknown prime kind/);
  });
});
