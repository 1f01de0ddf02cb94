/**
 * Backend selection and the exponentiation entry points used across Tessera.
 *
 * Automatic selection: importing this module starts loading the WebAssembly Montgomery
 * backend (SIMD variant where the engine validates 128-bit SIMD, scalar otherwise). Until
 * it is ready — a few milliseconds, after the current synchronous job — calls run on the
 * BigInt backend; once ready it becomes the active backend unless {@link setBackend} was
 * called first. Where WebAssembly is missing, or the generated module was not built
 * (`node packages/crypto/scripts/build-wasm.mjs`, run by `scripts/ensure.mjs`), BigInt
 * stays active. Entry points that start heavy work at once (CLI commands, worker task
 * handlers, a browser page) should `await backendReady()` first.
 * @module
 */
import { FieldRangeError, assertBigInt } from '../errors.ts';
import { bigintBackend } from './bigint.ts';
import { crtPowPublic, crtPowSecret } from './crt.ts';
import type { CrtContext } from './crt.ts';
import type { ModBackend } from './types.ts';
import { loadBestWasmBackend, wasmSupported } from './wasm/load.ts';

export type { ModBackend } from './types.ts';
export { bigintBackend } from './bigint.ts';
export { MAX_EXP_BITS } from './bound.ts';
export { createCrtContext, crtCombine } from './crt.ts';
export type { CrtContext } from './crt.ts';
export { loadBestWasmBackend, loadWasmBackend, loadWasmBackends, wasmSimdSupported, wasmSupported } from './wasm/load.ts';
export type { WasmBackends } from './wasm/load.ts';

let active: ModBackend = bigintBackend;
let chosen = false;

const ready: Promise<ModBackend> = wasmSupported()
  ? loadBestWasmBackend().then(
      (b) => {
        if (!chosen) active = b;
        return active;
      },
      () => active,
    )
  : Promise.resolve(active);

/** The backend currently used by {@link modPow} and friends. */
export function getBackend(): ModBackend {
  return active;
}

/** Replaces the active backend; automatic selection no longer overrides it. */
export function setBackend(backend: ModBackend): void {
  active = backend;
  chosen = true;
}

/**
 * Resolves once automatic selection has finished, with the active backend
 * (`wasm-simd`, `wasm-scalar`, or `bigint` when WebAssembly is unavailable). Never rejects.
 */
export function backendReady(): Promise<ModBackend> {
  return ready;
}

/**
 * base^exp mod m with a SECRET exponent: fixed windows over max(bitlen(exp), bitlen(m)) bits,
 * or over exactly `expBits` bits (rounded up to whole windows) when a bound is given.
 *
 * Security: `expBits` must be a PUBLIC upper bound on the exponent's length — a parameter of
 * the scheme (ℓ + ε + 2 for a shifted proof mask, |p| for the decryption exponent p − 1,
 * |N| for a scalar reduced mod N), never computed from the secret exponent itself.
 * @param expBits - optional public bound: exp < 2^expBits.
 * @throws {FieldTypeError} if an argument is not a bigint (or expBits not an integer).
 * @throws {FieldRangeError} naming `exp` if exp is negative or exp ≥ 2^expBits, `expBits` if
 * it is outside [0, MAX_EXP_BITS], `base` or `m` on bad values (an even m under WebAssembly).
 * @example
 * modPow(c, p - 1n, p * p, bitLength(p)); // Paillier decryption half: |p| squarings, not 2|p|
 */
export function modPow(base: bigint, exp: bigint, m: bigint, expBits?: number): bigint {
  assertBigInt('base', base);
  assertBigInt('exp', exp);
  assertBigInt('m', m);
  return expBits === undefined ? active.modPow(base, exp, m) : active.modPow(base, exp, m, expBits);
}

/** base^exp mod m with a public exponent (faster, variable time). */
export function modPowVartime(base: bigint, exp: bigint, m: bigint): bigint {
  assertBigInt('base', base);
  assertBigInt('exp', exp);
  assertBigInt('m', m);
  return active.modPowVartime(base, exp, m);
}

/** a·b mod m through the active backend. */
export function modMul(a: bigint, b: bigint, m: bigint): bigint {
  return active.modMul(a, b, m);
}

/**
 * ∏ bases[i]^exps[i] mod m for PUBLIC exponents (proof verification): one shared chain of
 * squarings with interleaved sliding windows, about the cost of the longest single
 * exponentiation plus one multiplication per window.
 * @throws {FieldTypeError} if an argument is not a bigint.
 * @throws {FieldRangeError} if the arrays differ in length, a base or exponent is
 * negative, m ≤ 1, or m is even under a WebAssembly backend.
 */
export function multiExpVartime(bases: readonly bigint[], exps: readonly bigint[], m: bigint): bigint {
  assertBigInt('m', m);
  bases.forEach((b, i) => assertBigInt(`bases[${i}]`, b));
  exps.forEach((e, i) => assertBigInt(`exps[${i}]`, e));
  const b = active;
  if (b.multiExpVartime) return b.multiExpVartime(bases, exps, m);
  if (bases.length !== exps.length) throw new FieldRangeError('exps', `expected ${bases.length} exponents, got ${exps.length}`);
  if (m <= 1n) throw new FieldRangeError('m', 'modulus must be > 1');
  let acc = 1n;
  for (let i = 0; i < bases.length; i++) acc = b.modMul(acc, b.modPowVartime(bases[i]!, exps[i]!, m), m);
  return acc;
}

/**
 * base^exp mod ctx.m for a SECRET exponent, given the factorization (ctx from
 * `createCrtContext(p, q, k)`): two fixed-window exponentiations modulo p^k and q^k, each
 * over min(k·|p| + 1, expBits) bits (exponents longer than k·|p| + 1 bits are reduced
 * modulo p^(k−1)(p − 1) first; see ./crt.ts).
 *
 * Security: `expBits` must be PUBLIC (a scheme parameter, not a function of the secret).
 * @param expBits - optional public bound: exp < 2^expBits.
 * @throws {FieldTypeError} if base or exp is not a bigint.
 * @throws {FieldRangeError} if base or exp is negative, or (naming `exp`) exp ≥ 2^expBits.
 */
export function crtModPow(base: bigint, exp: bigint, ctx: CrtContext, expBits?: number): bigint {
  return crtPowSecret(base, exp, ctx, modPow, expBits);
}

/**
 * base^exp mod ctx.m for a PUBLIC exponent, given the factorization: two sliding-window
 * exponentiations modulo p^k and q^k with the exponent as it is (reducing it modulo the
 * secret p^(k−1)(p − 1) would let the variable-time ladder leak the factors).
 * @throws {FieldTypeError} if base or exp is not a bigint.
 * @throws {FieldRangeError} if base or exp is negative.
 */
export function crtModPowVartime(base: bigint, exp: bigint, ctx: CrtContext): bigint {
  return crtPowPublic(base, exp, ctx, modPowVartime);
}

/**
 * Running count of squarings performed by the active backend's secret-exponent ladder
 * (public information: it depends only on ladder lengths), or undefined when the backend
 * does not count. For tests that check a bound is honoured.
 */
export function ladderSquarings(): number | undefined {
  return active.ladderSquarings?.();
}
