/**
 * secp256k1 as CGGMP21 uses it: noble's point class and scalar field, strict parsers for
 * points (SEC1 compressed, 33 bytes, never the identity) and scalars (32 bytes big-endian,
 * below q), polynomial evaluation over F_q, Feldman-commitment evaluation in the group
 * (public data, variable time) and Lagrange coefficients at zero.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToBigInt } from '@tessera/crypto/bytes';
import { CryptoError, FieldRangeError } from '@tessera/crypto/errors';
import { secp256k1Group } from '@tessera/crypto/zk/group';
import { expectHex, hex, type Json } from '../engine/codec.ts';

/** noble's secp256k1 point class. */
export const Point = secp256k1.Point;
/** A secp256k1 point. */
export type CurvePoint = InstanceType<typeof secp256k1.Point>;
/** The scalar field F_q. */
export const Fn = secp256k1.Point.Fn;
/** q, the order of secp256k1. */
export const CURVE_ORDER: bigint = Fn.ORDER;
/** Bytes of a compressed point. */
export const POINT_BYTES = 33;
/** Bytes of a scalar. */
export const SCALAR_BYTES = 32;
/** The proof suite's binding of the same group (for Π^sch, Π^aff-g, Π^log*). */
export const GROUP = secp256k1Group;

/**
 * Parses a compressed point; refuses the identity and non-canonical encodings.
 * @throws {FieldRangeError} on a wrong length. @throws {CryptoError} naming `field` otherwise.
 */
export function parsePoint(bytes: Uint8Array, field: string): CurvePoint {
  if (bytes.length !== POINT_BYTES) throw new FieldRangeError(field, `expected ${POINT_BYTES} bytes`);
  let p: CurvePoint;
  try {
    p = Point.fromBytes(bytes);
  } catch {
    throw new CryptoError('not a point of secp256k1', field);
  }
  if (p.is0()) throw new CryptoError('the identity is not allowed', field);
  return p;
}

/** Compressed bytes of a non-identity point. @throws {CryptoError} for the identity. */
export function pointBytes(p: CurvePoint, field = 'point'): Uint8Array {
  if (p.is0()) throw new CryptoError('cannot encode the identity', field);
  return p.toBytes(true);
}

/**
 * Parses a 32-byte scalar below q (zero allowed only with `allowZero`).
 * @throws {FieldRangeError} naming `field`.
 */
export function parseScalar(bytes: Uint8Array, field: string, allowZero = false): bigint {
  if (bytes.length !== SCALAR_BYTES) throw new FieldRangeError(field, `expected ${SCALAR_BYTES} bytes`);
  const k = bytesToBigInt(bytes);
  if (k >= CURVE_ORDER) throw new FieldRangeError(field, 'scalar must be below the curve order');
  if (k === 0n && !allowZero) throw new FieldRangeError(field, 'scalar must not be zero');
  return k;
}

/** 32-byte big-endian encoding of a scalar in [0, q). */
export function scalarBytes(k: bigint): Uint8Array {
  return Fn.toBytes(Fn.create(k));
}

/** JSON (hex) of a point. */
export function pointJson(p: CurvePoint): string {
  return hex(pointBytes(p));
}

/** Reads a point from JSON hex. @throws {FieldTypeError} @throws {FieldRangeError} @throws {CryptoError} */
export function readPoint(v: Json | undefined, field: string): CurvePoint {
  return parsePoint(expectHex(v, field, POINT_BYTES), field);
}

/** JSON (hex) of a scalar. */
export function scalarJson(k: bigint): string {
  return hex(scalarBytes(k));
}

/** Reads a scalar from JSON hex. @throws {FieldTypeError} @throws {FieldRangeError} */
export function readScalar(v: Json | undefined, field: string, allowZero = false): bigint {
  return parseScalar(expectHex(v, field, SCALAR_BYTES), field, allowZero);
}

/** f(x) = Σ aₖ·xᵏ over F_q (Horner). Security: as constant-time as bigint arithmetic is. */
export function evaluatePolynomial(coefficients: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let k = coefficients.length - 1; k >= 0; k--) acc = Fn.add(Fn.mul(acc, x), coefficients[k]!);
  return acc;
}

/** Σₖ Cₖ·xᵏ for public commitments (Horner in the group; variable time). */
export function evaluateCommitmentVartime(commitments: readonly CurvePoint[], x: bigint): CurvePoint {
  let acc = Point.ZERO;
  for (let k = commitments.length - 1; k >= 0; k--) {
    acc = acc.is0() ? acc : acc.multiplyUnsafe(x);
    acc = acc.add(commitments[k]!);
  }
  return acc;
}

/**
 * λᵢ = Πⱼ≠ᵢ xⱼ / (xⱼ − xᵢ): the Lagrange coefficient at zero of `xi` over the points `xs`.
 * @throws {FieldRangeError} if `xi` is not among `xs` or `xs` repeats a point.
 */
export function lagrangeAtZero(xs: readonly bigint[], xi: bigint): bigint {
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

/** x·G for a SECRET scalar (noble's constant-time ladder); the identity for 0. */
export function mulBase(k: bigint): CurvePoint {
  const s = Fn.create(k);
  return s === 0n ? Point.ZERO : Point.BASE.multiply(s);
}

/** k·P for a PUBLIC scalar (variable time); the identity for 0. */
export function mulVartime(p: CurvePoint, k: bigint): CurvePoint {
  const s = Fn.create(k);
  return s === 0n ? Point.ZERO : p.multiplyUnsafe(s);
}

/** k·P for a SECRET scalar (constant-time ladder); the identity for 0. */
export function mulSecret(p: CurvePoint, k: bigint): CurvePoint {
  const s = Fn.create(k);
  return s === 0n ? Point.ZERO : p.multiply(s);
}
