/**
 * The length of the secret-exponent ladder: how many exponent bits `modPow` walks through.
 *
 * Without a bound the fixed-window ladder runs over max(bitlen(exp), bitlen(m)) bits, which
 * hides the exponent's length behind the modulus's. Callers that know a PUBLIC upper bound on
 * the exponent (a scheme parameter: ℓ + ε for a proof mask, |p| for a Paillier decryption
 * exponent p − 1, |N| for a scalar reduced mod N) pass it as `expBits`, and the ladder runs
 * over exactly that many bits (rounded up to whole windows), however long the exponent
 * really is, so a short exponent against a long modulus no longer pays for the modulus's
 * length.
 *
 * Security: the bound must be public — a parameter of the scheme, never computed from the
 * secret exponent (e.g. never `bitLength(exp)`), or the ladder's length would leak it.
 * @module
 */
import { FieldRangeError, assertInteger } from '../errors.ts';

/** Largest exponent bound accepted by the secret-exponent ladders (bits). */
export const MAX_EXP_BITS = 1 << 24;

/** Bit length of a non-negative bigint (0 for 0). */
function bitLen(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * Checks `exp < 2^expBits` for a declared bound.
 * @throws {FieldTypeError} naming `expBits` if it is not an integer.
 * @throws {FieldRangeError} naming `expBits` if it is negative or above {@link MAX_EXP_BITS},
 * naming `exp` if the exponent does not fit the bound.
 */
export function checkExpBound(exp: bigint, expBits: number): void {
  assertInteger('expBits', expBits, 0, MAX_EXP_BITS);
  if (exp >> BigInt(expBits) !== 0n) throw new FieldRangeError('exp', `exponent exceeds its declared bound of ${expBits} bits`);
}

/**
 * Number of exponent bits the fixed-window ladder runs over: `expBits` when a bound is given
 * (after {@link checkExpBound}), else max(bitlen(exp), bitlen(m)).
 * @throws {FieldTypeError} @throws {FieldRangeError} as {@link checkExpBound}.
 */
export function secretLadderBits(exp: bigint, m: bigint, expBits: number | undefined): number {
  if (expBits === undefined) return Math.max(bitLen(exp), bitLen(m));
  checkExpBound(exp, expBits);
  return expBits;
}
