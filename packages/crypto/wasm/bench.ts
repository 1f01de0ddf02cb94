/**
 * Developer benchmark for the modular-exponentiation backends (not a test, not part of
 * `pnpm bench`): `node --import tsx packages/crypto/wasm/bench.ts [--sizes 1024,2048] [--reps 9]`.
 *
 * Each round runs every contender once, interleaved, and each figure is the fastest round:
 * on a shared machine that is the most stable statistic, and contenders see the same load.
 * OpenSSL is `crypto.createDiffieHellman(p, 2).generateKeys()`, i.e. 2^x mod p with a
 * secret exponent as long as p.
 */
import { createDiffieHellman, generatePrimeSync } from 'node:crypto';
import { bigintBackend, crtModPow, crtModPowVartime, createCrtContext, loadWasmBackends, multiExpVartime, setBackend } from '../src/backend/index.ts';
import { randomBits } from '../src/rng.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const sizes = arg('sizes', '1024,2048,3072,4096').split(',').map(Number);
const reps = Number(arg('reps', '9'));
const { simd, scalar } = await loadWasmBackends();

/** Fastest of `reps` interleaved rounds, in ms, per contender. */
function race(contenders: Record<string, () => unknown>): Record<string, number> {
  const best: Record<string, number> = {};
  for (const [k, f] of Object.entries(contenders)) {
    f();
    best[k] = Infinity;
  }
  for (let r = 0; r < reps; r++) {
    for (const [k, f] of Object.entries(contenders)) {
      const t = performance.now();
      f();
      best[k] = Math.min(best[k]!, performance.now() - t);
    }
  }
  return best;
}

const show = (label: string, best: Record<string, number>, anchor: string): void => {
  const cells = Object.entries(best).map(([k, v]) => `${k} ${v.toFixed(2)} ms (${(v / best[anchor]!).toFixed(2)}×)`);
  console.log(`${label.padEnd(22)} ${cells.join('  ')}`);
};

for (const bits of sizes) {
  const p = generatePrimeSync(bits, { bigint: true });
  const dh = createDiffieHellman(Buffer.from(p.toString(16).padStart(bits / 4, '0'), 'hex'), 2);
  const e = randomBits(bits) | (1n << BigInt(bits - 1));
  const b = randomBits(bits) % p;
  show(`modexp-${bits}`, race({
    openssl: () => dh.generateKeys(),
    'wasm-simd': () => simd!.modPow(b, e, p),
    'wasm-simd vartime': () => simd!.modPowVartime(b, e, p),
    'wasm-scalar': () => scalar.modPow(b, e, p),
    bigint: () => bigintBackend.modPowVartime(b, e, p),
  }), 'openssl');
}

// r^N mod N² for a 2048-bit N: directly (public exponent N) and through the CRT (key owner)
setBackend(simd!);
const P = generatePrimeSync(1024, { bigint: true });
const Q = generatePrimeSync(1024, { bigint: true });
const N = P * Q;
const N2 = N * N;
const ctx = createCrtContext(P, Q, 2);
const r = randomBits(2040);
show('r^N mod N² (2048)', race({
  'wasm-simd': () => simd!.modPowVartime(r, N, N2),
  'wasm-simd crt': () => crtModPowVartime(r, N, ctx),
  'wasm-simd crt ct': () => crtModPow(r, N, ctx),
  bigint: () => bigintBackend.modPowVartime(r, N, N2),
}), 'bigint');

// a three-base product as in proof verification, against three separate exponentiations
const gs = [randomBits(2040), randomBits(2040), randomBits(2040)];
const es = [randomBits(2048), randomBits(2048), randomBits(256)];
show('∏ gᵢ^eᵢ (3, 2048)', race({
  multiexp: () => multiExpVartime(gs, es, N),
  separate: () => gs.reduce((acc, g, i) => (acc * simd!.modPowVartime(g, es[i]!, N)) % N, 1n),
}), 'separate');
