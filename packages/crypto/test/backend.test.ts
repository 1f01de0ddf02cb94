/**
 * One suite for every modular-exponentiation backend (bigint, wasm-scalar, wasm-simd):
 * results against an independent BigInt reference over random and edge values, moduli of
 * every supported size (and beyond, where WebAssembly hands over to BigInt), argument
 * errors, the context cache, multi-exponentiation and the CRT helpers.
 *
 * The WebAssembly module is built here first if it is missing (the build skips itself
 * when up to date), so the suite also runs straight from `vitest` on a fresh checkout.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FieldRangeError } from '../src/errors.ts';
import { createSeededRng } from '../src/testing/seeded-rng.ts';
import { randomBits } from '../src/rng.ts';
import type { ModBackend } from '../src/backend/types.ts';

execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build-wasm.mjs', import.meta.url))], { stdio: 'inherit' });
const api = await import('../src/backend/index.ts');
const { limbLayout, MAX_MODULUS_BITS, CONTEXT_SLOTS } = await import('../src/backend/wasm/engine.ts');
const { fixedWindowBits } = await import('../src/backend/multiexp.ts');
const wasm = await api.loadWasmBackends();

const rng = createSeededRng('tessera backend.test');
const rand = (bits: number): bigint => (bits <= 0 ? 0n : randomBits(bits, rng));

/** Reference right-to-left square-and-multiply, independent of every backend. */
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

/** A random odd modulus of exactly `bits` bits. */
function oddModulus(bits: number): bigint {
  if (bits === 2) return 3n;
  return (1n << BigInt(bits - 1)) | rand(bits - 1) | 1n;
}

/** Odd moduli whose top limb (in a WebAssembly variant's layout) is all ones. */
function allOnesTopLimb(bits: number, variant: 'simd' | 'scalar' = 'simd'): bigint {
  const { w, n } = limbLayout(bits, variant);
  const low = BigInt(w * (n - 1));
  if (BigInt(bits) <= low) return (1n << BigInt(bits)) - 1n;
  return ((1n << BigInt(bits)) - (1n << low)) | rand(Number(low)) | 1n;
}

// around limb boundaries (27/28/29 bits), the width switches (SIMD 3594/3595, scalar 7050/7051 bits) and the largest sizes
const SIZES = [2, 3, 8, 27, 28, 29, 30, 31, 56, 57, 58, 59, 64, 100, 127, 128, 255, 256, 384, 512, 1023, 1024,
  1536, 2048, 3072, 3594, 3595, 4096, 7050, 7051, 8191, 8192];

/** One exponentiation with its reference result, shared by every backend. */
interface Case {
  readonly b: bigint;
  readonly e: bigint;
  readonly m: bigint;
  readonly want: bigint;
  readonly label: string;
}
const pow = (b: bigint, e: bigint, m: bigint, label: string): Case => ({ b, e, m, want: refPow(b, e, m), label });

/** Random values at every size; the second (fourth) modulus has an all-ones top limb in the SIMD (scalar) layout. */
const RANDOM_CASES: Case[] = SIZES.flatMap((bits) =>
  Array.from({ length: bits > 4096 ? 1 : bits > 1024 ? 2 : 4 }, (_, r) =>
    pow(rand(bits + 3), rand(bits > 4096 ? 300 : bits + 7), r === 1 ? allOnesTopLimb(bits) : r === 3 ? allOnesTopLimb(bits, 'scalar') : oddModulus(bits), `${bits} bits #${r}`),
  ),
);

/** Full-length exponents at the largest sizes (N² for a 2048-bit N, and 8192 bits). */
const FULL_CASES: Case[] = [
  ...[4096, 8192].map((bits) => pow(rand(bits - 1), rand(bits), oddModulus(bits), `${bits} bits, full exponent`)),
  pow(rand(1000), rand(20000), oddModulus(1024), '20000-bit exponent, 1024-bit modulus'),
];

/** All-ones limbs at the largest size of each limb width (the accumulator bounds are tightest there). */
const WORST_CASES: Case[] = [3594, 7050, 8192].flatMap((bits) => {
  const ones = (1n << BigInt(bits)) - 1n;
  return [ones, ones - 2n].flatMap((m) => [m - 1n, m - 2n, ones >> 1n].map((b) => pow(b, (1n << 200n) - 1n, m, `worst case ${bits} bits`)));
});

/** 2^e (the doubling path of the WebAssembly backends' modPowVartime) at every size and for tiny moduli. */
const TWO_CASES: Case[] = [
  ...SIZES.filter((bits) => bits > 2).map((bits) => pow(2n, rand(Math.min(bits, 1500)), oddModulus(bits), `2^e, ${bits} bits`)),
  ...[3n, 5n, 7n, 9n].flatMap((m) => [0n, 1n, 2n, 3n, 100n].map((e) => pow(2n, e, m, `2^${e} mod ${m}`))),
  ...[1024, 3594].map((bits) => pow(2n, (1n << BigInt(bits)) - 1n, (1n << BigInt(bits)) - 1n, `2^(2^${bits}−1) mod 2^${bits}−1`)),
];

/** Edge bases (0, 1, N−1, N, ≥ N, ≥ R) × edge exponents (0, 1, 2, N−1, longer than N) × edge moduli. */
const EDGE_CASES: Case[] = [2, 28, 56, 1024, 2048].flatMap((bits) =>
  (bits >= 2048 ? [allOnesTopLimb(bits), (1n << BigInt(bits - 1)) + 1n] : [oddModulus(bits), allOnesTopLimb(bits), (1n << BigInt(bits)) - 1n, (1n << BigInt(bits - 1)) + 1n]).flatMap((m) => {
    const big = bits >= 1024;
    const bases = big ? [0n, 1n, 2n, m - 1n, m, 2n * m + 5n] : [0n, 1n, 2n, m - 1n, m, m + 1n, 2n * m + 5n, (1n << BigInt(bits + 40)) + 3n];
    const exps = big ? [0n, 1n, 2n, m - 1n, rand(bits + 70)] : [0n, 1n, 2n, 3n, m - 1n, m, m + 1n, rand(bits + 70), (1n << BigInt(bits + 5)) - 1n];
    return bases.flatMap((b) => exps.map((e) => pow(b, e, m, `${b}^${e} mod ${m}`)));
  }),
);

const backends: ModBackend[] = [api.bigintBackend, wasm.scalar, ...(wasm.simd ? [wasm.simd] : [])];

/**
 * Squarings a backend's secret ladder runs over `bits` exponent bits: BigInt squares 4 times
 * per 4-bit window; WebAssembly picks the window w = fixedWindowBits(bits) and squares w times
 * per window after the top one.
 */
function expectedSquarings(name: string, bits: number): number {
  if (name === 'bigint') return Math.ceil(bits / 4) * 4;
  const w = fixedWindowBits(Math.max(bits, 1));
  return (Math.ceil(Math.max(bits, 1) / w) - 1) * w;
}

/** Squarings counted by `backend` while `f` runs. */
function countSquarings(backend: { ladderSquarings?(): number | undefined }, f: () => unknown): number {
  const before = backend.ladderSquarings!()!;
  f();
  return (backend.ladderSquarings!()! - before) >>> 0;
}

describe('backend selection', () => {
  it('loads both WebAssembly variants on this engine and makes SIMD the active backend', async () => {
    expect(api.wasmSimdSupported()).toBe(true);
    expect(wasm.simd?.name).toBe('wasm-simd');
    expect(wasm.scalar.name).toBe('wasm-scalar');
    expect((await api.backendReady()).name).toBe('wasm-simd');
    expect(api.getBackend().name).toBe('wasm-simd');
  });

  it('routes the module functions through setBackend', () => {
    const before = api.getBackend();
    const calls: string[] = [];
    const spy: ModBackend = {
      name: 'spy',
      modPow: (b, e, m) => (calls.push('modPow'), api.bigintBackend.modPow(b, e, m)),
      modPowVartime: (b, e, m) => (calls.push('modPowVartime'), api.bigintBackend.modPowVartime(b, e, m)),
      modMul: (a, b, m) => (calls.push('modMul'), api.bigintBackend.modMul(a, b, m)),
    };
    try {
      api.setBackend(spy);
      expect(api.modPow(3n, 5n, 7n)).toBe(5n);
      expect(api.modPowVartime(3n, 5n, 7n)).toBe(5n);
      expect(api.modMul(3n, 5n, 7n)).toBe(1n);
      // no multiExpVartime on the spy: one modPowVartime per base, multiplied with modMul
      expect(api.multiExpVartime([2n, 3n], [3n, 2n], 11n)).toBe((8n * 9n) % 11n);
      expect(calls).toEqual(['modPow', 'modPowVartime', 'modMul', 'modPowVartime', 'modMul', 'modPowVartime', 'modMul']);
      expect(() => api.modPow(1 as unknown as bigint, 1n, 7n)).toThrow(TypeError);
    } finally {
      api.setBackend(before);
    }
  });

  it('chooses limb layouts with R ≥ 4N and room for the padded chunk reads', () => {
    for (const variant of ['simd', 'scalar'] as const) {
      for (let bits = 2; bits <= MAX_MODULUS_BITS; bits++) {
        const { n, w, P } = limbLayout(bits, variant);
        expect(w * n).toBeGreaterThanOrEqual(bits + 2);
        expect(n % 2).toBe(0);
        expect(P % 4).toBe(0);
        expect(P).toBeGreaterThanOrEqual(n + 4);
        // an accumulator lane sums at most ⌊(n + 4)/2⌋ (SIMD) or n + 4 (scalar) products of two w-bit limbs
        const products = variant === 'simd' ? (n + 4) >> 1 : n + 4;
        expect(BigInt(products) * ((1n << BigInt(w)) - 1n) ** 2n < 1n << 64n).toBe(true);
      }
    }
  });
});

describe.each(backends.map((b) => [b.name, b] as const))('%s backend', (name, backend) => {
  const isWasm = name !== 'bigint';

  it('matches the reference for random values at every supported size', () => {
    for (const c of RANDOM_CASES) {
      expect(backend.modPow(c.b, c.e, c.m), c.label).toBe(c.want);
      expect(backend.modPowVartime(c.b, c.e, c.m), `${c.label} (vartime)`).toBe(c.want);
    }
  });

  it('computes powers of two (public exponent) at every size', () => {
    for (const c of TWO_CASES) {
      expect(backend.modPowVartime(c.b, c.e, c.m), c.label).toBe(c.want);
      expect(backend.modPow(c.b, c.e, c.m), `${c.label} (secret exponent)`).toBe(c.want);
    }
  });

  it('handles full-length exponents at 4096 and 8192 bits, and exponents far longer than the modulus', () => {
    for (const c of FULL_CASES) {
      expect(backend.modPow(c.b, c.e, c.m), c.label).toBe(c.want);
      expect(backend.modPowVartime(c.b, c.e, c.m), `${c.label} (vartime)`).toBe(c.want);
    }
  });

  it('handles edge bases, exponents and moduli', () => {
    for (const c of [...EDGE_CASES, ...WORST_CASES]) {
      expect(backend.modPow(c.b, c.e, c.m), c.label).toBe(c.want);
      expect(backend.modPowVartime(c.b, c.e, c.m), `${c.label} (vartime)`).toBe(c.want);
    }
  });

  it('agrees with the reference on random 2…2048-bit inputs (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 2048 }), fc.bigInt({ min: 0n, max: (1n << 2100n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 600n) - 1n }), (bits, b, e) => {
        const m = (b % (1n << BigInt(bits))) | (1n << BigInt(bits - 1)) | 1n;
        const want = refPow(b, e, m);
        expect(backend.modPow(b, e, m)).toBe(want);
        expect(backend.modPowVartime(b, e, m)).toBe(want);
      }),
      { numRuns: 40 },
    );
  });

  it('gives x^(a+b) = x^a·x^b and (x^a)^b = x^(ab) for 2048-bit N and N² (4096 bits)', () => {
    const N = oddModulus(2048);
    for (const m of [N, N * N]) {
      const x = rand(4000) % m;
      const a = rand(2048);
      const b = rand(2048);
      expect(backend.modPow(x, a + b, m)).toBe(backend.modMul(backend.modPow(x, a, m), backend.modPowVartime(x, b, m), m));
      expect(backend.modPowVartime(backend.modPow(x, a, m), b, m)).toBe(backend.modPow(x, a * b, m));
    }
  });

  it('computes multi-exponentiations ∏ gᵢ^eᵢ', () => {
    const mult = backend.multiExpVartime!.bind(backend);
    for (const bits of [30, 521, 2048, 4096]) {
      const m = oddModulus(bits);
      for (const count of [1, 2, 3, 5]) {
        const gs = Array.from({ length: count }, (_, i) => (i === 0 ? m - 1n : rand(bits + 2)));
        const es = Array.from({ length: count }, (_, i) => (i === 1 ? 0n : i === 2 ? 1n : rand(i === 3 ? 20 : 600)));
        let want = 1n;
        for (let i = 0; i < count; i++) want = (want * refPow(gs[i]!, es[i]!, m)) % m;
        expect(mult(gs, es, m), `${count} bases, ${bits} bits`).toBe(want);
      }
      expect(mult([], [], m)).toBe(1n);
      expect(mult([5n, 7n], [0n, 0n], m)).toBe(1n);
      expect(mult([0n], [5n], m)).toBe(0n);
    }
    // more tables than the initial memory holds: the WebAssembly memory grows
    const m = oddModulus(2048);
    const gs = Array.from({ length: 60 }, () => rand(2040));
    const es = Array.from({ length: 60 }, () => rand(700));
    let want = 1n;
    for (let i = 0; i < gs.length; i++) want = (want * refPow(gs[i]!, es[i]!, m)) % m;
    expect(mult(gs, es, m)).toBe(want);
    expect(() => mult([2n, 3n], [1n], 11n)).toThrow(FieldRangeError);
    expect(() => mult([2n], [-1n], 11n)).toThrowError(/^exp:/);
  });

  it('gives the unbounded result under a public exponent bound, for random and edge values', () => {
    for (const bits of [3, 57, 1024, 2048, 4096]) {
      const m = oddModulus(bits);
      // bounds below, at and above the modulus length, some not multiples of any window
      // (at 4096 bits, as modulo N², the proof-mask lengths only)
      for (const bound of bits === 4096 ? [771, 1300] : [1, 7, 259, 771, 1300, bits, bits + 9]) {
        for (const e of [0n, (1n << BigInt(bound)) - 1n, rand(bound), rand(Math.max(1, bound - 40))]) {
          const b = rand(bits + 5);
          const want = bound < 300 ? refPow(b, e, m) : api.bigintBackend.modPowVartime(b, e, m);
          expect(backend.modPow(b, e, m, bound), `${bits}-bit m, ${bound}-bit bound`).toBe(want);
          expect(backend.modPow(b, e, m), `${bits}-bit m, unbounded`).toBe(want);
        }
      }
      expect(backend.modPow(rand(bits), 0n, m, 0)).toBe(1n);
    }
  });

  it('enforces the exponent bound, naming exp (or expBits for a malformed bound)', () => {
    const m = oddModulus(2048);
    for (const [e, bound] of [[1n << 771n, 771], [1n, 0], [(1n << 2048n) + 5n, 2048], [3n, 1]] as const) {
      let err: unknown;
      try {
        backend.modPow(5n, e, m, bound);
      } catch (x) {
        err = x;
      }
      expect(err, `${bound}-bit bound`).toBeInstanceOf(FieldRangeError);
      expect((err as FieldRangeError).field).toBe('exp');
    }
    expect(() => backend.modPow(5n, 3n, m, -1)).toThrowError(/^expBits:/);
    expect(() => backend.modPow(5n, 3n, m, 2.5)).toThrowError(/^expBits:/);
    expect(() => backend.modPow(5n, 3n, m, Number.NaN)).toThrowError(/^expBits:/);
  });

  it('runs the ladder over exactly the declared bound, whatever the exponent', () => {
    for (const bits of [1024, 2048, 4096]) {
      const m = oddModulus(bits);
      const b = rand(bits);
      for (const bound of [256, 259, 771, 1027, 1282, bits + 3]) {
        const counts = [1n, rand(bound - 200), (1n << BigInt(bound)) - 1n].map((e) => countSquarings(backend, () => backend.modPow(b, e, m, bound)));
        // the same count for a 1-bit and a full-length exponent: the length of e does not show
        expect(counts, `${bits}-bit m, ${bound}-bit bound`).toEqual(counts.map(() => expectedSquarings(name, bound)));
      }
      // unbounded: the ladder covers the modulus length (bitlen(m) ≥ bitlen(e) here)
      expect(countSquarings(backend, () => backend.modPow(b, 3n, m))).toBe(expectedSquarings(name, bits));
      // and a bound far below the modulus saves most of the squarings
      expect(countSquarings(backend, () => backend.modPow(b, 3n, m, 259))).toBeLessThan(expectedSquarings(name, bits) / 3);
    }
  });

  it('refuses bad arguments naming the field', () => {
    expect(() => backend.modPow(2n, -1n, 7n)).toThrowError(/^exp:/);
    expect(() => backend.modPowVartime(-2n, 1n, 7n)).toThrowError(/^base:/);
    expect(() => backend.modPow(2n, 1n, 1n)).toThrowError(/^m:/);
    expect(() => backend.modPowVartime(2n, 1n, 0n)).toThrowError(/^m:/);
  });

  if (isWasm) {
    it('refuses an even modulus with a FieldRangeError naming m', () => {
      for (const m of [2n, 10n, 1n << 2048n, (1n << 2048n) - 2n]) {
        for (const f of [() => backend.modPow(3n, 5n, m), () => backend.modPowVartime(3n, 5n, m), () => backend.multiExpVartime!([3n], [5n], m)]) {
          let err: unknown;
          try {
            f();
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(FieldRangeError);
          expect((err as FieldRangeError).field).toBe('m');
          expect((err as Error).message).toMatch(/odd modulus/);
        }
      }
    });

    it('hands moduli above the WebAssembly limit to BigInt and still computes them', () => {
      const m = oddModulus(MAX_MODULUS_BITS + 64);
      const b = rand(MAX_MODULUS_BITS);
      const e = rand(200);
      expect(backend.modPow(b, e, m)).toBe(refPow(b, e, m));
      expect(backend.modPowVartime(b, e, m)).toBe(refPow(b, e, m));
    });

    it('keeps results right while the context cache evicts and reloads moduli', () => {
      const moduli = Array.from({ length: CONTEXT_SLOTS + 5 }, (_, i) => oddModulus(i % 2 === 0 ? 2048 : 384 + i));
      for (let round = 0; round < 2; round++) {
        for (const m of moduli) {
          const b = rand(500);
          const e = rand(64);
          expect(backend.modPow(b, e, m)).toBe(refPow(b, e, m));
        }
      }
    });
  } else {
    it('accepts an even modulus', () => {
      expect(backend.modPow(3n, 5n, 10n)).toBe(3n);
      expect(backend.modPowVartime(3n, 4n, 1n << 64n)).toBe(81n);
    });
  }
});

describe('CRT exponentiation', () => {
  const vectors = JSON.parse(
    readFileSync(new URL('../../../vectors/paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json', import.meta.url), 'utf8'),
  ) as { constants: { var: string; hex: string }[] };
  const primes = vectors.constants.filter((c) => /^[pq]\d?$/.test(c.var)).map((c) => BigInt('0x' + c.hex));
  const p = primes[0]!;
  const q = primes[1]!;
  const N = p * q;

  it('reads two distinct 1024-bit primes from the fixture', () => {
    expect(p.toString(2)).toHaveLength(1024);
    expect(q.toString(2)).toHaveLength(1024);
    expect(p).not.toBe(q);
    expect(api.modPowVartime(2n, p - 1n, p)).toBe(1n);
  });

  it('equals direct exponentiation modulo N² and N, for units and non-units', () => {
    for (const k of [2, 1] as const) {
      const ctx = api.createCrtContext(p, q, k);
      const m = k === 2 ? N * N : N;
      expect(ctx.m).toBe(m);
      const r = rand(4000) % m;
      for (const base of [r, p * 7n, q, 0n, 1n, m - 1n]) {
        for (const e of [0n, 1n, 2n, N, rand(4096), ctx.lambdaP, ctx.lambdaP + 1n]) {
          const want = api.modPowVartime(base, e, m);
          expect(api.crtModPow(base, e, ctx), `k=${k}`).toBe(want);
          expect(api.crtModPowVartime(base, e, ctx), `k=${k} vartime`).toBe(want);
        }
      }
    }
  });

  it('gives the unbounded result under a public exponent bound, enforces it, and shortens both halves', () => {
    const before = api.getBackend();
    try {
      for (const backend of backends) {
        api.setBackend(backend);
        for (const k of [2, 1] as const) {
          const ctx = api.createCrtContext(p, q, k);
          const m = k === 2 ? N * N : N;
          const base = rand(4000) % m;
          for (const bound of [1, 771, 1025, 2049, 3000]) {
            for (const e of [0n, rand(bound), (1n << BigInt(bound)) - 1n]) {
              const want = api.modPowVartime(base, e, m);
              expect(api.crtModPow(base, e, ctx, bound), `${backend.name} k=${k}, ${bound}-bit bound`).toBe(want);
              expect(api.crtModPow(base, e, ctx), `${backend.name} k=${k} unbounded`).toBe(want);
            }
          }
          expect(() => api.crtModPow(base, 1n << 771n, ctx, 771)).toThrowError(/^exp:/);
          // a bound below k·|p| + 1 bits: each half runs over it; above: over k·|p| + 1 bits
          const cap = k * 1024 + 1;
          expect(countSquarings(api, () => api.crtModPow(base, 5n, ctx, 771))).toBe(2 * expectedSquarings(backend.name, 771));
          expect(countSquarings(api, () => api.crtModPow(base, 5n, ctx, 5000))).toBe(2 * expectedSquarings(backend.name, cap));
          expect(countSquarings(api, () => api.crtModPow(base, rand(4000), ctx))).toBe(2 * expectedSquarings(backend.name, cap));
        }
      }
    } finally {
      api.setBackend(before);
    }
  });

  it('gives a different value when the factorization does not match the modulus', () => {
    const ctx = api.createCrtContext(p, primes[2]!, 2);
    const r = rand(2000);
    expect(api.crtModPow(r, N, ctx)).not.toBe(api.modPow(r, N, N * N));
  });

  it('refuses invalid factors and negative arguments', () => {
    expect(() => api.createCrtContext(p, p)).toThrowError(/^q:/);
    expect(() => api.createCrtContext(4n, q)).toThrowError(/^p:/);
    expect(() => api.createCrtContext(p, q, 3 as 2)).toThrowError(/^k:/);
    const ctx = api.createCrtContext(p, q);
    expect(() => api.crtModPow(2n, -1n, ctx)).toThrowError(/^exp:/);
    expect(() => api.crtModPowVartime(-2n, 1n, ctx)).toThrowError(/^base:/);
  });
});
