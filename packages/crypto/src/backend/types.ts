/**
 * The modular-exponentiation backend interface.
 *
 * Everything in Tessera that raises to a power (primality tests, Paillier, proofs) goes
 * through the active backend, so a faster one (WebAssembly Montgomery, issue "arithmetic")
 * can replace the BigInt one without touching callers.
 * @module
 */

/** A modular arithmetic engine. All inputs are non-negative bigints; moduli are > 1. */
export interface ModBackend {
  /** Short identifier shown by benchmarks and status screens, e.g. `"bigint"`. */
  readonly name: string;
  /**
   * base^exp mod m for a SECRET exponent: a fixed-window ladder whose sequence of
   * operations depends only on the bit length of `max(exp, m)`, not on exponent bits.
   */
  modPow(base: bigint, exp: bigint, m: bigint): bigint;
  /** base^exp mod m for a PUBLIC exponent: sliding window, time depends on `exp`. */
  modPowVartime(base: bigint, exp: bigint, m: bigint): bigint;
  /** a·b mod m. */
  modMul(a: bigint, b: bigint, m: bigint): bigint;
  /**
   * ∏ bases[i]^exps[i] mod m for PUBLIC exponents (one shared chain of squarings).
   * Optional: `multiExpVartime` in `./index.ts` falls back to one `modPowVartime` per base.
   */
  multiExpVartime?(bases: readonly bigint[], exps: readonly bigint[], m: bigint): bigint;
}
