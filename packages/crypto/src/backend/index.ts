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
import { crtPow } from './crt.ts';
import type { CrtContext } from './crt.ts';
import type { ModBackend } from './types.ts';
import { loadBestWasmBackend, wasmSupported } from './wasm/load.ts';

export type { ModBackend } from './types.ts';
export { bigintBackend } from './bigint.ts';
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

/** base^exp mod m with a secret exponent (fixed windows). @throws {RangeError} on bad arguments. */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  assertBigInt('base', base);
  assertBigInt('exp', exp);
  assertBigInt('m', m);
  return active.modPow(base, exp, m);
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
 * `createCrtContext(p, q, k)`): two fixed-window exponentiations modulo p^k and q^k.
 * @throws {FieldTypeError} if base or exp is not a bigint.
 * @throws {FieldRangeError} if base or exp is negative.
 */
export function crtModPow(base: bigint, exp: bigint, ctx: CrtContext): bigint {
  return crtPow(base, exp, ctx, modPow);
}

/**
 * base^exp mod ctx.m for a PUBLIC exponent, given the factorization (e.g. r^N mod N² by
 * the Paillier key owner): two sliding-window exponentiations modulo p^k and q^k.
 * @throws {FieldTypeError} if base or exp is not a bigint.
 * @throws {FieldRangeError} if base or exp is negative.
 */
export function crtModPowVartime(base: bigint, exp: bigint, ctx: CrtContext): bigint {
  return crtPow(base, exp, ctx, modPowVartime);
}
