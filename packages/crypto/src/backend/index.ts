/**
 * Backend selection and the exponentiation entry points used across Tessera.
 * @module
 */
import { assertBigInt } from '../errors.ts';
import { bigintBackend } from './bigint.ts';
import type { ModBackend } from './types.ts';

export type { ModBackend } from './types.ts';
export { bigintBackend } from './bigint.ts';

let active: ModBackend = bigintBackend;

/** The backend currently used by {@link modPow} and friends. */
export function getBackend(): ModBackend {
  return active;
}

/** Replaces the active backend (e.g. once a WebAssembly backend has loaded). */
export function setBackend(backend: ModBackend): void {
  active = backend;
}

/** base^exp mod m with a secret exponent (regular ladder). @throws {RangeError} on bad arguments. */
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
