/**
 * Polynomial and Feldman-commitment helpers that noble's FROST keeps private but refresh and
 * resharing need: evaluation over the scalar field, evaluation of a commitment vector "in the
 * exponent" (public data only, variable time), Lagrange coefficients, and linear combinations
 * of commitment vectors.
 * @module
 */
import { FieldRangeError } from '@tessera/crypto/errors';
import type { FrostSuite, GroupPoint } from './suite.ts';

/** f(x) = Σ aₖ xᵏ by Horner's rule. Security: constant-time only as far as bigint arithmetic is. */
export function evaluatePolynomial(suite: FrostSuite, coefficients: readonly bigint[], x: bigint): bigint {
  const { Fn } = suite;
  let acc = 0n;
  for (let k = coefficients.length - 1; k >= 0; k--) acc = Fn.add(Fn.mul(acc, x), coefficients[k]!);
  return acc;
}

/**
 * Σₖ Cₖ·xᵏ for public commitments C₀…C_{t−1} (Horner in the group; variable time, public data).
 * `C₀` may be the identity (`null`) for zero-constant polynomials (refresh).
 */
export function evaluateCommitmentVartime(suite: FrostSuite, commitments: readonly (GroupPoint | null)[], x: bigint): GroupPoint {
  let acc: GroupPoint = suite.Point.ZERO;
  for (let k = commitments.length - 1; k >= 0; k--) {
    acc = acc.is0() ? acc : acc.multiplyUnsafe(x);
    const c = commitments[k];
    if (c) acc = acc.add(c);
  }
  return acc;
}

/**
 * λᵢ = Πⱼ≠ᵢ xⱼ / (xⱼ − xᵢ): the Lagrange coefficient at 0 of `xi` over the distinct points `xs`.
 * @throws {FieldRangeError} if `xi` is not in `xs` or `xs` has repeats.
 */
export function lagrangeAtZero(suite: FrostSuite, xs: readonly bigint[], xi: bigint): bigint {
  const { Fn } = suite;
  if (new Set(xs).size !== xs.length) throw new FieldRangeError('xs', 'interpolation points must be distinct');
  if (!xs.includes(xi)) throw new FieldRangeError('xi', 'not one of the interpolation points');
  let num = 1n;
  let den = 1n;
  for (const xj of xs) {
    if (xj === xi) continue;
    num = Fn.mul(num, xj);
    den = Fn.mul(den, Fn.sub(xj, xi));
  }
  return Fn.div(num, den);
}

/** Σᵢ wᵢ·Vᵢ for equally long public commitment vectors (variable time). */
export function combineCommitmentsVartime(suite: FrostSuite, vectors: readonly (readonly GroupPoint[])[], weights: readonly bigint[]): GroupPoint[] {
  const len = vectors[0]?.length ?? 0;
  const out: GroupPoint[] = Array.from({ length: len }, () => suite.Point.ZERO);
  vectors.forEach((v, i) => {
    if (v.length !== len) throw new FieldRangeError('vectors', 'commitment vectors differ in length');
    const w = weights[i]!;
    for (let k = 0; k < len; k++) out[k] = out[k]!.add(w === 1n ? v[k]! : v[k]!.multiplyUnsafe(w));
  });
  return out;
}

/**
 * Bytes of a commitment returned by noble's `utils.generateSecretPolynomial`, which are point
 * objects at run time although typed as bytes.
 */
export function pointBytes(c: unknown): Uint8Array {
  if (c instanceof Uint8Array) return c;
  return (c as GroupPoint).toBytes(true);
}
