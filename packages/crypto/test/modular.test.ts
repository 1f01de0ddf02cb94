import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crt, egcd, gcd, invert, isPerfectSquare, isqrt, jacobi, lcm, mod } from '../src/modular.ts';
import { bigIntToBytes, bigIntToHex, bitLength, bytesToBigInt, hexToBigInt, parseBigInt } from '../src/bytes.ts';
import { bigintBackend, modPow, modPowVartime } from '../src/backend/index.ts';
import { CryptoError } from '../src/errors.ts';

const big = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });

/** Reference square-and-multiply, written independently of the backend. */
function refPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n % m;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

describe('bytes', () => {
  it('round-trips bigint ↔ fixed-length bytes and hex', () => {
    fc.assert(
      fc.property(big(300), (n) => {
        expect(bytesToBigInt(bigIntToBytes(n, 40))).toBe(n);
        expect(hexToBigInt(bigIntToHex(n, 40))).toBe(n);
        expect(bigIntToHex(n, 40)).toHaveLength(80);
      }),
    );
  });
  it('refuses values that do not fit and malformed text, naming the field', () => {
    expect(() => bigIntToBytes(256n, 1, 'x')).toThrowError(/^x: does not fit/);
    expect(() => bigIntToBytes(-1n, 4)).toThrow(RangeError);
    expect(() => hexToBigInt('0xzz', 'c')).toThrowError(/^c:/);
    expect(() => parseBigInt('12a', 'm')).toThrowError(/^m:/);
    expect(() => parseBigInt('0x', 'm')).toThrowError(/^m:/);
    expect(parseBigInt('0xff')).toBe(255n);
    expect(parseBigInt('255')).toBe(255n);
    expect(bitLength(0n)).toBe(0);
    expect(bitLength(255n)).toBe(8);
  });
});

describe('modular arithmetic', () => {
  it('gcd, lcm and egcd satisfy their identities', () => {
    fc.assert(
      fc.property(big(200), big(200), (a, b) => {
        const g = gcd(a, b);
        const [g2, x, y] = egcd(a, b);
        expect(g2).toBe(g);
        expect(a * x + b * y).toBe(g);
        if (g !== 0n) {
          expect(a % g).toBe(0n);
          expect(lcm(a, b) * g).toBe(a * b);
        }
      }),
    );
  });
  it('invert gives a·a⁻¹ ≡ 1 and refuses non-units', () => {
    const p = (1n << 127n) - 1n;
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: p - 1n }), (a) => {
        expect(mod(a * invert(a, p), p)).toBe(1n);
      }),
    );
    expect(() => invert(6n, 9n)).toThrow(CryptoError);
    expect(() => invert(3n, 1n)).toThrow(RangeError);
  });
  it('jacobi matches Euler’s criterion for a prime and multiplicativity for composites', () => {
    const p = 1000003n;
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: p - 1n }), (a) => {
        const e = refPow(a, (p - 1n) / 2n, p);
        expect(jacobi(a, p)).toBe(e === 1n ? 1 : -1);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 6n }), (a) => {
        expect(jacobi(a, 1000003n * 999983n)).toBe(jacobi(a, 1000003n) * jacobi(a, 999983n));
      }),
    );
    expect(jacobi(5n, 15n)).toBe(0);
    expect(() => jacobi(3n, 10n)).toThrowError(/^n:/);
  });
  it('crt reconstructs from residues and refuses non-coprime moduli', () => {
    fc.assert(
      fc.property(big(120), (x) => {
        const ms = [1000003n, 999983n, 4294967291n, 65537n];
        const M = ms.reduce((a, b) => a * b);
        const xm = x % M;
        expect(crt(ms.map((m) => xm % m), ms)).toBe(xm);
      }),
    );
    expect(() => crt([1n, 2n], [6n, 9n])).toThrow(CryptoError);
  });
  it('isqrt is the floor square root', () => {
    fc.assert(
      fc.property(big(500), (n) => {
        const r = isqrt(n);
        expect(r * r <= n && (r + 1n) * (r + 1n) > n).toBe(true);
      }),
    );
    expect(isPerfectSquare(1n << 200n)).toBe(true);
    expect(isPerfectSquare((1n << 200n) + 1n)).toBe(false);
  });
});

describe('bigint backend', () => {
  it('modPow and modPowVartime agree with a reference on random and edge values', () => {
    fc.assert(
      fc.property(big(600), big(700), big(600), (b, e, m0) => {
        const m = m0 | 3n;
        const ref = refPow(b, e, m);
        expect(modPow(b, e, m)).toBe(ref);
        expect(modPowVartime(b, e, m)).toBe(ref);
      }),
      { numRuns: 50 },
    );
    const m = (1n << 521n) - 1n;
    for (const b of [0n, 1n, m - 1n, m, m + 5n])
      for (const e of [0n, 1n, 2n, m - 1n]) {
        expect(bigintBackend.modPow(b, e, m)).toBe(refPow(b, e, m));
        expect(bigintBackend.modPowVartime(b, e, m)).toBe(refPow(b, e, m));
      }
  });
  it('refuses bad arguments by name', () => {
    expect(() => modPow(2n, 3n, 1n)).toThrowError(/^m:/);
    expect(() => modPow(2n, -3n, 7n)).toThrowError(/^exp:/);
    expect(() => modPow(2 as unknown as bigint, 3n, 7n)).toThrow(TypeError);
  });
});
