/**
 * The minimal prime-order group interface the curve proofs (Schnorr, Chaum–Pedersen, and the
 * group parts of Π^aff-g and Π^log*) are written against, and its bindings to @noble/curves:
 * secp256k1 (SEC1 compressed points, 33 bytes) and ed25519 (RFC 8032 points, 32 bytes, the
 * prime-order subgroup only).
 *
 * Proof statements and proofs carry group elements as canonical bytes (plain data for the
 * worker pool); `decode` is the only way in and refuses non-canonical encodings, points off the
 * curve, points outside the prime-order subgroup and the identity.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { equalBytes } from '@noble/curves/utils.js';
import { CryptoError, FieldRangeError, FieldTypeError } from '../errors.ts';

/** A cyclic group of prime order q with a fixed generator, on opaque elements of type P. */
export interface PrimeOrderGroup<P = unknown> {
  /** Identifier bound into every transcript, e.g. `"secp256k1"`. */
  readonly name: string;
  /** The prime order q. */
  readonly order: bigint;
  /** Bytes of a canonical element encoding. */
  readonly elementBytes: number;
  /** Bytes of a canonical scalar encoding (big-endian, < q). */
  readonly scalarBytes: number;
  /** The standard generator. */
  generator(): P;
  /**
   * Parses a canonical, non-identity element of the prime-order subgroup.
   * @throws {CryptoError} naming `field` otherwise.
   */
  decode(field: string, bytes: Uint8Array): P;
  /** Canonical bytes of a non-identity element. @throws {CryptoError} for the identity. */
  encode(p: P): Uint8Array;
  /** a + b (additive notation; the papers write g^a·g^b). */
  add(a: P, b: P): P;
  /** k·p for a SECRET scalar (any integer; reduced mod q). */
  multiply(p: P, k: bigint): P;
  /** k·p for a PUBLIC scalar (any integer; reduced mod q), variable time. */
  multiplyVartime(p: P, k: bigint): P;
  /** True for the neutral element. */
  isIdentity(p: P): boolean;
  /** Element equality. */
  equals(a: P, b: P): boolean;
}

function modq(k: bigint, q: bigint): bigint {
  const r = k % q;
  return r < 0n ? r + q : r;
}

type NoblePoint<P> = {
  add(o: P): P;
  multiply(k: bigint): P;
  multiplyUnsafe(k: bigint): P;
  is0(): boolean;
  equals(o: P): boolean;
  toBytes(compressed?: boolean): Uint8Array;
  isTorsionFree(): boolean;
};

function bindNoble<P extends NoblePoint<P>>(
  name: string,
  Point: { BASE: P; ZERO: P; Fn: { ORDER: bigint; BYTES: number }; fromBytes(b: Uint8Array): P },
  elementBytes: number,
  toBytes: (p: P) => Uint8Array,
): PrimeOrderGroup<P> {
  const q = Point.Fn.ORDER;
  return Object.freeze({
    name,
    order: q,
    elementBytes,
    scalarBytes: Point.Fn.BYTES,
    generator: () => Point.BASE,
    decode(field: string, bytes: Uint8Array): P {
      if (!(bytes instanceof Uint8Array)) throw new FieldTypeError(field, 'expected a Uint8Array group element');
      if (bytes.length !== elementBytes) throw new CryptoError(`expected a ${elementBytes}-byte ${name} element`, field);
      let p: P;
      try {
        p = Point.fromBytes(bytes);
      } catch {
        throw new CryptoError(`not a valid ${name} element`, field);
      }
      if (p.is0()) throw new CryptoError('the identity element is not allowed', field);
      if (!p.isTorsionFree()) throw new CryptoError(`not in the prime-order subgroup of ${name}`, field);
      if (!equalBytes(toBytes(p), bytes)) throw new CryptoError(`non-canonical ${name} encoding`, field);
      return p;
    },
    encode(p: P): Uint8Array {
      if (p.is0()) throw new CryptoError('cannot encode the identity element', 'point');
      return toBytes(p);
    },
    add: (a: P, b: P) => a.add(b),
    multiply(p: P, k: bigint): P {
      const s = modq(k, q);
      return s === 0n ? Point.ZERO : p.multiply(s);
    },
    multiplyVartime: (p: P, k: bigint) => p.multiplyUnsafe(modq(k, q)),
    isIdentity: (p: P) => p.is0(),
    equals: (a: P, b: P) => a.equals(b),
  });
}

/** secp256k1 with SEC1 compressed encoding (33 bytes). */
export const secp256k1Group: PrimeOrderGroup = bindNoble(
  'secp256k1',
  secp256k1.Point,
  33,
  (p) => p.toBytes(true),
);

/** ed25519's prime-order subgroup with RFC 8032 encoding (32 bytes). */
export const ed25519Group: PrimeOrderGroup = bindNoble(
  'ed25519',
  ed25519.Point,
  32,
  (p) => p.toBytes(),
);

const GROUPS: Readonly<Record<string, PrimeOrderGroup>> = Object.freeze({
  secp256k1: secp256k1Group,
  ed25519: ed25519Group,
});

/**
 * The group registered under `name` (`"secp256k1"` or `"ed25519"`).
 * @throws {FieldRangeError} for an unknown name.
 */
export function groupByName(name: string): PrimeOrderGroup {
  const g = typeof name === 'string' && Object.hasOwn(GROUPS, name) ? GROUPS[name] : undefined;
  if (!g) throw new FieldRangeError('group', `unknown group ${JSON.stringify(name)}`);
  return g;
}
