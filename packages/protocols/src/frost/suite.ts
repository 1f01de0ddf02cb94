/**
 * FROST ciphersuites, bound over @noble/curves' RFC 9591 implementation: FROST(secp256k1,
 * SHA-256), FROST for BIP340/Taproot, and FROST(Ed25519, SHA-512).
 *
 * Signing uses noble's suite objects unchanged (`secp256k1_FROST`, `schnorr_FROST`,
 * `ed25519_FROST`), so signatures are RFC 9591 / BIP340 / RFC 8032 compatible. Key generation
 * uses a per-session instance built with noble's `createFROST` from the same parameters,
 * differing only in the DKG hash prefix, which carries the session id: the proof of knowledge
 * of a DKG participant is then bound to its session and cannot be replayed into another one.
 * For Taproot, key generation uses the plain secp256k1 parameters and then applies the BIP341
 * key tweak with an empty script tree ({@link applyTaprootTweak}), which is what noble's
 * `schnorr_FROST` DKG does internally but does not export.
 *
 * Also here: strict element/scalar parsing, public-key and signature formats per suite, and
 * the commitment-polynomial evaluation that noble keeps private.
 * @module
 */
import { createFROST, type FROST, type FrostPublic, type FrostSecret, type Key } from '@noble/curves/abstract/frost.js';
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { schnorr, schnorr_FROST, secp256k1, secp256k1_FROST, secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { CryptoError, FieldRangeError, FieldTypeError } from '@tessera/crypto/errors';
import { bytesToBigInt } from '@tessera/crypto/bytes';
import type { PartyIndex, SessionId } from '../engine/ids.ts';

/** Suite names as used on the CLI and in every wire object. */
export type SuiteName = 'secp256k1' | 'taproot' | 'ed25519';
/** All suite names. */
export const SUITE_NAMES: readonly SuiteName[] = ['secp256k1', 'taproot', 'ed25519'];

/** A group element as noble's point classes expose it (the subset used here). */
export interface GroupPoint {
  add(o: GroupPoint): GroupPoint;
  subtract(o: GroupPoint): GroupPoint;
  negate(): GroupPoint;
  multiply(k: bigint): GroupPoint;
  multiplyUnsafe(k: bigint): GroupPoint;
  equals(o: GroupPoint): boolean;
  is0(): boolean;
  toBytes(compressed?: boolean): Uint8Array;
  assertValidity(): void;
  isTorsionFree(): boolean;
  toAffine(): { x: bigint; y: bigint };
}

/** Scalar field operations (noble's `IField<bigint>`, the subset used here). */
export interface ScalarField {
  readonly ORDER: bigint;
  readonly BYTES: number;
  create(n: bigint): bigint;
  add(a: bigint, b: bigint): bigint;
  sub(a: bigint, b: bigint): bigint;
  mul(a: bigint, b: bigint): bigint;
  div(a: bigint, b: bigint): bigint;
  neg(a: bigint): bigint;
  is0(a: bigint): boolean;
  toBytes(a: bigint): Uint8Array;
  fromBytes(b: Uint8Array): bigint;
}

interface PointClass {
  readonly BASE: GroupPoint;
  readonly ZERO: GroupPoint;
  fromBytes(b: Uint8Array): GroupPoint;
}

/** One FROST ciphersuite. */
export interface FrostSuite {
  readonly name: SuiteName;
  /** RFC 9591 context string of the signing suite. */
  readonly contextString: string;
  /** noble's signing suite (unchanged). */
  readonly frost: FROST;
  readonly Point: PointClass;
  readonly Fn: ScalarField;
  /** Bytes of a serialized element (33 for secp256k1, 32 for Ed25519). */
  readonly elementLength: number;
  /** Bytes of a serialized scalar (32). */
  readonly scalarLength: number;
  /** Bytes of a DKG proof of knowledge (element ‖ scalar). */
  readonly proofLength: number;
  /** Bytes of a final signature (65, 64, 64). */
  readonly signatureLength: number;
  /** noble's FROST for key generation in `session` (DKG hash prefix bound to the session). */
  dkg(session?: SessionId): FROST;
  /** noble's serialized identifier of a party. */
  identifier(p: PartyIndex): string;
  /**
   * Parses an element, rejecting bad encodings, points off the curve or outside the prime-order
   * subgroup, and the identity. @throws {CryptoError} naming `field`.
   */
  parseElement(bytes: Uint8Array, field: string): GroupPoint;
  /** Parses a canonical scalar (< group order; non-zero unless `allowZero`). @throws {CryptoError} */
  parseScalar(bytes: Uint8Array, field: string, allowZero?: boolean): bigint;
  /** The published public key for a group key element (x-only for Taproot). */
  publicKeyBytes(groupKey: Uint8Array): Uint8Array;
  /** Verifies a final signature as an ordinary single-key signature (BIP340 for Taproot, RFC 8032 for Ed25519). */
  verify(signature: Uint8Array, message: Uint8Array, groupKey: Uint8Array): boolean;
  /** Applies key-generation post-processing (the Taproot tweak) to a fresh key. */
  finishKey(key: Key): Key;
}

function makeParsers(Point: PointClass, Fn: ScalarField, elementLength: number) {
  return {
    parseElement(bytes: Uint8Array, field: string): GroupPoint {
      if (!(bytes instanceof Uint8Array)) throw new FieldTypeError(field, 'expected bytes');
      if (bytes.length !== elementLength) throw new FieldRangeError(field, `expected ${elementLength} bytes, got ${bytes.length}`);
      let p: GroupPoint;
      try {
        p = Point.fromBytes(bytes);
        p.assertValidity();
      } catch {
        throw new CryptoError('not a valid curve point', field);
      }
      if (p.is0()) throw new CryptoError('identity element not allowed', field);
      if (!p.isTorsionFree()) throw new CryptoError('point outside the prime-order subgroup', field);
      return p;
    },
    parseScalar(bytes: Uint8Array, field: string, allowZero = false): bigint {
      if (!(bytes instanceof Uint8Array)) throw new FieldTypeError(field, 'expected bytes');
      if (bytes.length !== Fn.BYTES) throw new FieldRangeError(field, `expected ${Fn.BYTES} bytes, got ${bytes.length}`);
      let s: bigint;
      try {
        s = Fn.fromBytes(bytes);
      } catch {
        throw new CryptoError('scalar not below the group order', field);
      }
      if (!allowZero && Fn.is0(s)) throw new CryptoError('zero scalar not allowed', field);
      return s;
    },
  };
}

const secpPoint = secp256k1.Point as unknown as PointClass & { Fn: ScalarField };
const edPoint = ed25519.Point as unknown as PointClass & { Fn: ScalarField };

/** Small cache of per-session DKG instances (building one is cheap but not free). */
function dkgCache(build: (prefix: string | undefined) => FROST, base: FROST, name: string): (session?: SessionId) => FROST {
  const cache = new Map<string, FROST>();
  return (session) => {
    if (session === undefined) return base;
    let f = cache.get(session);
    if (!f) {
      f = build(`${name}dkg/tessera/${session}`);
      if (cache.size >= 32) cache.delete(cache.keys().next().value!);
      cache.set(session, f);
    }
    return f;
  };
}

function hasEvenY(p: GroupPoint): boolean {
  return (p.toAffine().y & 1n) === 0n;
}

/**
 * BIP341 key tweak with an empty script tree applied to a FROST key package: the group key P
 * is first made even-y (negating every commitment, verifying share and the share when needed),
 * then t = int(hash_TapTweak(x(P))) is added to the constant term: Q = P + t·G, each
 * verifying share Yⱼ + t·G and the signing share xᵢ + t.
 * @throws {CryptoError} if the tweak overflows the group order (probability ≈ 2^-128).
 */
export function applyTaprootTweak(key: Key): Key {
  const Fn = secpPoint.Fn;
  const P0 = secpPoint.fromBytes(key.public.commitments[0]!);
  const flip = !hasEvenY(P0);
  const adj = (b: Uint8Array): GroupPoint => (flip ? secpPoint.fromBytes(b).negate() : secpPoint.fromBytes(b));
  const P = adj(key.public.commitments[0]!);
  const t = bytesToBigInt(schnorr.utils.taggedHash('TapTweak', P.toBytes(true).subarray(1)));
  if (t >= Fn.ORDER) throw new CryptoError('TapTweak hash overflows the group order');
  const tG = t === 0n ? secpPoint.ZERO : secpPoint.BASE.multiply(t);
  const commitments = key.public.commitments.map((c, k) => (k === 0 ? adj(c).add(tG) : adj(c)).toBytes(true));
  const verifyingShares: Record<string, Uint8Array> = {};
  for (const [id, v] of Object.entries(key.public.verifyingShares)) verifyingShares[id] = adj(v).add(tG).toBytes(true);
  let x = Fn.fromBytes(key.secret.signingShare);
  if (flip) x = Fn.neg(x);
  const secret = { identifier: key.secret.identifier, signingShare: Fn.toBytes(Fn.add(x, t)) } as FrostSecret;
  const pub = { signers: { ...key.public.signers }, commitments, verifyingShares } as FrostPublic;
  return { public: pub, secret };
}

function buildSecp(): FrostSuite {
  const Fn = secpPoint.Fn;
  const name = 'FROST-secp256k1-SHA256-v1';
  const build = (HDKG?: string) =>
    createFROST({ name, Point: secp256k1.Point, hashToScalar: secp256k1_hasher.hashToScalar, hash: sha256, ...(HDKG ? { HDKG } : {}) }) as FROST;
  return {
    name: 'secp256k1',
    contextString: name,
    frost: secp256k1_FROST as FROST,
    Point: secpPoint,
    Fn,
    elementLength: 33,
    scalarLength: 32,
    proofLength: 65,
    signatureLength: 65,
    dkg: dkgCache(build, secp256k1_FROST as FROST, name),
    identifier: (p) => secp256k1_FROST.Identifier.fromNumber(p),
    ...makeParsers(secpPoint, Fn, 33),
    publicKeyBytes: (k) => k.slice(),
    verify: (sig, msg, pk) => {
      try {
        return secp256k1_FROST.verify(sig, msg, pk);
      } catch {
        return false;
      }
    },
    finishKey: (k) => k,
  };
}

function buildTaproot(): FrostSuite {
  const Fn = secpPoint.Fn;
  const name = 'FROST-secp256k1-SHA256-TR-v1';
  const build = (HDKG?: string) =>
    createFROST({ name, Point: secp256k1.Point, hashToScalar: secp256k1_hasher.hashToScalar, hash: sha256, HDKG: HDKG ?? `${name}dkg` }) as FROST;
  const plain = build();
  return {
    name: 'taproot',
    contextString: name,
    frost: schnorr_FROST as FROST,
    Point: secpPoint,
    Fn,
    elementLength: 33,
    scalarLength: 32,
    proofLength: 65,
    signatureLength: 64,
    dkg: dkgCache(build, plain, name),
    identifier: (p) => schnorr_FROST.Identifier.fromNumber(p),
    ...makeParsers(secpPoint, Fn, 33),
    publicKeyBytes: (k) => k.slice(1, 33),
    verify: (sig, msg, pk) => {
      try {
        return schnorr.verify(sig, msg, pk.length === 33 ? pk.subarray(1) : pk);
      } catch {
        return false;
      }
    },
    finishKey: applyTaprootTweak,
  };
}

function buildEd25519(): FrostSuite {
  const Fn = edPoint.Fn;
  const name = 'FROST-ED25519-SHA512-v1';
  const build = (HDKG?: string) =>
    createFROST({
      name,
      Point: ed25519.Point,
      validatePoint: (p) => {
        p.assertValidity();
        if (!p.isTorsionFree()) throw new Error('bad point: not torsion-free');
      },
      hash: sha512,
      H2: '',
      ...(HDKG ? { HDKG } : {}),
    }) as FROST;
  return {
    name: 'ed25519',
    contextString: name,
    frost: ed25519_FROST as FROST,
    Point: edPoint,
    Fn,
    elementLength: 32,
    scalarLength: 32,
    proofLength: 64,
    signatureLength: 64,
    dkg: dkgCache(build, ed25519_FROST as FROST, name),
    identifier: (p) => ed25519_FROST.Identifier.fromNumber(p),
    ...makeParsers(edPoint, Fn, 32),
    publicKeyBytes: (k) => k.slice(),
    verify: (sig, msg, pk) => {
      try {
        return ed25519.verify(sig, msg, pk, { zip215: false });
      } catch {
        return false;
      }
    },
    finishKey: (k) => k,
  };
}

const SUITES: Record<SuiteName, FrostSuite> = { secp256k1: buildSecp(), taproot: buildTaproot(), ed25519: buildEd25519() };

/**
 * The suite called `name`.
 * @throws {FieldRangeError} for an unknown suite.
 */
export function getSuite(name: unknown): FrostSuite {
  if (typeof name !== 'string' || !(SUITE_NAMES as readonly string[]).includes(name))
    throw new FieldRangeError('suite', `expected one of ${SUITE_NAMES.join(', ')}`);
  return SUITES[name as SuiteName];
}
