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
   * operations depends only on the bit length of `max(exp, m)`, not on exponent bits — or,
   * when `expBits` is given, on `expBits` alone (the ladder then runs over exactly that many
   * bits, rounded up to whole windows).
   *
   * Security: `expBits` must be PUBLIC, a parameter of the scheme (e.g. ℓ + ε + 2, |p|,
   * |N|), never derived from the exponent itself. See ./bound.ts.
   * @throws {FieldRangeError} naming `exp` if exp ≥ 2^expBits, `expBits` if it is not an
   * integer in [0, MAX_EXP_BITS].
   */
  modPow(base: bigint, exp: bigint, m: bigint, expBits?: number): bigint;
  /** base^exp mod m for a PUBLIC exponent: sliding window, time depends on `exp`. */
  modPowVartime(base: bigint, exp: bigint, m: bigint): bigint;
  /** a·b mod m. */
  modMul(a: bigint, b: bigint, m: bigint): bigint;
  /**
   * ∏ bases[i]^exps[i] mod m for PUBLIC exponents (one shared chain of squarings).
   * Optional: `multiExpVartime` in `./index.ts` falls back to one `modPowVartime` per base.
   */
  multiExpVartime?(bases: readonly bigint[], exps: readonly bigint[], m: bigint): bigint;
  /**
   * Running count of the squarings `modPow`'s ladder has performed (modulo 2^32 in the
   * WebAssembly backends). It depends only on the public ladder lengths; tests read it to
   * check that a declared exponent bound is honoured. Optional.
   */
  ladderSquarings?(): number;
}
